"""Bulk import: read a CSV or Excel file into rows, validate every row through the same
model rules as the forms, and commit all of them or none."""

import csv
import io
import re
import zipfile
from collections.abc import Callable, Generator, Iterable
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date, datetime
from xml.parsers import expat

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms.utils import ErrorDict

from core.progress import progress

# What a file may hold; the import page states them. Each is checked while the file is
# read, so an oversized one is refused before it is read whole.
MB = 1024 * 1024
MAX_BYTES = 5 * MB  # the file as uploaded
# Below the header row. The imports check and save rows in bulk, a fixed number of queries
# per file: a 20,000-row grants file is imported in a few seconds (`make bench`).
MAX_ROWS = 20_000
# An .xlsx is a zip of XML: a few kilobytes can declare, or inflate to, gigabytes. Its parts
# may inflate to this much together (a 20,000-row grants file is about 13 MB).
MAX_UNZIPPED_BYTES = 32 * MB
MAX_COLUMNS = 26  # A to Z in a sheet; the widest kind of file has 12 columns


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def _column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


# For the import page.
LIMITS = (
    f"at most {MAX_BYTES // MB} MB and {MAX_ROWS:,} rows; an .xlsx at most "
    f"{MAX_UNZIPPED_BYTES // MB} MB once unzipped, its cells in columns A to "
    f"{_column_letters(MAX_COLUMNS)}"
)


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
    # Grants valued once imported (grant-date fair value); the others say why on their page.
    valued: int | None = None
    # Names not on record, which the import adds as new people, with their rows: shown in
    # the preview, so that a misspelt name is caught before it becomes a second person.
    new_people: dict[str, list[int]] = field(default_factory=dict)
    # New names refused as near misses of names on record -> the names they resemble.
    near_misses: dict[str, list[str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def new_people_names(self) -> list[str]:
        return sorted(self.new_people)

    @property
    def new_people_rows(self) -> list[tuple[str, str]]:
        """(name, "rows 2, 3, 4") of each new person, by name."""
        return [
            (name, ("row " if len(rows) == 1 else "rows ") + ", ".join(map(str, rows)))
            for name, rows in sorted(self.new_people.items())
        ]

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
        raise ValidationError(too_large_message())
    source: Generator[Iterable, None, None]
    if name.endswith(".csv"):
        source = _csv_rows(upload)
    elif name.endswith(".xlsx"):
        source = _xlsx_rows(upload)
    else:
        raise ValidationError("Upload a .csv or .xlsx file.")
    table = []
    try:
        for row in source:
            cells = [_cell(c) for c in row]
            if any(cells):
                table.append(cells)
                if len(table) - 1 > MAX_ROWS:  # stop reading: the rest is refused anyway
                    raise ValidationError(f"The file has more than {MAX_ROWS:,} rows.")
    finally:
        source.close()
    if not table:
        raise ValidationError("The file is empty.")
    header = [h.strip().lower() for h in table[0]]
    rows = [
        dict(zip(header, row + [""] * (len(header) - len(row)), strict=False)) for row in table[1:]
    ]
    return header, rows


def too_large_message() -> str:
    return f"The file is larger than {MAX_BYTES // MB} MB."


def _csv_rows(upload) -> Generator[list[str], None, None]:
    try:
        text = upload.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError("The CSV file is not UTF-8 text.") from None
    reader = csv.reader(io.StringIO(text))
    try:
        yield from reader
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            message = (
                f"Line {reader.line_num}: a cell is longer than "
                f"{csv.field_size_limit():,} characters."
            )
        else:
            message = f"The CSV file cannot be read at line {reader.line_num}: {error}."
        raise ValidationError(message) from None


def _xlsx_rows(upload) -> Generator[list, None, None]:
    """The active sheet's rows from its first cell (A1), cells in columns A to MAX_COLUMNS;
    a formula by its last computed value. Read by calamine (Rust): openpyxl's reader took
    five of a 20,000-row file's ten seconds, calamine a fifth of one."""
    from python_calamine import CalamineWorkbook

    active = check_workbook(upload)
    upload.seek(0)
    try:
        workbook = CalamineWorkbook.from_filelike(upload)
        sheet = workbook.get_sheet_by_index(min(active, len(workbook.sheet_names) - 1))
        rows = sheet.to_python(skip_empty_area=False)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # a panic in the reader is raised as a BaseException
        raise ValidationError("The Excel file cannot be read.") from None
    for row in rows:
        yield row[:MAX_COLUMNS]


CELL_REFERENCE = re.compile(r"([A-Z]{1,3})([0-9]{1,7})")
UNREADABLE = "The Excel file cannot be read."
# Parts the reader opens, found through the workbook's relationships: each must be one of
# the XML parts scanned here (a sheet stored under another name would not be).
READ_PARTS = ("/officeDocument", "/worksheet", "/sharedStrings", "/styles")


def check_workbook(upload) -> int:
    """The index of the workbook's active sheet, once the file is found safe to read.
    Refuse an .xlsx before it is read: when its parts inflate past MAX_UNZIPPED_BYTES
    (Python's zipfile stops a part at the size its header declares, so the declared sizes
    are the bound); when its sheets hold rows past the header and MAX_ROWS or cells past
    MAX_COLUMNS, by count or by the position a cell or row declares; or when a part the
    reader opens is not one scanned here. The reader builds a sheet whole, padded to its
    furthest cell, so this scan is what bounds its memory. The XML streams through in
    small chunks, so memory stays flat whatever the file declares."""
    active = 0
    try:
        with zipfile.ZipFile(upload) as archive:
            parts = archive.infolist()
            if sum(part.file_size for part in parts) > MAX_UNZIPPED_BYTES:
                raise ValidationError(
                    f"The Excel file expands to more than {MAX_UNZIPPED_BYTES // MB} MB once "
                    f"unzipped."
                )
            for part in parts:
                if not part.filename.endswith((".xml", ".rels")):
                    continue  # images, printer settings: the reader does not open them
                scan = _XmlScan()
                with archive.open(part) as stream:
                    while chunk := stream.read(64 * 1024):
                        scan.feed(chunk)
                scan.feed(b"", final=True)
                active = max(active, scan.active)
    except ValidationError:
        raise
    except Exception:
        raise ValidationError(UNREADABLE) from None
    return active


class _XmlScan:
    """Counts what a reader would build in memory as an XML part streams past: a sheet's
    rows and the cells of each (by count and by position: one row numbered 1,048,576 is
    past the limit, and so is a cell that says it is on that row), and the shared strings
    (no more than the cells that can use them). Elements are matched by their local names,
    whatever their namespace (the reader ignores namespaces too), which can only count
    more than the reader reads."""

    def __init__(self):
        self.parser = expat.ParserCreate()  # no namespace processing: names as written
        self.parser.StartElementHandler = self.start
        self.parser.StartDoctypeDeclHandler = self.doctype
        self.rows = self.row = self.cells = self.column = self.strings = 0
        self.active = 0  # the workbook's active sheet (workbookView activeTab)

    def feed(self, data: bytes, final: bool = False) -> None:
        self.parser.Parse(data, final)

    def doctype(self, *args) -> None:
        # No part of a workbook has one; an entity declared in it could expand without end.
        raise ValidationError(UNREADABLE)

    def start(self, name: str, attrs: dict) -> None:
        # Called for every element, most of them a cell's value: a plain name is compared
        # as it is, a prefixed one ("x:c") by its local name.
        if ":" in name:
            name = name.rpartition(":")[2]
        if name == "c":
            self.cell(attrs.get("r"))
        elif name == "row":
            self.rows += 1
            number = attrs.get("r")
            if number is None:
                self.row += 1
            elif number.isascii() and number.isdigit() and len(number) <= 7:
                self.row = int(number)
            else:
                raise ValidationError(UNREADABLE)
            self.cells = self.column = 0
            self.check_row(max(self.rows, self.row))
        elif name == "si":
            self.strings += 1
            if self.strings > (MAX_ROWS + 1) * MAX_COLUMNS:
                raise ValidationError(
                    "The Excel file holds more text than its sheets' cells can show."
                )
        elif name == "workbookView":
            tab = attrs.get("activeTab", "0")
            self.active = int(tab) if tab.isascii() and tab.isdigit() and len(tab) < 6 else 0
        elif name == "Relationship":
            kind, target = attrs.get("Type", ""), attrs.get("Target", "")
            external = attrs.get("TargetMode") == "External"
            if kind.endswith(READ_PARTS) and not external and not target.endswith(".xml"):
                raise ValidationError(UNREADABLE)

    def cell(self, reference: str | None) -> None:
        self.cells += 1
        if reference is None:
            self.column += 1
        elif "A" <= reference[:1] <= "Z" and reference[1:].isdigit() and reference.isascii():
            # One letter, the commonest: columns A to Z.
            if len(reference) > 8:
                raise ValidationError(UNREADABLE)
            self.column = ord(reference[0]) - ord("A") + 1
            self.check_row(int(reference[1:]))
        else:
            found = CELL_REFERENCE.fullmatch(reference)
            if found is None:
                raise ValidationError(UNREADABLE)
            self.column = _column_number(found[1])
            self.check_row(int(found[2]))
        if max(self.cells, self.column) > MAX_COLUMNS:
            raise ValidationError(
                f"The sheet has cells past column {_column_letters(MAX_COLUMNS)}: delete "
                f"the columns to the right of the data."
            )

    @staticmethod
    def check_row(number: int) -> None:
        if number > MAX_ROWS + 1:
            raise ValidationError(
                f"The sheet has rows past row {MAX_ROWS + 1:,} (a header and "
                f"{MAX_ROWS:,} rows): delete the rows below the data, or import in parts."
            )


def run_import(
    upload,
    required: list[str],
    optional: list[str],
    apply: Callable[[Iterable[tuple[int, dict]], ImportResult], None],
    commit: bool,
    stream=None,
) -> ImportResult:
    """Validate (and, if `commit` and nothing is wrong, save) every row in one
    transaction. A preview, or any error, rolls everything back. With a `stream` (the
    import_data command's output), the rows are counted as they are checked."""
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
    numbered: Iterable[tuple[int, dict]] = list(enumerate(rows, start=2))
    if stream is not None:
        numbered = progress(numbered, desc="rows checked", stream=stream)
    with transaction.atomic():
        apply(numbered, result)
        result.committed = commit and result.ok
        if not result.committed:
            transaction.set_rollback(True)
    return result


ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


class DayField(forms.DateField):
    """A date, YYYY-MM-DD read directly (strptime over every input format was a tenth of
    a large import's time); any other text as forms.DateField reads it."""

    def to_python(self, value):
        if isinstance(value, str) and ISO_DAY.fullmatch(value.strip()):
            with suppress(ValueError):
                return date.fromisoformat(value.strip())
        return super().to_python(value)


def clean_row(result: ImportResult, line: int, form, row: dict) -> dict | None:
    """The row's values as `form` parses them, or None after recording each error of the
    row. One form serves every row of a file: what Form.full_clean() does (each field's
    clean(), then the form's clean_<field>() and clean()), without the bound fields it
    makes for a page, nor a form per row (which deep-copies every field): for a 20,000-row
    file those took longer than every check.

    A cell's text is parsed once per file and column: the rows of a file repeat most of
    theirs (a grant's terms on each installment, a plan's name, a date). That holds
    because each field's clean() and the form's clean_<field>() read that field's value
    alone (the form's clean(), which may compare fields, runs on every row)."""
    form.data, form.is_bound = row, True
    form._errors, form.cleaned_data = ErrorDict(), {}
    parsed = form.__dict__.setdefault("parsed_cells", {})
    for name, parser in form.fields.items():
        text = parser.widget.value_from_datadict(row, {}, name)
        key = (name, text)
        if key not in parsed:
            try:
                form.cleaned_data[name] = parser.clean(text)
                if hasattr(form, f"clean_{name}"):
                    form.cleaned_data[name] = getattr(form, f"clean_{name}")()
                parsed[key] = (form.cleaned_data[name], None)
            except ValidationError as refused:
                parsed[key] = (None, refused)
        value, problem = parsed[key]
        if problem is None:
            form.cleaned_data[name] = value
        else:
            form.add_error(name, problem)
    form._clean_form()
    if not form._errors:
        return form.cleaned_data
    for column, problems in form._errors.items():
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
