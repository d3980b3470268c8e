import re
from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

# A typed or imported number longer than this is refused before it is converted:
# "1e999999" is eight characters, but a million digits once made into an int.
MAX_NUMBER_LENGTH = 30
# The most shares a count can hold: a PositiveIntegerField on every database.
MAX_SHARES = 2_147_483_647


class DateInput(forms.DateInput):
    """The browser's date picker; the value travels as YYYY-MM-DD."""

    input_type = "date"


# "1,000" or "1,234,567.50": commas between groups of three digits, as people type them.
GROUPED = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")


class BoundedNumberField(forms.Field):
    """Refuses text longer than MAX_NUMBER_LENGTH before the number field parses it, and
    reads thousands separators ("1,000"). A text box, not the browser's number box, so
    that what people type ("$5.00") reaches the server and gets a message or a value."""

    widget = forms.TextInput
    input_mode = "numeric"
    dollar_sign = False

    def to_python(self, value):
        if isinstance(value, str):
            text = value.strip()
            if len(text) > MAX_NUMBER_LENGTH:
                raise forms.ValidationError(
                    f"Enter a number of at most {MAX_NUMBER_LENGTH} characters.", code="too_long"
                )
            if self.dollar_sign and text.startswith("$"):
                text = text[1:].lstrip()
            if GROUPED.fullmatch(text):
                text = text.replace(",", "")
            value = text
        return super().to_python(value)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if isinstance(widget, forms.TextInput) and not isinstance(widget, forms.NumberInput):
            attrs.setdefault("inputmode", self.input_mode)
        return attrs


class WholeNumberField(BoundedNumberField, forms.IntegerField):
    pass


class AmountField(BoundedNumberField, forms.DecimalField):
    """An amount or price: "$5.00", "1,000" and "5" all read as numbers."""

    input_mode = "decimal"
    dollar_sign = True


# The largest number each kind of integer column holds on PostgreSQL, production's
# database. On SQLite a column takes any 64-bit integer, so without these a form there
# would save a number (3,000,000,000 shares) that PostgreSQL refuses.
INTEGER_MAX = {
    "SmallIntegerField": 32_767,
    "PositiveSmallIntegerField": 32_767,
    "IntegerField": MAX_SHARES,
    "PositiveIntegerField": MAX_SHARES,
    "BigIntegerField": 9_223_372_036_854_775_807,
    "PositiveBigIntegerField": 9_223_372_036_854_775_807,
}


def bounded_number_formfield(db_field: models.Field, **kwargs) -> forms.Field | None:
    """A model form's field (Meta.formfield_callback), numbers bounded in length, whole
    numbers by what their column holds on PostgreSQL whatever the database."""
    if isinstance(db_field, models.DecimalField):
        kwargs.setdefault("form_class", AmountField)
    elif isinstance(db_field, models.IntegerField) and not db_field.choices:
        kwargs.setdefault("form_class", WholeNumberField)
        top = INTEGER_MAX.get(db_field.get_internal_type())
        if top is not None:
            kwargs.setdefault("max_value", top)
    return db_field.formfield(**kwargs)


def share_price_field(help_text: str) -> forms.DecimalField:
    """An optional share price in dollars, to four decimals."""
    return AmountField(
        label="Share price ($)",
        min_value=0,
        max_digits=12,
        decimal_places=4,
        required=False,
        help_text=help_text,
    )


class AsOfForm(forms.Form):
    as_of = forms.DateField(
        label="As of", required=False, widget=DateInput(), help_text="Default: today."
    )


def as_of_date(request, default: date | None = None) -> tuple[date, AsOfForm]:
    """The page's as-of date from ?as_of=, or `default` (today); a bad date shows the
    form's error and falls back to the default."""
    form = AsOfForm(request.GET or None)
    fallback = default or timezone.localdate()
    if form.is_bound and form.is_valid() and form.cleaned_data["as_of"]:
        return form.cleaned_data["as_of"], form
    if not form.is_bound:
        form = AsOfForm(initial={"as_of": fallback})
    return fallback, form


def add_model_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a model's refusal at save time on the form: each message on its field where the
    form has one, the rest above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
