"""The report page writes its rows in Python (reports.base.table_rows), not cell by cell
in the template: the HTML must be what the template's loop wrote, escaping included."""

from datetime import date
from decimal import Decimal

from django.template import Context, Template
from django.utils.safestring import mark_safe

from reports.base import DATE, MONEY, SHARES, Column, table_rows
from reports.definitions import REPORTS

# The loop templates/reports/report.html ran before, kept here as the reference.
TEMPLATE_LOOP = Template(
    "{% for row in cells %}<tr>{% for column, text in row %}<td{% if column.numeric %}"
    ' class="text-end text-nowrap"{% endif %}>{{ text }}</td>{% endfor %}</tr>\n  {% endfor %}'
)


def cells_of(columns: list[Column], rows: list[dict]) -> list[list[tuple[Column, str]]]:
    return [[(c, c.display(row.get(c.key))) for c in columns] for row in rows]


def test_rows_written_in_python_are_the_html_the_template_wrote():
    columns = REPORTS["vesting-schedule"].columns
    rows = [
        {
            "name": 'O\'Brien & <Sons> "Ltd"',
            "grant_date": date(2020, 1, 2),
            "vest_date": date(2021, 1, 2),
            "shares": 1250,
            "state": "",
            "running_total": 1_000_000,
            "grant_shares": 5000,
            "kind": "Option",
        },
        {
            "name": "Ada",
            "grant_date": date(2020, 1, 2),
            "vest_date": date(2022, 1, 2),
            "shares": 1250,
            "state": "Forfeited (service ended 2021-06-30)",
            "running_total": None,
            "grant_shares": 5000,
            "kind": "RSU",
        },
    ]
    cells = cells_of(columns, rows)
    assert str(table_rows(cells)) + "\n  " == TEMPLATE_LOOP.render(Context({"cells": cells}))


def test_text_already_marked_safe_is_not_escaped_twice():
    column = Column("note", "Note")
    money = Column("amount", "Amount", MONEY)
    cells = [[(column, mark_safe("<em>a</em>")), (money, money.display(Decimal("1234.5")))]]
    assert str(table_rows(cells)) == (
        '<tr><td><em>a</em></td><td class="text-end text-nowrap">$1,234.50</td></tr>'
    )
    assert str(table_rows(cells)) + "\n  " == TEMPLATE_LOOP.render(Context({"cells": cells}))


def test_a_page_of_no_rows_writes_no_rows():
    assert str(table_rows([])) == ""
    assert Column("n", "N", SHARES).td == '<td class="text-end text-nowrap">'
    assert Column("d", "D", DATE).td == "<td>"
