"""Corrections without deleting, in a browser (issue 17): an admin with the demo data
records an exercise on the seed grant, reverses it with a reason, and sees the exercised
figure back where it was and the reversal shown on the grant page."""

import re

import pytest

from core import roles
from grants.models import OptionGrant
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_an_admin_records_an_exercise_then_reverses_it_with_a_reason(
    demo_data, sign_in_browser, live_server
):
    grant = OptionGrant.objects.get()
    UserFactory(username="admin-user", role=roles.ADMINS, is_staff=True)
    page = sign_in_browser("admin-user")
    url = f"{live_server.url}/grants/{grant.pk}/?as_of=2007-03-01"
    page.goto(url)
    exercised_before = page.locator("[data-figure=exercised]").inner_text()
    exercisable_before = page.locator("[data-figure=exercisable]").inner_text()

    page.get_by_role("link", name="Record an exercise").click()
    page.get_by_label("Exercise date").fill("2007-03-01")
    page.get_by_label("Shares").fill("10000")
    page.get_by_role("button", name="Record exercise").click()
    page.wait_for_url(re.compile(r"/grants/\d+/\?as_of=2007-03-01"))
    exercised_after = page.locator("[data-figure=exercised]").inner_text()
    assert exercised_after != exercised_before

    page.locator("#exercises").get_by_role("link", name="Reverse").last.click()
    page.get_by_role("button", name="Reverse the exercise").click()
    assert "Say why" in page.inner_text("main")  # no reason: refused, nothing saved
    page.get_by_label("Reason").fill("Entered on the wrong grant")
    page.get_by_role("button", name="Reverse the exercise").click()
    page.wait_for_url(re.compile(r"/grants/\d+/\?as_of=2007-03-01"))

    assert "Reversed exercise no." in page.inner_text("main")
    assert page.locator("[data-figure=exercised]").inner_text() == exercised_before
    assert page.locator("[data-figure=exercisable]").inner_text() == exercisable_before
    reversal = page.locator("#exercises tr.reversal").last.inner_text()
    assert "by admin-user: Entered on the wrong grant" in reversal
    assert page.locator("#exercises tr[data-reversed=yes] s").first.is_visible()
