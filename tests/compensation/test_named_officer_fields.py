"""PEO, PFO and all other compensation on the officer's yearly record (DOMAIN.md §6): set
in the admin and by import, shown on the person's page, marked in the demo for 2006."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from compensation.imports import import_officer_years
from compensation.models import OfficerYear
from tests.factories import OfficerYearFactory, PersonFactory

pytestmark = pytest.mark.django_db

HEADER = "name,fiscal_year,title,base_salary,peo,pfo,other_compensation"


def csv(*rows: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("officers.csv", "\n".join((HEADER, *rows)).encode(), "text/csv")


def test_the_demo_marks_akridge_as_peo_and_mezger_as_pfo_for_2006(demo_data):
    marks = {
        (r.person.name, r.fiscal_year): (r.is_peo, r.is_pfo)
        for r in OfficerYear.objects.select_related("person")
        if r.is_peo or r.is_pfo
    }
    assert marks == {
        ("James R. Akridge", 2006): (True, False),
        ("Thomas F. Mezger", 2006): (False, True),
    }
    # The exhibit gives no other compensation: "n/a" everywhere, never $0.
    assert not OfficerYear.objects.filter(other_compensation__isnull=False).exists()


def test_the_import_reads_peo_pfo_and_other_compensation():
    result = import_officer_years(
        csv(
            'Ann Peo,2006,Chief Executive Officer,300000,yes,no,"$12,500.50"',
            "Bob Pfo,2006,Chief Financial Officer,200000,0,TRUE,n/a",
            "Cy Other,2006,General Counsel,180000,,,",
        ),
        commit=True,
    )
    assert result.committed, result.errors
    records = {
        r.person.name: (r.is_peo, r.is_pfo, r.other_compensation)
        for r in OfficerYear.objects.select_related("person")
    }
    assert records == {
        "Ann Peo": (True, False, Decimal("12500.50")),
        "Bob Pfo": (False, True, None),
        "Cy Other": (False, False, None),
    }


@pytest.mark.parametrize(
    ("cells", "column", "message"),
    [
        ("maybe,no,", "peo", "Enter yes or no"),
        ("no,2,", "pfo", "Enter yes or no"),
        ("no,no,-5", "other_compensation", "cannot be negative"),
        ("no,no,abc", "other_compensation", 'Enter an amount, or "n/a" for none recorded.'),
        ("no,no,NaN", "other_compensation", "Enter an amount"),
        ("no,no,1e999999", "other_compensation", "at most $999,999,999,999.99"),
        ("no,no,1.005", "other_compensation", "dollars and cents"),
        ("no,no," + "1" * 31, "other_compensation", "at most 30 characters"),
    ],
)
def test_bad_cells_are_errors_of_their_row_and_column_and_nothing_is_saved(cells, column, message):
    result = import_officer_years(
        csv("Ann Peo,2006,CEO,300000,yes,no,", f"Bob Pfo,2006,CFO,200000,{cells}"), commit=True
    )
    assert not result.committed
    assert [(e.row, e.column) for e in result.errors] == [(3, column)], result.errors
    assert message in result.errors[0].message
    assert not OfficerYear.objects.exists()


def test_the_person_page_shows_the_marks_and_other_compensation(client_for):
    person = PersonFactory(name="Ann Peo")
    OfficerYearFactory(person=person, fiscal_year=2006, is_peo=True, other_compensation=1234)
    OfficerYearFactory(person=person, fiscal_year=2005, is_pfo=True)
    html = client_for("auditor").get(reverse("compensation:person", args=[person.pk]))
    html = html.content.decode()
    assert 'title="Principal executive officer">PEO</span>' in html
    assert 'title="Principal financial officer">PFO</span>' in html
    figures = html.split('data-figure="other-compensation">')[1:]
    assert [f.split("<")[0] for f in figures] == ["$1,234.00", "n/a"]


def test_the_admin_edits_the_marks_of_a_proposed_record_not_an_approved_one(client_for):
    proposed = OfficerYearFactory(fiscal_year=2006)
    approved = OfficerYearFactory(fiscal_year=2005, person=proposed.person, approved=True)
    admin = client_for("compadmin")

    def post(record, **changes):
        url = reverse("admin:compensation_officeryear_change", args=[record.pk])
        data = {
            "person": record.person_id,
            "fiscal_year": record.fiscal_year,
            "title": record.title,
            "base_salary": record.base_salary,
            "bonus": "",
            "other_compensation": "",
            **changes,
        }
        return admin.post(url, data)

    page = admin.get(reverse("admin:compensation_officeryear_change", args=[proposed.pk]))
    for label in ("Principal executive officer", "Principal financial officer"):
        assert label in page.content.decode()
    assert post(proposed, is_peo="on", other_compensation="5000").status_code == 302
    proposed.refresh_from_db()
    assert proposed.is_peo and proposed.other_compensation == Decimal("5000")
    response = post(approved, is_pfo="on")
    assert response.status_code == 200
    assert "Return" in response.content.decode()
    approved.refresh_from_db()
    assert not approved.is_pfo
