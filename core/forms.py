from datetime import date

from django import forms
from django.utils import timezone


class AsOfForm(forms.Form):
    as_of = forms.DateField(
        label="As of", required=False, widget=forms.DateInput(attrs={"type": "date"})
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
