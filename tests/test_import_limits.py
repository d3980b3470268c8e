"""The import page's limits (issue 13): a crafted Excel file is refused before its rows are
read (a 1.6 KB file declaring a huge sheet reached 2.9 GB), an upload past the size limit
is dropped as it arrives, and a CSV cell past the csv module's limit is a message, not a
500. Nothing is saved."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from benchmark.importing import grants_import_file
from benchmark.importing import measure_preview as measure_import_preview
from compensation.models import OfficerYear, Person
from core.imports import MAX_BYTES, MAX_COLUMNS, MAX_ROWS, MAX_UNZIPPED_BYTES, read_table
from grants.models import OptionGrant, StockPlan

pytestmark = pytest.mark.django_db

SHEET = "xl/worksheets/sheet1.xml"
NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
HEADER_ROW = (
    '<row r="1">'
    + "".join(
        f'<c r="{col}1" t="inlineStr"><is><t>{name}</t></is></c>'
        for col, name in zip("ABC", ["name", "fiscal_year", "title"], strict=True)
    )
    + "</row>"
)


def sheet_xml(rows: str, dimension: str = "A1:C2") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<worksheet xmlns="{NS}"><dimension ref="{dimension}"/>'
        f"<sheetData>{HEADER_ROW}{rows}</sheetData></worksheet>"
    ).encode()


def workbook_with_sheet(sheet: bytes) -> bytes:
    """A workbook saved by openpyxl, its first sheet's XML replaced by `sheet`."""
    buffer = io.BytesIO()
    Workbook().save(buffer)
    crafted = io.BytesIO()
    with (
        zipfile.ZipFile(buffer) as source,
        zipfile.ZipFile(crafted, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target,
    ):
        for part in source.infolist():
            target.writestr(part.filename, sheet if part.filename == SHEET else source.read(part))
    return crafted.getvalue()


def post(client, content: bytes, name: str = "officers.xlsx", kind: str = "officer_years"):
    data = {"kind": kind, "file": SimpleUploadedFile(name, content), "preview": "1"}
    return client.post("/imports/", data)


@pytest.fixture
def admin(client_for, demo_data):
    return client_for("compadmin")


def saved() -> tuple[int, int, int]:
    return Person.objects.count(), OfficerYear.objects.count(), OptionGrant.objects.count()


DECLARES_A_HUGE_SHEET = sheet_xml(
    '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>', dimension="A1:XFD1048576"
)


def test_a_tiny_workbook_declaring_a_huge_sheet_is_refused_before_its_rows_are_read(admin):
    # The reported attack: openpyxl padded every row up to the last one to the declared
    # width, 1,048,576 rows of 16,384 cells built from a file of a kilobyte or two.
    content = workbook_with_sheet(DECLARES_A_HUGE_SHEET)
    assert len(content) < 5 * 1024
    before = saved()
    response = post(admin, content)
    assert response.status_code == 200
    # The refusal of the scan that runs before openpyxl opens the file; counting the rows
    # read would say "The file has more than {MAX_ROWS} rows".
    assert f"The sheet has rows past row {MAX_ROWS + 1:,}" in response.content.decode()
    assert response.context["result"] is None
    assert saved() == before


def test_a_workbook_that_inflates_past_the_limit_is_refused_by_its_declared_size(admin):
    # A few dozen kilobytes of compressed XML that would inflate past the limit.
    rows = "<row/>" * (MAX_UNZIPPED_BYTES // len("<row/>"))
    content = workbook_with_sheet(sheet_xml(rows))
    assert len(content) < 200 * 1024
    response = post(admin, content)
    assert (
        f"expands to more than {MAX_UNZIPPED_BYTES // (1024 * 1024)} MB once unzipped"
        in response.content.decode()
    )
    assert response.context["result"] is None


ROW = '<row><c t="inlineStr"><is><t>x</t></is></c></row>'
ENTITIES = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    f'<worksheet xmlns="{NS}"><sheetData><row><c t="inlineStr"><is><t>&lol2;</t></is></c>'
    "</row></sheetData></worksheet>"
)


@pytest.mark.parametrize(
    ("sheet", "message"),
    [
        # Rows without numbers count one by one.
        (sheet_xml(ROW * (MAX_ROWS + 1)), f"rows past row {MAX_ROWS + 1:,}"),
        # A cell far to the right, and a row of many cells all claiming column A.
        (sheet_xml('<row r="2"><c r="XFD2"><v>1</v></c></row>'), "cells past column Z"),
        (sheet_xml('<row r="2">' + '<c r="A2"/>' * 100_000 + "</row>"), "cells past column Z"),
        # An XML entity, which could expand without end: no part of a workbook has one.
        (ENTITIES.encode(), "The Excel file cannot be read"),
        # A cell that says it is far down, in a row that does not (the reader places a
        # cell by its own reference).
        (sheet_xml('<row r="2"><c r="Z1000000"><v>1</v></c></row>'), "rows past row"),
        (sheet_xml('<row r="2"><c r="A99999999"><v>1</v></c></row>'), "cannot be read"),
        (sheet_xml('<row r="99999999"><c><v>1</v></c></row>'), "cannot be read"),
        # The Strict namespace, or any other: the reader reads elements by local name.
        (
            sheet_xml(ROW * (MAX_ROWS + 1)).replace(
                NS.encode(), b"http://purl.oclc.org/ooxml/spreadsheetml/main"
            ),
            f"rows past row {MAX_ROWS + 1:,}",
        ),
        (
            sheet_xml('<x:row r="2"><x:c r="XFD2"/></x:row>').replace(
                b"<worksheet ", b'<worksheet xmlns:x="urn:any" '
            ),
            "cells past column Z",
        ),
    ],
)
def test_crafted_sheets_are_refused_before_the_reader_opens_them(admin, sheet, message):
    response = post(admin, workbook_with_sheet(sheet))
    assert message in response.content.decode()
    assert response.context["result"] is None


def test_a_sheet_stored_under_a_name_the_scan_does_not_read_is_refused(admin):
    # The workbook's relationships name the sheet's part: a sheet renamed from .xml (to
    # .bin, say) would reach the reader unscanned.
    content = workbook_with_sheet(sheet_xml('<row r="2"><c r="XFD1048576"><v>1</v></c></row>'))
    renamed = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(content)) as source,
        zipfile.ZipFile(renamed, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for part in source.infolist():
            data = source.read(part).replace(b"worksheets/sheet1.xml", b"worksheets/sheet1.bin")
            name = part.filename.replace("sheet1.xml", "sheet1.bin")
            target.writestr(name, data)
    before = saved()
    response = post(admin, renamed.getvalue())
    assert "The Excel file cannot be read" in response.content.decode()
    assert response.context["result"] is None
    assert saved() == before


def test_a_sheet_at_the_limits_is_read_whole():
    rows = "".join(
        f'<row r="{n}"><c r="A{n}"><v>{n}</v></c><c r="Z{n}"><v>1</v></c></row>'
        for n in range(2, MAX_ROWS + 2)
    )
    content = workbook_with_sheet(sheet_xml(rows, dimension="A1:XFD1048576"))
    header, table = read_table(SimpleUploadedFile("f.xlsx", content))
    assert header == ["name", "fiscal_year", "title"] + [""] * (MAX_COLUMNS - 3)
    assert len(table) == MAX_ROWS and table[-1]["name"] == str(MAX_ROWS + 1)


def test_an_upload_past_the_size_limit_is_dropped_as_it_arrives(admin):
    content = b"name,fiscal_year,title\n" + b"x" * MAX_BYTES
    response = post(admin, content, name="officers.csv")
    assert response.status_code == 200
    assert f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB." in response.content.decode()
    # Neither kept in memory nor left in a temporary file for the view.
    assert "file" not in response.wsgi_request.FILES


def test_a_csv_cell_longer_than_the_csv_modules_limit_is_refused_with_a_message(admin):
    before = saved()
    content = f"name,fiscal_year,title\n{'A' * 131_073},2007,Controller\n".encode()
    response = post(admin, content, name="officers.csv")
    assert response.status_code == 200
    assert "Line 2: a cell is longer than 131,072 characters." in response.content.decode()
    assert saved() == before


def test_the_import_page_states_its_limits(admin):
    page = admin.get("/imports/").content.decode()
    assert f"at most 5 MB and {MAX_ROWS:,} rows" in page and "32 MB once unzipped" in page


def test_the_benchmark_previews_a_grants_file_and_reports_its_peak_memory():
    plan = StockPlan.objects.create(name="Benchmark Plan", shares_reserved=1_000_000)
    figures = measure_import_preview(grants_import_file(plan.name, 8))
    assert figures["rows"] == 8 and figures["errors"] == 0
    assert figures["peak_memory_mb"] > 0 and figures["file_kb"] > 0
    assert OptionGrant.objects.count() == 0  # a preview saves nothing
