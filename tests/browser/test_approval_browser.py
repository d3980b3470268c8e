"""Approvals in a browser (issue 17): with the demo data plus three proposals, a committee
member selects two on the approvals page, names the meeting, approves them together,
comes back to the queue, returns another with a comment, and the roster shows them."""

import re
from decimal import Decimal

import pytest

from compensation.models import OfficerYear, Person
from core import roles
from tests.factories import OfficerYearFactory, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
MEETING = "Compensation Committee meeting of 2007-02-01"


@pytest.fixture
def proposals(demo_data):
    akridge = Person.objects.get(name="James R. Akridge")
    bogues = Person.objects.get(name="Dean Bogues")
    salary = OfficerYearFactory(
        person=akridge,
        fiscal_year=2007,
        title="Chief Executive Officer and President",
        base_salary=Decimal("275000"),
    )
    returned = OfficerYearFactory(
        person=bogues,
        fiscal_year=2007,
        title="President of the Americas and Europe",
        base_salary=Decimal("230000"),
    )
    # A bonus decided after Mezger's 2006 salary was approved: a proposal of its own.
    mezger = OfficerYear.objects.get(person__name="Thomas F. Mezger", fiscal_year=2006)
    mezger.bonus = Decimal("30000")
    mezger.save()
    return salary, returned, mezger


def test_a_committee_member_approves_two_in_bulk_and_returns_one(
    proposals, sign_in_browser, live_server, page
):
    salary, returned, bonus = proposals
    UserFactory(username="chair", role=roles.COMMITTEE)
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in_browser("chair")
    page.goto(f"{live_server.url}/grants/approvals/")
    # Nothing is clipped at a phone's width: the page itself does not scroll sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.locator(f"#salary-{salary.pk}").check()
    page.locator(f"#bonus-{bonus.pk}").check()
    page.get_by_label("Approve selected at meeting").fill(MEETING)
    page.get_by_role("button", name="Approve selected").click()
    page.wait_for_url(f"{live_server.url}/grants/approvals/")
    assert "Approved 2 at " + MEETING in page.inner_text("main")
    assert page.locator(f"#salary-{salary.pk}").count() == 0
    assert page.locator(f"#bonus-{bonus.pk}").count() == 0

    # Dean Bogues's 2007 salary goes back to the admins with a comment.
    row = page.locator("#salary-proposals tr", has=page.locator(f"#salary-{returned.pk}"))
    row.get_by_text("Return…").click()
    row.get_by_label("Comment for the admins").fill("Use the salary in the signed offer letter.")
    row.get_by_role("button", name="Return with comment").click()
    page.wait_for_url(f"{live_server.url}/grants/approvals/")
    main = page.inner_text("main")
    assert "Returned Dean Bogues's 2007 salary proposal" in main
    assert "Use the salary in the signed offer letter." in main

    # The roster for 2007 with the 2006 bonuses: Akridge approved, Bogues still proposed
    # with the committee's comment; Mezger's 2006 bonus is a figure, not a proposal.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/compensation/officers/?year=2007&bonus_year=2006")
    akridge_row = page.locator("tbody tr", has_text="James R. Akridge").inner_text()
    bogues_row = page.locator("tbody tr", has_text="Dean Bogues").inner_text()
    assert "Approved" in akridge_row and "$275,000" in akridge_row
    assert "Proposed" in bogues_row
    assert "Salary returned: Use the salary in the signed offer letter." in bogues_row
    page.goto(f"{live_server.url}/compensation/officers/?year=2006&bonus_year=2006")
    mezger_row = page.locator("tbody tr", has_text="Thomas F. Mezger").inner_text()
    assert "$30,000" in mezger_row and "Proposed" not in mezger_row
    assert re.search(r"Approved", mezger_row)
