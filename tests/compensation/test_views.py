from decimal import Decimal

from compensation.models import OfficerYear
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
    salaries = [r.base_salary for r in response.context["table"].paginated_rows.data]
    assert salaries == sorted(salaries)


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
    assert "Approve</a>" in client_for("committee").get("/compensation/officers/").content.decode()
    assert (
        "Approve</a>" not in client_for("compadmin").get("/compensation/officers/").content.decode()
    )
