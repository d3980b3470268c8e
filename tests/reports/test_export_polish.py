"""Export polish (issue 16): file names that say what the figures are for, Excel sheets
with a bold, frozen header row, an autofilter, fitting widths and names that read whole,
and CSV prices with two to four decimals."""

import io
import zipfile
from datetime import date
from decimal import Decimal
from xml.etree import ElementTree

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from grants.models import OptionGrant
from reports import xlsx
from reports.base import MONEY, PRICE, SHARES
from reports.definitions import REPORTS
from reports.exports import SHEET_NAMES, file_name, plain, sheet_name, write_xlsx
from reports.xlsx import WorkbookWriter

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


# --- CSV prices ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("2.99"), "2.99"),
        (Decimal("2.9900"), "2.99"),
        (Decimal("2.9875"), "2.9875"),
        (Decimal("2.9870"), "2.987"),
        (Decimal("3"), "3.00"),
        (Decimal("3.0000"), "3.00"),
        (3, "3.00"),
        (Decimal("1250.5"), "1250.50"),
        (Decimal("0"), "0.00"),
    ],
)
def test_a_csv_price_has_two_decimals_at_least_and_more_as_recorded(value, text):
    assert plain(value, PRICE) == text


def test_csv_money_shares_and_labels_stay_as_they_were():
    assert plain(Decimal("1243687.50"), MONEY) == "1243687.5"
    assert plain(Decimal("35958"), MONEY) == "35958"
    assert plain(56250, SHARES) == 56250
    assert plain("not valued", PRICE) == "not valued"
    assert plain("=1+1", PRICE) == "'=1+1"
    assert plain(None, PRICE) == ""


@pytest.mark.django_db
def test_the_402f_csv_prints_the_seed_grants_price_to_the_cent(demo_data, client_for):
    response = client_for("auditor").get(
        "/reports/outstanding-equity-awards/?as_of=2006-12-31&_export=csv"
    )
    text = b"".join(response.streaming_content).decode()
    assert ",2.99," in text and "2.9900" not in text


# --- File names ---------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "name"),
    [
        (
            "/reports/summary-compensation/?year=2006&_export=xlsx",
            "summary-compensation-fy2006.xlsx",
        ),
        ("/reports/plan-based-awards/?year=2005&_export=pdf", "plan-based-awards-fy2005.pdf"),
        ("/reports/option-exercises/?year=2007&_export=csv", "option-exercises-fy2007.csv"),
        (
            "/reports/outstanding-equity-awards/?as_of=2006-12-31&_export=csv",
            "outstanding-equity-awards-2006-12-31.csv",
        ),
        ("/reports/plan-pool/?as_of=2007-06-30&_export=xlsx", "plan-pool-2007-06-30.xlsx"),
        (
            "/reports/officer-compensation/?year=2006&bonus_year=2004&_export=csv",
            "officer-compensation-fy2006-bonus-fy2004.csv",
        ),
        ("/reports/vesting-schedule/?_export=csv", "vesting-schedule.csv"),
    ],
)
def test_an_export_is_named_for_what_its_figures_are_for(demo_data, client_for, url, name):
    response = client_for("auditor").get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'


@pytest.mark.django_db
def test_a_vesting_schedules_name_carries_its_grant_and_dates(demo_data, client_for):
    grant = OptionGrant.objects.get()
    report = REPORTS["vesting-schedule"].from_data(
        {"grant": grant.pk, "start": "2006-01-01", "end": "2007-12-31"}
    )
    assert file_name(report, "csv") == (
        f"vesting-schedule-grant-{grant.pk}-from-2006-01-01-to-2007-12-31.csv"
    )


@pytest.mark.django_db
def test_the_command_names_the_file_for_the_report_when_no_output_is_given(
    demo_data, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    call_command(
        "export_report", "summary-compensation", "--year", "2006", "--format", "csv",
        stdout=io.StringIO(),
    )  # fmt: skip
    call_command(
        "export_report", "outstanding-equity-awards", "--as-of", "2006-12-31",
        "--format", "xlsx", "--output", str(tmp_path), stdout=io.StringIO(),
    )  # fmt: skip
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "outstanding-equity-awards-2006-12-31.xlsx",
        "summary-compensation-fy2006.csv",
    ]


# --- Excel ----------------------------------------------------------------------------------


def designed(name: str) -> str:
    """The sheet name chosen for a report: its own `sheet_name`, or the one exports.py
    keeps for it (never a title cut at 31 characters)."""
    return getattr(REPORTS[name], "sheet_name", None) or SHEET_NAMES[name]


def test_every_report_has_a_sheet_name_that_reads_whole():
    for name, report_class in REPORTS.items():
        chosen = sheet_name(report_class({}))
        assert chosen == designed(name) and len(chosen) <= xlsx.SHEET_NAME_MAX
        assert xlsx.sheet_name(chosen) == chosen  # nothing Excel refuses
    assert SHEET_NAMES["outstanding-equity-awards"] == "Outstanding equity FYE"


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(REPORTS))
def test_each_report_sheet_has_a_bold_frozen_filtered_header_and_fitting_widths(
    demo_data, tmp_path, name
):
    report = REPORTS[name].from_data({})
    path = tmp_path / f"{name}.xlsx"
    rows = write_xlsx(report, path)
    sheet = load_workbook(path).active
    assert sheet.title == designed(name)
    labels = [c.label for c in report.columns]
    header = 2 + len(report.parameters()) + 3  # company, title, parameters, when, blank
    assert [c.value for c in sheet[header]][: len(labels)] == labels
    assert all(c.font.b for c in sheet[header][: len(labels)])
    assert not sheet.cell(row=header + 1, column=1).font.b
    assert sheet.freeze_panes == f"A{header + 1}"
    last = xlsx.column_letter(len(labels) - 1)
    assert sheet.auto_filter.ref == f"A{header}:{last}{header + rows}"
    for n, label in enumerate(labels):
        width = sheet.column_dimensions[xlsx.column_letter(n)].width
        assert width >= min(len(label), xlsx.MAX_WIDTH) and width <= xlsx.MAX_WIDTH
        for row in sheet.iter_rows(min_row=header + 1, max_row=header + rows):
            cell = row[n]
            if isinstance(cell.value, str):
                assert width >= min(len(cell.value), xlsx.MAX_WIDTH), (label, cell.value)


def sheet_xml(data: bytes, n: int) -> ElementTree.Element:
    return ElementTree.fromstring(
        zipfile.ZipFile(io.BytesIO(data)).read(f"xl/worksheets/sheet{n}.xml")
    )


def test_the_writer_writes_several_sheets_one_after_another(monkeypatch):
    monkeypatch.setattr(xlsx, "WIDTH_SAMPLE", 3)  # widths from the first 3 rows only
    buffer = io.BytesIO()
    with WorkbookWriter(buffer, ["Summary compensation", "Officers' pay"]) as book:
        with book.sheet(2) as first:
            first.row(["A title that spills over the empty cells beside it"], [xlsx.BOLD])
            first.header(["Name", "Shares"])
            for n in range(2000):  # more rows than are ever held
                first.row([f"Person {n}", n * 1000], [xlsx.PLAIN, xlsx.SHARES])
            first.end_table()
            first.row(["(1) A footnote well past the table and wider than any column."])
        with book.sheet(3) as second:
            second.header(["Grant date", "Price", "Value per option"])
            second.row([date(2006, 1, 10), Decimal("2.9875"), Decimal("3.5958")],
                       [xlsx.DATE, xlsx.PRICE, xlsx.PRICE4])  # fmt: skip
            second.end_table()
    data = buffer.getvalue()
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Summary compensation", "Officers' pay"]
    one, two = book.worksheets
    assert (one.freeze_panes, one.auto_filter.ref) == ("A3", "A2:B2002")
    assert one["A2002"].value == "Person 1999" and one["B2002"].value == 1999000
    # Fitted to the header and the first rows ("Person 0" .. "Person 2", "2,000"), not to
    # the title above the table or the footnote below it.
    assert one.column_dimensions["A"].width == xlsx.MIN_WIDTH + 2
    assert one.column_dimensions["B"].width == round(len("Shares") * xlsx.BOLD_WIDTH + 2, 1)
    assert (two.freeze_panes, two.auto_filter.ref) == ("A2", "A1:C2")
    assert two["C2"].number_format == '"$"#,##0.0000' and two["A1"].font.b
    assert two.column_dimensions["C"].width == round(
        len("Value per option") * xlsx.BOLD_WIDTH + 2, 1
    )
    # Excel's own record of each filter, and only the first sheet selected.
    workbook = ElementTree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("xl/workbook.xml"))
    names = [(d.get("localSheetId"), d.text) for d in workbook.iter(f"{MAIN}definedName")]
    assert names == [
        ("0", "'Summary compensation'!$A$2:$B$2002"),
        ("1", "'Officers'' pay'!$A$1:$C$2"),
    ]
    views = [sheet_xml(data, n).find(f"{MAIN}sheetViews/{MAIN}sheetView") for n in (1, 2)]
    assert [v.get("tabSelected") for v in views] == ["1", None]


def test_a_sheet_name_is_never_cut_short():
    with pytest.raises(ValueError, match="longer than 31 characters"):
        WorkbookWriter(io.BytesIO(), ["Outstanding Equity Awards at Fiscal Year-End"])
    with pytest.raises(ValueError, match="the same name"):
        WorkbookWriter(io.BytesIO(), ["Plan pool", "plan pool"])
    assert xlsx.sheet_name("Vesting: [all]/grants?") == "Vesting- -all--grants-"


def test_a_sheet_without_a_table_has_nothing_frozen_or_filtered():
    buffer = io.BytesIO()
    with xlsx.SheetWriter(buffer, "Notes", 1) as sheet:
        sheet.row(["Only text"])
    data = buffer.getvalue()
    page = load_workbook(io.BytesIO(data)).active
    assert page.freeze_panes is None and page.auto_filter.ref is None
    assert sheet_xml(data, 1).find(f"{MAIN}autoFilter") is None
