"""A refused or missing page keeps the app's navigation (issue 17)."""

import pytest


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["auditor", "committee"])
def test_a_refused_page_has_the_navigation(client_for, role, settings):
    settings.DEBUG = False
    response = client_for(role).get("/grants/new/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "You are not allowed to do that" in page
    assert 'aria-label="Main"' in page
    assert "Back to the dashboard" in page


@pytest.mark.django_db
def test_a_missing_record_has_the_navigation(client_for, settings):
    settings.DEBUG = False
    response = client_for("auditor").get("/grants/987654321/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Not found" in page
    assert 'aria-label="Main"' in page
