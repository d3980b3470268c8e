"""Issue 17 in a browser: a compensation admin adds an officer and proposes James R.
Akridge's 2007 salary from the roster, seeing last year's salary and the change as typed."""

import pytest

from core import roles
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_an_admin_adds_an_officer_and_proposes_next_years_salary(
    demo_data, sign_in_browser, live_server
):
    UserFactory(username="clerk", role=roles.ADMINS)
    page = sign_in_browser("clerk")
    page.get_by_role("link", name="Officers").first.click()
    page.wait_for_url("**/compensation/officers/")

    page.get_by_role("link", name="Add officer").click()
    page.get_by_label("Name").fill("Jane Q. Example")
    page.get_by_label("Title").fill("Vice President, Operations")
    page.get_by_label("Base salary ($)").fill("150,000")
    page.get_by_role("button", name="Save proposal").click()
    page.wait_for_url("**/compensation/officers/?year=2006")
    added = page.get_by_role("row").filter(has_text="Jane Q. Example")
    assert "Vice President, Operations" in added.inner_text()
    assert "$150,000" in added.inner_text() and "Proposed" in added.inner_text()

    akridge = page.get_by_role("row").filter(has_text="James R. Akridge")
    akridge.get_by_role("link", name="Propose 2007").click()
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Propose 2007 for James R. Akridge"
    )
    assert page.get_by_label("Title").input_value() == "Chief Executive Officer and President"
    assert page.locator("#prior-salary").inner_text() == "$250,000.00"
    assert page.locator("#salary-change").inner_text() == "—"
    page.get_by_label("Base salary ($)").press_sequentially("275,000")
    assert page.locator("#salary-change").inner_text() == "+$25,000.00"
    assert page.locator("#salary-change-pct").inner_text() == "+10.0%"
    page.get_by_label("Base salary ($)").fill("240000")
    assert page.locator("#salary-change").inner_text() == "-$10,000.00"
    assert page.locator("#salary-change-pct").inner_text() == "-4.0%"
    page.get_by_label("Base salary ($)").fill("$275,000")
    assert page.locator("#salary-change-pct").inner_text() == "+10.0%"
    page.get_by_role("button", name="Save proposal").click()

    page.wait_for_url("**/compensation/officers/?year=2007")
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Executive officers' compensation for 2007"
    )
    proposal = page.get_by_role("row").filter(has_text="James R. Akridge")
    text = proposal.inner_text()
    assert "$275,000.00" in text and "+$25,000.00" in text and "+10.0%" in text
    assert proposal.locator(".badge").inner_text() == "Proposed"
