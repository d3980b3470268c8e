from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from .models import FIRST_FISCAL_YEAR, LAST_FISCAL_YEAR


class RosterYearForm(forms.Form):
    year = forms.IntegerField(
        label="Fiscal year", min_value=FIRST_FISCAL_YEAR, max_value=LAST_FISCAL_YEAR
    )
    bonus_year = forms.IntegerField(
        label="Bonus year",
        min_value=FIRST_FISCAL_YEAR,
        max_value=LAST_FISCAL_YEAR,
        required=False,
        help_text="Bonuses are often reported for an earlier year than the salaries.",
    )


class ApprovalForm(forms.Form):
    meeting = forms.CharField(
        label="Approved at meeting",
        max_length=200,
        help_text="E.g. Compensation Committee meeting of 2006-02-15.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "Approve", css_class="btn-success"))


class OfficerReviewForm(forms.Form):
    year = forms.IntegerField(
        label="Fiscal year", min_value=FIRST_FISCAL_YEAR, max_value=LAST_FISCAL_YEAR
    )
    price = forms.DecimalField(
        label="Share price ($)",
        min_value=0,
        max_digits=12,
        decimal_places=4,
        required=False,
        help_text="Default: the latest recorded closing price.",
    )
    as_of = forms.DateField(
        label="Options as of",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Default: the fiscal year's end, or today if earlier.",
    )
