"""An uploaded .xlsx reads as openpyxl, the library that writes our exports, reads it:
every cell as the text read_table() makes of it, whatever kind of value it holds."""

import io
from datetime import date, datetime, time

from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from core.imports import _cell, read_table

cells = st.one_of(
    st.none(),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cc", "Cs"]), max_size=20),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12),
    st.booleans(),
    st.dates(min_value=date(1901, 1, 1), max_value=date(9999, 12, 31)),
    st.datetimes(min_value=datetime(1901, 1, 1), max_value=datetime(9999, 12, 31)).map(
        lambda d: d.replace(microsecond=0)
    ),
)


def xlsx(rows: list[list], *, write_only: bool = False) -> bytes:
    workbook = Workbook(write_only=write_only)
    sheet = workbook.create_sheet() if write_only else workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def as_openpyxl_reads_it(content: bytes) -> list[list[str]]:
    sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
    sheet.reset_dimensions()
    table = [[_cell(c) for c in row] for row in sheet.iter_rows(values_only=True)]
    return [row for row in table if any(row)]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.lists(cells, min_size=1, max_size=6), min_size=1, max_size=8),
    st.booleans(),
)
def test_every_kind_of_cell_reads_as_openpyxl_reads_it(rows, write_only):
    header = ["a", "b", "c", "d", "e", "f"]
    content = xlsx([header, *rows], write_only=write_only)
    expected = as_openpyxl_reads_it(content)
    _, table = read_table(SimpleUploadedFile("f.xlsx", content))
    width = len(header)
    assert [[row[h] for h in header] for row in table] == [
        (row + [""] * width)[:width] for row in expected[1:]
    ]


def test_the_active_sheet_is_read_and_a_formula_by_its_value():
    workbook = Workbook()
    first = workbook.active
    first.append(["name"])
    first.append(["on the first sheet"])
    second = workbook.create_sheet("Officers")
    second.append(["name", "total", "when", "at"])
    second.append(["Dean Bogues", "=1+1", date(2006, 9, 30), time(12, 30)])
    workbook.active = 1
    buffer = io.BytesIO()
    workbook.save(buffer)
    header, table = read_table(SimpleUploadedFile("f.xlsx", buffer.getvalue()))
    assert header == ["name", "total", "when", "at"]
    # A formula written by a program that did not compute it has no value to read.
    assert table == [{"name": "Dean Bogues", "total": "", "when": "2006-09-30", "at": "12:30:00"}]
