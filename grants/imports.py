"""Import grants with their installments: one row per installment; the rows of one
grant share optionee, plan and grant date and repeat the grant's terms. Restricted stock
awards and units (import_awards) are imported the same way."""

import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from functools import partial

from django import forms
from django.core.exceptions import ValidationError

from compensation.import_people import PeopleOnRecord, yes_or_no
from core.dates import validate_date_in_range
from core.forms import MAX_NUMBER_LENGTH, MAX_SHARES, AmountField, WholeNumberField
from core.imports import (
    DayField,
    ImportResult,
    RowError,
    add_validation_errors,
    clean_row,
    run_import,
)
from core.progress import progress

from .forms import RATE_DIGITS_MESSAGE, RateField
from .grant_import_checks import (
    NewGrant,
    closing_prices,
    grant_errors,
    reserve_problems,
    save_grants,
    set_deadlines,
    value_grants,
)
from .models import (
    AwardType,
    Election83b,
    OptionGrant,
    OptionType,
    StockAward,
    StockPlan,
)
from .models.assumptions import (
    RATE_PLACES,
    TERM_PLACES,
    validate_dividend_yield,
    validate_rate,
    validate_term,
    validate_volatility,
)

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
# The grant's own valuation assumptions (DOMAIN.md §5): rates as decimals (0.35 is 35%) or
# percentages, the expected term in years or "simplified"; empty: the fiscal year's default.
ASSUMPTIONS = ["volatility", "risk_free_rate", "dividend_yield", "expected_term"]
OPTIONAL = [
    "option_type",
    "minimum_exercise_shares",
    "authorized_by",
    "authorized_on",
    *ASSUMPTIONS,
    "new_person",
]
TERMS = [
    "shares",
    "exercise_price",
    "expiration_date",
    "option_type",
    "minimum_exercise_shares",
    "authorized_by",
    "authorized_on",
    *ASSUMPTIONS,
]
SIMPLIFIED = "simplified"
COLUMNS = {field: field for field in TERMS} | {
    "simplified_term": "expected_term",
    "grant_date": "grant_date",
    "installments": "vest_shares",
    "optionee": "optionee",
    "plan": "plan",
    "__all__": "row",
}


def assumption_field(validator) -> RateField:
    return RateField(
        required=False,
        max_digits=RATE_PLACES + 2,
        decimal_places=RATE_PLACES,
        validators=[validator],
        error_messages=dict.fromkeys(
            ("max_digits", "max_decimal_places", "max_whole_digits"), RATE_DIGITS_MESSAGE
        ),
    )


class GrantRow(forms.Form):
    optionee = forms.CharField(max_length=200)
    plan = forms.CharField(max_length=200)
    grant_date = DayField()
    shares = WholeNumberField(min_value=1, max_value=2_000_000_000)
    exercise_price = AmountField(min_value=0, max_digits=12, decimal_places=4)
    expiration_date = DayField()
    vest_date = DayField()
    vest_shares = WholeNumberField(min_value=1, max_value=2_000_000_000)
    option_type = forms.ChoiceField(choices=[("", "")] + OptionType.choices, required=False)
    minimum_exercise_shares = WholeNumberField(min_value=1, max_value=MAX_SHARES, required=False)
    authorized_by = forms.CharField(max_length=200, required=False)
    authorized_on = DayField(required=False)
    volatility = assumption_field(validate_volatility)
    risk_free_rate = assumption_field(validate_rate)
    dividend_yield = assumption_field(validate_dividend_yield)
    expected_term = forms.CharField(max_length=MAX_NUMBER_LENGTH, required=False)
    new_person = forms.CharField(required=False)

    def __init__(self, *args, plans: dict[str, StockPlan], **kwargs):
        super().__init__(*args, **kwargs)
        self.plans = plans  # read once per file

    def clean_plan(self):
        return plan_named(self.plans, self.cleaned_data["plan"])

    def clean_new_person(self):
        return yes_or_no(self.cleaned_data["new_person"])

    def clean_expected_term(self) -> Decimal | str | None:
        """Years (e.g. 5.5), "simplified" for SEC Staff Accounting Bulletin 107's method,
        or empty for the fiscal year's default."""
        text = self.cleaned_data["expected_term"].strip()
        if not text:
            return None
        if text.lower() in (SIMPLIFIED, "simplified method"):
            return SIMPLIFIED
        problem = 'Enter the expected term in years (e.g. 5.5) or "simplified".'
        try:
            years = Decimal(text)
        except InvalidOperation:
            raise ValidationError(problem) from None
        if not years.is_finite():
            raise ValidationError(problem)
        validate_term(years)  # more than 0 and at most 100 years: the size first
        if years != years.quantize(Decimal(1).scaleb(-TERM_PLACES)):
            raise ValidationError(f"Enter the expected term to at most {TERM_PLACES} decimals.")
        return years + 0


def plan_named(plans: dict[str, StockPlan], name: str) -> StockPlan:
    plan = plans.get(name)
    if plan is None:
        raise ValidationError("No plan of that name; add the plan first.")
    return plan


def grant_terms(row: dict) -> dict:
    """The grant's terms from its first row: empty ones left to the model's defaults."""
    terms = {t: row[t] for t in TERMS if row[t] not in (None, "")}
    if terms.get("expected_term") == SIMPLIFIED:
        del terms["expected_term"]
        terms["simplified_term"] = True
    return terms


def apply_rows(
    rows, result: ImportResult, *, value: bool = False, by=None, confirmed=(), save: bool = True
) -> None:
    """Check every grant of the file, then save them all with their installments (and,
    with `value`, value each by `by` where it can be: one that cannot be valued is
    imported all the same, and its page says why, DOMAIN.md §5). A fixed number of
    queries whatever the number of rows; nothing is written if any row is wrong, or when
    not `save` (a preview)."""
    people = PeopleOnRecord(confirmed)
    plans = {plan.name: plan for plan in StockPlan.objects.all()}
    groups: dict[tuple, list[tuple[int, dict]]] = {}
    form = GrantRow(plans=plans)
    for line, row in rows:
        data = clean_row(result, line, form, row)
        if data is None:
            continue
        data["optionee"] = people.get(data["optionee"], line, data["new_person"])
        key = (data["optionee"].name, data["plan"].pk, data["grant_date"])
        groups.setdefault(key, []).append((line, data))
    people.check(result, "optionee")
    on_record = [people.by_name[n] for n in {key[0] for key in groups} if n in people.by_name]
    recorded = set(
        OptionGrant.objects.filter(
            optionee__in=on_record, grant_date__in={key[2] for key in groups}
        ).values_list("optionee__name", "plan_id", "grant_date")
    )
    prices = closing_prices(key[2] for key in groups)
    grants: list[NewGrant] = []
    for key, group in groups.items():
        first_line, first = group[0]
        # Every row of a grant must repeat the same terms.
        for line, data in group[1:]:
            for term in TERMS:
                if data[term] != first[term]:
                    result.errors.append(
                        RowError(line, term, f"Differs from row {first_line} of the same grant.")
                    )
        if key in recorded:
            result.errors.append(
                RowError(first_line, "grant_date", "This grant is already recorded.")
            )
            continue
        grant = OptionGrant(
            plan=first["plan"],
            optionee=first["optionee"],
            grant_date=first["grant_date"],
            **grant_terms(first),
        )
        installments = [(data["vest_date"], data["vest_shares"]) for _, data in group]
        errors = grant_errors(grant, installments, prices)
        if errors:
            add_validation_errors(result, first_line, ValidationError(errors), COLUMNS)
            continue
        grants.append(NewGrant(first_line, grant, installments))
    set_deadlines(grants)
    refused = reserve_problems(grants)
    for i, message in refused.items():
        result.errors.append(RowError(grants[i].line, "shares", message))
    result.created = len(grants) - len(refused)
    if not result.ok or not save:
        return
    people.save_new()
    save_grants(grants, by)
    if value:
        result.valued = value_grants(grants, prices, by=by)


def import_grants(upload, commit: bool, by=None, new_people=(), stream=None) -> ImportResult:
    """Grants with their installments; once imported (not in a preview), each grant is
    valued by `by` where it can be. Names in `new_people` are confirmed as new people."""
    apply = partial(apply_rows, value=commit, by=by, confirmed=new_people, save=commit)
    return run_import(upload, REQUIRED, OPTIONAL, apply, commit, stream=stream)


# --- Restricted stock awards and units (DOMAIN.md §4) --------------------------------------

AWARD_REQUIRED = [
    "recipient",
    "plan",
    "award_type",
    "grant_date",
    "shares",
    "purchase_price",
    "vest_date",
    "vest_shares",
]
AWARD_OPTIONAL = [
    "withholding_rate",
    "election_83b_on",
    "authorized_by",
    "authorized_on",
    "new_person",
]
# The rows of one award share recipient, plan, kind and grant date, and repeat these.
AWARD_TERMS = [
    "shares",
    "purchase_price",
    "withholding_rate",
    "election_83b_on",
    "authorized_by",
    "authorized_on",
]
AWARD_COLUMNS = {field: field for field in AWARD_TERMS} | {
    "award_type": "award_type",
    "grant_date": "grant_date",
    "election_83b": "election_83b_on",
    "installments": "vest_shares",
    "recipient": "recipient",
    "plan": "plan",
    "__all__": "row",
}
# A form error message is %-formatted with its parameters: "%%" shows "%".
RATE_HINT = "Enter the rate as a decimal from 0 to 1 (0.25 is 25%%)."
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class AwardRow(forms.Form):
    """One installment of an award. The fields only parse (numbers bounded in length, dates
    in the app's range); the award's rules are the model's (StockAward.clean and
    validate_installments)."""

    recipient = forms.CharField(max_length=200)
    plan = forms.CharField(max_length=200)
    award_type = forms.ChoiceField(
        choices=AwardType.choices,
        error_messages={"invalid_choice": "Enter RSA (stock award) or RSU (stock unit)."},
    )
    grant_date = DayField(validators=[validate_date_in_range])
    shares = WholeNumberField(min_value=1, max_value=MAX_SHARES)
    purchase_price = AmountField(max_digits=12, decimal_places=4)
    vest_date = DayField(validators=[validate_date_in_range])
    vest_shares = WholeNumberField(min_value=1, max_value=MAX_SHARES)
    withholding_rate = AmountField(
        max_digits=5,
        decimal_places=4,
        required=False,
        error_messages=dict.fromkeys(("max_digits", "max_whole_digits"), RATE_HINT),
    )
    election_83b_on = DayField(required=False, validators=[validate_date_in_range])
    authorized_by = forms.CharField(max_length=200, required=False)
    authorized_on = DayField(required=False, validators=[validate_date_in_range])
    new_person = forms.CharField(required=False)

    def __init__(self, *args, plans: dict[str, StockPlan], **kwargs):
        super().__init__(*args, **kwargs)
        self.plans = plans  # read once per file

    def clean_plan(self):
        return plan_named(self.plans, self.cleaned_data["plan"])

    def clean_new_person(self):
        return yes_or_no(self.cleaned_data["new_person"])


def add_installment_errors(
    result: ImportResult, group: list[tuple[int, dict]], messages: list[str]
) -> None:
    """The model's installment problems, on the row they are about: a message naming a vest
    date goes to that date's row (the later rows, for a date given twice), column vest_date;
    the rest (the sum) to the award's first row, column vest_shares."""
    for message in messages:
        found = ISO_DATE.search(message)
        lines = [
            line
            for line, data in group
            if found and f"{data['vest_date']:%Y-%m-%d}" == found.group()
        ]
        if lines:
            for line in lines[1:] or lines:
                result.errors.append(RowError(line, "vest_date", message))
        else:
            result.errors.append(RowError(group[0][0], "vest_shares", message))


def apply_award_rows(rows, result: ImportResult, *, confirmed=(), stream=None) -> None:
    """Check every row, then save each award with its installments (a few queries an
    award: the bulk of a large file's time, counted on `stream` when there is one)."""
    groups: dict[tuple, list[tuple[int, dict]]] = {}
    people = PeopleOnRecord(confirmed)
    plans = {plan.name: plan for plan in StockPlan.objects.all()}
    form = AwardRow(plans=plans)
    for line, row in rows:
        data = clean_row(result, line, form, row)
        if data is None:
            continue
        data["recipient"] = people.get(data["recipient"], line, data["new_person"])
        key = (data["recipient"].name, data["plan"].pk, data["award_type"], data["grant_date"])
        groups.setdefault(key, []).append((line, data))
    people.check(result, "recipient")
    awards: Iterable[list[tuple[int, dict]]] = groups.values()
    if stream is not None:
        awards = progress(awards, desc="awards", unit="awards", stream=stream)
    for group in awards:
        first_line, first = group[0]
        # Every row of an award must repeat the same terms.
        differs = False
        for line, data in group[1:]:
            for term in AWARD_TERMS:
                if data[term] != first[term]:
                    differs = True
                    result.errors.append(
                        RowError(line, term, f"Differs from row {first_line} of the same award.")
                    )
        if differs:
            continue
        person = first["recipient"]
        if (
            person.pk
            and StockAward.objects.filter(
                recipient=person,
                plan=first["plan"],
                award_type=first["award_type"],
                grant_date=first["grant_date"],
            ).exists()
        ):
            result.errors.append(
                RowError(first_line, "grant_date", "This award is already recorded.")
            )
            continue
        terms = {t: first[t] for t in AWARD_TERMS if first[t] not in (None, "")}
        if first["election_83b_on"] is not None:
            terms["election_83b"] = Election83b.FILED
        try:
            people.save_new([person])
            StockAward.create_with_installments(
                [(data["vest_date"], data["vest_shares"]) for _, data in group],
                plan=first["plan"],
                recipient=person,
                award_type=first["award_type"],
                grant_date=first["grant_date"],
                **terms,
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                problems = error.error_dict.pop("installments", [])
                add_installment_errors(result, group, ValidationError(problems).messages)
                if not error.error_dict:
                    continue
            add_validation_errors(result, first_line, error, AWARD_COLUMNS)
            continue
        result.created += 1


def import_awards(upload, commit: bool, new_people=(), stream=None) -> ImportResult:
    """Restricted stock awards and units with their installments: one row per installment.
    Names in `new_people` are confirmed as new people."""
    apply = partial(apply_award_rows, confirmed=new_people, stream=stream)
    return run_import(upload, AWARD_REQUIRED, AWARD_OPTIONAL, apply, commit, stream=stream)
