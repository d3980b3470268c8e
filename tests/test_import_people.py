"""Imports (issue 17): the people a file would add, named with their rows; a new name
that is a near miss of a name on record refused until confirmed as new; no salary
proposal after the end of service; the file previewed kept for "Import"."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from compensation.models import OfficerYear, Person
from core import roles
from core.names import NameIndex, normalized
from grants.models import OptionGrant
from tests.factories import PersonFactory, UserFactory
from tests.test_imports import GRANTS_HEADER, grant_rows, upload
from workspace.models import PendingImport

pytestmark = pytest.mark.django_db

BOUGES = "\n".join([GRANTS_HEADER, *grant_rows("Dean Bouges")]) + "\n"
NEAR_MISS = (
    "No one named “Dean Bouges” is on record; did you mean Dean Bogues? If this is a new "
    "person, confirm it as new."
)


@pytest.fixture
def admin(client_for, demo_data):
    return client_for("compadmin")


def preview(client, kind, text):
    return client.post("/imports/", {"kind": kind, "file": upload(text), "preview": "1"})


def test_near_misses_of_names_on_record():
    index = NameIndex(["Dean Bogues", "James R. Akridge", "Ann Award"])
    assert index.near_misses("Dean Bouges") == ["Dean Bogues"]  # two letters swapped
    assert index.near_misses("dean bogues") == ["Dean Bogues"]  # case only
    assert index.near_misses("James R Akridge") == ["James R. Akridge"]  # punctuation
    assert index.near_misses("James R. Akrige") == ["James R. Akridge"]  # a letter missing
    assert index.near_misses("Ann Awards") == ["Ann Award"]  # a letter extra
    assert index.near_misses("Dean Rogers") == []  # a different person
    assert index.near_misses("Zoë Smith") == [] and normalized("Zoë Smith") == "zoesmith"


def test_the_preview_names_each_new_person_with_their_rows(admin):
    text = "\n".join([GRANTS_HEADER, *grant_rows("Wholly New Holder"), *grant_rows()]) + "\n"
    page = preview(admin, "grants", text)
    result = page.context["result"]
    assert result.ok and result.new_people == {"Wholly New Holder": [2, 3, 4]}
    assert "Wholly New Holder (rows 2, 3, 4)" in page.content.decode()
    assert not Person.objects.filter(name="Wholly New Holder").exists()


def test_a_near_miss_is_refused_on_each_of_its_rows_with_the_name_meant(admin):
    before = OptionGrant.objects.count()
    page = preview(admin, "grants", BOUGES)
    result = page.context["result"]
    assert not result.ok and result.near_misses == {"Dean Bouges": ["Dean Bogues"]}
    # Refused, so not listed among the people the import would add.
    assert "Dean Bouges" not in result.new_people
    for line in (2, 3, 4):
        assert result.errors_by_row()[line]["optionee"] == NEAR_MISS
    content = page.content.decode()
    assert "did you mean Dean Bogues?" in content
    assert "Dean Bouges is a new person (not Dean Bogues)" in content  # the checkbox
    # "Import" without the box ticked saves nothing.
    pending = page.context["pending"]
    page = admin.post("/imports/", {"pending": pending.pk, "commit": "1"})
    assert not page.context["result"].committed
    assert OptionGrant.objects.count() == before
    assert not Person.objects.filter(name="Dean Bouges").exists()


def test_a_row_saying_new_person_yes_is_a_new_person(admin):
    rows = [f"{row},yes" for row in grant_rows("Dean Bouges")]
    text = "\n".join([GRANTS_HEADER + ",new_person", *rows]) + "\n"
    result = admin.post(
        "/imports/", {"kind": "grants", "file": upload(text), "commit": "1"}
    ).context["result"]
    assert result.committed, result.errors_by_row()
    assert OptionGrant.objects.filter(optionee__name="Dean Bouges").count() == 1


def test_the_page_confirms_a_new_person_and_imports_the_file_kept(admin):
    page = preview(admin, "grants", BOUGES)
    pending = page.context["pending"]
    assert PendingImport.objects.get(pk=pending.pk).filename == "file.csv"
    # Ticked and previewed again: valid; then imported from the kept file, no upload.
    data = {"pending": pending.pk, "new_person": "Dean Bouges"}
    again = admin.post("/imports/", {**data, "preview": "1"})
    assert again.context["result"].ok and not again.context["result"].committed
    assert 'value="Dean Bouges" id="confirmed-1" checked' in again.content.decode()
    done = admin.post("/imports/", {**data, "commit": "1"}, follow=True)
    assert done.context["result"].committed
    assert "Imported 1 record(s)" in done.content.decode()
    assert Person.objects.filter(name="Dean Bouges").count() == 1
    assert not PendingImport.objects.filter(pk=pending.pk).exists()  # imported: deleted
    # Its id again: nothing more is imported.
    page = admin.post("/imports/", {**data, "commit": "1"})
    assert page.context["result"] is None and "no longer available" in page.content.decode()
    assert OptionGrant.objects.filter(optionee__name="Dean Bouges").count() == 1


def test_a_valid_file_previewed_is_imported_by_its_id(admin):
    text = "\n".join([GRANTS_HEADER, *grant_rows("Wholly New Holder")]) + "\n"
    pending = preview(admin, "grants", text).context["pending"]
    result = admin.post("/imports/", {"pending": pending.pk, "commit": "1"}).context["result"]
    assert result.committed and result.created == 1
    assert OptionGrant.objects.filter(optionee__name="Wholly New Holder").exists()


@pytest.mark.parametrize("case", ["other user", "expired", "not a number", "huge", "unknown"])
def test_an_id_not_the_users_or_expired_imports_nothing(admin, case):
    text = "\n".join([GRANTS_HEADER, *grant_rows("Wholly New Holder")]) + "\n"
    pending = preview(admin, "grants", text).context["pending"]
    client = admin
    ident: object = pending.pk
    if case == "other user":
        client = Client()
        client.force_login(UserFactory(username="another-admin", role=roles.ADMINS))
    elif case == "expired":
        PendingImport.objects.filter(pk=pending.pk).update(
            created_at=timezone.now() - timedelta(hours=1, minutes=1)
        )
    elif case == "not a number":
        ident = "abc\x00"
    elif case == "huge":
        ident = "9" * 40
    else:
        ident = pending.pk + 1000
    response = client.post("/imports/", {"pending": ident, "commit": "1"})
    assert response.status_code == 200
    assert "This preview is no longer available" in response.content.decode()
    assert not Person.objects.filter(name="Wholly New Holder").exists()


def test_the_command_confirms_new_people_by_name(demo_data, tmp_path):
    path = tmp_path / "grants.csv"
    path.write_text(BOUGES)
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("import_data", "grants", str(path), "--commit", stdout=out)
    assert f"row 2, optionee: {NEAR_MISS}" in out.getvalue()
    out = StringIO()
    call_command(
        "import_data", "grants", str(path), "--commit", "--new-person", "Dean Bouges", stdout=out
    )
    assert "Added 1 new person(s): Dean Bouges (rows 2, 3, 4)." in out.getvalue()
    assert OptionGrant.objects.filter(optionee__name="Dean Bouges").exists()


def test_no_salary_proposal_for_a_year_after_the_end_of_service(admin):
    PersonFactory(name="Gone Before", terminated_on=date(2006, 6, 30), termination_reason="other")
    text = (
        "name,fiscal_year,title,base_salary\n"
        "Gone Before,2006,Controller,150000\n"
        "Gone Before,2007,Controller,160000\n"
    )
    page = admin.post("/imports/", {"kind": "officer_years", "file": upload(text), "commit": "1"})
    errors = page.context["result"].errors_by_row()
    assert 2 not in errors  # served part of fiscal 2006
    assert errors[3]["fiscal_year"] == (
        "Gone Before's service ended on 2006-06-30, before fiscal 2007 began on 2007-01-01: "
        "no salary proposal for a year after the end of service."
    )
    assert not OfficerYear.objects.filter(person__name="Gone Before").exists()


def test_a_name_typed_in_other_capitals_is_the_person_on_record(admin):
    text = "\n".join([GRANTS_HEADER, *grant_rows("james r.  AKRIDGE")]) + "\n"
    result = preview(admin, "grants", text).context["result"]
    assert result.ok and result.new_people == {} and not result.near_misses
