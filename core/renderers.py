"""The form renderer of every form (settings.FORM_RENDERER): Django's, except that an
<input> is written here in Python instead of through its template.

Why: Django renders each widget through the template engine, about half a millisecond an
<input> on the production machine, and the pages that show many of them (the vestings
awaiting confirmation, a form per row; the installment tables of the grant and award
pages) spent most of their time there. The markup is the same, character for character,
as Django's `django/forms/widgets/input.html` and `attrs.html`, and `select.html` with
`select_option.html` for a <select> (three on each entry page, 8 ms a page through the
templates); every other widget (textarea, radio, ...) still goes through its template.
tests/test_renderers.py compares the two for every kind of input and select."""

from django.forms.renderers import DjangoTemplates
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
        escape_cell(widget["type"]),
        '" name="',
        escape_cell(widget["name"]),
        '"',
    ]
    if widget["value"] is not None:
        parts += [' value="', _text(widget["value"]), '"']
    _attrs(parts, widget["attrs"])
    parts.append(">")
    return mark_safe("".join(parts))


SELECT_TEMPLATE = "django/forms/widgets/select.html"
OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


def render_select(widget: dict) -> str | None:
    """select.html for a widget's template context, with select_option.html for each
    option, white space as the templates write it (each included option ends with the
    option template's own line break; the renderer strips the whole); None when an option
    has a template of its own."""
    parts = ['<select name="', escape_cell(widget["name"]), '"']
    _attrs(parts, widget["attrs"])
    parts.append(">")
    for group_name, group_choices, _ in widget["optgroups"]:
        if group_name:
            parts += ['\n  <optgroup label="', escape_cell(group_name), '">']
        for option in group_choices:
            if option["template_name"] != OPTION_TEMPLATE:
                return None
            parts += ['\n  <option value="', _text(option["value"]), '"']
            _attrs(parts, option["attrs"])
            parts += [">", escape_cell(option["label"]), "</option>\n"]
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return mark_safe("".join(parts))


def _attrs(parts: list[str], attrs: dict) -> None:
    # attrs.html: an attribute that is False left out, one that is True written bare.
    for name, value in attrs.items():
        if value is False:
            continue
        parts += [" ", escape_cell(name)]
        if value is not True:
            parts += ['="', _text(value), '"']


def _text(value) -> str:
    # `{{ value|stringformat:'s' }}`: str(value), escaped unless the value is safe.
    return escape_cell(value)


class InputsInPython(DjangoTemplates):
    """Django's default renderer, with render_input() for the plain <input> widgets and
    render_select() for <select>."""

    def render(self, template_name, context, request=None):
        if template_name in INPUT_TEMPLATES:
            return render_input(context["widget"])
        if template_name == SELECT_TEMPLATE:
            written = render_select(context["widget"])
            if written is not None:
                return written
        return super().render(template_name, context, request)
