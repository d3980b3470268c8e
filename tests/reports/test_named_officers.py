"""Issue 16 (DOMAIN.md §6): the named executive officers of a fiscal year, with the company
of tests/reports/test_proxy_tables.py. For 2006: Ann Chief (PEO, $410,094), Frank Money (PFO,
$245,000), then of the five other executive officers Olive One ($210,000), Tia Three
($180,000) and Tom Two ("not recorded": an option not valued; ranked at his recorded
$180,000); Uma Four ($180,000) ties and comes after Tom by name; Victor Low ($100,000)
ranks last; Wendy Proposed's $500,000 is a proposal, so she is not an executive officer
for the year."""

from decimal import Decimal

import pytest

from compensation.models import OfficerYear
from reports.neo import OTHER, PEO, PFO, NamedOfficers
from tests.factories import OfficerYearFactory
from tests.reports.test_proxy_tables import company, record, report  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def named(year: int) -> list[tuple[str, str]]:
    return [(officer.name, officer.role) for officer in NamedOfficers(year)]


def test_the_peo_and_pfo_then_the_three_highest_totals_ties_by_name(company):  # noqa: F811
    assert named(2006) == [
        ("Ann Chief", PEO),
        ("Frank Money", PFO),
        ("Olive One", OTHER),
        ("Tia Three", OTHER),
        ("Tom Two", OTHER),  # ranked at $180,000, before Uma Four ($180,000) by name
    ]
    totals = {o.name: (o.total, o.ranking_total) for o in NamedOfficers(2006)}
    assert totals["Ann Chief"] == (Decimal(410_094), Decimal(410_094))
    assert totals["Tom Two"] == ("not recorded", Decimal(180_000))


def test_the_pfo_comes_second_whatever_the_totals(company):  # noqa: F811
    OfficerYear.objects.filter(person__name="Frank Money").update(base_salary=Decimal(1))
    OfficerYear.objects.filter(person__name="Victor Low").update(base_salary=Decimal(900_000))
    # Frank: $1 + $45,000 of stock = $45,001, still second; Victor now tops the others.
    assert [name for name, _ in named(2006)] == [
        "Ann Chief",
        "Frank Money",
        "Victor Low",
        "Olive One",
        "Tia Three",
    ]


def test_a_part_not_recorded_counts_for_nothing_in_the_ranking(company):  # noqa: F811
    # Tia's salary not recorded: her total is "not recorded" and ranks by her bonus.
    OfficerYear.objects.filter(person__name="Tia Three").update(base_salary=None)
    officers = {o.name: o for o in NamedOfficers(2006)}
    # Tia ranks by her $10,000 bonus alone and drops out; Uma ($180,000) comes in.
    assert "Tia Three" not in officers and "Uma Four" in officers


def test_a_proposal_is_not_an_executive_officer_but_a_marked_peo_is_named(company):  # noqa: F811
    assert "Wendy Proposed" not in [name for name, _ in named(2006)]
    OfficerYear.objects.filter(person__name="Wendy Proposed").update(is_peo=True)
    # Two PEOs in the year: both named first, by total (a proposal ranks at $0).
    assert named(2006)[:3] == [
        ("Ann Chief", PEO),
        ("Wendy Proposed", PEO),
        ("Frank Money", PFO),
    ]


def test_a_year_not_yet_approved_uses_the_latest_approved_roster(company):  # noqa: F811
    OfficerYearFactory(
        person=company["ann"], fiscal_year=2007, base_salary=Decimal(320_000), is_peo=True
    )  # a proposal
    officers = NamedOfficers(2007)
    # Nothing recorded for 2007 yet: equal totals rank by the 2006 totals.
    assert [(o.name, o.role) for o in officers] == [
        ("Ann Chief", PEO),
        ("Frank Money", OTHER),
        ("Olive One", OTHER),
        ("Tia Three", OTHER),
    ]
    assert officers.roster_year == 2006
    assert "none is approved yet for fiscal year 2007: those of fiscal year 2006" in (
        officers.footnote()
    )


def test_every_table_covers_the_same_named_officers_in_the_same_order(company):  # noqa: F811
    order = [name for name, _ in named(2006)]

    def names(name: str, **params) -> list[str]:
        found = [row["name"].split(",")[0].split(" (")[0] for row in report(name, **params).rows()]
        return list(dict.fromkeys(found))

    assert names("summary-compensation", year=2006) == order
    for table in (
        names("plan-based-awards", year=2006),
        names("outstanding-equity-awards", as_of="2006-12-31"),
        names("option-exercises", year=2006),
    ):
        assert table == [name for name in order if name in table]
    # Uma's 2006 option is not in any table: she is not a named officer.
    assert "Uma Four" not in names("plan-based-awards", year=2006)
    assert "Uma Four" not in names("outstanding-equity-awards", as_of="2006-12-31")


def test_402f_names_the_officers_of_the_fiscal_year_of_its_as_of_date(company):  # noqa: F811
    # 2007-01-31 is in fiscal 2007, not yet approved: the 2006 roster ranked by its 2006
    # totals (Ann, Frank, Olive): Tom's option, exercisable until 2007-02-15, is left out.
    rows = report("outstanding-equity-awards", as_of="2007-01-31").rows()
    assert {row["name"].split(" (")[0] for row in rows} == {"Ann Chief", "Frank Money"}
    rows = report("outstanding-equity-awards", as_of="2006-12-31").rows()
    assert "Tom Two (3)" in [row["name"] for row in rows]


def test_the_choice_reads_in_the_same_queries_whatever_the_number_of_officers(
    company,  # noqa: F811
    django_assert_num_queries,
):
    # The year's records, then the stock awards and option grants of the people (a union).
    with django_assert_num_queries(2):
        NamedOfficers(2006)
    for n in range(10):
        record(f"Officer {n:02}", 50_000 + n)
    with django_assert_num_queries(2):
        assert len(NamedOfficers(2006)) == 5
    # A year not yet approved: and the roster of the latest approved year.
    with django_assert_num_queries(3):
        assert len(NamedOfficers(2007)) == 3
    # The Summary Compensation Table's three years: and the records of the two before.
    with django_assert_num_queries(3):
        NamedOfficers(2006, years=3)
