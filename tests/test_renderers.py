"""The form renderer (core/renderers.py) writes <input> and <select> widgets in Python:
character for character what Django's own templates write, for every kind of input and
select, bound and unbound, with odd text in every place text goes."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates

from compensation.models import Person
from core.renderers import InputsInPython
from tests.factories import PersonFactory
from tests.test_fields import BAD, EveryKind, forms_shown

pytestmark = pytest.mark.django_db

ODD = "a <b> & \"c\" 'd'"


class Selects(forms.Form):
    plain = forms.ChoiceField(choices=[("a", "A & B"), ("b", "<B>"), (ODD, ODD)])
    grouped = forms.ChoiceField(
        choices=[("", "---"), (ODD, [("x", "X"), ("y", ODD)]), ("Other", [("z", "Z")])]
    )
    optional = forms.ChoiceField(choices=[], required=False)
    many = forms.MultipleChoiceField(choices=[("1", "One"), ("2", "Two"), ("3", "Three")])
    yes_no = forms.NullBooleanField()
    typed = forms.TypedChoiceField(choices=[(1, "One"), (2, "Two")], coerce=int)
    person = forms.ModelChoiceField(queryset=Person.objects.order_by("pk"))
    people = forms.ModelMultipleChoiceField(queryset=Person.objects.order_by("pk"))
    styled = forms.ChoiceField(
        choices=[("a", "A")],
        widget=forms.Select(attrs={"class": "form-select", "data-x": ODD, "disabled": True}),
    )


class Inputs(forms.Form):
    text = forms.CharField(max_length=20, initial=ODD)
    number = forms.DecimalField(max_digits=6, decimal_places=2, min_value=0)
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    hidden = forms.CharField(widget=forms.HiddenInput, initial=ODD)
    secret = forms.CharField(widget=forms.PasswordInput(render_value=True))
    email = forms.EmailField(required=False)
    url = forms.URLField(required=False, assume_scheme="https")
    flag = forms.BooleanField(required=False)
    upload = forms.FileField(required=False)
    off = forms.CharField(widget=forms.TextInput(attrs={"autocomplete": False, "x": True}))


def every_form():
    PersonFactory(name=ODD)
    PersonFactory(name="Second")
    person = Person.objects.order_by("pk").first().pk
    selected = {
        "plain": ODD,
        "grouped": "y",
        "many": ["1", "3"],
        "yes_no": "true",
        "typed": "2",
        "person": str(person),
        "people": [str(person)],
    }
    shown = [
        ("selects", lambda: Selects()),
        ("selects, chosen", lambda: Selects(data=selected)),
        ("selects, refused", lambda: Selects(data={"plain": "zzz", "person": "x"})),
        ("inputs", lambda: Inputs()),
        ("inputs, typed", lambda: Inputs(data={"text": ODD, "number": "1e3", "secret": ODD})),
        ("inputs, no ids", lambda: Inputs(auto_id=False, prefix=ODD)),
        ("every kind, invalid", lambda: EveryKind(data=BAD)),
    ]
    return shown + forms_shown()


def test_every_input_and_select_is_written_as_the_templates_write_it():
    by_template, in_python = DjangoTemplates(), InputsInPython()
    compared = 0
    for label, make in every_form():
        reference, lean = make(), make()
        reference.renderer, lean.renderer = by_template, in_python
        for expected, written in zip(reference, lean, strict=True):
            assert str(written) == str(expected), (label, written.name)
            compared += 1
    assert compared > 150


def test_a_select_option_with_a_template_of_its_own_goes_through_it():
    class Marked(forms.Select):
        option_template_name = "django/forms/widgets/radio_option.html"

    form = forms.Form()
    form.fields["choice"] = forms.ChoiceField(choices=[("a", ODD)], widget=Marked)
    form.renderer = DjangoTemplates()
    expected = str(form["choice"])
    form.renderer = InputsInPython()
    assert str(form["choice"]) == expected and "<label><input" in expected
