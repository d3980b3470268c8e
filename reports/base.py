"""A report: parameters (a form), typed columns, rows and footnotes. The page, the CSV,
Excel and PDF exports and `manage.py export_report` all read the same definition."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from core.data_version import kept
from core.tables import escape_cell
from core.templatetags.money import format_money, format_price, format_shares

# Column kinds decide how a value prints on the page and which type it has in Excel.
TEXT, SHARES, MONEY, PRICE, DATE = "text", "shares", "money", "price", "date"


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = TEXT

    @property
    def numeric(self) -> bool:
        return self.kind in (SHARES, MONEY, PRICE)

    @property
    def td(self) -> str:
        """The opening tag of the column's cells on the page."""
        return '<td class="text-end text-nowrap">' if self.numeric else "<td>"

    def display(self, value) -> str:
        """The value as the page and the PDF print it."""
        if value is None:
            return ""
        if isinstance(value, str):
            return value  # labels such as "n/a" or "not valued" print as they are
        if self.kind == SHARES:
            return format_shares(value)
        if self.kind == MONEY:
            return format_money(value)
        if self.kind == PRICE:
            return format_price(value)
        if isinstance(value, date):
            return f"{value:%Y-%m-%d}"
        return str(value)


def table_rows(cells: list[list[tuple[Column, str]]]) -> SafeString:
    """The rows of a report's page, as HTML, with their texts escaped as {{ text }}
    escapes them. Written here rather than by the template, cell by cell: a page holds
    up to 1,000 rows of eight cells, and the template engine spent about 50 ms on them (a
    loop, a lookup and an {% if %} for every cell), more than the query itself."""
    return mark_safe(
        "\n  ".join(
            "<tr>"
            + "".join(f"{column.td}{escape_cell(text)}</td>" for column, text in row)
            + "</tr>"
            for row in cells
        )
    )


class Report:
    do_not_call_in_templates = True  # templates list the classes themselves
    name: str
    title: str
    description: str
    form_class: type[forms.Form]

    @property
    def columns(self) -> list[Column]:
        """A class attribute, or a property where the columns depend on the parameters;
        for a report that keeps its figures, those compute_columns() gave with them."""
        return self.figures()[2]

    def __init__(self, params: dict):
        self.params = params

    @classmethod
    def from_data(cls, data) -> "Report":
        """Build from request or command data; raise ValidationError with the form's errors."""
        form = cls.form_class(data)
        if not form.is_valid():
            raise ValidationError(
                [
                    # An ErrorList yields its messages as str.
                    f"{form.fields[f].label if f in form.fields else f}: {' '.join(map(str, e))}"
                    for f, e in form.errors.items()
                ]
            )
        return cls(form.cleaned_data)

    # A report whose figures are few (a row a plan, an officer or an officer's grant) sets
    # keeps_figures and defines compute_rows(), and compute_footnotes() and
    # compute_columns() where they vary: its rows, footnotes and columns, computed in that
    # order (the footnotes may say what the rows found), are kept under the data version
    # (core/data_version.py) and served until the company's data or the day changes (a
    # figure may be as of today). A report whose rows may be many (every installment)
    # defines rows() and footnotes() and computes them each time.
    keeps_figures = False

    def figures(self) -> tuple[list[dict], list[str], list[Column]]:
        if not hasattr(self, "_figures"):

            def compute() -> tuple[list[dict], list[str], list[Column]]:
                rows = list(self.compute_rows())
                footnotes = self.compute_footnotes()
                return rows, footnotes, self.compute_columns()

            self._figures = kept(self.figures_key(), compute)
        return self._figures

    def rows(self) -> Iterator[dict]:
        if not self.keeps_figures:
            raise NotImplementedError
        return iter(self.figures()[0])

    def footnotes(self) -> list[str]:
        return self.figures()[1] if self.keeps_figures else []

    def compute_rows(self) -> Iterator[dict]:
        raise NotImplementedError

    def compute_footnotes(self) -> list[str]:
        return []

    def compute_columns(self) -> list[Column]:
        return list(self.columns)

    def figures_key(self) -> str:
        """The report, the day and its parameters, a record by its primary key."""
        params = sorted(
            (name, f"pk={value.pk}" if isinstance(value, Model) else repr(value))
            for name, value in self.params.items()
        )
        return f"report\n{self.name}\n{timezone.localdate()}\n{params!r}"

    def row_count(self) -> int | None:
        """How many rows rows() yields, where one query says so (the total of
        export_report's progress bar); None where it would cost the rows themselves."""
        return None

    def parameters(self) -> list[tuple[str, str]]:
        """(label, value) pairs that say what the figures are for."""
        form = self.form_class()
        result = []
        for key, value in self.params.items():
            if value in (None, ""):
                continue
            label = form.fields[key].label or key
            if isinstance(value, date):
                value = f"{value:%Y-%m-%d}"
            elif isinstance(value, Decimal):
                value = format_price(value)
            result.append((str(label), str(value)))
        return result


# What a cell says when there is no amount to show.
NA = "n/a"
NOT_VALUED = "not valued"
NOT_RECORDED = "not recorded"
NOT_APPROVED = "not approved"
PROPOSED_NOTE = (
    '"Proposed": a salary or bonus that awaits the Compensation Committee\'s approval; it '
    "is not yet effective and is shown for information only, never as an amount."
)
