"""The .xlsx writer: what it writes must read back as the same values and formats."""

import io
import zipfile
from datetime import date, datetime
from decimal import Decimal

from openpyxl import load_workbook

from reports import xlsx
from reports.xlsx import SheetWriter, column_letter


class NoSeek(io.RawIOBase):
    """A response-like stream: written to once, front to back."""

    def __init__(self):
        self.data = bytearray()

    def writable(self):
        return True

    def write(self, b):
        self.data.extend(b)
        return len(b)


def test_column_letters():
    assert [column_letter(i) for i in (0, 25, 26, 51, 52, 701, 702)] == [
        "A",
        "Z",
        "AA",
        "AZ",
        "BA",
        "ZZ",
        "AAA",
    ]


def test_values_read_back_with_their_types_and_number_formats():
    buffer = io.BytesIO()
    with SheetWriter(buffer, "Vesting: [all]/grants?", 6) as sheet:
        sheet.row(["Valence Technology, Inc."], [xlsx.BOLD])
        sheet.row(
            [
                "A & B <Co> \"x\" 'y'\x01",
                56250,
                Decimal("2.99"),
                Decimal("1243687.50"),
                date(2007, 1, 13),
                None,
            ],
            [xlsx.PLAIN, xlsx.SHARES, xlsx.PRICE, xlsx.MONEY, xlsx.DATE, xlsx.PLAIN],
        )
        sheet.row([])
        sheet.row(
            ["  two  spaces  ", 1.5, True, datetime(2007, 1, 13, 12, 0)],
            [xlsx.PLAIN, xlsx.PLAIN, xlsx.PLAIN, xlsx.DATE],
        )
    book = load_workbook(io.BytesIO(buffer.getvalue()))  # the full (strict) reader
    sheet = book.active
    assert sheet.title == "Vesting- -all--grants-"
    assert sheet["A1"].value == "Valence Technology, Inc." and sheet["A1"].font.b
    assert [c.value for c in sheet[2]][:5] == [
        "A & B <Co> \"x\" 'y'",  # escaped for XML, the control character dropped
        56250,
        2.99,
        1243687.5,
        datetime(2007, 1, 13),
    ]
    assert isinstance(sheet["B2"].value, int)
    assert sheet["B2"].number_format == "#,##0"
    assert sheet["C2"].number_format == '"$"#,##0.00##'
    assert sheet["D2"].number_format == '"$"#,##0.00'
    assert sheet["E2"].number_format == "yyyy-mm-dd"
    assert sheet["F2"].value is None
    assert [c.value for c in sheet[4]][:4] == [
        "  two  spaces  ",
        1.5,
        "TRUE",
        datetime(2007, 1, 13, 12),
    ]


def test_a_stream_that_cannot_seek_gets_a_valid_workbook():
    stream = NoSeek()
    with SheetWriter(stream, "Sheet", 2) as sheet:
        for n in range(2000):  # more than one write to the archive
            sheet.row([f"row {n}", n], [xlsx.PLAIN, xlsx.SHARES])
    archive = zipfile.ZipFile(io.BytesIO(bytes(stream.data)))
    assert archive.testzip() is None
    rows = list(load_workbook(io.BytesIO(bytes(stream.data)), read_only=True).active.values)
    assert len(rows) == 2000 and rows[-1] == ("row 1999", 1999)
