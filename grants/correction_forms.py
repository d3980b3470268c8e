"""Forms of the corrections: a reversed exercise, an ended registration period, a
withdrawn end of service. Each asks what the model needs; the model decides."""

from django import forms

from core.forms import DateInput

from .models.exercise import REVERSAL_REASON_LENGTH


class ReasonForm(forms.Form):
    """Why a record entered by mistake is corrected: kept in its change history. Bounded
    in length; Django's CharField refuses a NUL character."""

    reason = forms.CharField(
        label="Reason",
        max_length=REVERSAL_REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why: the reason is kept in the change history."},
    )


class EndPeriodForm(forms.Form):
    end_date = forms.DateField(label="Last registered day", widget=DateInput())
