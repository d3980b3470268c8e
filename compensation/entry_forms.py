"""Forms of the in-app entry pages: people, officers and their yearly records, with the
footnotes they carry. The models decide; these forms parse what is typed and bound it."""

from decimal import Decimal

from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction

from core.forms import WholeNumberField, bounded_number_formfield
from core.templatetags.money import round_half_up

from .models import FIRST_FISCAL_YEAR, LAST_FISCAL_YEAR, Footnote, OfficerYear, Person

# A footnote is a sentence or a paragraph; the column is unbounded, the form is not.
FOOTNOTE_LENGTH = 2000


class PersonForm(forms.ModelForm):
    """A person's name; Person.clean() refuses one already on record, whatever its case."""

    class Meta:
        model = Person
        fields = ["name"]
        help_texts = {"name": "As the exhibits print it, e.g. James R. Akridge."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class FootnoteChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"({obj.marker}) {obj.text}"


RECORD_FIELDS = [
    "fiscal_year",
    "title",
    "is_peo",
    "is_pfo",
    "base_salary",
    "bonus",
    "other_compensation",
    "footnotes",
]


class OfficerYearForm(forms.ModelForm):
    """One person's yearly record: title, base salary, bonus (empty: "n/a"), all other
    compensation, PEO/PFO and footnotes, with a new footnote typed in the same form.

    The person is the page's (`person=`), not a field. A new record starts proposed; an
    approved one is refused (OfficerYear.clean()): it is returned to proposed first."""

    fiscal_year = WholeNumberField(
        label="Fiscal year", min_value=FIRST_FISCAL_YEAR, max_value=LAST_FISCAL_YEAR
    )
    new_footnote_marker = forms.CharField(
        label="New footnote: marker",
        required=False,
        max_length=Footnote._meta.get_field("marker").max_length,
        help_text='Shown as "(marker)", e.g. 2.',
    )
    new_footnote_text = forms.CharField(
        label="New footnote: text",
        required=False,
        max_length=FOOTNOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Added to the footnotes and to this record.",
    )

    class Meta:
        model = OfficerYear
        fields = RECORD_FIELDS
        formfield_callback = bounded_number_formfield
        field_classes = {"footnotes": FootnoteChoices}
        widgets = {"footnotes": forms.CheckboxSelectMultiple}
        labels = {
            "is_peo": "Principal executive officer (PEO)",
            "is_pfo": "Principal financial officer (PFO)",
            "base_salary": "Base salary ($)",
            "bonus": "Bonus ($)",
            "other_compensation": "All other compensation ($)",
        }
        help_texts = {"bonus": 'Empty: "n/a" (none awarded or not eligible), not $0.'}

    def __init__(self, *args, person: Person | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if person is not None:
            self.instance.person = person
        self.person = person if person is not None else getattr(self.instance, "person", None)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean(self):
        super().clean()
        data = self.cleaned_data  # what super().clean() returns
        marker = " ".join(data.get("new_footnote_marker", "").split())
        text = data.get("new_footnote_text", "").strip()
        if marker and not text:
            self.add_error(
                "new_footnote_text", "Type the new footnote's text, or clear its marker."
            )
        elif text and not marker:
            self.add_error("new_footnote_marker", "Give the new footnote a marker, e.g. 2.")
        elif marker and Footnote.objects.filter(marker__iexact=marker).exists():
            self.add_error(
                "new_footnote_marker",
                f"Footnote ({marker}) exists: tick it above instead of adding it again.",
            )
        data["new_footnote_marker"], data["new_footnote_text"] = marker, text
        year = data.get("fiscal_year")
        if self.person is not None and self.person.pk is not None and year is not None:
            others = OfficerYear.objects.filter(person=self.person, fiscal_year=year)
            if self.instance.pk is not None:
                others = others.exclude(pk=self.instance.pk)
            if others.exists():
                self.add_error(
                    "fiscal_year",
                    f"{self.person} already has a record for {year}: change that one.",
                )
        return data

    def save(self, commit: bool = True) -> OfficerYear:
        """Save the record (and the new footnote) in one transaction. An edit locks the
        record and refuses it if the committee approved it meanwhile."""
        data = self.cleaned_data
        with transaction.atomic():
            if self.instance.pk is not None:
                current = OfficerYear.objects.select_for_update().get(pk=self.instance.pk)
                if current.status != OfficerYear.Status.PROPOSED:
                    raise ValidationError(APPROVED_MESSAGE)
                # Approvals and returns as they stand now, checked again under the lock.
                self.instance.keep_approvals_of(current)
                self.instance.clean()
            if self.instance.person_id is None and self.person is not None:
                self.instance.person = self.person
            record = super().save(commit=True)
            if data.get("new_footnote_marker"):
                footnote = Footnote.objects.create(
                    marker=data["new_footnote_marker"], text=data["new_footnote_text"]
                )
                record.footnotes.add(footnote)
        return record

    # --- Last year's figures and the change from them ------------------------------------

    def typed(self, name: str):
        """The field's value as typed (once valid), or as the page first shows it."""
        if self.is_bound:
            return getattr(self, "cleaned_data", {}).get(name)
        return self.initial.get(name, getattr(self.instance, name))

    def comparison(self) -> dict:
        """Last year's salary and bonus (the record for the fiscal year before the one
        typed) and the change in $ and % from that salary, as the roster computes it."""
        year = self.typed("fiscal_year")
        result: dict = {"year": None, "record": None, "change": None, "change_pct": None}
        if year is None or self.person is None or self.person.pk is None:
            return result
        prior = OfficerYear.objects.filter(person=self.person, fiscal_year=year - 1).first()
        result.update(year=year - 1, record=prior)
        salary = self.typed("base_salary")
        if prior is not None and prior.base_salary is not None and salary is not None:
            change = Decimal(salary) - prior.base_salary
            result["change"] = change
            if prior.base_salary:
                result["change_pct"] = round_half_up(
                    change * 100 / prior.base_salary, Decimal("0.1")
                )
        return result


APPROVED_MESSAGE = (
    "This record's salary is approved: it is effective and cannot be changed. Return it to "
    "proposed first (with the reason, kept in its history), then change it."
)


class BonusProposalForm(forms.ModelForm):
    """The bonus alone, on a record whose salary is approved: a bonus decided after the
    salary is proposed on its own and never returns the salary to proposed. An approved
    bonus is refused (OfficerYear.clean()): it is returned to proposed first."""

    class Meta:
        model = OfficerYear
        fields = ["bonus"]
        formfield_callback = bounded_number_formfield
        labels = {"bonus": "Bonus ($)"}
        help_texts = {"bonus": 'Empty: "n/a" (none awarded or not eligible), not $0.'}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def save(self, commit: bool = True) -> OfficerYear:
        """Lock the record: a bonus the committee approved meanwhile is refused."""
        with transaction.atomic():
            current = OfficerYear.objects.select_for_update().get(pk=self.instance.pk)
            if current.is_bonus_approved:
                raise ValidationError(
                    {
                        "bonus": "The committee approved this bonus meanwhile: return it to "
                        "proposed first."
                    }
                )
            # The salary's approval and any return as they stand now, not as loaded.
            self.instance.keep_approvals_of(current)
            self.instance.sync_bonus_status(None)
            return super().save(commit=True)


def salaries_by_year(person: Person | None) -> dict[str, dict[str, str | None]]:
    """The person's salary and bonus by fiscal year, for static/js/officer_year.js."""
    if person is None or person.pk is None:
        return {}
    rows = person.officer_years.values_list("fiscal_year", "base_salary", "bonus")
    return {
        str(year): {
            "salary": None if salary is None else str(salary),
            "bonus": None if bonus is None else str(bonus),
        }
        for year, salary, bonus in rows
    }


class FootnoteForm(forms.ModelForm):
    """A footnote of the exhibit: its marker and text, shared by the rows that carry it."""

    text = forms.CharField(max_length=FOOTNOTE_LENGTH, widget=forms.Textarea(attrs={"rows": 3}))

    class Meta:
        model = Footnote
        fields = ["marker", "text"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_marker(self):
        marker = " ".join(self.cleaned_data["marker"].split())
        others = Footnote.objects.filter(marker__iexact=marker).exclude(pk=self.instance.pk)
        if marker and others.exists():
            raise ValidationError(f"Footnote ({marker}) exists already.")
        return marker
