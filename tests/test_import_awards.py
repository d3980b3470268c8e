"""Importing restricted stock awards and units (issue 15, DOMAIN.md §4): one row per
installment; every bad value is named by row and column and nothing is saved; the
import_data command runs what the /imports/ page runs."""

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from compensation.models import Person
from grants.imports import import_awards
from grants.models import AwardInstallment, AwardType, Election83b, StockAward
from tests.factories import PersonFactory, StockPlanFactory, make_award

pytestmark = pytest.mark.django_db

HEADER = (
    "recipient,plan,award_type,grant_date,shares,purchase_price,vest_date,vest_shares,"
    "withholding_rate,election_83b_on,authorized_by,authorized_on"
)
PLAN = "2000 Stock Option Plan"


def award_rows(
    name="Ann Award",
    kind="RSA",
    shares=3000,
    parts=(1000, 1000, 1000),
    price="0",
    rate="0.25",
    election="",
    grant="2006-03-01",
    first_vest_year=2007,
) -> list[str]:
    return [
        f"{name},{PLAN},{kind},{grant},{shares},{price},{first_vest_year + k}-03-01,{part},"
        f"{rate},{election},Board of Directors,2006-02-20"
        for k, part in enumerate(parts)
    ]


GOOD = [
    *award_rows("Ann Award", election="2006-03-20"),
    *award_rows("Uma Unit", kind="RSU", shares=2000, parts=(500, 1500), rate="0.3"),
]


def csv(*rows: str, header: str = HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


def upload(text: str, name: str = "awards.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def counts() -> tuple[int, int, int]:
    return StockAward.objects.count(), AwardInstallment.objects.count(), Person.objects.count()


@pytest.fixture
def plan(db):
    return StockPlanFactory(name=PLAN, shares_reserved=1_000_000)


def run(text: str, commit: bool = True):
    return import_awards(upload(text), commit=commit)


def errors_of(text: str) -> dict[int, dict[str, str]]:
    """Commit a file that must fail: its errors by row and column; nothing was saved."""
    before = counts()
    result = run(text)
    assert not result.committed and not result.ok
    assert counts() == before
    return result.errors_by_row()


# --- A good file --------------------------------------------------------------------------


def test_a_good_file_previews_then_commits_an_rsa_with_its_election_and_an_rsu(plan):
    before = counts()
    preview = run(csv(*GOOD), commit=False)
    assert preview.ok and not preview.committed and preview.created == 2
    assert counts() == before

    result = run(csv(*GOOD))
    assert result.committed and result.created == 2, result.errors
    rsa = StockAward.objects.get(recipient__name="Ann Award")
    assert rsa.award_type == AwardType.RSA and rsa.plan == plan
    assert rsa.election_83b == Election83b.FILED
    assert rsa.election_83b_on == date(2006, 3, 20)
    assert rsa.withholding_rate == Decimal("0.25") and rsa.purchase_price == 0
    assert rsa.authorized_by == "Board of Directors"
    assert rsa.authorized_on == date(2006, 2, 20)
    assert rsa.installment_rows() == [
        (date(2007, 3, 1), 1000),
        (date(2008, 3, 1), 1000),
        (date(2009, 3, 1), 1000),
    ]
    rsu = StockAward.objects.get(recipient__name="Uma Unit")
    assert rsu.award_type == AwardType.RSU and rsu.shares == 2000
    assert rsu.election_83b == Election83b.NOT_ELECTING and rsu.election_83b_on is None
    assert rsu.installment_rows() == [(date(2007, 3, 1), 500), (date(2008, 3, 1), 1500)]


def test_optional_columns_may_be_left_out_and_an_existing_person_is_reused(plan):
    person = PersonFactory(name="Known Person")
    header = "recipient,plan,award_type,grant_date,shares,purchase_price,vest_date,vest_shares"
    row = f"Known Person,{PLAN},RSU,2006-03-01,100,0,2007-03-01,100"
    result = run(csv(row, header=header))
    assert result.committed, result.errors
    award = StockAward.objects.get()
    assert award.recipient == person and award.withholding_rate is None
    assert award.authorized_by == ""


def test_the_same_award_imported_twice_is_refused(plan):
    make_award(
        recipient=PersonFactory(name="Ann Award"),
        plan=plan,
        grant_date=date(2006, 3, 1),
        installments=[(date(2007, 3, 1), 3000)],
    )
    assert "already recorded" in errors_of(csv(*award_rows()))[2]["grant_date"]


# --- Bad input: the right row and column, nothing saved ------------------------------------


def test_installments_not_summing_to_the_award_refuse_the_whole_file(plan):
    text = csv(*award_rows("Good Person"), *award_rows("Bad Sum", parts=(1000, 1000, 500)))
    errors = errors_of(text)
    assert set(errors) == {5}
    assert "add up to 2,500 shares, not the award's 3,000" in errors[5]["vest_shares"]
    assert not Person.objects.filter(name="Good Person").exists()


def test_a_vest_date_before_the_grant_is_an_error_of_its_row(plan):
    rows = award_rows(first_vest_year=2005)  # 2005-03-01, before the 2006-03-01 grant
    errors = errors_of(csv(*rows))
    assert set(errors) == {2}
    assert "vests before the grant date 2006-03-01" in errors[2]["vest_date"]


def test_two_installments_on_one_date_are_an_error_of_the_later_row(plan):
    rows = award_rows()
    rows[2] = rows[2].replace("2009-03-01", "2008-03-01")
    errors = errors_of(csv(*rows))
    assert "Two installments vest on 2008-03-01" in errors[4]["vest_date"]
    assert 3 not in errors


def test_a_negative_purchase_price_is_refused(plan):
    errors = errors_of(csv(*award_rows(price="-1.50")))
    assert "The purchase price cannot be negative." in errors[2]["purchase_price"]


@pytest.mark.parametrize(
    ("rate", "message"),
    [
        ("1.5", "from 0 to 1 (0.25 means 25 percent)"),
        ("-0.1", "from 0 to 1 (0.25 means 25 percent)"),
        ("25", "as a decimal from 0 to 1"),
    ],
)
def test_a_withholding_rate_outside_0_to_1_is_refused(plan, rate, message):
    errors = errors_of(csv(*award_rows(rate=rate)))
    assert message in errors[2]["withholding_rate"]


def test_an_83b_election_on_a_unit_is_refused(plan):
    errors = errors_of(csv(*award_rows(kind="RSU", election="2006-03-10")))
    assert "Only a restricted stock award has one" in errors[2]["election_83b_on"]


def test_an_83b_election_after_its_last_day_is_refused(plan):
    errors = errors_of(csv(*award_rows(election="2006-04-01")))
    assert "within 30 days after the grant: by 2006-03-31" in errors[2]["election_83b_on"]


def test_an_83b_election_before_the_grant_is_refused(plan):
    errors = errors_of(csv(*award_rows(election="2006-02-28")))
    assert "filed after the grant" in errors[2]["election_83b_on"]


def test_an_award_past_the_plans_reserve_is_refused_and_nothing_is_saved(plan):
    plan.shares_reserved = 4000
    plan.save()
    text = csv(*award_rows("First Person"), *award_rows("Second Person"))
    errors = errors_of(text)
    assert "only 1,000 are left, not 3,000" in errors[5]["shares"]
    assert not Person.objects.filter(name="First Person").exists()


def test_rows_of_one_award_must_agree_on_its_terms(plan):
    rows = award_rows()
    rows[1] = rows[1].replace(",0.25,", ",0.3,")
    errors = errors_of(csv(*rows))
    assert "Differs from row 2 of the same award" in errors[3]["withholding_rate"]


def test_an_unknown_plan_and_kind_are_field_errors(plan):
    rows = award_rows()
    rows[0] = rows[0].replace(PLAN, "No Such Plan")
    rows[1] = rows[1].replace(",RSA,", ",Options,")
    errors = errors_of(csv(*rows))
    assert "No plan of that name" in errors[2]["plan"]
    assert "Enter RSA (stock award) or RSU (stock unit)" in errors[3]["award_type"]


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("shares", "1e999999", "Enter a whole number"),
        ("shares", "9" * 40, "at most 30 characters"),
        ("vest_shares", "99999999999", "less than or equal to 2147483647"),
        ("purchase_price", "1e999999", "no more than 12 digits"),
        ("purchase_price", "NaN", "Enter a number"),
        ("withholding_rate", "1E-999999", "as a decimal from 0 to 1"),
        ("withholding_rate", "0.12345", "no more than 4 decimal places"),
        ("grant_date", "9999-12-31", "Enter a date between 1900-01-01 and 2200-12-31"),
        ("election_83b_on", "9999-12-31", "Enter a date between"),
        ("vest_date", "2006-03-0\x00", "Enter a valid date"),
        ("authorized_by", "Board\x00", "Null characters are not allowed"),
        ("recipient", "x" * 5000, "at most 200 characters"),
        ("authorized_by", "y" * 201, "at most 200 characters"),
    ],
)
def test_odd_values_are_errors_of_their_cell_never_a_crash(plan, column, value, message):
    rows = award_rows(parts=(3000,))
    cells = dict(zip(HEADER.split(","), rows[0].split(","), strict=True))
    cells[column] = value
    errors = errors_of(csv(",".join(cells.values())))
    assert message in errors[2][column]


def test_every_row_with_an_error_is_reported(plan):
    rows = [*award_rows("Row Two", parts=(3000,)), *award_rows("Row Three", parts=(3000,))]
    rows[0] = rows[0].replace(",3000,0,", ",abc,0,", 1)
    rows[1] = rows[1].replace("2007-03-01", "2007-13-01")
    errors = errors_of(csv(*rows))
    assert "shares" in errors[2] and "vest_date" in errors[3]


# --- The import_data command ---------------------------------------------------------------


def command(*args: str) -> str:
    out = StringIO()
    call_command("import_data", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def good_file(tmp_path, plan):
    path = tmp_path / "awards.csv"
    path.write_text(csv(*GOOD))
    return str(path)


def test_the_command_previews_without_saving_then_commits(good_file):
    before = counts()
    out = command("awards", good_file)
    assert "2 record(s) from 5 row(s) would be created" in out
    assert "Nothing was saved" in out
    assert counts() == before
    out = command("awards", good_file, "--commit")
    assert "Imported 2 record(s) from 5 row(s): Restricted stock awards and units." in out
    assert StockAward.objects.count() == before[0] + 2


def test_the_command_counts_the_rows_and_the_awards_in_plain_lines(good_file):
    # Not a terminal (a test, a pipe, CI): a line at the end of each part, no bar, on
    # standard error; standard output holds the result alone.
    out, err = StringIO(), StringIO()
    call_command("import_data", "awards", good_file, "--commit", stdout=out, stderr=err)
    lines = err.getvalue().splitlines()
    assert lines[0] == "rows checked: 1 of 5 (20%)"  # each tenth: here each row
    assert lines[4].startswith("rows checked: 5 of 5 (100%) in ")
    assert lines[5] == "awards: 1 of 2 (50%)"
    assert lines[6].startswith("awards: 2 of 2 (100%) in ")
    assert out.getvalue().splitlines() == [
        "Added 2 new person(s): Ann Award (rows 2, 3, 4); Uma Unit (rows 5, 6).",
        "Imported 2 record(s) from 5 row(s): Restricted stock awards and units.",
    ]


@pytest.mark.parametrize("commit", [False, True])
def test_the_command_lists_every_error_and_exits_1(tmp_path, plan, commit):
    path = tmp_path / "bad.csv"
    path.write_text(csv(*award_rows(price="-1"), *award_rows("Uma Unit", kind="RSU", rate="2")))
    before = counts()
    out = StringIO()
    args = ["awards", str(path)] + (["--commit"] if commit else [])
    with pytest.raises(CommandError, match="2 error\\(s\\) in 6 row\\(s\\)") as raised:
        call_command("import_data", *args, stdout=out)
    assert raised.value.returncode == 1
    assert "row 2, purchase_price: The purchase price cannot be negative." in (out.getvalue())
    assert "row 5, withholding_rate: " in out.getvalue()
    assert counts() == before


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.csv", None, "no such file"),
        ("notes.txt", "recipient\n", "Upload a .csv or .xlsx file"),
        ("cols.csv", "recipient,plan,colour\n", "Missing columns: award_type"),
        ("empty.csv", "", "The file is empty"),
        ("book.xlsx", "not a workbook", "The Excel file cannot be read"),
        ("binary.csv", b"\xff\xfe\x00", "not UTF-8 text"),
    ],
)
def test_the_command_refuses_a_bad_file_with_a_message(tmp_path, plan, name, content, message):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)
    with pytest.raises(CommandError, match=message):
        command("awards", str(path))


def test_the_command_refuses_a_directory_and_a_path_with_a_nul(tmp_path):
    with pytest.raises(CommandError, match="not a file"):
        command("grants", str(tmp_path))
    with pytest.raises(CommandError, match="no such file"):
        command("officers", "bad\x00name.csv")


def test_the_command_refuses_a_file_past_the_size_limit(tmp_path):
    path = tmp_path / "big.csv"
    with path.open("wb") as stream:
        stream.truncate(6 * 1024 * 1024)
    with pytest.raises(CommandError, match="larger than 5 MB"):
        command("awards", str(path))


def test_the_command_imports_officers_as_the_page_does(tmp_path, demo_data):
    path = tmp_path / "officers.csv"
    path.write_text("name,fiscal_year,title\nCommand Officer,2007,Controller\n")
    out = command("officers", str(path), "--commit")
    assert "Imported 1 record(s)" in out
    assert Person.objects.filter(name="Command Officer").exists()


# --- The /imports/ page ----------------------------------------------------------------------


def post(client, file, commit=False):
    data = {"kind": "awards", "file": file, ("commit" if commit else "preview"): "1"}
    return client.post("/imports/", data)


def test_compensation_admins_hold_the_award_import_permission(comp_admin, auditor):
    assert comp_admin.has_perm("grants.add_stockaward")
    assert not auditor.has_perm("grants.add_stockaward")


def test_the_page_offers_awards_to_a_compensation_admin(client_for, demo_data):
    admin = client_for("compadmin")
    page = admin.get("/imports/").content.decode()
    assert "Restricted stock awards and units" in page
    assert "election_83b_on" in page

    preview = post(admin, upload(csv(*GOOD)))
    assert preview.status_code == 200
    assert preview.context["result"].ok and not StockAward.objects.exists()

    bad = post(admin, upload(csv(*award_rows(rate="1.5"))), commit=True)
    assert (
        "from 0 to 1 (0.25 means 25 percent)"
        in bad.context["result"].errors_by_row()[2]["withholding_rate"]
    )
    assert "Nothing was imported" in bad.content.decode()
    assert not StockAward.objects.exists()

    done = post(admin, upload(csv(*GOOD)), commit=True)
    assert done.context["result"].committed
    assert "Imported 2 record(s): Restricted stock awards and units." in done.content.decode()
    assert StockAward.objects.count() == 2


@pytest.mark.parametrize("role", ["committee", "auditor", ""])
def test_only_compensation_admins_import_awards(client_for, demo_data, role):
    response = post(client_for(role), upload(csv(*GOOD)), commit=True)
    assert response.status_code == 403
    assert not StockAward.objects.exists()


def test_a_name_not_on_record_is_named_in_the_preview_before_it_is_added(client_for, tmp_path):
    StockPlanFactory(name=PLAN)
    PersonFactory(name="Ann Award")
    rows = [*award_rows("Ann Award"), *award_rows("Ann Awrad", kind="RSU", rate="0.3")]
    page = post(client_for("compadmin"), upload(csv(*rows)))
    # A near miss of Ann Award: refused on each of its rows until confirmed as new.
    assert page.context["result"].near_misses == {"Ann Awrad": ["Ann Award"]}
    assert "did you mean Ann Award?" in page.context["result"].errors_by_row()[5]["recipient"]
    path = tmp_path / "awards.csv"
    path.write_text(csv(*rows))
    out = StringIO()
    confirm = ["--new-person", "Ann Awrad"]
    call_command("import_data", "awards", str(path), *confirm, stdout=out)
    assert "Not on record: the import will add 1 new person(s): Ann Awrad (rows 5, 6, 7)." in (
        out.getvalue()
    )
    assert not Person.objects.filter(name="Ann Awrad").exists()


def test_a_new_person_with_two_awards_is_added_once():
    StockPlanFactory(name=PLAN)
    rows = [
        *award_rows("New Holder", grant="2006-03-01"),
        *award_rows("New Holder", kind="RSU", rate="0.3", grant="2006-04-01"),
    ]
    result = import_awards(upload(csv(*rows)), commit=True)
    assert result.ok, result.errors_by_row()
    assert Person.objects.filter(name="New Holder").count() == 1
    assert StockAward.objects.filter(recipient__name="New Holder").count() == 2
