"""The proxy package (issue 16): every Item 402 table and the fair value assumptions for a
fiscal year, as one workbook (a sheet each) or one PDF (a section each); and the
assumptions table itself, on a company whose valuations are worked out by hand."""

import io
import os
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook
from pypdf import PdfReader

from grants.models import StockPrice, ValuationDefaults, value_grant
from grants.templatetags.valuation import format_rate
from reports.assumptions import FairValueAssumptions
from reports.exports import csv_lines
from reports.package import ProxyPackage
from tests.factories import OfficerYearFactory, PersonFactory, UserFactory, make_grant

pytestmark = pytest.mark.django_db

SHEETS = [
    "Summary compensation",
    "Plan-based awards",
    "Outstanding equity FYE",
    "Exercises and vested",
    "Fair value assumptions",
]
# 5,000 options vest after 365 days and 5,000 after 730; the term is 3,652 days.
ALICE_2006 = [(date(2007, 1, 10), 5000), (date(2008, 1, 10), 5000)]
ALICE_2004 = [(date(2005, 3, 1), 5000), (date(2006, 3, 1), 5000)]


@pytest.fixture
def company(db):
    """Two named executive officers of 2006 and their grants of fiscal 2003 to 2006:
    - Alice, 2006-01-10: 10,000 at $10, closing $10, the approved 2006 defaults (30%, 5%,
      0%, 5 years): $3.5958 per option, $35,958 (tests/grants/test_valuation_model.py works
      it out by hand);
    - Alice, 2004-03-01: her own inputs (30%, 4.5125%, 1.25%, simplified method);
    - Bob, 2005-06-01: no inputs and no closing price: not valued;
    - Alice, 2003-06-01 (three years before) and a line employee's 2006 grant: not listed."""
    alice, bob = PersonFactory(name="Alice Able"), PersonFactory(name="Bob Baker")
    OfficerYearFactory(person=alice, title="Chief Executive Officer", approved=True)
    OfficerYearFactory(person=bob, title="Chief Financial Officer", approved=True)
    defaults = ValuationDefaults.objects.create(
        fiscal_year=2006,
        volatility=Decimal("0.30"),
        risk_free_rate=Decimal("0.05"),
        dividend_yield=Decimal("0"),
        expected_term=Decimal("5"),
    )
    defaults.approve(by=UserFactory(), meeting="Compensation Committee, 2006-01-05")
    StockPrice.objects.create(date=date(2006, 1, 10), price=Decimal("10"))
    StockPrice.objects.create(date=date(2004, 3, 1), price=Decimal("8.5"))
    StockPrice.objects.create(date=date(2003, 6, 2), price=Decimal("7"))
    grants = {
        "2006": make_grant(
            ALICE_2006,
            optionee=alice,
            grant_date=date(2006, 1, 10),
            exercise_price=Decimal("10"),
            expiration_date=date(2016, 1, 10),
        ),
        "2004": make_grant(
            ALICE_2004,
            optionee=alice,
            grant_date=date(2004, 3, 1),
            exercise_price=Decimal("8.5"),
            expiration_date=date(2014, 3, 1),
            volatility=Decimal("0.30"),
            risk_free_rate=Decimal("0.045125"),
            dividend_yield=Decimal("0.0125"),
            simplified_term=True,
        ),
        "2005": make_grant(
            optionee=bob, grant_date=date(2005, 6, 1), expiration_date=date(2015, 6, 1)
        ),
        "2003": make_grant(
            optionee=alice,
            grant_date=date(2003, 6, 2),
            exercise_price=Decimal("7"),
            expiration_date=date(2013, 6, 2),
        ),
        "employee": make_grant(
            ALICE_2006,
            optionee=PersonFactory(name="Line Employee"),
            grant_date=date(2006, 1, 10),
            exercise_price=Decimal("10"),
            expiration_date=date(2016, 1, 10),
        ),
    }
    for key in ("2006", "2004", "employee"):
        grants[key].valuation = value_grant(grants[key])
    return grants


def test_percentages_show_the_recorded_decimals_as_percent():
    assert format_rate(Decimal("0.35")) == "35.00%"
    assert format_rate(Decimal("0.350000")) == "35.00%"
    assert format_rate(Decimal("0.045125")) == "4.5125%"
    assert format_rate(Decimal("0.0125")) == "1.25%"
    assert format_rate(Decimal("0")) == "0.00%"
    assert format_rate(Decimal("1.234567")) == "123.4567%"


def test_the_assumptions_table_lists_the_officers_grants_of_three_fiscal_years(company):
    report = FairValueAssumptions.from_data({"year": "2006"})
    rows = list(report.rows())
    # The named executive officers in the tables' order (Alice's 2006 total is the higher by
    # her option award), each one's grants by date.
    assert [(r["name"], r["grant_date"]) for r in rows] == [
        ("Alice Able", date(2004, 3, 1)),
        ("Alice Able", date(2006, 1, 10)),
        ("Bob Baker", date(2005, 6, 1)),
    ]
    own, defaults, bob = rows
    assert defaults == {
        "name": "Alice Able",
        "fiscal_year": 2006,
        "grant_date": date(2006, 1, 10),
        "shares": 10_000,
        "exercise_price": Decimal("10"),
        "closing_price": Decimal("10"),
        "volatility": Decimal("0.30"),
        "risk_free_rate": Decimal("0.05"),
        "dividend_yield": Decimal("0"),
        "expected_term": Decimal("5"),
        "term_method": "",
        "value_per_option": Decimal("3.5958"),
        "fair_value": Decimal("35958"),
        "source": "volatility, risk-free rate, dividend yield, expected term from the "
        "fiscal 2006 defaults, approved at Compensation Committee, 2006-01-05",
    }
    # Simplified method: vesting (365 x 5,000 + 730 x 5,000) / 10,000 / 365.25 = 1.498973,
    # contractual 3,652 / 365.25 = 9.998631; T = (1.498973 + 9.998631) / 2 = 5.74880.
    assert own["expected_term"] == Decimal("5.74880")
    assert own["term_method"] == "simplified method"
    assert own["source"] == "all entered for the grant"
    valuation = company["2004"].valuation
    assert (own["value_per_option"], own["fair_value"]) == (
        valuation.value_per_option,
        valuation.fair_value,
    )
    # 10,000 options x the value per option, rounded half up to whole dollars.
    assert own["fair_value"] == (valuation.value_per_option * 10_000).quantize(Decimal(1))
    # Not valued: the reason, and no figure at all (never $0).
    assert bob["source"] == (
        "not valued: no volatility, risk-free rate, dividend yield, expected term for 2005"
    )
    figures = ("closing_price", "volatility", "value_per_option", "fair_value")
    assert all(bob.get(key) is None for key in figures)
    notes = report.footnotes()
    assert notes[0].startswith("Option grants made in fiscal years 2004 to 2006")
    assert any(note.startswith("Simplified method") for note in notes)
    assert any("counted nowhere as $0" in note for note in notes)


def test_the_assumptions_table_prints_percentages_and_four_decimal_values(company):
    report = FairValueAssumptions.from_data({"year": "2006"})
    lines = list(io.StringIO("".join(csv_lines(report))))
    header, own, defaults, bob = (line.rstrip("\r\n") for line in lines[:4])
    assert header.startswith("Name,Fiscal year,Grant date,Options granted,Exercise price")
    assert defaults == (
        "Alice Able,2006,2006-01-10,10000,10.00,10.00,30.00%,5.00%,0.00%,5,,3.5958,35958,"
        '"volatility, risk-free rate, dividend yield, expected term from the fiscal 2006 '
        'defaults, approved at Compensation Committee, 2006-01-05"'
    )
    assert own.startswith(
        "Alice Able,2004,2004-03-01,10000,8.50,8.50,30.00%,4.5125%,1.25%,5.7488,simplified method,"
    )
    assert bob.startswith('Bob Baker,2005,2005-06-01,10000,2.99,,,,,,,,,"not valued: no volatility')
    columns = {c.key: c for c in report.columns}
    assert columns["value_per_option"].display(Decimal("3.5958")) == "$3.5958"
    assert columns["value_per_option"].display(Decimal("4.1")) == "$4.1000"
    assert columns["risk_free_rate"].display(Decimal("0.045125")) == "4.5125%"
    assert columns["risk_free_rate"].numeric and columns["source"].display(None) == ""


def test_the_package_takes_each_table_for_the_year_and_the_year_end(company, settings):
    settings.FISCAL_YEAR_END = "06-30"
    reports = ProxyPackage(2006).reports()
    assert [r.params.get("year") or r.params.get("as_of") for r in reports] == [
        2006,
        2006,
        date(2006, 6, 30),
        2006,
        2006,
    ]


def test_the_package_workbook_has_every_table_on_its_own_sheet(company, tmp_path):
    package = ProxyPackage.from_data({"year": "2006"})
    path = tmp_path / "package.xlsx"
    rows = package.write_xlsx(path)
    book = load_workbook(path)
    assert book.sheetnames == SHEETS
    assert rows == sum(len(list(r.rows())) for r in package.reports())
    for sheet, report in zip(book.worksheets, package.reports(), strict=True):
        values = [[c.value for c in row] for row in sheet.iter_rows()]
        assert values[1][0] == report.title and sheet["A2"].font.b
        labels = [c.label for c in report.columns]
        # Company, title, parameters, when, a blank line, then the header row.
        header = 2 + len(report.parameters()) + 3
        assert values[header - 1][: len(labels)] == labels
        assert all(cell.font.b for cell in sheet[header][: len(labels)])
        assert sheet.freeze_panes == f"A{header + 1}"
        body = len(list(report.rows()))
        last = sheet.cell(row=1, column=len(labels)).column_letter
        assert sheet.auto_filter.ref == f"A{header}:{last}{header + body}"
        for footnote in report.footnotes():
            assert [footnote] in [[v for v in row if v is not None] for row in values]
    assumptions = book["Fair value assumptions"]
    table = [[c.value for c in row] for row in assumptions.iter_rows()]
    alice = next(row for row in table if row[2] == datetime(2006, 1, 10))
    assert alice[6:13] == [0.3, 0.05, 0, 5, None, 3.5958, 35958]
    cells = {c.column_letter: c for c in assumptions[table.index(alice) + 1]}
    assert cells["G"].number_format == "0.00##%" and cells["L"].number_format == '"$"#,##0.0000'


def test_the_package_pdf_has_every_table_in_its_own_section(company):
    package = ProxyPackage(2006)
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(package.render_pdf())).pages]
    starts = [
        next(n for n, text in enumerate(pages) if report.title in text)
        for report in package.reports()
    ]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)  # a page break each
    text = "\n".join(pages)
    assert "$3.5958" in text and "4.5125%" in text and "not valued: no volatility" in text
    assert "Option grants made in fiscal years 2004 to 2006" in text


def test_the_command_writes_the_package(company, tmp_path, monkeypatch):
    out = io.StringIO()
    call_command(
        "export_report",
        "proxy-package",
        "--year",
        "2006",
        "--format",
        "xlsx",
        "--output",
        str(tmp_path / "p.xlsx"),
        stdout=out,
    )
    assert load_workbook(tmp_path / "p.xlsx", read_only=True).sheetnames == SHEETS
    assert "Wrote Proxy Package" in out.getvalue()
    # Readable as any new file is (the umask), not by its owner only.
    umask = os.umask(0)
    os.umask(umask)
    assert (tmp_path / "p.xlsx").stat().st_mode & 0o777 == 0o666 & ~umask
    # A folder, or no --output: the package's own file name.
    call_command(
        "export_report",
        "proxy-package",
        "--year",
        "2006",
        "--format",
        "pdf",
        "--output",
        str(tmp_path),
        stdout=io.StringIO(),
    )
    assert (tmp_path / "proxy-package-fy2006.pdf").read_bytes().startswith(b"%PDF-")
    monkeypatch.chdir(tmp_path)
    call_command(
        "export_report",
        "proxy-package",
        "--year",
        "2005",
        "--format",
        "xlsx",
        stdout=io.StringIO(),
    )
    assert load_workbook(tmp_path / "proxy-package-fy2005.xlsx").sheetnames == SHEETS


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--year", "2006", "--format", "csv"], "proxy-package is written as xlsx or pdf"),
        (["--year", "2006", "--format", "xlsx", "--as-of", "2006-12-31"], "does not take --as-of"),
        (["--year", "1800", "--format", "xlsx"], "Fiscal year: Ensure this value is greater"),
        (["--year", "two", "--format", "pdf"], "Fiscal year: Enter a whole number"),
    ],
)
def test_the_command_refuses_bad_input_and_writes_nothing(company, tmp_path, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("export_report", "proxy-package", *args, "--output", str(tmp_path / "p.out"))
    assert list(tmp_path.iterdir()) == []


def test_the_command_refuses_a_folder_that_does_not_exist(company, tmp_path):
    for output in (tmp_path / "missing" / "p.xlsx", f"{tmp_path / 'missing'}/"):
        with pytest.raises(CommandError, match="missing does not exist"):
            call_command(
                "export_report", "proxy-package", "--year", "2006", "--format", "xlsx",
                "--output", str(output),
            )  # fmt: skip
    assert list(tmp_path.iterdir()) == []


def test_a_package_past_the_pdf_limit_is_refused(company, tmp_path, monkeypatch, client_for):
    from reports import exports

    monkeypatch.setattr(exports, "PDF_MAX_ROWS", 2)  # the package has 3 rows and more
    with pytest.raises(CommandError, match="A PDF holds at most 2 rows"):
        call_command(
            "export_report",
            "proxy-package",
            "--year",
            "2006",
            "--format",
            "pdf",
            "--output",
            str(tmp_path / "p.pdf"),
        )
    assert not (tmp_path / "p.pdf").exists()
    page = client_for("auditor").get("/reports/proxy-package/?year=2006&_export=pdf")
    assert page.status_code == 200 and "A PDF holds at most 2 rows" in page.content.decode()


# --- The page ---------------------------------------------------------------------------


def test_the_reports_page_offers_the_package_with_a_year_and_two_buttons(company, client_for):
    page = client_for("committee").get("/reports/").content.decode()
    assert "Proxy package" in page and 'action="/reports/proxy-package/"' in page
    assert 'name="year"' in page
    assert 'name="_export" value="xlsx">Excel</button>' in page
    assert 'name="_export" value="pdf">PDF</button>' in page


def test_the_package_downloads_from_the_page(company, client_for):
    client = client_for("auditor")
    response = client.get("/reports/proxy-package/?year=2006&_export=xlsx")
    assert response["Content-Disposition"] == 'attachment; filename="proxy-package-fy2006.xlsx"'
    assert "no-store" in response["Cache-Control"]
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    assert book.sheetnames == SHEETS
    response = client.get("/reports/proxy-package/?year=2006&_export=pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="proxy-package-fy2006.pdf"'


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("year=abc&_export=xlsx", "Enter a whole number"),
        ("year=1800&_export=pdf", "greater than or equal to"),
        ("year=2006&_export=csv", "The proxy package is written as Excel or PDF."),
    ],
)
def test_bad_package_input_shows_on_the_page(company, client_for, query, message):
    response = client_for("compadmin").get(f"/reports/proxy-package/?{query}")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert message in response.content.decode()


def test_the_package_page_lists_its_tables_and_needs_the_report_permissions(company, client_for):
    page = client_for("committee").get("/reports/proxy-package/?year=2006")
    text = page.content.decode()
    assert "Proxy Package, fiscal year 2006 (ended December 31, 2006)" in text
    assert all(report.title in text for report in ProxyPackage(2006).reports())
    assert client_for("").get("/reports/proxy-package/?year=2006&_export=xlsx").status_code == 403
