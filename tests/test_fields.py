"""`{{ field|as_field }}` (core/templatetags/fields.py) writes a field as crispy-forms'
`|as_crispy_field` does with the bootstrap5 pack: the same elements and attributes, for
every field of the forms the pages show through it, bound and unbound, valid and not."""

import re

import pytest
from crispy_forms.helper import FormHelper
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms

from compensation.forms import ApprovalForm
from core.templatetags.fields import as_field
from core.two_factor import EnrolForm
from grants.entry_forms import VestingScheduleForm
from grants.filters import GrantFilter
from grants.forms import AwardForm, GrantForm
from grants.models import OptionGrant, StockAward
from grants.views.awards import AwardFilter
from reports import forms as report_forms
from tests.factories import StockPlanFactory

pytestmark = pytest.mark.django_db


def normalized(html: str) -> str:
    """The markup with each run of white space as one space, as a browser reads it, less
    the spaces a browser drops: at the ends, and at the start and end of a label's text
    (the template indents the label's text; the filter does not)."""
    html = re.sub(r"\s+", " ", str(html)).strip()
    return re.sub(r"(<label[^>]*>) | (</label>)", r"\1\2", html)


class EveryKind(forms.Form):
    """A field of each kind the filter writes itself, and a few it hands to crispy."""

    error_css_class, required_css_class = "has-error", "is-required"
    name = forms.CharField(label='Name <"quoted"> & more', max_length=5)
    notes = forms.CharField(required=False, widget=forms.Textarea, help_text="<b>Bold</b> help")
    kind = forms.ChoiceField(choices=[("a", "A & B"), ("b", "<B>")])
    flag = forms.BooleanField(label="Agree", help_text="Tick it.")
    optional_flag = forms.BooleanField(required=False)
    secret = forms.CharField(widget=forms.HiddenInput, required=False)
    styled = forms.IntegerField(widget=forms.NumberInput(attrs={"class": "js-total"}))
    unlabelled = forms.CharField(label="", required=False)
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    code = forms.CharField(min_length=5, max_length=2, required=False)  # "abc": two errors
    # Laid out otherwise by the template: handed to crispy's filter.
    choice = forms.ChoiceField(choices=[("x", "X")], widget=forms.RadioSelect, required=False)
    many = forms.MultipleChoiceField(
        choices=[("x", "X")], widget=forms.CheckboxSelectMultiple, required=False
    )
    upload = forms.FileField(required=False)


BAD = {"name": "toolong<script>", "kind": "zzz", "styled": "x", "day": "not a date", "code": "abc"}


def with_helper(form: forms.Form, **settings) -> forms.Form:
    form.helper = FormHelper()
    form.helper.form_tag = False
    for name, value in settings.items():
        setattr(form.helper, name, value)
    return form


def forms_shown():
    """(label, a function making the form anew): each rendering gets its own form, since
    both write their classes into the widget's attributes."""
    StockPlanFactory()
    return [
        ("every kind", lambda: EveryKind()),
        ("every kind, invalid", lambda: EveryKind(data=BAD)),
        ("every kind, no ids", lambda: EveryKind(data=BAD, auto_id=False)),
        ("every kind, prefixed", lambda: EveryKind(data=BAD, prefix="p")),
        ("helper, inline errors", lambda: with_helper(EveryKind(data=BAD))),
        ("helper, block errors", lambda: with_helper(EveryKind(data=BAD), error_text_inline=False)),
        ("helper, labels hidden", lambda: with_helper(EveryKind(data=BAD), form_show_labels=False)),
        ("helper, help inline", lambda: with_helper(EveryKind(data=BAD), help_text_inline=True)),
        ("horizontal", lambda: with_helper(EveryKind(data=BAD), form_class="form-horizontal")),
        ("helper's wrapper", lambda: with_helper(EveryKind(data=BAD), wrapper_class="wrapped")),
        ("helper's classes", lambda: with_helper(EveryKind(data=BAD), label_class="col-lg-2")),
        ("grant", lambda: GrantForm()),
        ("grant, invalid", lambda: GrantForm(data={"shares": "-1", "volatility": "abc"})),
        ("award", lambda: AwardForm()),
        ("award, invalid", lambda: AwardForm(data={"award_type": "XX"})),
        ("schedule", lambda: VestingScheduleForm(prefix="schedule", total_shares=1000)),
        (
            "schedule, invalid",
            lambda: VestingScheduleForm(
                data={"schedule-start": "x"}, prefix="schedule", total_shares=1000
            ),
        ),
        ("grants filter", lambda: GrantFilter({}, queryset=OptionGrant.objects.all()).form),
        ("awards filter", lambda: AwardFilter({}, queryset=StockAward.objects.all()).form),
        ("as of", lambda: report_forms.AsOfForm(data={"as_of": "31/12/2020"})),
        ("year", lambda: report_forms.YearForm(data={"year": "abc"})),
        ("officers", lambda: report_forms.OfficerCompensationForm()),
        ("vesting schedule", lambda: report_forms.VestingScheduleForm(data={"start": "x"})),
        ("open cap format", lambda: report_forms.OcfForm()),
        ("two-factor", lambda: EnrolForm(data={"token": "1" * 20})),
        ("approval", lambda: ApprovalForm(data={})),
    ]


def test_every_field_is_written_as_crispy_writes_it():
    compared = 0
    for label, make in forms_shown():
        lean_form, crispy_form = make(), make()
        for lean, reference in zip(lean_form, crispy_form, strict=True):
            expected = normalized(as_crispy_field(reference))
            assert normalized(as_field(lean)) == expected, (label, lean.name)
            # The classes stay on the widget, as crispy's tag leaves them.
            assert lean.field.widget.attrs == reference.field.widget.attrs, (label, lean.name)
            compared += 1
    assert compared > 150


def test_the_errors_and_the_help_text_are_shown_escaped():
    html = as_field(EveryKind(data=BAD)["name"])
    assert 'class="textinput form-control is-invalid"' in html
    assert "Name &lt;&quot;quoted&quot;&gt; &amp; more" in html
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert '<p id="error_1_id_name"><strong>' in html
    # Two errors written inline have a space between them.
    inline = as_field(with_helper(EveryKind(data=BAD))["code"])
    assert "</span>\n<span" in inline
    notes = as_field(EveryKind()["notes"])
    assert '<div id="id_notes_helptext" class="form-text"><b>Bold</b> help</div>' in notes


def crispy_forms_shown():
    """The forms the pages write with `{% crispy form %}` (now |crispy_fields), unbound and
    refused: (label, a function making the form anew)."""
    from compensation.entry_forms import (
        BonusProposalForm,
        FootnoteForm,
        OfficerYearForm,
        PersonForm,
    )
    from grants.forms import ExerciseRequestForm, TerminationForm, ValuationDefaultsForm
    from grants.plan_forms import PlanForm
    from tests.factories import PersonFactory

    person = PersonFactory(name='Odd <"name"> & co')
    bad = {"name": "", "fiscal_year": "abc", "base_salary": "-1", "bonus": "1e999999"}
    shown = []
    for form_class in (PersonForm, OfficerYearForm, FootnoteForm, PlanForm, ValuationDefaultsForm):
        shown += [
            (form_class.__name__, lambda c=form_class: c()),
            (f"{form_class.__name__}, refused", lambda c=form_class: c(data=bad)),
        ]
    return shown + [
        ("bonus", lambda: BonusProposalForm(instance=None)),
        ("exercise", lambda: ExerciseRequestForm(data={"exercise_date": "x", "shares": "-5"})),
        ("termination", lambda: TerminationForm(instance=person)),
        (
            "termination, refused",
            lambda: TerminationForm(data={"terminated_on": "x"}, instance=person),
        ),
        (
            "non-field errors",
            lambda: with_errors(
                FootnoteForm(data={"marker": "1", "text": "x"}), "<b>Both</b> & more"
            ),
        ),
    ]


def with_errors(form: forms.Form, message: str) -> forms.Form:
    form.is_valid()
    form.add_error(None, message)
    return form


def test_the_crispy_tag_is_written_as_crispy_writes_it():
    from django.template import Context, Template

    from core.templatetags.fields import crispy_fields

    tag = Template("{% load crispy_forms_tags %}{% crispy form %}")
    compared = 0
    for label, make in crispy_forms_shown():
        lean, reference = make(), make()
        expected = tag.render(Context({"form": reference}))
        assert normalized(crispy_fields(lean)) == normalized(expected), label
        compared += 1
    assert compared >= 14
