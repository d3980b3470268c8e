"""A second, independent reader opens every Excel export: LibreOffice (Debian's
libreoffice-calc-nogui), headless, converts each workbook to CSV, and every cell must hold
what the project's own CSV export holds, numbers as numbers and dates as dates.

Two conversions of all seven workbooks, one soffice run each: the stored values (full
precision: "1243687.5") and the values as shown, where text cells are quoted and numbers
not ("$1,243,687.50"), which says each cell's type and that its number format reads as
intended. Under CI=true a missing soffice fails the test; elsewhere it is skipped."""

import csv
import io
import os
import re
import shutil
import subprocess
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.conf import settings

from compensation.models import Person
from grants.models import StockPrice, ValuationDefaults, value_grant
from reports.assumptions import PER_OPTION, PERCENT
from reports.base import DATE, MONEY, PRICE, SHARES, Column
from reports.definitions import REPORTS
from reports.exports import csv_lines, write_xlsx
from tests.factories import (
    FootnoteFactory,
    OfficerYearFactory,
    PersonFactory,
    RegistrationPeriodFactory,
    StockPlanFactory,
    UserFactory,
    make_grant,
)

# The parameters each report is exported with (all seven must be here).
PARAMETERS = {
    "officer-compensation": {"year": "2006", "bonus_year": "2004"},
    "outstanding-equity-awards": {"as_of": "2006-12-31", "price": "5.25"},
    "option-exercises": {"year": "2007"},
    "plan-based-awards": {"year": "2006"},
    "summary-compensation": {"year": "2006"},
    "vesting-schedule": {},
    "plan-pool": {"as_of": "2007-06-30"},
    "fair-value-assumptions": {"year": "2006"},
}
# LibreOffice's CSV filter: separator, quote, UTF-8, from line 1, no column types,
# en-US, quote every text cell, (import only), save cell contents as shown.
RAW = "csv:Text - txt - csv (StarCalc):44,34,76,1,,1033,true,false,false"
SHOWN = "csv:Text - txt - csv (StarCalc):9,34,76,1,,1033,true,false,true"
SOFFICE_TIMEOUT = 180  # seconds, for each conversion of all the workbooks
NUMBER = re.compile(r"-?\d+(\.\d+)?")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
OUTSIDE_TABLE = Column("", "")  # the header row, the lines above and the footnotes


def find_soffice() -> str:
    """LibreOffice's soffice; missing, the test fails under CI=true and is skipped elsewhere."""
    path = os.environ.get("SOFFICE_PATH") or shutil.which("soffice") or shutil.which("libreoffice")
    if not path or not os.path.exists(path):
        message = (
            "LibreOffice (soffice) not found: install Debian's libreoffice-calc-nogui package "
            "to have a second reader open the Excel exports."
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def soffice():
    return find_soffice()


@pytest.fixture(scope="session")
def soffice_profile(tmp_path_factory):
    """A profile of its own, made once per session: isolated from any user's LibreOffice."""
    return tmp_path_factory.mktemp("soffice-profile").as_uri()


def convert(soffice: str, profile: str, workbooks: list, filter_options: str, outdir) -> None:
    """Convert every workbook in one soffice run."""
    command = [
        soffice,
        f"-env:UserInstallation={profile}",
        "--headless",
        "--norestore",
        "--convert-to",
        filter_options,
        "--outdir",
        str(outdir),
        *map(str, workbooks),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=SOFFICE_TIMEOUT)
    missing = [w.name for w in workbooks if not (outdir / f"{w.stem}.csv").exists()]
    assert done.returncode == 0 and not missing, (
        f"soffice did not convert {missing or 'every workbook'} "
        f"(exit {done.returncode}): {done.stdout} {done.stderr}"
    )


def shown_cells(text: str) -> list[list[tuple[str, str]]]:
    """The as-shown CSV (tab-separated, text quoted) as (kind, text) cells: "text",
    "number" (a number or a date: unquoted) or "empty"; trailing empty cells dropped."""
    rows = []
    for fields in csv.reader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE):
        cells = []
        for field in fields:
            if len(field) >= 2 and field[0] == field[-1] == '"':
                cells.append(("text", field[1:-1].replace('""', '"')))
            else:
                cells.append(("number" if field else "empty", field))
        while cells and cells[-1][0] == "empty":
            cells.pop()
        rows.append(cells)
    return rows


def raw_cells(text: str) -> list[list[str]]:
    rows = list(csv.reader(io.StringIO(text)))
    for row in rows:
        while row and row[-1] == "":
            row.pop()
    return rows


def as_shown(column: Column, csv_value: str) -> str:
    """How a spreadsheet should show the project's CSV value in this column: shares with
    thousands separators, amounts to the cent (half up), prices to two to four places."""
    if column.kind == DATE:
        return date.fromisoformat(csv_value).isoformat()
    number = Decimal(csv_value)
    if column.kind == SHARES:
        return f"{number:,.0f}"
    if column.kind == MONEY:
        return f"${number.quantize(Decimal('0.01'), ROUND_HALF_UP):,}"
    if column.kind == PER_OPTION:
        return f"${number.quantize(Decimal('0.0001'), ROUND_HALF_UP):,}"
    if column.kind == PRICE:
        places = min(4, max(2, -number.normalize().as_tuple().exponent))
        return f"${number.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP):,}"
    return f"{number:f}"  # a plain number, such as the summary table's year


def same_number(column: Column, read: str, expected: str) -> bool:
    """Numbers compared as numbers ("1243687.5" is 1243687.50), dates as dates."""
    if column.kind == DATE:
        if not ISO_DATE.fullmatch(read):
            return False
        return date.fromisoformat(read) == date.fromisoformat(expected)
    return NUMBER.fullmatch(read) is not None and Decimal(read) == Decimal(expected)


def company():
    """A small company that gives every report rows, with every kind of cell: text, shares,
    amounts with cents, four-place prices, dates, "n/a" and proposals in amount columns,
    forfeited installments, a name that looks like a formula and one that needs escaping."""
    RegistrationPeriodFactory(start_date=date(2000, 1, 1))
    plan = StockPlanFactory(name="2000 Stock Option Plan", shares_reserved=5_000_000)
    StockPlanFactory(name="1990 Stock Option Plan", shares_reserved=None)
    ceo = PersonFactory(name="James R. Akridge")
    counsel = PersonFactory(name='Roger A. "Rog" Williams & <Sons>')
    cfo = PersonFactory(name='=HYPERLINK("http://evil.example","x")')
    note = FootnoteFactory(marker="1", text="Please refer to the employment agreements.")

    for year, salary, bonus in [(2004, 230_000, 95_625), (2005, 240_000, None)]:
        OfficerYearFactory(
            person=ceo,
            fiscal_year=year,
            title="Chief Executive Officer and President",
            base_salary=Decimal(salary),
            bonus=bonus,
            approved=True,
        )
    OfficerYearFactory(
        person=ceo,
        fiscal_year=2006,
        title="Chief Executive Officer and President",
        base_salary=Decimal("250000"),
        approved=True,
    ).footnotes.add(note)
    OfficerYearFactory(
        person=counsel,
        fiscal_year=2006,
        title="General Counsel",
        base_salary=Decimal("180000.55"),
        bonus=Decimal("12500.25"),
        approved=True,
    )
    OfficerYearFactory(person=cfo, fiscal_year=2006, base_salary=Decimal("185000"))  # proposed
    OfficerYearFactory(person=cfo, fiscal_year=2005, approved=True)

    StockPrice.objects.create(date=date(2006, 3, 1), price=Decimal("2.8750"))
    StockPrice.objects.create(date=date(2007, 3, 5), price=Decimal("4.5075"))
    ceo_grant = make_grant(
        [(date(2006 + k, 3, 1), 10_000) for k in range(1, 5)],
        optionee=ceo,
        plan=plan,
        grant_date=date(2006, 3, 1),
        exercise_price=Decimal("2.9950"),
        expiration_date=date(2016, 3, 1),
    )
    make_grant(
        [(date(2005 + k, 7, 13), 2_500) for k in range(1, 5)],
        optionee=counsel,
        plan=plan,
        grant_date=date(2005, 7, 13),
    )
    make_grant(
        optionee=PersonFactory(name="Line Employee"), plan=plan, grant_date=date(2006, 5, 13)
    )
    ceo_grant.exercise(5_000, date(2007, 3, 5))
    # Fiscal 2006's valuation defaults, approved; the CEO's grant valued with them.
    defaults = ValuationDefaults.objects.create(
        fiscal_year=2006,
        volatility=Decimal("0.6125"),
        risk_free_rate=Decimal("0.045125"),
        dividend_yield=Decimal("0"),
    )
    defaults.approve(by=UserFactory(username="chair"), meeting="Meeting 2006-02-15")
    value_grant(ceo_grant)
    Person.objects.filter(pk=counsel.pk).update(
        terminated_on=date(2007, 2, 1), termination_reason=Person.TerminationReason.OTHER
    )


@pytest.mark.django_db
def test_libreoffice_reads_every_excel_export_with_the_csv_exports_values(
    soffice, soffice_profile, tmp_path
):
    assert set(PARAMETERS) == set(REPORTS), "every report is exported"
    company()
    reports, row_counts, workbooks = {}, {}, []
    for name, report_class in REPORTS.items():
        report = reports[name] = report_class.from_data(PARAMETERS[name])
        workbook = tmp_path / f"{name}.xlsx"
        row_counts[name] = write_xlsx(report, workbook)
        assert row_counts[name] > 0, f"{name} has no rows to compare"
        workbooks.append(workbook)
    convert(soffice, soffice_profile, workbooks, RAW, tmp_path / "raw")
    convert(soffice, soffice_profile, workbooks, SHOWN, tmp_path / "shown")

    kinds_seen = set()
    for name, report in reports.items():
        expected = raw_cells("".join(csv_lines(report)))  # the project's own CSV export
        raw = raw_cells((tmp_path / "raw" / f"{name}.csv").read_text(encoding="utf-8"))
        shown = shown_cells((tmp_path / "shown" / f"{name}.csv").read_text(encoding="utf-8"))
        assert len(raw) == len(shown), name

        # Above the table: the company, the title, the parameters, when, a blank line.
        preamble = [[settings.COMPANY_NAME], [report.title]]
        preamble += [[label, value] for label, value in report.parameters()]
        top = len(preamble)
        assert raw[:top] == preamble, name
        assert all(kind == "text" for row in shown[:top] for kind, _ in row), name
        assert len(raw[top]) == 1 and raw[top][0].startswith("Generated "), name
        assert raw[top + 1] == [], name
        raw, shown = raw[top + 2 :], shown[top + 2 :]

        assert len(raw) == len(expected), f"{name}: {len(raw)} rows, the CSV has {len(expected)}"
        columns = report.columns
        data_rows = range(1, 1 + row_counts[name])  # after the header row
        for r, (want, got, cells) in enumerate(zip(expected, raw, shown, strict=True)):
            assert len(got) == len(want), f"{name} row {r}: {got} != {want}"
            for c, (value, read, (kind, text)) in enumerate(zip(want, got, cells, strict=False)):
                where = f"{name}, row {r}, column {c + 1}: LibreOffice read {read!r} ({kind})"
                # In the table, a plain number, or a date in a date column, is a number in
                # Excel; everything else ("n/a", "Proposed: $185,000", names) is text.
                column = columns[c] if r in data_rows else OUTSIDE_TABLE
                is_number = r in data_rows and (
                    NUMBER.fullmatch(value) is not None or (column.kind == DATE and value != "")
                )
                if value == "":
                    assert kind == "empty" and read == "", f"{where}, expected nothing"
                elif r in data_rows and column.kind == PERCENT and value.endswith("%"):
                    # A rate: the number (0.35) in the cell, shown as the CSV's "35.00%".
                    assert kind == "number", f"{where}, expected the rate {value}"
                    # LibreOffice writes a percentage cell's value as a percentage.
                    percent = Decimal(read[:-1]) if read.endswith("%") else Decimal(read) * 100
                    assert percent == Decimal(value[:-1]), f"{where}: {value}"
                    assert text == value, f"{where}, shown as {text!r}"
                    kinds_seen.add(PERCENT)
                elif is_number:
                    assert kind == "number", f"{where}, expected the number {value}"
                    assert same_number(column, read, value), f"{where}, expected {value}"
                    assert text == as_shown(column, value), f"{where}, shown as {text!r}"
                    kinds_seen.add(column.kind)
                else:
                    assert kind == "text" and read == text == value, f"{where}, expected {value!r}"
                    kinds_seen.add("text")
            assert len(cells) == len(want), f"{name} row {r}: cells past the CSV's: {cells}"
    assert kinds_seen >= {"text", SHARES, MONEY, PRICE, DATE, PERCENT, PER_OPTION}


def test_a_missing_libreoffice_fails_under_ci_and_skips_elsewhere(monkeypatch):
    monkeypatch.delenv("SOFFICE_PATH", raising=False)
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="libreoffice-calc-nogui"):
        find_soffice()
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="libreoffice-calc-nogui"):
        find_soffice()
