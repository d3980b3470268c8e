from decimal import Decimal

import pytest

from compensation.models import OfficerYear
from compensation.tables import RosterTable
from tests.factories import OfficerYearFactory, PersonFactory


def test_the_2006_roster_shows_the_exhibit(client_for, demo_data):
    response = client_for("committee").get("/compensation/officers/")
    html = response.content.decode()
    assert response.context["year"] == 2006
    assert response.context["bonus_year"] == 2004
    rows = {r.person.name: r for r in response.context["table"].data}
    assert rows["James R. Akridge"].base_salary == Decimal("250000")
    for text in ["$250,000", "$200,000", "$185,000", "$180,000", "$95,625", "$120,000"]:
        assert text in html
    assert html.count(">n/a<") == 3
    assert "General Counsel and Assistant Secretary" in html
    assert "(1) Please refer to the employment agreements" in html


def test_the_roster_shows_change_from_the_prior_year(client_for, db):
    person = PersonFactory(name="Jane Officer")
    OfficerYearFactory(person=person, fiscal_year=2005, base_salary=Decimal("200000"))
    OfficerYearFactory(person=person, fiscal_year=2006, base_salary=Decimal("210000"))
    html = client_for("auditor").get("/compensation/officers/?year=2006").content.decode()
    assert "+$10,000" in html
    assert "+5.0%" in html


def test_the_roster_refuses_a_bad_year_with_a_message(client_for, demo_data):
    response = client_for("committee").get("/compensation/officers/?year=abc")
    assert response.status_code == 200
    assert "Enter a whole number" in response.content.decode()
    assert list(response.context["table"].data) == []


def test_the_roster_sorts_by_a_column(client_for, demo_data):
    response = client_for("committee").get("/compensation/officers/?sort=base_salary")
    # A sort link alone keeps the default year: it is not a form submitted without one.
    assert response.context["year"] == 2006
    assert not response.context["form"].errors
    salaries = [r.base_salary for r in response.context["table"].paginated_rows.data]
    assert len(salaries) >= 5
    assert salaries == sorted(salaries)


ROSTER_SORTS = [
    name for name, column in RosterTable.base_columns.items() if column.orderable is not False
]


@pytest.mark.parametrize("sort", ROSTER_SORTS + [f"-{name}" for name in ROSTER_SORTS])
def test_every_roster_column_header_sorts_the_default_roster(client_for, demo_data, sort):
    # Issue 12: the change and bonus columns' sort links answered 500.
    response = client_for("committee").get(f"/compensation/officers/?sort={sort}")
    assert response.status_code == 200
    assert response.context["year"] == 2006
    assert len(response.context["table"].paginated_rows) >= 5


def test_a_sort_link_over_a_bad_year_shows_the_form_error(client_for, db):
    response = client_for("committee").get("/compensation/officers/?year=abc&sort=salary_change")
    assert response.status_code == 200
    assert "Enter a whole number" in response.content.decode()


def test_the_roster_sorts_by_salary_change_with_the_unknown_change_last(client_for, db):
    for name, prior, salary in [
        ("Ann Raise", "100000", "120000"),
        ("Bob Cut", "100000", "90000"),
        ("Cy Same", "100000", "100000"),
        ("Di New", None, "150000"),
    ]:
        person = PersonFactory(name=name)
        if prior is not None:
            OfficerYearFactory(person=person, fiscal_year=2005, base_salary=Decimal(prior))
        OfficerYearFactory(person=person, fiscal_year=2006, base_salary=Decimal(salary))
    client = client_for("auditor")

    def names(sort):
        response = client.get(f"/compensation/officers/?year=2006&sort={sort}")
        return [r.person.name for r in response.context["table"].paginated_rows.data]

    assert names("salary_change") == ["Bob Cut", "Cy Same", "Ann Raise", "Di New"]
    assert names("-salary_change") == ["Ann Raise", "Cy Same", "Bob Cut", "Di New"]
    assert names("-salary_change_pct") == ["Ann Raise", "Cy Same", "Bob Cut", "Di New"]


def test_the_roster_issues_a_fixed_number_of_queries(client_for, django_assert_max_num_queries, db):
    client = client_for("committee")
    for n in range(30):
        OfficerYearFactory(person=PersonFactory(name=f"Officer {n}"), fiscal_year=2006)
    with django_assert_max_num_queries(12):
        client.get("/compensation/officers/?year=2006")


def test_the_person_page_shows_every_year_and_a_salary_chart(client_for, db):
    person = PersonFactory(name="Jane Officer")
    OfficerYearFactory(person=person, fiscal_year=2005, base_salary=Decimal("200000"))
    OfficerYearFactory(
        person=person,
        fiscal_year=2006,
        base_salary=Decimal("210000"),
        bonus=Decimal("0"),
        status=OfficerYear.Status.PROPOSED,
    )
    html = client_for("auditor").get(f"/compensation/people/{person.pk}/").content.decode()
    assert "<svg" in html and "<polyline" in html
    assert "$210,000" in html and "$200,000" in html
    assert "$0" in html  # a zero bonus is $0, not n/a


def test_the_approve_button_is_shown_only_to_committee_members(client_for, db):
    OfficerYearFactory(fiscal_year=2006)
    assert (
        "Approve salary</a>"
        in client_for("committee").get("/compensation/officers/").content.decode()
    )
    assert (
        "Approve salary</a>"
        not in client_for("compadmin").get("/compensation/officers/").content.decode()
    )
