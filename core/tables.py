"""Columns shared by the project's django-tables2 tables, and a table whose rows are
written in Python."""

import html
import inspect
from collections.abc import Callable
from operator import attrgetter

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

# What a render method may ask for, as django-tables2 passes it (see rows_html()).
CELL_ARGUMENTS = ("value", "record", "table")


class DateColumn(tables.Column):
    """A date as YYYY-MM-DD. django-tables2's DateColumn renders every cell through a
    template it compiles anew, which cost a 50-row page some 20 ms."""

    def render(self, value):
        return f"{value:%Y-%m-%d}"


class EditLinkColumn(tables.Column):
    """An "Edit" link to `url_name` (taking the record's pk) for users who hold
    `permission`; an empty cell for the others."""

    def __init__(self, url_name: str, permission: str, **kwargs):
        super().__init__(
            accessor="pk",
            verbose_name="",
            orderable=False,
            attrs={"td": {"class": "d-print-none"}},
            **kwargs,
        )
        self.url_name, self.permission = url_name, permission

    def render(self, record, table):
        # The permission and the URL are looked up once per table (a page), not per row.
        key = f"_edit_url_{self.url_name}"
        if key not in vars(table):
            allowed = table.request.user.has_perm(self.permission)
            setattr(table, key, pk_url(self.url_name) if allowed else None)
        url = getattr(table, key)
        return format_html('<a href="{}">Edit</a>', url(record.pk)) if url else ""


def pk_url(name: str) -> Callable[[int], str]:
    """reverse(name, args=[pk]) for every record of a page, reversed once: reverse()
    reads the thread's URLconf, script prefix and language on every call, which was
    half the cost of writing the roster's rows."""
    marker = "987654321"
    before, after = reverse(name, args=[int(marker)]).split(marker, 1)
    return lambda pk: f"{before}{int(pk)}{after}"


class PythonRowsTable(tables.Table):
    """A table whose header, sorting links (with aria-sort) and pagination are
    django-tables2's, and whose rows are written by rows_html(), once per row, for the
    template django_tables2/python_rows.html.

    django-tables2 renders each cell through its column machinery, inspecting the render
    method's signature anew for every cell, then writes it through the template's nested
    loops: about 0.3 ms a cell, so 50 ms for a page of 200 cells, several times the page's
    queries. Here what each column needs is looked up once per page, and the cells are
    what django-tables2 writes: the column's default ("—") for an empty value, else the
    table's render_<column>() or the column's render() (the value itself for a plain
    column; a choice's label for a field with choices), escaped where not marked safe.
    A column that asks for more (a link, localization, other render arguments) is left
    to django-tables2's own cell rendering."""

    def rows_html(self) -> SafeString:
        plan = [self._cell_writer(column) for column in self.columns]
        lines = []
        for row in self.paginated_rows:
            record = row.record
            cells = "".join(f"{td}{write(row, record)}</td>" for td, write in plan)
            lines.append(f"<tr {row.attrs.as_html()}>{cells}</tr>")
        return mark_safe("\n".join(lines))

    def _cell_writer(self, column) -> tuple[str, Callable]:
        attrs = column.attrs["td"].as_html()
        td = f"<td {attrs}>" if attrs else "<td>"
        render = column.render  # the table's render_<column>(), else the column's
        parameters = inspect.signature(render).parameters
        field = column.accessor.get_field(self._meta.model)
        choices = bool(getattr(field, "choices", None))
        if (
            column.link
            or column.localize is not None
            or not set(parameters) <= set(CELL_ARGUMENTS)
            or (choices and "__" in column.accessor)
        ):
            return td, lambda row, record: escape_cell(row.get_cell(column.name))
        value_of = _value_getter(column.accessor, field.name if choices else None)
        empty, default, table = column.column.empty_values, column.default, self

        def write(row, record) -> str:
            value = value_of(record)
            if value in empty:
                return escape_cell(default)
            given = {"value": value, "record": record, "table": table}
            return escape_cell(render(**{name: given[name] for name in parameters}))

        return td, write


def _value_getter(accessor: str, choice_field: str | None) -> Callable:
    """A record's value as django-tables2's accessor finds it (attributes across "__",
    a callable called), or the label of a choice field's value."""
    if choice_field:
        return lambda record: getattr(record, f"get_{choice_field}_display")()
    get = attrgetter(accessor.replace("__", "."))

    def value_of(record):
        try:
            value = get(record)
        except AttributeError:  # a missing relation, as django-tables2 finds it: empty
            return None
        return value() if callable(value) else value

    return value_of


def escape_cell(text) -> str:
    """What conditional_escape() does, without its lazy-string wrapper, which is most of
    its cost over thousands of cells: text marked safe as it is, other text escaped."""
    return text.__html__() if hasattr(text, "__html__") else html.escape(str(text))
