"""`{{ field|as_field }}`: a form field as crispy-forms' `|as_crispy_field` writes it with
the bootstrap5 pack, written in Python.

Why: crispy-forms renders each field through bootstrap5/field.html and its includes, some
forty template conditions a field; the entry pages (new and edit grant and award, about
27 fields each) spent more time there than in all of their SQL. The markup here is the
same as the template's, element for element and attribute for attribute, with white
space where the template has it (a line break for its indented lines);
tests/test_fields.py compares the two for every field of the forms that use it, bound
and unbound, with and without errors. A field the
template would lay out differently (radio buttons, several checkboxes, a file input, a
widget made of several widgets, a FormHelper that changes the layout of a field) is
passed to crispy's own filter."""

from typing import cast

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from crispy_forms.templatetags.crispy_forms_utils import remove_spaces
from crispy_forms.utils import render_crispy_form
from django import forms, template
from django.conf import settings
from django.forms.boundfield import BoundField
from django.utils.safestring import SafeString, mark_safe

from core.tables import escape_cell

register = template.Library()

# Between two elements, as the template's line breaks: two errors written inline (<span>)
# would otherwise run together ("This field is required.Enter the total shares").
SPACE = "\n"

# Widgets bootstrap5/field.html lays out otherwise than a label, the widget, its errors
# and its help text.
OTHER_LAYOUTS = (forms.RadioSelect, forms.FileInput, forms.MultiWidget)


@register.filter
def as_field(field: BoundField) -> SafeString:
    widget = field.field.widget
    inline_errors = _inline_errors(field.form)
    if (
        inline_errors is None
        or isinstance(widget, OTHER_LAYOUTS)
        or hasattr(widget, "widget")  # a wrapper around another widget
        or field.use_fieldset
    ):
        return as_crispy_field(field)
    if field.is_hidden:
        return mark_safe(str(field))
    errors = field.errors
    label, required = escape_cell(field.label), field.field.required
    asterisk = '<span class="asteriskField">*</span>' if required else ""
    required_class = " requiredField" if required else ""
    css = field.css_classes()
    css = f" {escape_cell(css)}" if css else ""
    auto_id = escape_cell(field.auto_id)
    if isinstance(widget, forms.CheckboxInput):
        parts = [
            '<div class="mb-3">',
            f'<div id="div_{auto_id}" class="form-check{css}">',
            _widget(field, "form-check-input", errors),
            f'<label for="{escape_cell(field.id_for_label)}" '
            f'class="form-check-label{required_class}">{label}{asterisk}</label>',
            *_errors_and_help(field, errors, inline_errors),
            "</div>",
            "</div>",
        ]
        return mark_safe(SPACE.join(parts))
    parts = [f'<div id="div_{auto_id}" class="mb-3{css}">']
    if field.label:
        target = field.id_for_label
        attribute = f'for="{escape_cell(target)}" ' if target else ""
        parts.append(
            f'<label {attribute}class="form-label{required_class}">{label}{asterisk}</label>'
        )
    kind = "form-select" if isinstance(widget, forms.Select) else "form-control"
    parts += [_widget(field, kind, errors), *_errors_and_help(field, errors, inline_errors)]
    parts.append("</div>")
    return mark_safe(SPACE.join(parts))


# What bootstrap5/field.html and its includes read of a FormHelper's attributes, and the
# value each has without a helper (as |as_crispy_field passes them).
LAYOUT_DEFAULTS = {
    "tag": None,
    "form_class": None,
    "wrapper_class": None,
    "label_class": "",
    "field_class": "",
    "bootstrap_checkbox_offsets": None,
    "help_text_inline": False,
    "form_show_labels": True,
    "form_show_errors": True,
}


# Where _inline_errors() keeps what it read on the form: (the helper, the answer).
_INLINE_ERRORS = "_tranche_inline_errors"


def _inline_errors(form) -> bool | None:
    """Whether the errors are written inline (<span>) or as a block (<p>): a FormHelper's
    error_text_inline, block without one. None where the form's FormHelper changes the
    field's layout otherwise (labels, errors or help text hidden or moved, a horizontal
    form, classes, a tag or a template of its own). Read once per form and helper: the
    helper's attributes are gathered anew on each reading, a third of a field's time."""
    helper = getattr(form, "helper", None)
    read = form.__dict__.get(_INLINE_ERRORS)
    if read is None or read[0] is not helper:
        read = (helper, _read_inline_errors(helper))
        form.__dict__[_INLINE_ERRORS] = read
    return read[1]


def _read_inline_errors(helper) -> bool | None:
    if helper is None:
        return False
    if helper.field_template:
        return None
    attributes = helper.get_attributes("bootstrap5")
    for name, default in LAYOUT_DEFAULTS.items():
        value = attributes.get(name, default)
        # An empty class, tag or list is the template's default as much as None is.
        if (bool(value) if isinstance(default, bool) else value or default) != default:
            return None
    return bool(attributes.get("error_text_inline"))


def _widget(field: BoundField, kind: str, errors) -> str:
    """The widget with the classes crispy's {% crispy_field %} tag adds to its attributes
    (the widget's own name in lower case, then the pack's), kept on the widget as the tag
    keeps them."""
    widget = field.field.widget
    name = widget.__class__.__name__.lower()
    name = getattr(settings, "CRISPY_CLASS_CONVERTERS", {}).get(name, name)
    css_class = widget.attrs.get("class", "")
    if css_class:
        if css_class.find(name) == -1:
            css_class += f" {name}"
    else:
        css_class = name
    for added in (f"{kind} is-invalid" if errors else kind).split():
        if added not in css_class.split():
            css_class += f" {added}"
    widget.attrs["class"] = css_class
    return str(field)


def _errors_and_help(field: BoundField, errors, inline: bool) -> list[str]:
    """bootstrap5/layout/help_text_and_errors.html: the errors (field_errors.html inline,
    field_errors_block.html otherwise), then the help text (marked safe by the
    template)."""
    parts = []
    if errors:
        field_id = getattr(errors, "field_id", "")
        parts.append(f'<div id="{escape_cell(field_id)}_error" class="invalid-feedback">')
        auto_id, tag = escape_cell(field.auto_id), "span" if inline else "p"
        for number, error in enumerate(errors, 1):
            text = escape_cell(error)
            parts.append(f'<{tag} id="error_{number}_{auto_id}"><strong>{text}</strong></{tag}>')
        parts.append("</div>")
    if field.help_text:
        where = f'id="{escape_cell(field.auto_id)}_helptext" ' if field.auto_id else ""
        parts.append(f'<div {where}class="form-text">{field.help_text}</div>')
    return parts


@register.filter
def crispy_fields(form: forms.BaseForm) -> SafeString:
    """`{% crispy form %}` for a form whose FormHelper only leaves out the <form> tag (no
    layout, no buttons): crispy's bootstrap5/uni_form.html, its non-field errors as
    errors.html writes them and each field through as_field(), under the same white
    space rule (crispy's specialspaceless). Any other form goes through crispy's tag.
    tests/test_fields.py compares the two for the forms the pages show this way."""
    helper = getattr(form, "helper", None)
    if (
        helper is None
        or helper.form_tag
        or helper.layout is not None
        or helper.inputs
        or str(form.media)  # crispy's template writes the form's media first
        or _inline_errors(form) is None
    ):
        return mark_safe(render_crispy_form(form, helper))
    parts = []
    errors = form.non_field_errors()
    if errors and helper.form_show_errors:
        title = helper.form_error_title
        heading = f'<h4 class="alert-heading">{escape_cell(title)}</h4> ' if title else ""
        items = " ".join(f"<li>{escape_cell(cast(str, e))}</li>" for e in errors)
        parts.append(
            f'<div class="alert alert-block alert-danger"> {heading}<ul class="m-0"> {items} '
            "</ul> </div>"
        )
    parts += [as_field(field) for field in form]
    return mark_safe(remove_spaces(SPACE.join(parts).strip()))
