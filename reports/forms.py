from django import forms
from django.utils import timezone

from compensation.models import FIRST_FISCAL_YEAR, LAST_FISCAL_YEAR, OfficerYear
from core import fiscal
from core import forms as core_forms
from core.dates import validate_date_in_range
from core.forms import DateInput, WholeNumberField, share_price_field
from grants.models import OptionGrant, StockAward


def latest_salary_year() -> int:
    """The latest year with approved salaries; a later year's proposals do not count."""
    return OfficerYear.objects.default_year() or fiscal.year_of(timezone.localdate())


class YearMixin(forms.Form):
    year = WholeNumberField(
        label="Fiscal year",
        min_value=FIRST_FISCAL_YEAR,
        max_value=LAST_FISCAL_YEAR,
        required=False,
        help_text="Default: the latest year with approved salaries.",
    )

    def clean_year(self):
        return self.cleaned_data["year"] or latest_salary_year()


class OfficerCompensationForm(YearMixin):
    bonus_year = WholeNumberField(
        label="Bonus year",
        min_value=FIRST_FISCAL_YEAR,
        max_value=LAST_FISCAL_YEAR,
        required=False,
        help_text="Default: the latest year with an approved bonus.",
    )

    def clean(self):
        super().clean()
        data = self.cleaned_data  # what super().clean() returns
        if data.get("year") and not data.get("bonus_year"):
            data["bonus_year"] = OfficerYear.objects.default_bonus_year(data["year"])
        return data


class YearForm(YearMixin):
    pass


class FiscalYearEndForm(forms.Form):
    as_of = forms.DateField(
        label="Fiscal year-end",
        required=False,
        widget=DateInput(),
        help_text="Default: the last day of the latest fiscal year with approved salaries.",
    )
    price = share_price_field("Optional: adds the value of in-the-money options at this price.")

    def clean_as_of(self):
        return self.cleaned_data["as_of"] or fiscal.year_end(latest_salary_year())


class AsOfForm(core_forms.AsOfForm):
    def clean_as_of(self):
        return self.cleaned_data["as_of"] or timezone.localdate()


class VestingScheduleForm(forms.Form):
    # A number, not a list: a company has thousands of grants.
    grant = forms.ModelChoiceField(
        queryset=OptionGrant.objects.select_related("optionee"),
        required=False,
        label="Grant no.",
        widget=forms.NumberInput(attrs={"min": 1}),
        error_messages={"invalid_choice": "There is no grant with this number."},
        help_text="As shown on the grant's page. Empty: every grant.",
    )
    award = forms.ModelChoiceField(
        queryset=StockAward.objects.select_related("recipient"),
        required=False,
        label="Award no.",
        widget=forms.NumberInput(attrs={"min": 1}),
        error_messages={"invalid_choice": "There is no award with this number."},
        help_text="A restricted stock award or unit, as shown on its page.",
    )
    start = forms.DateField(label="From", required=False, widget=DateInput())
    end = forms.DateField(label="To", required=False, widget=DateInput())

    def clean(self):
        super().clean()
        data = self.cleaned_data  # what super().clean() returns
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError("The end date is before the start date.")
        if data.get("grant") and data.get("award"):
            raise forms.ValidationError("Choose a grant or an award, not both.")
        return data


class OcfForm(forms.Form):
    """The as-of date of the Open Cap Format download."""

    as_of = forms.DateField(
        label="As of",
        required=False,
        widget=DateInput(),
        validators=[validate_date_in_range],
        help_text="Default: today.",
    )

    def clean_as_of(self):
        return self.cleaned_data["as_of"] or timezone.localdate()
