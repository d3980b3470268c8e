"""Issue 12, point 3 (DOMAIN.md §3): approved records are the effective ones; a proposal
shows only marked "Proposed", and "the latest year" by default is the latest approved one."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from compensation.models import OfficerYear, Person
from reports.forms import latest_salary_year
from tests.factories import OfficerYearFactory
from tests.reports.test_reports import csv_rows, pdf_text, xlsx_rows

pytestmark = pytest.mark.django_db

PROPOSED_NOTE = "awaits the Compensation Committee's approval"


@pytest.fixture
def auditor_client(client_for):
    return client_for("auditor")


@pytest.fixture
def proposal_2007(demo_data):
    """The demo's approved 2006 roster, plus a 2007 raise and bonus not yet approved."""
    return OfficerYearFactory(
        person=Person.objects.get(name="James R. Akridge"),
        fiscal_year=2007,
        title="Chief Executive Officer and President",
        base_salary=Decimal("260000"),
        bonus=Decimal("50000"),
    )


def test_the_demo_roster_is_approved_and_the_2007_record_a_proposal(proposal_2007):
    assert set(OfficerYear.objects.filter(fiscal_year__in=(2004, 2006)).values_list("status")) == {
        ("approved",)
    }
    assert proposal_2007.status == OfficerYear.Status.PROPOSED


def test_report_defaults_stay_on_the_latest_approved_year(auditor_client, proposal_2007):
    assert latest_salary_year() == 2006
    page = auditor_client.get("/reports/officer-compensation/")
    assert page.context["report"].params == {"year": 2006, "bonus_year": 2004}
    page = auditor_client.get("/reports/summary-compensation/")
    assert page.context["report"].params == {"year": 2006}
    page = auditor_client.get("/reports/outstanding-equity-awards/")
    assert page.context["report"].params["as_of"] == date(2006, 12, 31)
    assert "Proposed" not in page.content.decode()


def test_the_default_bonus_year_counts_approved_bonuses_only(proposal_2007):
    # A bonus proposed for 2005 is not awarded yet: the 2006 exhibit still reports 2004's.
    OfficerYearFactory(
        person=Person.objects.get(name="Dean Bogues"), fiscal_year=2005, bonus=Decimal("1000")
    )
    assert OfficerYear.objects.default_bonus_year(2006) == 2004
    assert OfficerYear.objects.default_bonus_year(2007) == 2004


def test_the_exhibit_marks_a_proposal_and_never_shows_it_as_a_figure(auditor_client, proposal_2007):
    url = "/reports/officer-compensation/?year=2007&bonus_year=2007"
    rows = csv_rows(auditor_client, url)
    assert rows[1] == [
        "James R. Akridge",
        "Chief Executive Officer and President",
        "Proposed: $260,000.00",
        "Proposed: $50,000.00",
    ]
    assert any(PROPOSED_NOTE in r[0] for r in rows if r)
    sheet = xlsx_rows(auditor_client, url)
    akridge = next(r for r in sheet if r and r[0] == "James R. Akridge")
    # Text, so a spreadsheet's sum leaves it out.
    assert akridge[2:4] == ("Proposed: $260,000.00", "Proposed: $50,000.00")
    text = pdf_text(auditor_client, url)
    assert "Proposed: $260,000.00" in text and PROPOSED_NOTE in text
    page = auditor_client.get(url)
    assert [text for _, text in page.context["cells"][0]][2:] == [
        "Proposed: $260,000.00",
        "Proposed: $50,000.00",
    ]


def test_the_bonus_of_another_year_carries_that_records_status(auditor_client, proposal_2007):
    rows = csv_rows(auditor_client, "/reports/officer-compensation/?year=2006&bonus_year=2007")
    by_name = {r[0]: r for r in rows[1:6]}
    assert by_name["James R. Akridge (1)"][2:] == ["250000", "Proposed: $50,000.00"]
    assert by_name["Dean Bogues (1)"][2:] == ["200000", "not recorded"]
    assert any(PROPOSED_NOTE in r[0] for r in rows if r)
    # "n/a" has nothing to approve (the bonus is approved on its own, issue 17).
    proposal_2007.bonus = None
    proposal_2007.save()
    rows = csv_rows(auditor_client, "/reports/officer-compensation/?year=2006&bonus_year=2007")
    assert rows[1][3] == "n/a"


def test_the_approved_exhibit_has_no_proposed_note(auditor_client, proposal_2007):
    rows = csv_rows(auditor_client, "/reports/officer-compensation/")
    assert not any("Proposed" in cell for r in rows for cell in r)


def test_the_summary_table_totals_a_proposal_as_not_approved(auditor_client, proposal_2007):
    rows = csv_rows(auditor_client, "/reports/summary-compensation/?year=2007")
    akridge = [r for r in rows if len(r) > 1 and r[0].startswith("James R. Akridge")]
    # 2005: the year of his option grant, with no yearly record (DOMAIN.md §6).
    assert [r[1:] for r in akridge] == [
        [
            "2007",
            "Proposed: $260,000.00",
            "Proposed: $50,000.00",
            "",
            "Proposed: n/a",
            "not approved",
        ],
        ["2006", "250000", "n/a", "", "n/a", "250000"],
        ["2005", "not recorded", "not recorded", "not valued", "not recorded", "not recorded"],
    ]
    assert any(PROPOSED_NOTE in r[0] for r in rows if r)
    sheet = xlsx_rows(auditor_client, "/reports/summary-compensation/?year=2007")
    row_2007 = next(r for r in sheet if len(r) > 1 and r[1] == 2007)
    assert row_2007[2:4] == ("Proposed: $260,000.00", "Proposed: $50,000.00")
    assert row_2007[6] == "not approved"
    assert "not approved" in pdf_text(auditor_client, "/reports/summary-compensation/?year=2007")
    # The approved year's table says nothing of proposals.
    rows = csv_rows(auditor_client, "/reports/summary-compensation/")
    assert not any("Proposed" in cell or "not approved" in cell for r in rows for cell in r)


def test_once_approved_the_proposal_is_the_effective_figure_and_the_default(
    auditor_client, proposal_2007
):
    committee = get_user_model().objects.create(username="chair")
    proposal_2007.approve(by=committee, meeting="Compensation Committee, 2007-02-15")
    # The bonus is approved on its own: until then the year is not totalled.
    rows = csv_rows(auditor_client, "/reports/summary-compensation/")
    assert rows[1][1:] == ["2007", "260000", "Proposed: $50,000.00", "", "n/a", "not approved"]
    proposal_2007.approve_bonus(by=committee, meeting="Compensation Committee, 2007-02-15")
    assert latest_salary_year() == 2007
    rows = csv_rows(auditor_client, "/reports/summary-compensation/")
    assert rows[1][1:] == ["2007", "260000", "50000", "", "n/a", "310000"]
    rows = csv_rows(auditor_client, "/reports/officer-compensation/")
    assert rows[1][2:] == ["260000", "50000"]
    assert not any(PROPOSED_NOTE in r[0] for r in rows if r)
