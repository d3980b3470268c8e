"""Import grants with their installments: one row per installment; the rows of one
grant share optionee, plan and grant date and repeat the grant's terms."""

from django import forms
from django.core.exceptions import ValidationError

from compensation.models import Person
from core.forms import MAX_SHARES, AmountField, WholeNumberField
from core.imports import ImportResult, RowError, add_validation_errors, clean_row, run_import

from .models import OptionGrant, OptionType, StockPlan

REQUIRED = [
    "optionee",
    "plan",
    "grant_date",
    "shares",
    "exercise_price",
    "expiration_date",
    "vest_date",
    "vest_shares",
]
OPTIONAL = ["option_type", "minimum_exercise_shares", "authorized_by", "authorized_on"]
TERMS = [
    "shares",
    "exercise_price",
    "expiration_date",
    "option_type",
    "minimum_exercise_shares",
    "authorized_by",
    "authorized_on",
]
COLUMNS = {field: field for field in TERMS} | {
    "grant_date": "grant_date",
    "installments": "vest_shares",
    "optionee": "optionee",
    "plan": "plan",
    "__all__": "row",
}


class GrantRow(forms.Form):
    optionee = forms.CharField(max_length=200)
    plan = forms.CharField(max_length=200)
    grant_date = forms.DateField()
    shares = WholeNumberField(min_value=1, max_value=2_000_000_000)
    exercise_price = AmountField(min_value=0, max_digits=12, decimal_places=4)
    expiration_date = forms.DateField()
    vest_date = forms.DateField()
    vest_shares = WholeNumberField(min_value=1, max_value=2_000_000_000)
    option_type = forms.ChoiceField(choices=[("", "")] + OptionType.choices, required=False)
    minimum_exercise_shares = WholeNumberField(min_value=1, max_value=MAX_SHARES, required=False)
    authorized_by = forms.CharField(max_length=200, required=False)
    authorized_on = forms.DateField(required=False)

    def clean_plan(self):
        try:
            return StockPlan.objects.get(name=self.cleaned_data["plan"])
        except StockPlan.DoesNotExist:
            raise ValidationError("No plan of that name; add the plan first.") from None

    def clean_optionee(self):
        name = self.cleaned_data["optionee"]
        return Person.objects.filter(name=name).first() or Person(name=name)


def apply_rows(rows, result: ImportResult) -> None:
    groups: dict[tuple, list[tuple[int, dict]]] = {}
    for line, row in rows:
        data = clean_row(result, line, GrantRow(row))
        if data is None:
            continue
        key = (data["optionee"].name, data["plan"].pk, data["grant_date"])
        groups.setdefault(key, []).append((line, data))
    for group in groups.values():
        first_line, first = group[0]
        # Every row of a grant must repeat the same terms.
        for line, data in group[1:]:
            for term in TERMS:
                if data[term] != first[term]:
                    result.errors.append(
                        RowError(line, term, f"Differs from row {first_line} of the same grant.")
                    )
        person = first["optionee"]
        if (
            person.pk
            and OptionGrant.objects.filter(
                optionee=person, plan=first["plan"], grant_date=first["grant_date"]
            ).exists()
        ):
            result.errors.append(
                RowError(first_line, "grant_date", "This grant is already recorded.")
            )
            continue
        terms = {t: first[t] for t in TERMS if first[t] not in (None, "")}
        try:
            if person.pk is None:
                person.full_clean()
                person.save()
            OptionGrant.create_with_installments(
                [(data["vest_date"], data["vest_shares"]) for _, data in group],
                plan=first["plan"],
                optionee=person,
                grant_date=first["grant_date"],
                **terms,
            )
        except ValidationError as error:
            add_validation_errors(result, first_line, error, COLUMNS)
            continue
        result.created += 1


def import_grants(upload, commit: bool) -> ImportResult:
    return run_import(upload, REQUIRED, OPTIONAL, apply_rows, commit)
