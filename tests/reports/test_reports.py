"""Each report's figures, computed by hand from the demo data, in every format."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.http import StreamingHttpResponse
from openpyxl import load_workbook
from pypdf import PdfReader

from compensation.models import Person
from grants.models import OptionGrant, StockPlan, StockPrice
from grants.models.service import record_end_of_service
from reports.item402 import PlanBasedAwards
from tests.factories import PersonFactory, approved_grant, make_grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def seed_grant(demo_data):
    # The demo's grant, approved: an option awaiting approval cannot be exercised.
    return approved_grant(OptionGrant.objects.select_related("optionee").get())


@pytest.fixture
def auditor_client(client_for):
    return client_for("auditor")


def csv_rows(client, url) -> list[list[str]]:
    response = client.get(url + ("&" if "?" in url else "?") + "_export=csv")
    assert isinstance(response, StreamingHttpResponse)
    assert "no-store" in response["Cache-Control"]
    text = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(text)))


def xlsx_rows(client, url) -> list[tuple]:
    response = client.get(url + ("&" if "?" in url else "?") + "_export=xlsx")
    assert "no-store" in response["Cache-Control"]
    sheet = load_workbook(io.BytesIO(response.getvalue()), read_only=True).active
    return [tuple(c for c in row) for row in sheet.iter_rows(values_only=True)]


def pdf_text(client, url) -> str:
    response = client.get(url + ("&" if "?" in url else "?") + "_export=pdf")
    assert response["Content-Type"] == "application/pdf"
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


OEA = "/reports/outstanding-equity-awards/?as_of=2006-12-31"


def test_402f_footnote_lists_every_installment_after_year_end_whatever_comes_later(
    auditor_client, seed_grant
):
    def expected(last: date) -> str:
        vesting = "; ".join(
            f"{shares:,} on {day:%Y-%m-%d}"
            for day, shares in seed_grant.installment_rows()
            if date(2006, 12, 31) < day <= last
        )
        return f"(1) Unexercisable shares of the option granted 2005-07-13 vest: {vesting}."

    before = auditor_client.get(OEA).context["footnotes"]
    # And that no stock award is held, and who is named.
    assert before[0] == expected(date.max) and len(before) == 3
    person = seed_grant.optionee
    person.terminated_on, person.termination_reason = date(2008, 2, 1), "other"
    record_end_of_service(person)
    # A 2008 end of service is not known at the 2006 year-end: the table reads the same.
    assert auditor_client.get(OEA).context["footnotes"] == before
    note = before[0]
    assert note.count(" on ") == 11  # every quarterly installment from 2007-01-13 on
    # At the 2007 year-end the grant still vests until the 2008 termination is known.
    response = auditor_client.get("/reports/outstanding-equity-awards/?as_of=2007-12-31")
    assert response.context["footnotes"][0].count(" on ") == 7


def test_402f_at_fiscal_year_end_2006_for_the_seed_grant(auditor_client, seed_grant):
    page = auditor_client.get(OEA)
    [row] = page.context["cells"]
    assert [text for _, text in row] == [
        "James R. Akridge (1)",
        "381,250",
        "618,750",
        "$2.99",
        "2015-07-13",
    ]
    assert "56,250 on 2007-01-13" in page.context["footnotes"][0]
    assert csv_rows(auditor_client, OEA)[1] == [
        "James R. Akridge (1)",
        "381250",
        "618750",
        "2.99",
        "2015-07-13",
    ]
    sheet = xlsx_rows(auditor_client, OEA)
    data = next(r for r in sheet if r and r[0] == "James R. Akridge (1)")
    assert data[1:4] == (381250, 618750, Decimal("2.99")) or data[1:4] == (381250, 618750, 2.99)
    assert isinstance(data[1], int)  # a number in Excel, not text
    text = pdf_text(auditor_client, OEA)
    for expected in [
        "Outstanding Equity Awards",
        "381,250",
        "618,750",
        "$2.99",
        "2015-07-13",
        "Valence Technology, Inc.",
        "Page 1 of 1",
        "Fiscal year-end: 2006-12-31",
    ]:
        assert expected in text


def test_402f_values_in_the_money_options_at_a_price(auditor_client, seed_grant):
    page = auditor_client.get(OEA + "&price=5")
    row = [text for _, text in page.context["cells"][0]]
    assert row[-2:] == ["$766,312.50", "$1,243,687.50"]


def test_the_officer_compensation_report_keeps_na(auditor_client, demo_data):
    url = "/reports/officer-compensation/?year=2006&bonus_year=2004"
    rows = csv_rows(auditor_client, url)
    assert rows[0] == ["Name", "Title", "Base salary 2006", "2004 bonus"]
    assert rows[1] == [
        "James R. Akridge (1)",
        "Chief Executive Officer and President",
        "250000",
        "95625",
    ]
    assert rows[3][3] == "n/a" and rows[5] == [
        "Roger A. Williams",
        "General Counsel and Assistant Secretary",
        "180000",
        "n/a",
    ]
    assert any("Please refer to the employment agreements" in r[0] for r in rows if r)
    sheet = xlsx_rows(auditor_client, url)
    guo = next(r for r in sheet if r and r[0] == "Dr. ChunTai Guo (1)")
    assert guo[2] == 200000 and guo[3] == "n/a"
    text = pdf_text(auditor_client, url)
    assert "$250,000" in text and "$95,625" in text and text.count("n/a") >= 3


def test_option_exercises_report_value_realized(auditor_client, seed_grant):
    StockPrice.objects.create(date=date(2007, 3, 1), price=Decimal("4.50"))
    seed_grant.exercise(10_000, date(2007, 3, 1))
    seed_grant.exercise(5_000, date(2007, 3, 2))  # no price recorded that day
    rows = csv_rows(auditor_client, "/reports/option-exercises/?year=2007")
    assert rows[1] == ["James R. Akridge (1)", "15000", "15100"]
    assert any("No closing price is recorded" in r[0] for r in rows if r)
    assert csv_rows(auditor_client, "/reports/option-exercises/?year=2008")[1:3] == [
        [],
        ["Value realized: (fair market value at exercise - exercise price) x shares."],
    ]


def test_plan_based_awards_show_the_closing_price_only_where_the_exercise_price_is_below_it(
    auditor_client, seed_grant
):
    def rows(year: int) -> list[tuple]:
        keys = ("name", "grant_date", "shares", "exercise_price", "closing_price", "fair_value")
        report = PlanBasedAwards({"year": year})
        return [tuple(row.get(key) for key in keys) for row in report.rows()]

    no_assumptions = "not valued: no volatility, risk-free rate, dividend yield, expected term"
    # $2.99 on 2005-07-13, the exercise price itself: not below it.
    assert rows(2005) == [
        (
            "James R. Akridge",
            date(2005, 7, 13),
            1_000_000,
            Decimal("2.99"),
            None,
            f"{no_assumptions} for 2005",
        )
    ]
    StockPrice.objects.create(date=date(2006, 3, 1), price=Decimal("3.25"))
    make_grant(
        [(date(2006, 3, 1), 5000)],
        grant_date=date(2006, 3, 1),
        optionee=PersonFactory(name="Dean Bogues"),
        exercise_price=Decimal("3.50"),
        expiration_date=date(2016, 3, 1),
    )
    make_grant(
        [(date(2006, 5, 1), 4000)],
        grant_date=date(2006, 5, 1),
        optionee=PersonFactory(name="Dean Bogues"),
        exercise_price=Decimal("3.00"),
        expiration_date=date(2016, 5, 1),
    )
    # The closing price of 2006-05-01, entered after the grant, is above its $3.00.
    StockPrice.objects.create(date=date(2006, 5, 1), price=Decimal("3.40"))
    # $3.25 is below the $3.50 exercise price: not shown (Item 402(d)(2)(vii)).
    assert [row[:5] for row in rows(2006)] == [
        ("Dean Bogues", date(2006, 3, 1), 5000, Decimal("3.50"), None),
        ("Dean Bogues", date(2006, 5, 1), 4000, Decimal("3.00"), Decimal("3.40")),
    ]
    header = csv_rows(auditor_client, "/reports/plan-based-awards/?year=2006")[0]
    assert header[4] == (
        "Closing market price on the grant date, where above the exercise price ($/sh)"
    )


def test_the_summary_table_never_counts_unvalued_options_as_zero(auditor_client, seed_grant):
    from compensation.models import OfficerYear
    from tests.factories import OfficerYearFactory

    OfficerYearFactory(
        person=seed_grant.optionee,
        fiscal_year=2005,
        base_salary=240_000,
        title="Chief Executive Officer and President",
        approved=True,  # a proposal is never totalled: tests/reports/test_approved_only.py
    )
    # The PEO and PFO, marked here (not left to the demo), name all five officers.
    records = OfficerYear.objects.filter(fiscal_year=2006)
    records.filter(person__name="James R. Akridge").update(is_peo=True)
    records.filter(person__name="Thomas F. Mezger").update(is_pfo=True)
    rows = csv_rows(auditor_client, "/reports/summary-compensation/?year=2006")
    akridge = [r[1:] for r in rows if len(r) > 1 and r[0].startswith("James R. Akridge")]
    # 2005: the 2005-07-13 option has no valuation: "not valued", and the total "not
    # recorded", never $240,000. 2004: no salary recorded: the total is not recorded.
    assert akridge == [
        ["2006", "250000", "n/a", "", "n/a", "250000"],
        ["2005", "240000", "n/a", "not valued", "n/a", "not recorded"],
        ["2004", "not recorded", "95625", "", "n/a", "not recorded"],
    ]
    assert [
        "James R. Akridge, the option granted 2005-07-13 (fiscal year 2005): not valued: no "
        "volatility, risk-free rate, dividend yield, expected term for 2005."
    ] in rows
    williams_2004 = next(r for r in rows if r and r[0].startswith("Roger") and r[1] == "2004")
    assert williams_2004[2:] == ["not recorded", "n/a", "", "n/a", "not recorded"]


def test_the_vesting_schedule_keeps_running_totals_from_the_first_installment(
    auditor_client, seed_grant
):
    url = f"/reports/vesting-schedule/?grant={seed_grant.pk}&start=2007-01-01&end=2007-12-31"
    rows = csv_rows(auditor_client, url)[1:]
    assert [(r[2], r[3], r[5]) for r in rows] == [
        ("2007-01-13", "56250", "437500"),
        ("2007-04-13", "56250", "493750"),
        ("2007-07-13", "56250", "550000"),
        ("2007-10-13", "56250", "606250"),
    ]
    everything = csv_rows(auditor_client, "/reports/vesting-schedule/")
    assert len(everything) == 15 and everything[-1][5] == "1000000"


def test_the_plan_pool_after_expiration(auditor_client, seed_grant):
    seed_grant.exercise(10_000, date(2007, 3, 1))
    plan = StockPlan.objects.get(name="2000 Stock Option Plan")
    plan.shares_reserved = 5_000_000
    plan.save()
    rows = {
        r[0]: r for r in csv_rows(auditor_client, "/reports/plan-pool/?as_of=2016-01-01")[1:] if r
    }
    assert rows["2000 Stock Option Plan"][1:] == [
        "5000000",
        "1000000",
        "10000",
        "0",
        "990000",
        "0",
        "4990000",
    ]
    before = {
        r[0]: r for r in csv_rows(auditor_client, "/reports/plan-pool/?as_of=2007-06-01")[1:] if r
    }
    assert before["2000 Stock Option Plan"][1:] == [
        "5000000",
        "1000000",
        "10000",
        "0",
        "0",
        "990000",
        "4000000",
    ]
    assert before["1990 Stock Option Plan (as amended October 3, 1997)"][1] == "not recorded"


def test_the_plan_pool_counts_forfeited_shares(auditor_client, seed_grant):
    person = seed_grant.optionee
    person.terminated_on, person.termination_reason = (
        date(2007, 2, 1),
        Person.TerminationReason.OTHER,
    )
    record_end_of_service(person)
    rows = {
        r[0]: r for r in csv_rows(auditor_client, "/reports/plan-pool/?as_of=2007-03-01")[1:] if r
    }
    assert rows["2000 Stock Option Plan"][2:7] == ["1000000", "0", "562500", "0", "437500"]


def test_cells_that_look_like_formulas_are_neutralized(auditor_client, demo_data):
    person = Person.objects.get(name="Roger A. Williams")
    person.name = '=HYPERLINK("http://evil.example","x")'
    person.save()
    for name in ["-2+3", "@SUM(A1)", "+1"]:
        make_grant(optionee=PersonFactory(name=name))
    rows = csv_rows(auditor_client, "/reports/officer-compensation/?year=2006")
    assert [r[0] for r in rows if "HYPERLINK" in "".join(r)] == [
        '\'=HYPERLINK("http://evil.example","x")'
    ]
    sheet = xlsx_rows(auditor_client, "/reports/vesting-schedule/")
    names = {row[0] for row in sheet if row and isinstance(row[0], str)}
    assert {"'-2+3", "'@SUM(A1)", "'+1"} <= names
    assert not any(n.startswith(("=", "+", "-", "@")) for n in names)


def test_bad_report_parameters_are_refused_with_a_message(auditor_client, demo_data):
    response = auditor_client.get("/reports/outstanding-equity-awards/?as_of=2006-02-30")
    assert "Enter a valid date" in response.content.decode()
    response = auditor_client.get("/reports/plan-pool/?as_of=2006-02-30&_export=csv")
    assert response.status_code == 200 and "Enter a valid date" in response.content.decode()
    response = auditor_client.get("/reports/vesting-schedule/?start=2007-02-01&end=2007-01-01")
    assert "end date is before the start date" in response.content.decode()
    assert auditor_client.get("/reports/no-such-report/").status_code == 404


@pytest.mark.parametrize(
    ("role", "status"), [("committee", 200), ("compadmin", 200), ("auditor", 200), ("", 403)]
)
def test_reports_are_open_to_every_role(client_for, demo_data, role, status):
    client = client_for(role)
    assert client.get("/reports/").status_code == status
    assert client.get("/reports/plan-pool/").status_code == status


def test_the_export_command_writes_each_format(seed_grant, tmp_path):
    call_command(
        "export_report",
        "outstanding-equity-awards",
        "--format",
        "csv",
        "--output",
        str(tmp_path / "a.csv"),
        "--as-of",
        "2006-12-31",
        stdout=io.StringIO(),
    )
    assert "381250,618750" in (tmp_path / "a.csv").read_text()
    call_command(
        "export_report",
        "vesting-schedule",
        "--format",
        "xlsx",
        "--output",
        str(tmp_path / "v.xlsx"),
        "--grant",
        str(seed_grant.pk),
        stdout=io.StringIO(),
    )
    sheet = load_workbook(tmp_path / "v.xlsx", read_only=True).active
    assert (
        sum(
            1
            for row in sheet.iter_rows(values_only=True)
            if len(row) > 3 and isinstance(row[3], int)
        )
        == 14
    )
    call_command(
        "export_report",
        "officer-compensation",
        "--format",
        "pdf",
        "--output",
        str(tmp_path / "o.pdf"),
        "--year",
        "2006",
        stdout=io.StringIO(),
    )
    text = PdfReader(tmp_path / "o.pdf").pages[0].extract_text()
    assert "Executive Officers' Compensation" in text and "$185,000" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["plan-pool", "--year", "2006"], "does not take --year"),
        (["plan-pool", "--as-of", "2006-13-01"], "Enter a valid date"),
        (["outstanding-equity-awards", "--price", "-3"], "greater than or equal to 0"),
        (["vesting-schedule", "--grant", "999999"], "There is no grant with this number"),
    ],
)
def test_the_export_command_refuses_bad_input(demo_data, tmp_path, args, message):
    output = tmp_path / "out.csv"
    with pytest.raises(CommandError, match=message):
        call_command("export_report", *args, "--format", "csv", "--output", str(output))
    assert not output.exists()


def test_the_402_tables_cover_the_executive_officers_only(auditor_client, seed_grant):
    make_grant(optionee=PersonFactory(name="Line Employee"))
    rows = csv_rows(auditor_client, OEA)
    assert [r[0] for r in rows[1:] if len(r) > 1] == ["James R. Akridge (1)"]


def test_a_long_report_shows_its_first_rows_and_exports_every_row(
    auditor_client, seed_grant, monkeypatch
):
    from reports import views

    monkeypatch.setattr(views, "PAGE_ROWS", 5)
    page = auditor_client.get("/reports/vesting-schedule/")
    assert len(page.context["cells"]) == 5
    assert "The first 5 rows are shown" in page.content.decode()
    assert len(csv_rows(auditor_client, "/reports/vesting-schedule/")) == 1 + 14
    sheet = xlsx_rows(auditor_client, "/reports/vesting-schedule/")
    assert sum(1 for row in sheet if len(row) > 5 and isinstance(row[5], int)) == 14
    # One grant's 14 installments fit the page: no notice.
    monkeypatch.setattr(views, "PAGE_ROWS", 14)
    page = auditor_client.get(f"/reports/vesting-schedule/?grant={seed_grant.pk}")
    assert len(page.context["cells"]) == 14 and "rows are shown" not in page.content.decode()


def test_a_pdf_past_its_row_limit_is_refused_with_a_message(
    auditor_client, seed_grant, monkeypatch, tmp_path
):
    from reports import exports

    monkeypatch.setattr(exports, "PDF_MAX_ROWS", 10)
    response = auditor_client.get("/reports/vesting-schedule/?_export=pdf")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert "A PDF holds at most 10 rows" in response.content.decode()
    with pytest.raises(CommandError, match="A PDF holds at most 10 rows"):
        call_command(
            "export_report",
            "vesting-schedule",
            "--format",
            "pdf",
            "--output",
            str(tmp_path / "v.pdf"),
            stdout=io.StringIO(),
        )
    assert not (tmp_path / "v.pdf").exists()
    # Within the limit, the PDF is made.
    monkeypatch.setattr(exports, "PDF_MAX_ROWS", 14)
    assert "Page 1 of" in pdf_text(auditor_client, "/reports/vesting-schedule/")
