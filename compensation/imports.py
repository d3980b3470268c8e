"""Import officers' yearly compensation: one row per person and fiscal year."""

from decimal import Decimal, InvalidOperation
from functools import partial

from django import forms
from django.core.exceptions import ValidationError

from core import fiscal
from core.forms import MAX_NUMBER_LENGTH, AmountField, WholeNumberField
from core.imports import (
    ImportResult,
    RowError,
    add_validation_errors,
    clean_row,
    run_import,
)

from .import_people import PeopleOnRecord, yes_or_no
from .models import FIRST_FISCAL_YEAR, LAST_FISCAL_YEAR, Footnote, OfficerYear

REQUIRED = ["name", "fiscal_year", "title"]
OPTIONAL = [
    "base_salary",
    "bonus",
    "footnotes",
    "peo",
    "pfo",
    "other_compensation",
    "new_person",
]
COLUMNS = {
    "fiscal_year": "fiscal_year",
    "title": "title",
    "base_salary": "base_salary",
    "bonus": "bonus",
    "other_compensation": "other_compensation",
    "is_peo": "peo",
    "is_pfo": "pfo",
    "person": "name",
    "__all__": "row",
}


__all__ = ["yes_or_no"]  # the grants imports read yes and no the same way


def optional_amount(text: str, subject: str, empty: str) -> Decimal | None:
    """An amount in dollars and cents, or None for empty or "n/a" (not the same as $0)."""
    text = text.replace(",", "").replace("$", "").strip()
    if text.lower() in ("", "n/a", "na"):
        return None
    if len(text) > MAX_NUMBER_LENGTH:
        raise ValidationError(f"Enter an amount of at most {MAX_NUMBER_LENGTH} characters.")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValidationError(f"Enter an amount, {empty}.") from None
    if not value.is_finite():
        raise ValidationError(f"Enter an amount, {empty}.")
    if value < 0:
        raise ValidationError(f"{subject} cannot be negative.")
    # The size first: quantize() fails on a number with more digits than the context
    # holds, such as 1e999999.
    if value >= Decimal("1e12"):
        raise ValidationError(f"{subject} is at most $999,999,999,999.99.")
    if value != value.quantize(Decimal("0.01")):
        raise ValidationError("Enter an amount in dollars and cents.")
    return value


class OfficerYearRow(forms.Form):
    name = forms.CharField(max_length=200)
    fiscal_year = WholeNumberField(min_value=FIRST_FISCAL_YEAR, max_value=LAST_FISCAL_YEAR)
    title = forms.CharField(max_length=300)
    base_salary = AmountField(min_value=0, max_digits=14, decimal_places=2, required=False)
    bonus = forms.CharField(required=False, help_text='Empty or "n/a": no bonus awarded.')
    footnotes = forms.CharField(required=False, help_text="Markers, e.g. 1 or 1;2.")

    peo = forms.CharField(
        required=False, help_text="Served as principal executive officer in the year: yes or no."
    )
    pfo = forms.CharField(
        required=False, help_text="Served as principal financial officer in the year: yes or no."
    )
    other_compensation = forms.CharField(
        required=False, help_text='All other compensation; empty or "n/a": none recorded.'
    )
    new_person = forms.CharField(
        required=False, help_text="yes: the name is a new person, not a misspelt one."
    )

    def __init__(self, *args, footnotes: dict[str, Footnote], **kwargs):
        super().__init__(*args, **kwargs)
        self.known_footnotes = footnotes  # read once per file

    def clean_bonus(self):
        return optional_amount(self.cleaned_data["bonus"], "A bonus", 'or "n/a" for no bonus')

    def clean_other_compensation(self):
        return optional_amount(
            self.cleaned_data["other_compensation"],
            "All other compensation",
            'or "n/a" for none recorded',
        )

    def clean_peo(self):
        return yes_or_no(self.cleaned_data["peo"])

    def clean_pfo(self):
        return yes_or_no(self.cleaned_data["pfo"])

    def clean_new_person(self):
        return yes_or_no(self.cleaned_data["new_person"])

    def clean_footnotes(self):
        markers = [m.strip().strip("()") for m in self.cleaned_data["footnotes"].split(";")]
        markers = [m for m in markers if m]
        known = self.known_footnotes
        unknown = [m for m in markers if m not in known]
        if unknown:
            raise ValidationError(f"No footnote with marker {', '.join(unknown)}.")
        return [known[m] for m in markers]


def ended_before(person, fiscal_year: int) -> str:
    """Why `person` can have no salary proposal for `fiscal_year` (service ended before the
    year began); empty when they can."""
    start = fiscal.year_start(fiscal_year)
    ended = person.terminated_on
    if ended is None or ended >= start:
        return ""
    return (
        f"{person.name}'s service ended on {ended:%Y-%m-%d}, before fiscal {fiscal_year} "
        f"began on {start:%Y-%m-%d}: no salary proposal for a year after the end of service."
    )


def apply_rows(rows, result: ImportResult, *, confirmed=()) -> None:
    people = PeopleOnRecord(confirmed)
    footnotes = {f.marker: f for f in Footnote.objects.all()}
    parsed = []
    form = OfficerYearRow(footnotes=footnotes)
    for line, row in rows:
        data = clean_row(result, line, form, row)
        if data is None:
            continue
        person = people.get(data["name"], line, data["new_person"])
        if problem := ended_before(person, data["fiscal_year"]):
            result.errors.append(RowError(line, "fiscal_year", problem))
            continue
        parsed.append((line, person, data))
    people.check(result, "name")
    people.save_new()  # in the import's transaction: a preview or an error rolls it back
    for line, person, data in parsed:
        record = OfficerYear(
            person=person,
            fiscal_year=data["fiscal_year"],
            title=data["title"],
            base_salary=data["base_salary"],
            bonus=data["bonus"],
            other_compensation=data["other_compensation"],
            is_peo=data["peo"],
            is_pfo=data["pfo"],
        )
        try:
            record.full_clean()  # includes "one record per person and year"
        except ValidationError as error:
            add_validation_errors(result, line, error, COLUMNS)
            continue
        record.save()
        record.footnotes.set(data["footnotes"])
        result.created += 1


def import_officer_years(upload, commit: bool, new_people=(), stream=None) -> ImportResult:
    """New salary records arrive as proposals: only the committee approves them. Names in
    `new_people` are confirmed as new people (not near misses of names on record)."""
    apply = partial(apply_rows, confirmed=new_people)
    return run_import(upload, REQUIRED, OPTIONAL, apply, commit, stream=stream)
