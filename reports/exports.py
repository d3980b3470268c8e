"""CSV (streamed), Excel (openpyxl write-only) and PDF (WeasyPrint) from one report."""

import csv
from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from .base import DATE, MONEY, PRICE, SHARES, Report

# A spreadsheet runs a cell that starts with one of these as a formula (CSV/formula
# injection); a leading apostrophe makes it plain text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralize(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def plain(value):
    """A cell for CSV: numbers and dates as such, text neutralized."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return neutralize(value)


class _Echo:
    def write(self, value):
        return value


def csv_lines(report: Report) -> Iterator[str]:
    """The report as CSV lines: a header row, one line per row, then the footnotes."""
    writer = csv.writer(_Echo())
    columns = report.columns
    yield writer.writerow([c.label for c in columns])
    for row in report.rows():
        yield writer.writerow([plain(row.get(c.key)) for c in columns])
    notes = report.footnotes()
    if notes:
        yield writer.writerow([])
        for note in notes:
            yield writer.writerow([neutralize(note)])


NUMBER_FORMATS = {SHARES: "#,##0", MONEY: '"$"#,##0.00', PRICE: '"$"#,##0.00##', DATE: "yyyy-mm-dd"}


def write_xlsx(report: Report, target) -> int:
    """Write the report to `target` (a path or a binary file) in constant memory.
    Amounts are numbers with a number format, never text. Returns the number of rows."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(report.title[:31].replace("/", "-"))
    columns = report.columns
    bold = Font(bold=True)

    def heading(text):
        cell = WriteOnlyCell(sheet, value=neutralize(text))
        cell.font = bold
        return cell

    sheet.append([heading(settings.COMPANY_NAME)])
    sheet.append([heading(report.title)])
    for label, value in report.parameters():
        sheet.append([label, neutralize(value)])
    sheet.append([f"Generated {timezone.localtime():%Y-%m-%d %H:%M %Z}"])
    sheet.append([])
    sheet.append([heading(c.label) for c in columns])
    count = 0
    for row in report.rows():
        cells = []
        for column in columns:
            value = row.get(column.key)
            if isinstance(value, Decimal) and column.kind in (MONEY, PRICE):
                # Amounts get a currency format; a styled cell is costly, so only these.
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = NUMBER_FORMATS[column.kind]
                cells.append(cell)
            elif isinstance(value, Decimal | int | date) and not isinstance(value, bool):
                cells.append(value)  # a number, or a date openpyxl formats as yyyy-mm-dd
            else:
                cells.append(neutralize(value))
        sheet.append(cells)
        count += 1
    notes = report.footnotes()
    if notes:
        sheet.append([])
        for note in notes:
            sheet.append([neutralize(note)])
    workbook.save(target)
    return count


def render_pdf(report: Report, rows: Iterable[dict] | None = None) -> bytes:
    """The report as a board-book PDF: company, title, parameters, generation time and
    page numbers on every page; the same figures as the page."""
    from weasyprint import HTML

    columns = report.columns
    rows = list(report.rows()) if rows is None else list(rows)
    html = render_to_string(
        "reports/report_pdf.html",
        {
            "report": report,
            "columns": columns,
            "cells": [[(c, c.display(row.get(c.key))) for c in columns] for row in rows],
            "footnotes": report.footnotes(),
            "parameters": report.parameters(),
            "company_name": settings.COMPANY_NAME,
            "generated": timezone.localtime(),
        },
    )
    return HTML(string=html).write_pdf()
