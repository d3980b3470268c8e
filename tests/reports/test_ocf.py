"""The Open Cap Format export (issue 18): every file validates with pyocf (the OCF 1.2.0
schemas' rules as that library knows them), and its figures are the database's.

The demo is Exhibit 4.1's option (grants/demo.py); the company of the restricted stock
tests (tests/reports/conftest.py) adds an exercise, restricted stock awards and units,
confirmed vestings and a termination."""

import hashlib
import io
import json
import zipfile
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from pydantic import ValidationError as PydanticError

from grants import demo
from grants.models import AwardVesting, Exercise, Issuer, OptionGrant, StockAward, StockPlan
from reports.ocf import FILE_TYPES, MANIFEST, STAKEHOLDERS, STOCK_PLANS, TRANSACTIONS, OcfPackage
from tests.factories import PersonFactory, make_award, make_grant
from workspace.models import Change


def export(on: date) -> dict[str, bytes]:
    return OcfPackage(on).files()


def parsed(files: dict[str, bytes]) -> dict:
    """Each file validated by its pyocf file class, and as plain JSON."""
    for name, content in files.items():
        FILE_TYPES[name].model_validate_json(content)
    return {name: json.loads(content) for name, content in files.items()}


def items(data: dict, object_type: str) -> list[dict]:
    return [item for item in data[TRANSACTIONS]["items"] if item["object_type"] == object_type]


# --- The demo ---------------------------------------------------------------------------


def test_the_demo_exports_valid_files_with_the_exhibits_figures(demo_data):
    data = parsed(export(date(2006, 12, 31)))
    assert set(data) == set(FILE_TYPES)
    manifest = data[MANIFEST]
    issuer = manifest["issuer"]
    assert issuer["legal_name"] == "Valence Technology, Inc."
    assert (issuer["country_of_formation"], issuer["country_subdivision_of_formation"]) == (
        "US",
        "DE",
    )
    assert "illustrative" in issuer["comments"][0]
    assert manifest["as_of"] == "2006-12-31"
    stakeholders = data[STAKEHOLDERS]["items"]
    assert [s["name"]["legal_name"] for s in stakeholders] == ["James R. Akridge"]

    [grant] = items(data, "TX_EQUITY_COMPENSATION_ISSUANCE")
    assert grant["stakeholder_id"] == stakeholders[0]["id"]
    assert Decimal(grant["quantity"]) == demo.SHARES == 1_000_000
    assert Decimal(grant["exercise_price"]["amount"]) == demo.EXERCISE_PRICE
    assert grant["exercise_price"]["currency"] == "USD"
    assert grant["date"] == "2005-07-13" and grant["expiration_date"] == "2015-07-13"
    assert (grant["compensation_type"], grant["option_grant_type"]) == ("OPTION_NSO", "NSO")
    vestings = [(date.fromisoformat(v["date"]), int(v["amount"])) for v in grant["vestings"]]
    assert vestings == demo.INSTALLMENTS
    assert sum(amount for _, amount in vestings) == demo.SHARES
    windows = {
        w["reason"]: (w["period"], w["period_type"]) for w in grant["termination_exercise_windows"]
    }
    assert windows["VOLUNTARY_OTHER"] == windows["INVOLUNTARY_OTHER"] == (3, "MONTHS")
    assert windows["INVOLUNTARY_DISABILITY"] == (12, "MONTHS")
    assert windows["INVOLUNTARY_DEATH"] == (18, "MONTHS")
    comments = " ".join(grant["comments"])
    assert "Minimum exercise: 1,000 shares" in comments
    assert "registered under the Securities Act" in comments
    assert (
        "approved the board authorization of this grant on 2005-07-13 at Compensation "
        "Committee meeting of 2005-07-13 (illustrative)." in comments
    )
    # Nothing else happened by the end of 2006: no exercise, forfeiture or expiration.
    assert len(data[TRANSACTIONS]["items"]) == 1

    # The manifest lists every other file with its checksum.
    files = export(date(2006, 12, 31))
    listed = {
        entry["filepath"]: entry["md5"]
        for key, entries in manifest.items()
        if key.endswith("_files")
        for entry in entries
    }
    assert listed == {
        name: hashlib.md5(content).hexdigest()  # noqa: S324
        for name, content in files.items()
        if name != MANIFEST
    }


def test_a_plan_with_no_reserve_shows_its_granted_shares_and_says_so(demo_data):
    plans = {p["plan_name"]: p for p in parsed(export(date(2006, 12, 31)))[STOCK_PLANS]["items"]}
    granted = plans[demo.PLAN_2000]
    assert Decimal(granted["initial_shares_reserved"]) == demo.SHARES
    assert "reserve is not recorded" in granted["comments"][0]
    assert Decimal(plans[demo.PLAN_1990]["initial_shares_reserved"]) == 0
    assert "reserve is not recorded" in plans[demo.PLAN_1990]["comments"][0]
    # A recorded reserve is exported as it is, without the comment.
    StockPlan.objects.filter(name=demo.PLAN_2000).update(shares_reserved=5_000_000)
    plans = {p["plan_name"]: p for p in parsed(export(date(2006, 12, 31)))[STOCK_PLANS]["items"]}
    assert Decimal(plans[demo.PLAN_2000]["initial_shares_reserved"]) == 5_000_000
    assert not any("not recorded" in c for c in plans[demo.PLAN_2000]["comments"])


def test_the_common_stock_is_not_applicable_until_its_authorized_shares_are_recorded(demo_data):
    [common] = parsed(export(date(2006, 12, 31)))["stock_classes.ocf.json"]["items"]
    assert common["initial_shares_authorized"] == "NOT APPLICABLE"
    Issuer.objects.update(common_shares_authorized=100_000_000)
    [common] = parsed(export(date(2006, 12, 31)))["stock_classes.ocf.json"]["items"]
    assert Decimal(common["initial_shares_authorized"]) == 100_000_000


def test_the_demo_option_expires_unexercised_after_its_term(demo_data):
    data = parsed(export(date(2016, 1, 1)))
    [expired] = items(data, "TX_EQUITY_COMPENSATION_CANCELLATION")
    assert expired["date"] == "2015-07-14"
    assert Decimal(expired["quantity"]) == demo.SHARES
    assert "Expired" in expired["reason_text"]
    # On its last day it has not expired yet.
    assert items(parsed(export(date(2015, 7, 13))), "TX_EQUITY_COMPENSATION_CANCELLATION") == []


def test_ids_are_stable_between_two_exports(demo_data, company):
    first, second = export(date(2007, 12, 31)), export(date(2007, 12, 31))
    for name in first:
        if name != MANIFEST:
            assert first[name] == second[name], name
    ids = [item["id"] for item in json.loads(first[TRANSACTIONS])["items"]]
    assert len(ids) == len(set(ids))
    grant = OptionGrant.objects.get(optionee__name="James R. Akridge")
    assert f"grant-{grant.pk}" in ids


def test_an_as_of_date_before_the_grant_exports_no_grant(demo_data):
    data = parsed(export(date(2005, 7, 12)))
    assert data[TRANSACTIONS]["items"] == []
    assert data[STAKEHOLDERS]["items"] == []


# --- Exercises, restricted stock, forfeitures, releases --------------------------------


def test_every_record_and_figure_matches_the_database(demo_data, company):
    on = date(2007, 12, 31)
    data = parsed(export(on))
    grants = OptionGrant.objects.filter(grant_date__lte=on)
    options = [
        i for i in items(data, "TX_EQUITY_COMPENSATION_ISSUANCE") if i["compensation_type"] != "RSU"
    ]
    assert len(options) == grants.count()
    assert sum(Decimal(i["quantity"]) for i in options) == grants.aggregate(s=Sum("shares"))["s"]
    for issuance in options + items(data, "TX_STOCK_ISSUANCE"):
        if issuance.get("vestings"):
            assert sum(Decimal(v["amount"]) for v in issuance["vestings"]) == Decimal(
                issuance["quantity"]
            )

    exercises = items(data, "TX_EQUITY_COMPENSATION_EXERCISE")
    assert len(exercises) == Exercise.objects.count() == 1
    [exercise] = exercises
    assert Decimal(exercise["quantity"]) == 2_500 and exercise["date"] == "2007-03-01"
    stock = {i["security_id"]: i for i in items(data, "TX_STOCK_ISSUANCE")}
    [resulting] = exercise["resulting_security_ids"]
    assert Decimal(stock[resulting]["quantity"]) == 2_500
    assert Decimal(stock[resulting]["share_price"]["amount"]) == Decimal("2.99")

    # Restricted stock awards: stock issuances with their vestings; units: RSU issuances.
    rsas = [i for i in items(data, "TX_STOCK_ISSUANCE") if i.get("issuance_type") == "RSA"]
    assert len(rsas) == StockAward.objects.filter(award_type="RSA").count() == 2
    carols = company["carols"]
    carol_rsa = next(i for i in rsas if i["id"] == f"award-{carols.pk}")
    assert Decimal(carol_rsa["share_price"]["amount"]) == Decimal("1.00")
    assert [v["date"] for v in carol_rsa["vestings"]] == ["2006-07-10", "2007-07-10"]
    [rsu] = [
        i for i in items(data, "TX_EQUITY_COMPENSATION_ISSUANCE") if i["compensation_type"] == "RSU"
    ]
    assert rsu["id"] == f"award-{company['rsu'].pk}" and Decimal(rsu["quantity"]) == 3_000
    assert rsu["expiration_date"] is None  # required by the schema, null for a unit

    # Carol's end of service on 2007-01-15 forfeits her 2007-07-10 installment.
    [forfeiture] = items(data, "TX_STOCK_CANCELLATION")
    assert forfeiture["security_id"] == carol_rsa["security_id"]
    assert forfeiture["date"] == "2007-01-15" and Decimal(forfeiture["quantity"]) == 1_000

    # The unit's confirmed vestings are releases: the gross units, the net shares issued.
    releases = items(data, "TX_EQUITY_COMPENSATION_RELEASE")
    confirmed = AwardVesting.objects.filter(award=company["rsu"], vest_date__lte=on)
    assert len(releases) == confirmed.count() == 2
    first = next(r for r in releases if r["date"] == "2006-12-01")
    assert Decimal(first["quantity"]) == 1_000
    # No price on 2006-12-01: the closing price of 2006-07-10, the latest before it.
    assert Decimal(first["release_price"]["amount"]) == Decimal("3.50")
    assert Decimal(stock[first["resulting_security_ids"][0]]["quantity"]) == 600
    # Every holder is a stakeholder, and every transaction names a known one.
    people = {s["id"] for s in data[STAKEHOLDERS]["items"]}
    assert len(people) == 4  # the demo's optionee, Alice, Bob and Carol
    assert {
        i["stakeholder_id"] for i in data[TRANSACTIONS]["items"] if "stakeholder_id" in i
    } == people


def test_facts_dated_after_the_as_of_date_are_left_out(demo_data, company):
    data = parsed(export(date(2007, 1, 14)))
    assert items(data, "TX_STOCK_CANCELLATION") == []  # Carol leaves the next day
    assert items(data, "TX_EQUITY_COMPENSATION_EXERCISE") == []  # exercised 2007-03-01
    assert len(items(data, "TX_EQUITY_COMPENSATION_RELEASE")) == 1  # 2006-12-01 only
    carol = next(s for s in data[STAKEHOLDERS]["items"] if s["name"]["legal_name"] == "Carol Cole")
    assert "comments" not in carol
    later = parsed(export(date(2007, 1, 15)))
    carol = next(s for s in later[STAKEHOLDERS]["items"] if s["name"]["legal_name"] == "Carol Cole")
    assert "Service ended on 2007-01-15" in carol["comments"][0]


def test_the_export_reads_a_fixed_number_of_queries(demo_data, company):
    """However many grants, exercises and awards: no query per record."""

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            export(date(2007, 12, 31))
        return len(captured)

    before = queries()
    for n in range(5):
        grant = make_grant(optionee=PersonFactory(name=f"Optionee {n}"))
        grant.exercise(2_500, date(2006, 8, 1))
        rsu = make_award(
            [(date(2006, 12, 1), 500)],
            recipient=grant.optionee,
            grant_date=date(2006, 6, 1),
            award_type="RSU",
        )
        rsu.confirm_vesting(date(2006, 12, 1), withheld=100, by=None)
    assert queries() == before


def test_an_iso_grant_is_exported_as_one(demo_data):
    OptionGrant.objects.update(option_type="ISO")
    [grant] = items(parsed(export(date(2006, 1, 1))), "TX_EQUITY_COMPENSATION_ISSUANCE")
    assert (grant["compensation_type"], grant["option_grant_type"]) == ("OPTION_ISO", "ISO")


def test_pyocf_refuses_a_file_that_breaks_the_schema(demo_data):
    """The validation the tests rely on is real: a missing required field fails."""
    content = json.loads(export(date(2006, 1, 1))[TRANSACTIONS])
    del content["items"][0]["exercise_price"]["currency"]
    with pytest.raises(PydanticError):
        FILE_TYPES[TRANSACTIONS].model_validate(content)


# --- The command ------------------------------------------------------------------------


def test_the_command_writes_the_files(demo_data, tmp_path):
    out = StringIO()
    call_command(
        "export_ocf", "--output", str(tmp_path / "ocf"), "--as-of", "2006-12-31", stdout=out
    )
    assert "Wrote 5 Open Cap Format files as of 2006-12-31" in out.getvalue()
    written = {path.name: path.read_bytes() for path in (tmp_path / "ocf").iterdir()}
    assert set(written) == set(FILE_TYPES)
    parsed(written)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--as-of", "2006-13-01"], "--as-of takes a date as YYYY-MM-DD"),
        (["--as-of", "yesterday\x00"], "--as-of takes a date as YYYY-MM-DD"),
        (["--as-of", "9999-12-31"], "Enter a date between"),
    ],
)
def test_the_command_refuses_a_bad_date(demo_data, tmp_path, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("export_ocf", "--output", str(tmp_path), *args)


def test_the_command_refuses_a_missing_folder_or_a_file(demo_data, tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        call_command("export_ocf", "--output", str(tmp_path / "no" / "such"))
    (tmp_path / "file").write_text("x")
    with pytest.raises(CommandError, match="is a file"):
        call_command("export_ocf", "--output", str(tmp_path / "file"))


def test_the_command_says_what_is_missing_without_an_issuer(db, tmp_path):
    with pytest.raises(CommandError, match="not recorded"):
        call_command("export_ocf", "--output", str(tmp_path))
    assert list(tmp_path.iterdir()) == []


# --- The download -----------------------------------------------------------------------


@pytest.mark.parametrize("role", ["auditor", "committee", "compadmin"])
def test_everyone_who_reads_reports_downloads_the_zip(demo_data, client_for, role):
    response = client_for(role).get("/reports/ocf.zip", {"as_of": "2006-12-31"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert 'filename="ocf-2006-12-31.zip"' in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    files = {name: archive.read(name) for name in archive.namelist()}
    assert set(files) == set(FILE_TYPES)
    assert parsed(files)[MANIFEST]["as_of"] == "2006-12-31"


def test_the_reports_page_offers_the_download(demo_data, client_for):
    response = client_for("auditor").get("/reports/")
    assert b"Open Cap Format" in response.content and b"/reports/ocf.zip" in response.content


def test_anonymous_visitors_are_sent_to_sign_in(demo_data, client):
    response = client.get("/reports/ocf.zip")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_a_bad_date_or_a_missing_issuer_is_said_on_the_reports_page(demo_data, client_for):
    auditor = client_for("auditor")
    response = auditor.get("/reports/ocf.zip", {"as_of": "2006-02-30"}, follow=True)
    assert b"Open Cap Format: Enter a valid date" in response.content
    Issuer.objects.all().delete()
    response = auditor.get("/reports/ocf.zip", {"as_of": "2006-12-31"}, follow=True)
    assert b"are not recorded" in response.content


# --- The issuer's page --------------------------------------------------------------------

VALID = {
    "legal_name": "Valence Technology, Inc.",
    "country_of_formation": "US",
    "state_of_formation": "DE",
    "formation_date": "1989-03-01",
    "common_shares_authorized": "200,000,000",
}


def test_an_admin_corrects_the_issuer_and_the_history_shows_it(demo_data, client_for):
    response = client_for("compadmin").post("/grants/issuer/", VALID, follow=True)
    assert b"Saved the issuer" in response.content
    issuer = Issuer.objects.get()
    assert issuer.formation_date == date(1989, 3, 1)
    assert not issuer.formation_date_illustrative  # the box was left unchecked
    assert issuer.common_shares_authorized == 200_000_000
    change = Change.objects.filter(record_type="grants.issuer").order_by("-pk").first()
    assert change is not None and "Valence Technology, Inc." in change.subject


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("country_of_formation", "us", "two-letter ISO 3166-1 code"),
        ("state_of_formation", "Delaware", "ISO 3166-2"),
        ("state_of_formation", "", "has a state"),
        ("legal_name", "A" * 201, "at most 200 characters"),
        ("legal_name", "Valence\x00", "Null characters are not allowed"),
        ("formation_date", "9999-01-01", "Enter a date between"),
        ("common_shares_authorized", "9" * 40, "Enter"),
        ("common_shares_authorized", "0", "at least one share"),
    ],
)
def test_bad_issuer_input_is_refused_and_nothing_saved(
    demo_data, client_for, field, value, message
):
    before = Issuer.objects.values().get()
    response = client_for("compadmin").post("/grants/issuer/", {**VALID, field: value})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Issuer.objects.values().get() == before


@pytest.mark.parametrize("role", ["committee", "auditor"])
def test_only_admins_edit_the_issuer(demo_data, client_for, role):
    reader = client_for(role)
    page = reader.get("/grants/issuer/")
    assert page.status_code == 200 and b"Valence Technology, Inc." in page.content
    assert b"the issuer's facts</h2>" not in page.content
    assert reader.post("/grants/issuer/", VALID).status_code == 403
    assert Issuer.objects.get().formation_date == demo.ISSUER_FORMATION_DATE


def test_an_admin_records_the_issuer_when_none_is(db, client_for):
    admin = client_for("compadmin")
    page = admin.get("/grants/issuer/").content
    assert b"Not recorded yet" in page and b"Record the issuer's facts" in page
    admin.post("/grants/issuer/", {**VALID, "formation_date_illustrative": "on"})
    assert Issuer.objects.get().formation_date_illustrative


def test_a_reversed_exercise_is_not_exported(demo_data, company, committee_member):
    # A correction: the exercise entered by mistake is as if it never happened.
    Exercise.objects.get().reverse(by=committee_member, reason="Entered on the wrong grant.")
    data = parsed(export(date(2007, 12, 31)))
    assert items(data, "TX_EQUITY_COMPENSATION_EXERCISE") == []
    assert not [i for i in items(data, "TX_STOCK_ISSUANCE") if i["id"].startswith("exercise-")]
