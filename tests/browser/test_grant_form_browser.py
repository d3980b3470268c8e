"""The new-grant form in a browser (issue 17): "More rows" adds rows in the page keeping
what is typed, half-filled rows too, and the schedule start follows the grant date."""

import pytest

from core import roles
from grants.models import OptionGrant
from tests.factories import PersonFactory, StockPlanFactory, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_more_rows_keeps_typed_rows_and_the_saved_grant_has_them(sign_in_browser, live_server):
    UserFactory(username="admin", role=roles.ADMINS)
    plan = StockPlanFactory(name="2000 Stock Plan")
    PersonFactory(name="Typed Person")
    page = sign_in_browser("admin")
    page.goto(f"{live_server.url}/grants/new/")
    total = page.locator("[name=installments-TOTAL_FORMS]")
    assert total.input_value() == "6"
    page.get_by_label("Vest date 1", exact=True).fill("2006-07-13")
    page.get_by_label("Shares 1", exact=True).fill("600")
    page.get_by_label("Vest date 2", exact=True).fill("2007-07-13")  # half-filled: no shares yet
    page.get_by_role("button", name="More rows").click()
    # Added in the page, nothing posted: the typed values are where they were.
    assert total.input_value() == "11"
    assert page.locator("#installment-rows tbody tr").count() == 11
    assert page.get_by_label("Vest date 1", exact=True).input_value() == "2006-07-13"
    assert page.get_by_label("Vest date 2", exact=True).input_value() == "2007-07-13"
    assert page.get_by_label("Vest date 7", exact=True).evaluate(
        "e => e === document.activeElement"
    )
    page.get_by_label("Shares 2", exact=True).fill("400")
    page.get_by_label("Vest date 11", exact=True).fill("2008-07-13")
    page.get_by_label("Shares 11", exact=True).fill("1000")

    # The schedule start follows the grant date until the user picks another start.
    start = page.get_by_label("Schedule start")
    page.locator("[name=grant_date]").fill("2006-01-13")
    assert start.input_value() == "2006-01-13"
    page.locator("[name=grant_date]").fill("2006-01-14")
    assert start.input_value() == "2006-01-14"
    start.fill("2006-02-01")
    page.locator("[name=grant_date]").fill("2006-01-13")
    assert start.input_value() == "2006-02-01"

    page.locator("[name=plan]").select_option(label=str(plan))
    page.locator("[name=optionee]").fill("Typed Person")
    page.locator("[name=shares]").fill("2000")
    page.locator("[name=exercise_price]").fill("2.99")
    page.locator("[name=expiration_date]").fill("2016-01-13")
    page.get_by_role("button", name="Save grant").click()
    page.wait_for_url("**/grants/*/")
    grant = OptionGrant.objects.get()
    assert [shares for _, shares in grant.installment_rows()] == [600, 400, 1000]
