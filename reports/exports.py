"""CSV (streamed), Excel (reports.xlsx, row by row) and PDF (WeasyPrint) from one report."""

import csv
from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal
from itertools import islice

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from . import xlsx
from .base import DATE, MONEY, PRICE, SHARES, Report

XLSX_STYLES = {SHARES: xlsx.SHARES, MONEY: xlsx.MONEY, PRICE: xlsx.PRICE, DATE: xlsx.DATE}

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


def write_xlsx(report: Report, target) -> int:
    """Write the report to `target` (a path or a binary file) in constant memory.
    Amounts, share counts and dates are numbers with a number format, never text.
    Returns the number of rows."""
    columns = report.columns
    styles = [XLSX_STYLES.get(c.kind, xlsx.PLAIN) for c in columns]
    with xlsx.SheetWriter(target, report.title, len(columns)) as sheet:
        sheet.row([neutralize(settings.COMPANY_NAME)], [xlsx.BOLD])
        sheet.row([neutralize(report.title)], [xlsx.BOLD])
        for label, value in report.parameters():
            sheet.row([label, neutralize(value)])
        sheet.row([f"Generated {timezone.localtime():%Y-%m-%d %H:%M %Z}"])
        sheet.row([])
        sheet.row([c.label for c in columns], [xlsx.BOLD] * len(columns))
        keys = [c.key for c in columns]
        count = 0
        for row in report.rows():
            sheet.row([neutralize(row.get(key)) for key in keys], styles)
            count += 1
        notes = report.footnotes()
        if notes:
            sheet.row([])
            for note in notes:
                sheet.row([neutralize(note)])
    return count


# WeasyPrint lays out about 200 rows a second: 2,000 rows are some 45 pages and 10 s.
PDF_MAX_ROWS = 2000


class TooManyRowsForPdf(ValueError):
    def __init__(self):
        super().__init__(
            f"A PDF holds at most {PDF_MAX_ROWS:,} rows, and this report has more. "
            "Narrow the parameters (one grant, or dates), or export CSV or Excel, "
            "which hold every row."
        )


def render_pdf(report: Report, rows: Iterable[dict] | None = None) -> bytes:
    """The report as a board-book PDF: company, title, parameters, generation time and
    page numbers on every page; the same figures as the page. Raises TooManyRowsForPdf
    past PDF_MAX_ROWS rows."""
    from weasyprint import HTML

    columns = report.columns
    rows = list(islice(report.rows() if rows is None else rows, PDF_MAX_ROWS + 1))
    if len(rows) > PDF_MAX_ROWS:
        raise TooManyRowsForPdf
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
