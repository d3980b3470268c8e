"""The equity plans' form: its name, share reserve and the defaults new grants take."""

from crispy_forms.helper import FormHelper
from django import forms
from django.db import transaction

from core.forms import MAX_SHARES, WholeNumberField

from .models import StockPlan

# The most a reserve can hold (the column is a 64-bit integer).
MAX_RESERVE = 2**63 - 1
# A window or term in months: 50 years is far past any plan's terms.
MAX_MONTHS = 600
NOTES_LENGTH = 2000


class PlanForm(forms.ModelForm):
    """StockPlan.clean() refuses a reserve below the most shares the plan has had in use;
    save() checks it again with the plan's row locked, as a grant's save() locks it."""

    shares_reserved = WholeNumberField(
        label="Shares reserved",
        required=False,
        min_value=0,
        max_value=MAX_RESERVE,
        help_text="Shares reserved for issuance under the plan. Empty: not recorded.",
    )
    minimum_exercise_shares = WholeNumberField(
        label="Minimum exercise (shares)", min_value=1, max_value=MAX_SHARES, initial=1000
    )
    post_termination_months = WholeNumberField(
        label="Exercise window after service ends (months)",
        min_value=0,
        max_value=MAX_MONTHS,
        initial=3,
    )
    disability_months = WholeNumberField(
        label="After disability (months)", min_value=0, max_value=MAX_MONTHS, initial=12
    )
    death_months = WholeNumberField(
        label="After death (months)", min_value=0, max_value=MAX_MONTHS, initial=18
    )
    notes = forms.CharField(
        required=False, max_length=NOTES_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )

    class Meta:
        model = StockPlan
        fields = [
            "name",
            "shares_reserved",
            "minimum_exercise_shares",
            "post_termination_months",
            "disability_months",
            "death_months",
            "notes",
        ]
        help_texts = {"name": "E.g. 2000 Stock Option Plan."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            for name in ("minimum_exercise_shares", "post_termination_months"):
                self.fields[name].help_text = "New grants take it; recorded grants keep theirs."
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())

    def save(self, commit: bool = True) -> StockPlan:
        with transaction.atomic():
            if self.instance.pk is not None:
                # A grant being saved under this plan waits, or is seen by the check.
                StockPlan.objects.select_for_update().filter(pk=self.instance.pk).first()
                self.instance.clean()
            return super().save(commit=commit)
