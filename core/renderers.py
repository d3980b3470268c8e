"""The form renderer of every form (settings.FORM_RENDERER): Django's, except that an
<input> is written here in Python instead of through its template.

Why: Django renders each widget through the template engine, about half a millisecond an
<input> on the production machine, and the pages that show many of them (the vestings
awaiting confirmation, a form per row; the installment tables of the grant and award
pages) spent most of their time there. The markup is the same, character for character,
as Django's `django/forms/widgets/input.html` and `attrs.html`; every other widget (select,
textarea, radio, ...) still goes through its template."""

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from .tables import escape_cell

# Django's widget templates that are nothing but an include of input.html.
INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in (
        "input",
        "checkbox",
        "color",
        "date",
        "datetime",
        "email",
        "file",
        "hidden",
        "number",
        "password",
        "search",
        "tel",
        "text",
        "time",
        "url",
    )
)


def render_input(widget: dict) -> str:
    """input.html for a widget's template context, as its template writes it: the value
    and each attribute through `stringformat:'s'` and autoescaping (safe strings stay as
    they are), an attribute that is False left out and one that is True written bare."""
    parts = [
        '<input type="',
        conditional_escape(widget["type"]),
        '" name="',
        conditional_escape(widget["name"]),
        '"',
    ]
    if widget["value"] is not None:
        parts += [' value="', _text(widget["value"]), '"']
    for name, value in widget["attrs"].items():
        if value is False:
            continue
        parts += [" ", conditional_escape(name)]
        if value is not True:
            parts += ['="', _text(value), '"']
    parts.append(">")
    return mark_safe("".join(parts))


def _text(value) -> str:
    # `{{ value|stringformat:'s' }}`: str(value), escaped unless the value is safe.
    return escape_cell(value)


class InputsInPython(DjangoTemplates):
    """Django's default renderer, with render_input() for the plain <input> widgets."""

    def render(self, template_name, context, request=None):
        if template_name in INPUT_TEMPLATES:
            return render_input(context["widget"])
        return super().render(template_name, context, request)
