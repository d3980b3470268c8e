"""Bulk import: read a CSV or Excel file into rows, validate every row through the same
model rules as the forms, and commit all of them or none."""

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000


@dataclass
class RowError:
    row: int  # the line number as a spreadsheet shows it (header = 1)
    column: str
    message: str


@dataclass
class ImportResult:
    columns: list[str]
    rows: list[dict] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    committed: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def errors_by_row(self) -> dict[int, dict[str, str]]:
        result: dict[int, dict[str, str]] = {}
        for error in self.errors:
            cells = result.setdefault(error.row, {})
            cells[error.column] = " ".join(filter(None, [cells.get(error.column), error.message]))
        return result


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_table(upload) -> tuple[list[str], list[dict]]:
    """Header and rows of an uploaded .csv or .xlsx file, every cell as text."""
    name = (upload.name or "").lower()
    if upload.size > MAX_BYTES:
        raise ValidationError(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    if name.endswith(".csv"):
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError("The CSV file is not UTF-8 text.") from None
        table = [[_cell(c) for c in row] for row in csv.reader(io.StringIO(text))]
    elif name.endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(upload, read_only=True, data_only=True).active
        except Exception:
            raise ValidationError("The Excel file cannot be read.") from None
        table = [[_cell(c) for c in row] for row in sheet.iter_rows(values_only=True)]
    else:
        raise ValidationError("Upload a .csv or .xlsx file.")
    table = [row for row in table if any(row)]
    if not table:
        raise ValidationError("The file is empty.")
    if len(table) - 1 > MAX_ROWS:
        raise ValidationError(f"The file has more than {MAX_ROWS:,} rows.")
    header = [h.strip().lower() for h in table[0]]
    rows = [
        dict(zip(header, row + [""] * (len(header) - len(row)), strict=False)) for row in table[1:]
    ]
    return header, rows


def run_import(
    upload,
    required: list[str],
    optional: list[str],
    apply: Callable[[list[tuple[int, dict]], ImportResult], None],
    commit: bool,
) -> ImportResult:
    """Validate (and, if `commit` and nothing is wrong, save) every row in one
    transaction. A preview, or any error, rolls everything back."""
    header, rows = read_table(upload)
    missing = [c for c in required if c not in header]
    unknown = [c for c in header if c and c not in required + optional]
    result = ImportResult(columns=[c for c in required + optional if c in header])
    if missing or unknown:
        problems = []
        if missing:
            problems.append(f"Missing columns: {', '.join(missing)}.")
        if unknown:
            problems.append(f"Unknown columns: {', '.join(unknown)}.")
        problems.append(f"Expected: {', '.join(required + optional)}.")
        raise ValidationError(" ".join(problems))
    result.rows = rows
    numbered = list(enumerate(rows, start=2))
    with transaction.atomic():
        apply(numbered, result)
        result.committed = commit and result.ok
        if not result.committed:
            transaction.set_rollback(True)
    return result


def clean_row(result: ImportResult, line: int, form) -> dict | None:
    """The row's parsed values, or None after recording each field error of the row."""
    if form.is_valid():
        return form.cleaned_data
    for column, problems in form.errors.items():
        for message in problems:
            result.errors.append(RowError(line, column, message))
    return None


def add_validation_errors(
    result: ImportResult, row: int, error: ValidationError, columns: dict[str, str]
) -> None:
    """Attach a model's ValidationError to the row, field by field (`columns` maps model
    fields to the file's column names; the rest go to the first column)."""
    if hasattr(error, "error_dict"):
        for field_name, problems in error.message_dict.items():
            column = columns.get(field_name, "row")
            for message in problems:
                result.errors.append(RowError(row, column, message))
    else:
        for message in error.messages:
            result.errors.append(RowError(row, "row", message))
