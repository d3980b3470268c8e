"""Issue 12, point 3 (DOMAIN.md §3): the screens' "latest year" is the latest year with
approved records; a proposal for a later year is listed, marked "Proposed"."""

from decimal import Decimal

import pytest

from compensation.models import OfficerYear, Person
from tests.factories import OfficerYearFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposal_2007(demo_data):
    return OfficerYearFactory(
        person=Person.objects.get(name="James R. Akridge"),
        fiscal_year=2007,
        title="Chief Executive Officer and President",
        base_salary=Decimal("260000"),
        bonus=Decimal("50000"),
    )


def test_the_roster_opens_on_the_latest_approved_year(client_for, proposal_2007):
    response = client_for("committee").get("/compensation/officers/")
    assert response.context["year"] == 2006 and response.context["bonus_year"] == 2004
    # The proposal's year can still be chosen.
    assert 2007 in response.context["years"]


def test_the_roster_lists_a_proposal_marked_proposed(client_for, proposal_2007):
    response = client_for("committee").get("/compensation/officers/?year=2007&bonus_year=2007")
    [row] = response.context["table"].rows
    assert row.get_cell("status").endswith(">Proposed</span>")
    assert "Proposed: $50,000.00" in row.get_cell("year_bonus")


def test_the_roster_marks_a_proposed_bonus_of_another_year(client_for, proposal_2007):
    response = client_for("committee").get("/compensation/officers/?year=2006&bonus_year=2007")
    rows = {row.record.person.name: row for row in response.context["table"].rows}
    akridge = rows["James R. Akridge"]
    assert akridge.get_cell("status").endswith(">Approved</span>")  # the 2006 salary
    assert akridge.get_cell("year_bonus") == "Proposed: $50,000.00"


def test_the_roster_without_any_approved_year_opens_on_the_proposals(client_for, db):
    OfficerYearFactory(fiscal_year=2006)
    response = client_for("committee").get("/compensation/officers/")
    assert response.context["year"] == 2006


def test_the_officer_review_opens_on_the_latest_approved_year(client_for, proposal_2007):
    response = client_for("committee").get("/compensation/review/")
    assert response.context["year"] == 2006
    html = response.content.decode()
    # The salary history lists the 2007 proposal, marked.
    assert "2007: Proposed $260,000.00" in html and "2006: $250,000.00" in html


def test_the_officer_review_marks_a_proposed_bonus(client_for, demo_data):
    # Dean Bogues's 2004 bonus goes back to the committee; Akridge's stays approved, so
    # 2004 is still the bonus year shown.
    bogues = OfficerYear.objects.get(person__name="Dean Bogues", fiscal_year=2004)
    bogues.return_bonus_to_proposed(by=UserFactory(), reason="Amount under review")
    response = client_for("committee").get("/compensation/review/")
    assert response.context["bonus_year"] == 2004
    html = response.content.decode()
    assert "Proposed: $120,000.00" in html and "$95,625.00" in html
