"""The optional vesting schedule box and the installment table of the new-grant and
new-award forms (grants/views/entry.py)."""

from collections.abc import Sequence
from datetime import date
from typing import cast

from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError

from core.dates import validate_date_in_range
from core.forms import MAX_SHARES, DateInput, WholeNumberField

from .vesting import Allocation, VestingSchedule


class VestingScheduleForm(forms.Form):
    """An immediate portion, a cliff, then equal installments every N months."""

    start = forms.DateField(
        label="Schedule start",
        # Empty is the grant date: a schedule rarely starts on another day.
        required=False,
        help_text="Empty: the grant date.",
        validators=[validate_date_in_range],
        widget=DateInput(),
    )
    immediate_shares = WholeNumberField(
        min_value=0, max_value=MAX_SHARES, initial=0, label="Vest at the start"
    )
    cliff_months = WholeNumberField(min_value=0, max_value=120, initial=0, label="Cliff (months)")
    cliff_shares = WholeNumberField(
        min_value=0, max_value=MAX_SHARES, initial=0, label="Shares at the cliff"
    )
    installments = WholeNumberField(
        min_value=0, max_value=600, initial=12, label="Then, installments"
    )
    interval_months = WholeNumberField(
        min_value=1, max_value=120, initial=3, label="Every (months)"
    )
    allocation = forms.ChoiceField(
        choices=Allocation.choices,
        initial=Allocation.CUMULATIVE_ROUND_DOWN,
        help_text="How shares that do not divide evenly are spread (Open Cap Format).",
    )

    def __init__(self, *args, total_shares: int | None, grant_date: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.total_shares = total_shares
        self.grant_date = grant_date
        if grant_date is not None:
            self.fields["start"].initial = grant_date
        self.helper = FormHelper()
        self.helper.form_tag = False

    @classmethod
    def as_typed(cls, data, *, prefix: str, grant_date: date | None) -> "VestingScheduleForm":
        """The box shown again as the user left it, unchecked: the schedule is optional and
        only matters when it fills the table ("generate"), so saving or adding rows never
        answers with its errors. An empty start shows the grant date."""
        typed = {}
        for name in cls.base_fields:
            value = data.get(f"{prefix}-{name}", "") if data is not None else ""
            if value != "":
                typed[name] = value
        return cls(initial=typed, prefix=prefix, total_shares=None, grant_date=grant_date)

    def clean(self):
        super().clean()
        data = self.cleaned_data  # what super().clean() returns
        if "start" not in self.errors and not data.get("start"):
            if self.grant_date is None:
                self.add_error("start", "Enter the schedule start, or the grant date above.")
            else:
                data["start"] = self.grant_date
        if self.errors or not self.total_shares:
            return data
        schedule = VestingSchedule(total_shares=self.total_shares, **data)
        problems = schedule.errors()
        if problems:
            raise ValidationError(problems)
        self.schedule = schedule
        return data

    def rows(self):
        return self.schedule.rows()


class InstallmentRowForm(forms.Form):
    vest_date = forms.DateField(
        label="Vest date",
        validators=[validate_date_in_range],
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"}),
    )
    shares = WholeNumberField(
        min_value=1,
        max_value=2_000_000_000,
        widget=forms.NumberInput(attrs={"class": "form-control form-control-sm text-end"}),
    )


class BaseInstallmentRowFormSet(forms.BaseFormSet):
    problems: Sequence[str] = ()
    # Values shown in the first rows of an unbound table (generated, or typed before "More
    # rows"), each row's own initial: the rows stay "extra" forms (INITIAL_FORMS is 0), so
    # a row left or made empty is skipped rather than refused.
    shown: Sequence[dict] = ()

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        if index is not None and index < len(self.shown):
            kwargs["initial"] = self.shown[index]
        return kwargs

    def typed(self) -> list[dict]:
        """Every row as typed, valid or not, empty rows included."""
        return [{name: form[name].value() for name in form.fields} for form in self.forms]

    def rows(self) -> list:
        return [
            (f.cleaned_data["vest_date"], f.cleaned_data["shares"])
            for f in self.forms
            if f.cleaned_data
        ]


# formset_factory() returns a subclass of `formset`; its stub says only BaseFormSet.
InstallmentRowFormSet = cast(
    type[BaseInstallmentRowFormSet],
    forms.formset_factory(
        InstallmentRowForm, formset=BaseInstallmentRowFormSet, extra=6, max_num=600
    ),
)


def installment_rows(
    shown: Sequence[dict], *, prefix: str, empty: int
) -> BaseInstallmentRowFormSet:
    """An unbound installment table: the shown rows, then `empty` empty rows (at most
    max_num rows in all)."""
    formset = InstallmentRowFormSet(prefix=prefix)
    formset.shown = list(shown)[: formset.max_num]
    formset.extra = min(len(formset.shown) + empty, formset.max_num)
    return formset
