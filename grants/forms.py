import copy

from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.utils import timezone

from compensation.forms import PersonByNameField
from compensation.models import Person
from core.dates import EARLIEST_DATE, LATEST_DATE
from core.forms import (
    MAX_SHARES,
    AmountField,
    DateInput,
    WholeNumberField,
    bounded_number_formfield,
)

from .entry_forms import (  # noqa: F401 (where the entry views and tests import them)
    InstallmentRowFormSet,
    VestingScheduleForm,
    installment_rows,
)
from .models import Exercise, OptionGrant, PaymentMethod, StockAward, ValuationDefaults
from .models.assumptions import RATE_PLACES
from .models.service import DEADLINE_FIELDS, check_end_of_service

# The grant's terms, in the order the forms show them.
GRANT_FIELDS = [
    "plan",
    "optionee",
    "option_type",
    "grant_date",
    "shares",
    "exercise_price",
    "expiration_date",
    "minimum_exercise_shares",
    "post_termination_months",
    "disability_months",
    "death_months",
    "authorized_by",
    "authorized_on",
    "acknowledged_on",
    "notes",
]


class InstallmentFormSet(forms.BaseInlineFormSet):
    """Checks the installments being saved (not the stored ones) against the grant as
    edited on the same page: the sum, distinct dates, and dates within the term."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        rows = [
            (form.cleaned_data["vest_date"], form.cleaned_data["shares"])
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        self.instance.validate_installments(rows)


class ExerciseForm(forms.ModelForm):
    """Record an exercise. The grant's rules decide; a refusal names the rule."""

    shares = forms.CharField(
        help_text="Whole shares only.", widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )

    class Meta:
        model = Exercise
        fields = ["grant", "exercise_date", "shares", "payment_method"]

    def clean(self):
        super().clean()
        data = self.cleaned_data  # what super().clean() returns
        grant, on = data.get("grant"), data.get("exercise_date")
        if grant is None or on is None or "shares" not in data:
            return data
        try:
            data["shares"] = grant.check_exercise(
                data["shares"], on, data.get("payment_method") or PaymentMethod.CASH
            )
        except ValidationError as error:
            field = REFUSAL_FIELDS.get(error.code)
            self.add_error(field, error)
        return data

    def save(self, commit=True):
        """Record through the grant, which locks it and checks every rule again. Always
        records (once), whatever `commit` says: an exercise is never left half-made."""
        if self.instance.pk is None:
            data = self.cleaned_data
            self.instance = data["grant"].exercise(
                data["shares"], data["exercise_date"], data["payment_method"]
            )
        return self.instance

    def save_m2m(self):
        pass

    def _post_clean(self):
        # The instance is built by OptionGrant.exercise(), not from the form's fields.
        pass


DATE_INPUT = DateInput()


class RateField(AmountField):
    """A rate typed as a decimal (0.35) or as a percentage (35%): DOMAIN.md §5 keeps rates
    as decimals, and a committee's papers often print them as percentages."""

    def to_python(self, value):
        text = value.strip() if isinstance(value, str) else value
        percent = isinstance(text, str) and text.endswith("%")
        if percent:
            text = text[:-1].strip()
            if not text:
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        number = super().to_python(text)
        if number is None or not number.is_finite():
            return number  # validate() refuses NaN and infinity
        # An exponent far out of range is refused as too many digits; scaling it could
        # overflow the decimal context first.
        if percent and -50 < number.adjusted() < 50:
            number = number.scaleb(-2)
        return abs(number) if number.is_zero() else number  # -0 is 0


def rate_formfield(db_field, **kwargs) -> forms.Field | None:
    """The model form's field: rates accept "35%" too; other numbers are bounded."""
    if db_field.name in RATE_FIELDS:
        kwargs.setdefault("form_class", RateField)
    return bounded_number_formfield(db_field, **kwargs)


RATE_FIELDS = ("volatility", "risk_free_rate", "dividend_yield")
RATE_HELP = {
    "volatility": "Expected volatility, e.g. 0.35 or 35%.",
    "risk_free_rate": "Continuously compounded, e.g. 0.045 or 4.5%.",
    "dividend_yield": "E.g. 0 or 0.02 (2%).",
}
# Django's "no more than 8 digits in total" would puzzle someone who typed 35.1234567%.
# A form error message is %-formatted with its parameters: "%%" shows "%".
RATE_DIGITS_MESSAGE = (
    f"Enter a rate such as 0.35 or 35%%: at most {RATE_PLACES} decimal places as a decimal, "
    f"{RATE_PLACES - 2} as a percentage."
)


def explain_rate_places(form: forms.BaseForm) -> None:
    for name in RATE_FIELDS:
        if name in form.fields:
            for code in ("max_digits", "max_decimal_places", "max_whole_digits"):
                form.fields[name].error_messages[code] = RATE_DIGITS_MESSAGE


class Sections:
    """A form shown in two parts: the terms, and the optional valuation assumptions."""

    ASSUMPTION_FIELDS: tuple[str, ...] = ()

    def terms(self) -> list:
        return [f for f in self if f.name not in self.ASSUMPTION_FIELDS]  # type: ignore[attr-defined]

    def assumptions(self) -> list:
        return [f for f in self if f.name in self.ASSUMPTION_FIELDS]  # type: ignore[attr-defined]


class GrantForm(Sections, forms.ModelForm):
    """The grant's terms. Empty exercise and termination terms take the plan's defaults;
    empty valuation assumptions take the fiscal year's approved defaults when the grant is
    valued."""

    ASSUMPTION_FIELDS = OptionGrant.ASSUMPTION_FIELDS

    class Meta:
        model = OptionGrant
        fields = GRANT_FIELDS + list(OptionGrant.ASSUMPTION_FIELDS)
        formfield_callback = rate_formfield
        field_classes = {"optionee": PersonByNameField}
        help_texts = {"optionee": "Type a name: people on record are suggested."}
        widgets = {
            "grant_date": DATE_INPUT,
            "expiration_date": DATE_INPUT,
            "authorized_on": DATE_INPUT,
            "acknowledged_on": DATE_INPUT,
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        for name in OptionGrant.PLAN_DEFAULT_FIELDS:
            self.fields[name].help_text = "Empty: the plan's default."
        for name, text in RATE_HELP.items():
            self.fields[name].help_text = f"{text} Empty: the fiscal year's approved default."
        self.fields["expected_term"].help_text = (
            "In years. Empty: the fiscal year's approved default, or the simplified method "
            "if chosen below."
        )
        explain_rate_places(self)


class OptionGrantAdminForm(forms.ModelForm):
    class Meta:
        model = OptionGrant
        fields = GRANT_FIELDS + list(OptionGrant.ASSUMPTION_FIELDS)
        formfield_callback = rate_formfield
        widgets = {"shares": forms.NumberInput(attrs={"class": "vTextField", "min": 1})}


class ExerciseRequestForm(forms.Form):
    """An exercise of one grant; OptionGrant.exercise() decides."""

    exercise_date = forms.DateField(widget=DATE_INPUT, label="Exercise date")
    shares = forms.CharField(
        label="Shares",
        max_length=20,
        help_text="Whole shares only.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    payment_method = forms.ChoiceField(choices=PaymentMethod.choices, label="Payment")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["exercise_date"].initial = timezone.localdate()
        self.helper = FormHelper()
        self.helper.form_tag = False


# Keyed by the refusal's code: ValidationError.code, which may be None.
REFUSAL_FIELDS: dict[str | None, str] = {
    "whole_shares": "shares",
    "positive_shares": "shares",
    "too_many_shares": "shares",
    "more_than_exercisable": "shares",
    "minimum_exercise": "shares",
    "before_grant": "exercise_date",
    "after_deadline": "exercise_date",
    "not_registered": "exercise_date",
    "payment_method": "payment_method",
}


class EndOfServiceChecks(forms.ModelForm):
    """A form that edits a person's end of service: the end of service as typed is checked
    against the person's exercises (grants.models.service), and the view or admin that
    saves it records it through record_end_of_service()."""

    def clean(self):
        super().clean()
        data = self.cleaned_data  # what super().clean() returns
        edited = copy.copy(self.instance)
        for field in DEADLINE_FIELDS:
            if field in data:
                setattr(edited, field, data[field])
        try:
            check_end_of_service(edited)
        except ValidationError as error:
            self.add_error(None, error)
        return data


class TerminationForm(EndOfServiceChecks):
    class Meta:
        model = Person
        fields = ["terminated_on", "termination_reason", "short_swing_liability_until"]
        widgets = {"terminated_on": DATE_INPUT, "short_swing_liability_until": DATE_INPUT}
        labels = {"terminated_on": "Service ended on", "termination_reason": "Reason"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["terminated_on"].required = True
        self.fields["termination_reason"].required = True
        self.helper = FormHelper()
        self.helper.form_tag = False


# --- Restricted stock awards and units (DOMAIN.md §4) ---------------------------------------

# The award's terms, in the order the forms show them.
AWARD_FIELDS = [
    "plan",
    "recipient",
    "award_type",
    "grant_date",
    "shares",
    "purchase_price",
    "withholding_rate",
    "election_83b",
    "election_83b_on",
    "authorized_by",
    "authorized_on",
    "notes",
]


class StockAwardAdminForm(forms.ModelForm):
    class Meta:
        model = StockAward
        fields = AWARD_FIELDS
        formfield_callback = bounded_number_formfield
        widgets = {"shares": forms.NumberInput(attrs={"class": "vTextField", "min": 1})}


class AwardForm(Sections, forms.ModelForm):
    """The award's terms; StockAward.create_with_installments() checks them with the
    installments and saves both or nothing."""

    class Meta:
        model = StockAward
        fields = AWARD_FIELDS
        formfield_callback = bounded_number_formfield
        field_classes = {"recipient": PersonByNameField}
        help_texts = {
            "recipient": "Type a name: people on record are suggested.",
            "election_83b": "A restricted stock award only (not a unit); filed within 30 "
            "days after the grant date.",
        }
        widgets = {
            "grant_date": DATE_INPUT,
            "election_83b_on": DATE_INPUT,
            "authorized_on": DATE_INPUT,
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class VestingConfirmationForm(forms.Form):
    """One installment's vesting, confirmed with the shares withheld for taxes; the award's
    confirm_vesting() decides."""

    award = forms.IntegerField(widget=forms.HiddenInput)
    vest_date = forms.DateField(widget=forms.HiddenInput)
    shares_withheld = WholeNumberField(
        label="Shares withheld",
        min_value=0,
        max_value=MAX_SHARES,
        required=False,
        help_text="Empty: computed from the award's withholding rate.",
        widget=forms.NumberInput(attrs={"class": "form-control form-control-sm text-end"}),
    )


# --- Grant-date fair value (DOMAIN.md §5) ---------------------------------------------------


class ValuationDefaultsForm(forms.ModelForm):
    """A fiscal year's default assumptions, entered by an admin; the model refuses a change
    to approved defaults. The admin uses it too, with approved defaults read-only (their
    fields then absent)."""

    class Meta:
        model = ValuationDefaults
        fields = [
            "fiscal_year",
            "volatility",
            "risk_free_rate",
            "dividend_yield",
            "expected_term",
            "basis",
        ]
        formfield_callback = rate_formfield

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        year = self.fields.get("fiscal_year")
        if year is not None:
            # A field error, before the model's constraint would say it for the whole form.
            year.validators += [
                MinValueValidator(EARLIEST_DATE.year),
                MaxValueValidator(LATEST_DATE.year),
            ]
            year.help_text = "The year in which the fiscal year ends."
        basis = self.fields.get("basis")
        if isinstance(basis, forms.CharField):
            basis.max_length = BASIS_LENGTH
            basis.validators.append(MaxLengthValidator(BASIS_LENGTH))
            basis.widget.attrs.update(maxlength=str(BASIS_LENGTH), rows="3")
        for name, text in RATE_HELP.items():
            if name in self.fields:
                self.fields[name].help_text = text
        explain_rate_places(self)
        self.helper = FormHelper()
        self.helper.form_tag = False


BASIS_LENGTH = 2000


class HoldingApprovalForm(forms.Form):
    """The committee approves a grant's or an award's board authorization: the meeting
    that approved it, and a confirmation that the terms shown are the ones approved."""

    meeting = forms.CharField(
        label="Approved at meeting",
        max_length=200,
        help_text="E.g. Compensation Committee meeting of 2006-02-15.",
    )
    confirm = forms.BooleanField(
        label="The committee approved these terms at this meeting.",
        error_messages={"required": "Confirm that the committee approved these terms."},
    )
