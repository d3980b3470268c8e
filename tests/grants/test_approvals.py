"""Approving grants: only the committee approves, once, and the queue pages oldest first."""

import pytest

from tests.grants.conftest import ADMIN, AUDITOR, COMMITTEE, NO_ROLE, many_grants

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", [ADMIN, AUDITOR, NO_ROLE])
def test_only_the_committee_approves_a_grant(client_for, seed_grant, role):
    assert client_for(role).post(f"/grants/{seed_grant.pk}/approve/").status_code == 403
    seed_grant.refresh_from_db()
    assert seed_grant.approved_at is None


def test_a_committee_member_approves_a_grant_once(client_for, seed_grant):
    client = client_for(COMMITTEE)
    assert client.post(f"/grants/{seed_grant.pk}/approve/").status_code == 302
    seed_grant.refresh_from_db()
    assert seed_grant.approved_by.username == "committee" and seed_grant.approved_at
    first = seed_grant.approved_at
    response = client.post(f"/grants/{seed_grant.pk}/approve/", follow=True)
    assert "already approved" in response.content.decode()
    seed_grant.refresh_from_db()
    assert seed_grant.approved_at == first


def test_approval_never_redirects_off_site(client_for, seed_grant):
    response = client_for(COMMITTEE).post(
        f"/grants/{seed_grant.pk}/approve/", {"next": "https://evil.example.com/"}
    )
    assert response.url == f"/grants/{seed_grant.pk}/"


def test_the_approvals_queue_pages_oldest_first_and_approving_returns_to_the_page(client_for):
    many_grants(60)
    client = client_for(COMMITTEE)
    first = client.get("/grants/approvals/")
    assert len(first.context["grants"]) == 50 and first.context["grants"].paginator.count == 60
    assert "Page 1 of 2" in first.content.decode()
    dates = [g.grant_date for g in first.context["grants"]]
    assert dates == sorted(dates)
    second = client.get("/grants/approvals/?page=2")
    assert len(second.context["grants"]) == 10
    grant = second.context["grants"][0]
    response = client.post(f"/grants/{grant.pk}/approve/", {"next": "/grants/approvals/?page=2"})
    assert response.status_code == 302 and response.url == "/grants/approvals/?page=2"
    grant.refresh_from_db()
    assert grant.approved_at is not None
    assert client.get("/grants/approvals/").context["grants"].paginator.count == 59
