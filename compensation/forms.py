from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.db.models import QuerySet
from django.urls import reverse_lazy
from django.utils.html import format_html

from core.forms import DateInput, WholeNumberField, share_price_field

from .approval import COMMENT_LENGTH, Part
from .models import FIRST_FISCAL_YEAR, LAST_FISCAL_YEAR, Person


class PersonNameInput(forms.TextInput):
    """A name box with a list of suggestions that static/js/person_search.js fills as
    one types: a company has thousands of optionees, too many for a select."""

    def __init__(self, attrs=None):
        super().__init__(
            {
                "autocomplete": "off",
                "data-person-search": reverse_lazy("compensation:person-names"),
                **(attrs or {}),
            }
        )

    def render(self, name, value, attrs=None, renderer=None):
        options = f"{name}-suggestions"
        html = super().render(name, value, {**(attrs or {}), "list": options}, renderer)
        return html + format_html('<datalist id="{}"></datalist>', options)


class PersonByNameField(forms.ModelChoiceField):
    """A person chosen by name (names are unique); the case need not match."""

    queryset: QuerySet[Person]  # always set: __init__ gives every person
    widget = PersonNameInput
    default_error_messages = {
        "invalid_choice": "No one named “%(value)s” is on record. Add the person first.",
    }

    def __init__(self, queryset=None, **kwargs):
        kwargs.pop("to_field_name", None)
        super().__init__(Person.objects.all(), to_field_name="name", **kwargs)

    def to_python(self, value):
        value = " ".join(str(value or "").split())
        if value in self.empty_values:
            return None
        if "\x00" in value:  # no name holds one, and PostgreSQL refuses it in a query
            raise forms.ValidationError("Null characters are not allowed.", code="null_characters")
        person = self.queryset.filter(name=value).first()
        if person is None:
            matches = list(self.queryset.filter(name__iexact=value)[:2])
            if len(matches) != 1:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": value},
                )
            person = matches[0]
        return person

    def prepare_value(self, value):
        # A model form's initial value is the person's primary key: show the name.
        if isinstance(value, int):
            return self.queryset.filter(pk=value).values_list("name", flat=True).first()
        return super().prepare_value(value)


class RosterYearForm(forms.Form):
    year = WholeNumberField(
        label="Fiscal year", min_value=FIRST_FISCAL_YEAR, max_value=LAST_FISCAL_YEAR
    )
    bonus_year = WholeNumberField(
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


class ReopenForm(forms.Form):
    """Why an approved salary or bonus returns to proposed: kept in its change history. The
    model asks for a reason when there is none; the form bounds it (and refuses a NUL)."""

    reason = forms.CharField(max_length=200, required=False)
    part = forms.ChoiceField(choices=Part.choices, required=False)


class ReturnForm(forms.Form):
    """The committee sends a proposal back to the admins with a comment."""

    part = forms.ChoiceField(choices=Part.choices)
    comment = forms.CharField(
        max_length=COMMENT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="What the admins should change; they see it until the proposal changes.",
    )


class OfficerReviewForm(forms.Form):
    year = WholeNumberField(
        label="Fiscal year",
        min_value=FIRST_FISCAL_YEAR,
        max_value=LAST_FISCAL_YEAR,
        required=False,
        help_text="Default: the latest year with approved salaries.",
    )
    price = share_price_field(
        "Default: the latest closing price recorded on or before the as-of date."
    )
    as_of = forms.DateField(
        label="Options as of",
        required=False,
        widget=DateInput(),
        help_text="Default: the fiscal year's end, or today if earlier.",
    )
