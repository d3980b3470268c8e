"""Import officers' yearly compensation: one row per person and fiscal year."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError

from core.forms import MAX_NUMBER_LENGTH, AmountField, WholeNumberField
from core.imports import ImportResult, add_validation_errors, clean_row, run_import

from .models import FIRST_FISCAL_YEAR, LAST_FISCAL_YEAR, Footnote, OfficerYear, Person

REQUIRED = ["name", "fiscal_year", "title"]
OPTIONAL = ["base_salary", "bonus", "footnotes", "peo", "pfo", "other_compensation"]
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


YES, NO = ("yes", "true", "1", "y"), ("no", "false", "0", "n", "")


def yes_or_no(text: str) -> bool:
    answer = text.strip().lower()
    if answer in YES:
        return True
    if answer in NO:
        return False
    raise ValidationError("Enter yes or no (or true/false, 1/0); empty is no.")


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

    def clean_footnotes(self):
        markers = [m.strip().strip("()") for m in self.cleaned_data["footnotes"].split(";")]
        markers = [m for m in markers if m]
        known = {f.marker: f for f in Footnote.objects.filter(marker__in=markers)}
        unknown = [m for m in markers if m not in known]
        if unknown:
            raise ValidationError(f"No footnote with marker {', '.join(unknown)}.")
        return [known[m] for m in markers]


def apply_rows(rows, result: ImportResult) -> None:
    for line, row in rows:
        data = clean_row(result, line, OfficerYearRow(row))
        if data is None:
            continue
        person = Person.objects.filter(name=data["name"]).first() or Person(name=data["name"])
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
            if person.pk is None:
                person.full_clean()
                person.save()
            record.person = person
            record.full_clean()  # includes "one record per person and year"
        except ValidationError as error:
            add_validation_errors(result, line, error, COLUMNS)
            continue
        record.save()
        record.footnotes.set(data["footnotes"])
        result.created += 1


def import_officer_years(upload, commit: bool) -> ImportResult:
    """New salary records arrive as proposals: only the committee approves them."""
    return run_import(upload, REQUIRED, OPTIONAL, apply_rows, commit)
