"""Grant-date fair value in a browser, as each role does it (issue 16): an admin enters a
fiscal year's valuation defaults, the committee approves them, the admin values the
year's grants, and an auditor reads the value in the Summary Compensation Table.

The seed grant: 1,000,000 options at $2.99 granted 2005-07-13, closing price $2.99 that
day; defaults 75% volatility, 4% risk-free rate, no dividend, simplified term
(1.99759 + 9.99863) / 2 = 5.99811 years: 2.0435 per option, $2,043,500."""

import re
from decimal import Decimal

import pytest

from core import roles
from grants import demo
from grants.models import StockPrice
from tests.factories import (
    OfficerYearFactory,
    PersonFactory,
    RegistrationPeriodFactory,
    UserFactory,
    make_grant,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def seed_grant():
    RegistrationPeriodFactory(start_date=demo.GRANT_DATE)
    akridge = PersonFactory(name=demo.OPTIONEE)
    OfficerYearFactory(
        person=akridge,
        fiscal_year=2006,
        title="President and Chief Executive Officer",
        base_salary=Decimal("300000"),
        is_peo=True,
        approved=True,
    )
    StockPrice.objects.create(date=demo.GRANT_DATE, price=Decimal("2.99"))
    return make_grant(
        demo.INSTALLMENTS,
        optionee=akridge,
        grant_date=demo.GRANT_DATE,
        expiration_date=demo.EXPIRATION,
    )


def test_defaults_entered_approved_and_used_to_value_the_seed_grant(
    seed_grant, sign_in_browser, live_server, page
):
    UserFactory(username="admin-user", role=roles.ADMINS, is_staff=True)
    UserFactory(username="chair", role=roles.COMMITTEE)
    UserFactory(username="reader", role=roles.AUDITORS)

    # The compensation admin enters fiscal 2005's defaults; a bad rate is refused first.
    sign_in_browser("admin-user")
    page.goto(f"{live_server.url}/grants/valuation/new/")
    page.get_by_label("Fiscal year").fill("2005")
    page.get_by_label("Expected volatility").fill("75%")
    page.get_by_label("Risk-free rate").fill("four percent")
    page.get_by_label("Dividend yield").fill("0")
    page.get_by_role("button", name="Save").click()
    assert "Risk-free rate" in page.inner_text("main")
    assert "/grants/valuation/new/" in page.url
    page.get_by_label("Risk-free rate").fill("0.04")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/grants/valuation/\d+/$"))
    detail = page.url
    assert "Proposed" in page.inner_text("main") or "proposed" in page.inner_text("main")

    # The committee member approves them at a named meeting.
    page.context.clear_cookies()
    sign_in_browser("chair")
    page.goto(detail)
    page.get_by_label("Meeting").fill("Compensation Committee, 2005-07-12")
    page.get_by_role("button", name="Approve").click()
    page.wait_for_load_state()
    assert "Compensation Committee, 2005-07-12" in page.inner_text("main")

    # The admin values the year's grants: the seed grant gets its value.
    page.context.clear_cookies()
    sign_in_browser("admin-user")
    page.goto(detail)
    page.get_by_role("button", name=re.compile("Value the 1 grant of fiscal 2005")).click()
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/grants/{seed_grant.pk}/")
    card = page.inner_text("main")
    assert "$2.0435" in card and "$2,043,500.00" in card
    assert "5.99811" in card and "75.00%" in card and "4.00%" in card

    # The auditor reads it in the Summary Compensation Table for fiscal 2006: Akridge's
    # 2005 row (a grant and no yearly record) carries the option award.
    page.context.clear_cookies()
    sign_in_browser("reader")
    page.goto(f"{live_server.url}/reports/summary-compensation/?year=2006")
    rows = page.locator("table tbody tr")
    row_2005 = rows.filter(has_text="2005").first.inner_text()
    assert "2,043,500" in row_2005
