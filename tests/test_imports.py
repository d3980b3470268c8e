"""Bulk import: a dry-run preview, errors per row and column, all or nothing."""

import io
import uuid
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from compensation.models import OfficerYear, Person
from core import roles
from grants.imports import import_grants
from grants.models import OptionGrant, StockPlan, StockPrice, VestingInstallment
from tests.factories import StockPlanFactory, UserFactory
from workspace.models import Change

pytestmark = pytest.mark.django_db

OFFICERS = (
    "name,fiscal_year,title,base_salary,bonus,footnotes\n"
    "James R. Akridge,2007,Chief Executive Officer and President,260000,n/a,1\n"
    "New Officer,2007,Chief Operating Officer,210000,15000,\n"
)


def upload(text: str, name: str = "file.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def post(client, kind, file, commit=False):
    data = {"kind": kind, "file": file, ("commit" if commit else "preview"): "1"}
    return client.post("/imports/", data)


@pytest.fixture
def admin(client_for, demo_data):
    return client_for("compadmin")


def test_a_preview_validates_every_row_and_saves_nothing(admin):
    before = OfficerYear.objects.count()
    response = post(admin, "officer_years", upload(OFFICERS))
    result = response.context["result"]
    assert result.ok and not result.committed and result.created == 2
    assert OfficerYear.objects.count() == before
    assert not Person.objects.filter(name="New Officer").exists()


def test_a_valid_file_is_imported_as_proposals(admin):
    response = post(admin, "officer_years", upload(OFFICERS), commit=True)
    assert response.context["result"].committed
    record = OfficerYear.objects.get(person__name="New Officer", fiscal_year=2007)
    assert record.bonus == 15000 and record.status == OfficerYear.Status.PROPOSED
    akridge = OfficerYear.objects.get(person__name="James R. Akridge", fiscal_year=2007)
    assert akridge.bonus is None  # "n/a", not $0
    assert akridge.footnote_markers == "(1)"


def test_one_bad_row_changes_nothing_and_is_reported_by_row_and_column(admin):
    bad = OFFICERS + "Third Officer,2007,Controller,-5,abc,9\n"
    before = (Person.objects.count(), OfficerYear.objects.count())
    response = post(admin, "officer_years", upload(bad), commit=True)
    result = response.context["result"]
    assert not result.committed
    errors = result.errors_by_row()
    assert set(errors) == {4}
    assert "greater than or equal to 0" in errors[4]["base_salary"]
    assert "Enter an amount" in errors[4]["bonus"]
    assert "No footnote with marker 9" in errors[4]["footnotes"]
    assert (Person.objects.count(), OfficerYear.objects.count()) == before
    assert "Nothing was imported" in response.content.decode()


def test_a_duplicate_person_and_year_is_an_error_of_that_row(admin):
    text = OFFICERS + "New Officer,2007,Chief Operating Officer,220000,,\n"
    result = post(admin, "officer_years", upload(text), commit=True).context["result"]
    assert not result.committed
    assert "already has a record for that fiscal year" in result.errors_by_row()[4]["row"]


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        ("name,title\nX,Y\n", "f.csv", "Missing columns: fiscal_year"),
        ("name,fiscal_year,title,salary\n", "f.csv", "Unknown columns: salary"),
        ("", "f.csv", "is empty"),
        ("name,fiscal_year,title\n", "f.txt", "Upload a .csv or .xlsx file"),
        ("not a workbook", "f.xlsx", "The Excel file cannot be read"),
    ],
)
def test_unreadable_files_are_refused_with_a_message(admin, content, name, message):
    response = post(admin, "officer_years", upload(content, name), commit=True)
    assert message in response.content.decode()


def test_bad_values_of_every_kind_are_field_errors(admin):
    text = (
        "name,fiscal_year,title,base_salary,bonus\n"
        ",2007,Title,1,\n"
        "A,20x7,Title,1,\n"
        "B,2007,,1,\n"
        "C,2007,Title,1.005,\n"
        "D,99999,Title,1,\n"
        f"{'E' * 250},2007,Title,1,\n"
        "F,2007,Title,99999999999999999,\n"
    )
    result = post(admin, "officer_years", upload(text), commit=True).context["result"]
    errors = result.errors_by_row()
    assert "name" in errors[2] and "fiscal_year" in errors[3] and "title" in errors[4]
    assert "base_salary" in errors[5] and "fiscal_year" in errors[6]
    assert "name" in errors[7] and "base_salary" in errors[8]
    assert not result.committed


GRANTS_HEADER = (
    "optionee,plan,grant_date,shares,exercise_price,expiration_date,vest_date,vest_shares"
)


def grant_rows(name="Dean Bogues", shares=3000, parts=(1000, 1000, 1000)) -> list[str]:
    return [
        f"{name},2000 Stock Option Plan,2006-03-01,{shares},3.10,2016-03-01,{2007 + k}-03-01,{p}"
        for k, p in enumerate(parts)
    ]


def test_grants_with_installments_are_imported_from_excel(admin):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(GRANTS_HEADER.split(","))
    for line in grant_rows():
        values = line.split(",")
        values[3], values[7] = int(values[3]), int(values[7])
        values[4] = float(values[4])
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    file = SimpleUploadedFile("grants.xlsx", buffer.getvalue())
    result = post(admin, "grants", file, commit=True).context["result"]
    assert result.committed, result.errors
    grant = OptionGrant.objects.get(optionee__name="Dean Bogues")
    assert grant.installment_rows() == [
        (date(2007, 3, 1), 1000),
        (date(2008, 3, 1), 1000),
        (date(2009, 3, 1), 1000),
    ]
    assert grant.minimum_exercise_shares == 1000
    again = post(admin, "grants", SimpleUploadedFile("grants.xlsx", buffer.getvalue()), commit=True)
    assert "already recorded" in again.content.decode()


def test_a_grant_whose_installments_do_not_sum_is_refused_whole(admin):
    StockPlanFactory(name="1990 Stock Option Plan (as amended October 3, 1997)")
    good = grant_rows("Good Grantee")
    bad = grant_rows("Bad Grantee", shares=3000, parts=(1000, 1000, 500))
    text = "\n".join([GRANTS_HEADER, *good, *bad]) + "\n"
    before = (OptionGrant.objects.count(), VestingInstallment.objects.count())
    result = post(admin, "grants", upload(text), commit=True).context["result"]
    assert not result.committed
    assert "add up to 2,500 shares" in result.errors_by_row()[5]["vest_shares"]
    assert (OptionGrant.objects.count(), VestingInstallment.objects.count()) == before
    assert not Person.objects.filter(name="Good Grantee").exists()


def test_a_grant_past_the_plans_reserve_is_refused_and_nothing_is_saved(admin):
    plan = StockPlan.objects.get(name="2000 Stock Option Plan")
    plan.shares_reserved = plan.shares_in_use(date(2006, 3, 1)) + 4000
    plan.save()
    text = "\n".join([GRANTS_HEADER, *grant_rows("First Grantee"), *grant_rows("Second")])
    before = OptionGrant.objects.count()
    result = post(admin, "grants", upload(text), commit=True).context["result"]
    assert not result.committed
    assert "only 1,000 are left, not 3,000" in result.errors_by_row()[5]["shares"]
    assert OptionGrant.objects.count() == before
    assert not Person.objects.filter(name="First Grantee").exists()


def test_rows_of_one_grant_must_agree_on_its_terms(admin):
    rows = grant_rows()
    rows[1] = rows[1].replace(",3.10,", ",3.20,")
    result = post(admin, "grants", upload("\n".join([GRANTS_HEADER, *rows])), commit=True)
    assert "Differs from row 2" in result.context["result"].errors_by_row()[3]["exercise_price"]


def test_an_unknown_plan_is_a_field_error(admin):
    rows = [r.replace("2000 Stock Option Plan", "No Such Plan") for r in grant_rows()]
    result = post(admin, "grants", upload("\n".join([GRANTS_HEADER, *rows])), commit=True)
    assert "No plan of that name" in result.context["result"].errors_by_row()[2]["plan"]


@pytest.mark.parametrize("role", ["committee", "auditor", ""])
def test_only_compensation_admins_import(client_for, demo_data, role):
    client = client_for(role)
    assert client.get("/imports/").status_code == 403
    response = post(client, "officer_years", upload(OFFICERS), commit=True)
    assert response.status_code == 403
    assert not Person.objects.filter(name="New Officer").exists()


def test_a_new_person_with_two_grants_is_added_once(admin):
    second = [row.replace("2006-03-01,3000", "2006-04-03,3000") for row in grant_rows("New Holder")]
    text = "\n".join([GRANTS_HEADER, *grant_rows("New Holder"), *second]) + "\n"
    result = post(admin, "grants", upload(text), commit=True).context["result"]
    assert result.committed, result.errors_by_row()
    assert Person.objects.filter(name="New Holder").count() == 1
    assert OptionGrant.objects.filter(optionee__name="New Holder").count() == 2


def many_grants(count: int, grant_date: str) -> str:
    """`count` grants of new people, three installments each."""
    names = [f"Holder {uuid.uuid4().hex}" for _ in range(count)]
    rows = [
        f"{name},2000 Stock Option Plan,{grant_date},3000,3.10,2016-03-01,{2007 + k}-03-01,1000"
        for name in names
        for k in range(3)
    ]
    return "\n".join([GRANTS_HEADER, *rows]) + "\n"


def test_an_import_runs_as_many_queries_for_four_times_the_rows(demo_data):
    """A query budget, not a timing: the queries of a grants import (preview and commit,
    new people, grants, installments and their change history) do not grow with the rows.
    (9 and 36 rows: SQLite takes at most 999 values in a statement, so that Django splits
    a larger insert into statements of that many values, a statement per batch.)"""
    user = UserFactory(username="importer", role=roles.ADMINS)
    counts = {}
    for count, day in ((3, "2006-03-01"), (12, "2006-03-02")):
        # No closing price on these days: valuing a grant reads its own (one query each).
        assert not StockPrice.objects.filter(date=day).exists()
        text = many_grants(count, day)
        with CaptureQueriesContext(connection) as previewed:
            assert import_grants(upload(text), commit=False).ok
        with CaptureQueriesContext(connection) as committed:
            result = import_grants(upload(text), commit=True, by=user)
        assert result.committed and result.created == count
        counts[count] = (len(previewed), len(committed))
    assert counts[3] == counts[12]
    assert OptionGrant.objects.filter(optionee__name__startswith="Holder ").count() == 15
    # The change history holds every record added: people, grants and installments.
    added = Change.objects.filter(person__startswith="Holder ", action="+")
    assert added.filter(record_type="grants.vestinginstallment").count() == 45
    assert added.filter(record_type="grants.optiongrant").count() == 15
    assert added.filter(record_type="compensation.person").count() == 15
