"""CSV (streamed), Excel (reports.xlsx, row by row) and PDF (WeasyPrint) from one report,
or from several (the proxy package: a sheet or a section each)."""

import csv
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from decimal import Decimal
from itertools import islice

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from grants.templatetags.valuation import format_rate

from . import xlsx
from .assumptions import PER_OPTION, PERCENT
from .base import DATE, MONEY, PRICE, SHARES, Column, Report

XLSX_STYLES = {
    SHARES: xlsx.SHARES,
    MONEY: xlsx.MONEY,
    PRICE: xlsx.PRICE,
    DATE: xlsx.DATE,
    PERCENT: xlsx.PERCENT,
    PER_OPTION: xlsx.PRICE4,
}

# Each report's sheet name, chosen to read whole within Excel's 31 characters (a title cut
# at 31 reads as something else). A report may also name its sheet as `sheet_name`.
SHEET_NAMES = {
    "officer-compensation": "Officers' compensation",
    "summary-compensation": "Summary compensation",
    "plan-based-awards": "Plan-based awards",
    "outstanding-equity-awards": "Outstanding equity FYE",
    "option-exercises": "Exercises and vested",
    "vesting-schedule": "Vesting schedule",
    "plan-pool": "Plan share pool",
}


def sheet_name(report: Report) -> str:
    """The report's sheet name; its title where it has none and the title fits."""
    return getattr(report, "sheet_name", None) or SHEET_NAMES.get(report.name) or report.title


def file_name(report: Report, extension: str) -> str:
    """The export's file name, from the report's name and what its figures are for (the
    fiscal year, the as-of date, the grant...), never from the day it is made:
    summary-compensation-fy2006.xlsx, outstanding-equity-awards-2006-12-31.csv."""
    params = report.params
    parts = [report.name]
    if params.get("year"):
        parts.append(f"fy{params['year']}")
    if params.get("bonus_year") and params["bonus_year"] != params.get("year"):
        parts.append(f"bonus-fy{params['bonus_year']}")
    if params.get("as_of"):
        parts.append(f"{params['as_of']:%Y-%m-%d}")
    for key in ("grant", "award"):
        if params.get(key) is not None:
            parts.append(f"{key}-{params[key].pk}")
    for key, word in (("start", "from"), ("end", "to")):
        if params.get(key):
            parts.append(f"{word}-{params[key]:%Y-%m-%d}")
    return "-".join(parts) + "." + extension


# A spreadsheet runs a cell that starts with one of these as a formula (CSV/formula
# injection); a leading apostrophe makes it plain text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# The kinds of column whose numbers plain() writes in a format of their own.
NUMBER_FORMATS = frozenset((PERCENT, PER_OPTION, PRICE))


# The types of cell the csv module writes as plain() does, by exact type: str() of a
# date is its ISO form, of a whole number its digits, and None an empty cell. A column
# whose numbers have a format of their own (NUMBER_FORMATS) formats its whole numbers.
AS_IS = {
    False: frozenset((int, date, type(None))),
    True: frozenset((date, type(None))),
}


def neutralize(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def plain(value, kind: str = ""):
    """A cell for CSV: numbers and dates as such, text neutralized. A price has two
    decimals at least and more as recorded (2.9900 is "2.99", 2.9875 "2.9875", 3 "3.00");
    a value per option four; a rate its percentage ("35.00%")."""
    # The common cells first, by exact type: a full export writes millions of them.
    cls = type(value)
    if cls is str:
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    if cls is int and kind not in NUMBER_FORMATS:
        return value
    if cls is date:
        return value.isoformat()
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        if kind == PERCENT:
            return format_rate(value)
        if kind == PER_OPTION:
            return f"{Decimal(value):.4f}"
        if kind == PRICE:
            return price_text(Decimal(value))
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return neutralize(value)


def price_text(value: Decimal) -> str:
    value = value.normalize()
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)  # a recorded price is a finite number
    return f"{value:.{max(2, -exponent)}f}"


class _Echo:
    def write(self, value):
        return value


def csv_lines(report: Report, rows: Iterable[dict] | None = None) -> Iterator[str]:
    """The report as CSV lines: a header row, one line per row (`rows`, by default the
    report's), then the footnotes."""
    writer = csv.writer(_Echo())
    columns = report.columns
    yield writer.writerow([c.label for c in columns])
    # A cell the csv module writes as plain() would is passed to it as it is: whole
    # numbers, dates, empty cells and text that cannot start a formula, most cells of a
    # full export. Calling plain() for each took half of the export's time.
    cells = [(c.key, c.kind, AS_IS[c.kind in NUMBER_FORMATS]) for c in columns]
    for row in report.rows() if rows is None else rows:
        yield writer.writerow(
            [
                value
                if type(value := row.get(key)) in as_is
                or (type(value) is str and not value.startswith(FORMULA_STARTS))
                else plain(value, kind)
                for key, kind, as_is in cells
            ]
        )
    notes = report.footnotes()
    if notes:
        yield writer.writerow([])
        for note in notes:
            yield writer.writerow([neutralize(note)])


def write_xlsx(report: Report, target, rows: Iterable[dict] | None = None) -> int:
    """Write the report (`rows`, by default the report's) to `target` (a path or a binary
    file) in constant memory. Amounts, share counts and dates are numbers with a number
    format, never text. Returns the number of rows."""
    with xlsx.WorkbookWriter(target, [sheet_name(report)]) as book:
        return write_sheet(book, report, rows)


def write_workbook(reports: Sequence[Report], target) -> int:
    """Several reports in one workbook, a sheet each, in constant memory; the total of
    their rows."""
    with xlsx.WorkbookWriter(target, [sheet_name(report) for report in reports]) as book:
        return sum(write_sheet(book, report) for report in reports)


def write_sheet(
    book: xlsx.WorkbookWriter, report: Report, rows: Iterable[dict] | None = None
) -> int:
    """The report as the workbook's next sheet: company, title, parameters and when, then
    the table under a bold header row that stays in view (frozen) with an autofilter, then
    the footnotes."""
    columns = report.columns
    styles = [XLSX_STYLES.get(c.kind, xlsx.PLAIN) for c in columns]
    with book.sheet(len(columns)) as sheet:
        sheet.row([neutralize(settings.COMPANY_NAME)], [xlsx.BOLD])
        sheet.row([neutralize(report.title)], [xlsx.BOLD])
        for label, value in report.parameters():
            sheet.row([label, neutralize(value)])
        sheet.row([f"Generated {timezone.localtime():%Y-%m-%d %H:%M %Z}"])
        sheet.row([])
        sheet.header([neutralize(c.label) for c in columns])
        keys = [c.key for c in columns]
        count = 0
        for row in report.rows() if rows is None else rows:
            sheet.row([neutralize(row.get(key)) for key in keys], styles)
            count += 1
        sheet.end_table()
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
    return render_pdfs([report], report.title, [rows])


def render_pdfs(
    reports: Sequence[Report], title: str, rows: Sequence[Iterable[dict] | None] = ()
) -> bytes:
    """Several reports in one PDF, each a section of its own that starts on a new page
    with its title, parameters and footnotes. PDF_MAX_ROWS counts the rows of all."""
    from weasyprint import HTML

    sections, budget = [], PDF_MAX_ROWS
    for n, report in enumerate(reports):
        given = rows[n] if n < len(rows) else None
        found = list(islice(report.rows() if given is None else given, budget + 1))
        if len(found) > budget:
            raise TooManyRowsForPdf
        budget -= len(found)
        sections.append(_section(report, report.columns, found))
    html = render_to_string(
        "reports/report_pdf.html",
        {
            "title": title,
            "sections": sections,
            "company_name": settings.COMPANY_NAME,
            "generated": timezone.localtime(),
        },
    )
    return HTML(string=html).write_pdf()


def _section(report: Report, columns: list[Column], rows: list[dict]) -> dict:
    return {
        "report": report,
        "columns": columns,
        "cells": [[(c, c.display(row.get(c.key))) for c in columns] for row in rows],
        "footnotes": report.footnotes(),
        "parameters": report.parameters(),
    }
