"""The proxy package for a fiscal year (issue 16, DOMAIN.md §6): every Item 402 table a
proxy preparer lifts, and the fair value assumptions behind its option awards, in one
workbook (a sheet each) or one PDF (a section each, each on new pages), with their
footnotes. The page (/reports/proxy-package/) and `manage.py export_report proxy-package`
both write it from here."""

from datetime import date

from django.core.exceptions import ValidationError

from core import fiscal

from . import forms
from .assumptions import FairValueAssumptions
from .base import Report
from .definitions import (
    OptionExercises,
    OutstandingEquityAwards,
    PlanBasedAwards,
    SummaryCompensation,
)
from .exports import render_pdfs, write_workbook

NAME = "proxy-package"
TITLE = "Proxy Package"
FORMATS = {"xlsx": "Excel", "pdf": "PDF"}

# In the order a proxy statement prints them; 402(f) is as of the fiscal year-end.
TABLES: tuple[type[Report], ...] = (
    SummaryCompensation,
    PlanBasedAwards,
    OutstandingEquityAwards,
    OptionExercises,
    FairValueAssumptions,
)


class ProxyPackageForm(forms.YearForm):
    """The fiscal year (default: the latest year with approved salaries)."""


class ProxyPackage:
    name = NAME
    title = TITLE
    form_class = ProxyPackageForm

    def __init__(self, year: int):
        self.year = year

    @classmethod
    def from_data(cls, data) -> "ProxyPackage":
        """From request or command data; ValidationError with the form's messages."""
        form = cls.form_class(data)
        if not form.is_valid():
            raise ValidationError(
                [
                    f"{form.fields[f].label if f in form.fields else f}: {' '.join(map(str, e))}"
                    for f, e in form.errors.items()
                ]
            )
        return cls(form.cleaned_data["year"])

    @property
    def year_end(self) -> date:
        return fiscal.year_end(self.year)

    def reports(self) -> list[Report]:
        """Each table for the year: a table with a fiscal year takes this one; one with an
        as-of date, the year's last day."""
        found = []
        for table in TABLES:
            fields = table.form_class.base_fields
            if "year" in fields:
                data = {"year": str(self.year)}
            elif "as_of" in fields:
                data = {"as_of": self.year_end.isoformat()}
            else:
                raise TypeError(f"{table.name} takes neither a fiscal year nor a date.")
            found.append(table.from_data(data))
        return found

    def heading(self) -> str:
        end = self.year_end
        return f"{TITLE}, fiscal year {self.year} (ended {end:%B} {end.day}, {end.year})"

    def file_name(self, extension: str) -> str:
        return f"{NAME}-fy{self.year}.{extension}"

    def write_xlsx(self, target) -> int:
        """Every table, a sheet each; the total of their rows."""
        return write_workbook(self.reports(), target)

    def render_pdf(self) -> bytes:
        """Every table, a section each; TooManyRowsForPdf past the PDF's limit."""
        return render_pdfs(self.reports(), self.heading())
