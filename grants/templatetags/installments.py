"""`{{ formset|installment_rows }}`: the rows of the installment table of the grant and
award entry pages, as grants/_installment_row.html writes each, written in Python.

Why: an edit page shows every installment of its grant, two inputs a row (48 rows for a
grant vesting monthly over four years), and writing each row through the template and
each input through BoundField and its widget took more time than all of the page's SQL.
tests/grants/test_installment_rows.py compares the two, bound and unbound, valid and not."""

from typing import cast

from django import template
from django.forms import BaseFormSet, Form
from django.utils.safestring import SafeString, mark_safe

from core.renderers import render_input
from core.tables import escape_cell

register = template.Library()

# The row's fields and the label each input has for a screen reader ("Vest date 3").
CELLS = (("vest_date", "Vest date"), ("shares", "Shares"))


@register.filter
def installment_rows(formset: BaseFormSet) -> SafeString:
    return mark_safe(
        "".join(installment_row(form, number) for number, form in enumerate(formset, 1))
    )


def installment_row(form: Form, number: int) -> str:
    cells = []
    for name, label in CELLS:
        bound = form[name]
        field, widget = bound.field, bound.field.widget
        errors = bound.errors
        # What BoundField.as_widget() adds to the widget's own attributes.
        attrs = dict(widget.attrs)
        if (
            field.required
            and form.use_required_attribute
            and widget.use_required_attribute(bound.initial)
        ):
            attrs["required"] = True
        if field.disabled:
            attrs["disabled"] = True
        if errors:
            attrs["aria-invalid"] = "true"
        if not attrs.get("aria-describedby") and (described := bound.aria_describedby):
            attrs["aria-describedby"] = described
        if bound.auto_id and "id" not in widget.attrs:
            attrs["id"] = bound.auto_id
        html = render_input(
            {
                "type": widget.input_type,
                "name": bound.html_name,
                "value": widget.format_value(bound.value()),
                "attrs": attrs,
            }
        )
        shown = "".join(
            f'<div class="text-danger small">{escape_cell(cast(str, e))}</div>' for e in errors
        )
        target = escape_cell(widget.id_for_label(attrs.get("id", "")) or "")
        cells.append(
            f'  <td><label class="visually-hidden" for="{target}">{label} {number}</label>'
            f"{html}\n    {shown}</td>\n"
        )
    return f"\n<tr>\n{''.join(cells)}</tr>\n"
