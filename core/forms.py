from datetime import date

from django import forms
from django.utils import timezone


class DateInput(forms.DateInput):
    """The browser's date picker; the value travels as YYYY-MM-DD."""

    input_type = "date"


def share_price_field(help_text: str) -> forms.DecimalField:
    """An optional share price in dollars, to four decimals."""
    return forms.DecimalField(
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
