import re

import pytest
from playwright.sync_api import expect

from core import roles
from grants import demo
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
    return make_grant(
        demo.INSTALLMENTS,
        optionee=PersonFactory(name=demo.OPTIONEE),
        grant_date=demo.GRANT_DATE,
        expiration_date=demo.EXPIRATION,
    )


def test_an_admin_is_refused_below_the_minimum_then_records_a_valid_exercise(
    seed_grant, sign_in_browser, live_server
):
    UserFactory(username="admin-user", role=roles.ADMINS, is_staff=True)
    page = sign_in_browser("admin-user")
    page.goto(f"{live_server.url}/grants/{seed_grant.pk}/?as_of=2007-03-01")
    assert page.locator("[data-figure=exercisable]").inner_text() == "437,500"
    page.get_by_role("link", name="Record an exercise").click()

    page.get_by_label("Exercise date").fill("2007-03-01")
    page.get_by_label("Exercise date").dispatch_event("change")
    # A locator assertion: the page's CSP rightly forbids evaluating strings as script.
    expect(page.locator("#exercisable-shares")).to_have_text("437,500")
    page.get_by_label("Shares").fill("999")
    assert page.locator("#aggregate-price").inner_text() == "$2,987.01"
    page.get_by_role("button", name="Record exercise").click()
    assert "Below the minimum" in page.locator("#exercise-form").inner_text()

    page.get_by_label("Shares").fill("10000")
    assert page.locator("#aggregate-price").inner_text() == "$29,900.00"
    page.get_by_role("button", name="Record exercise").click()
    page.wait_for_url(re.compile(r"/grants/\d+/\?as_of=2007-03-01"))
    assert "Recorded the exercise of 10,000 shares" in page.inner_text("main")
    assert page.locator("[data-figure=exercisable]").inner_text() == "427,500"


def test_a_committee_member_types_a_share_price_and_sees_the_value_change(
    seed_grant, sign_in_browser, live_server
):
    OfficerYearFactory(
        person=seed_grant.optionee,
        fiscal_year=2006,
        title="Chief Executive Officer and President",
        base_salary=250_000,
    )
    UserFactory(username="member", role=roles.COMMITTEE)
    page = sign_in_browser("member")
    page.get_by_role("link", name="Officer review").first.click()
    page.get_by_label("Options as of").fill("2006-12-31")
    page.get_by_label("Share price ($)").fill("2.99")
    page.get_by_role("button", name="Show").click()
    cell = page.locator(f"[data-itm-person='{demo.OPTIONEE}']")
    assert cell.inner_text() == "$0.00"
    page.get_by_label("Share price ($)").fill("5.00")
    page.get_by_role("button", name="Show").click()
    assert cell.inner_text() == "$1,243,687.50"


def test_typing_part_of_a_name_suggests_the_people_on_record(
    seed_grant, sign_in_browser, live_server
):
    PersonFactory(name="Akira Tanaka")
    PersonFactory(name="Someone Else")
    UserFactory(username="admin-user", role=roles.ADMINS, is_staff=True)
    page = sign_in_browser("admin-user")
    page.goto(f"{live_server.url}/grants/new/")
    page.get_by_label("Optionee").press_sequentially("ak")
    options = page.locator("#optionee-suggestions option")
    expect(options).to_have_count(2)
    assert sorted(options.nth(n).get_attribute("value") for n in range(2)) == [
        "Akira Tanaka",
        "James R. Akridge",
    ]
