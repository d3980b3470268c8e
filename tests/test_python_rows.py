"""Tables whose rows are written in Python (core.tables.PythonRowsTable): each row must
be the HTML django-tables2's own rendering writes, cell for cell, for every role."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import RequestFactory
from django_tables2 import RequestConfig

from compensation.models import OfficerYear
from compensation.tables import RosterTable
from core import roles
from grants.models import StockPrice
from grants.views.market import StockPriceTable
from tests.factories import FootnoteFactory, OfficerYearFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def cells(html: str) -> list[str]:
    """The body's rows, with the whitespace between tags and in empty tags dropped."""
    body = html.split("<tbody", 1)[1].split("</tbody>", 1)[0]
    body = re.sub(r">\s+<", "><", " ".join(body.split())).replace("<td >", "<td>")
    return re.findall(r"<tr.*?</tr>", body)


LEAN, REFERENCE = "django_tables2/python_rows.html", "django_tables2/tranche.html"


def render(role: str, template: str, query: dict | None = None) -> str:
    request = RequestFactory().get("/compensation/officers/", query or {"sort": "title"})
    request.user = UserFactory(username=f"{role}-{template[-10:]}", role=role)
    table = RosterTable(
        OfficerYear.objects.for_roster(2006, 2005), bonus_year=2005, template_name=template
    )
    RequestConfig(request, paginate=False).configure(table)
    return table.as_html(request)


def render_prices(role: str, template: str, query: dict) -> str:
    request = RequestFactory().get("/grants/prices/", query)
    request.user = UserFactory(username=f"{role}-{template[-10:]}", role=role)
    table = StockPriceTable(StockPrice.objects.all(), template_name=template)
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    return table.as_html(request)


@pytest.fixture
def roster():
    """Records of every kind a cell tells apart: approved and proposed salaries, a bonus
    approved, proposed, returned, not awarded or not recorded, a footnote, a name that
    needs escaping, no salary at all."""
    ada = PersonFactory(name="Ada <Lovelace> & Co")
    OfficerYearFactory(person=ada, fiscal_year=2005, base_salary=Decimal("200000"), approved=True)
    ada_2006 = OfficerYearFactory(person=ada, base_salary=Decimal("210000.5"), approved=True)
    ada_2006.footnotes.add(FootnoteFactory())
    ben = PersonFactory(name="Ben O'Neil")
    OfficerYearFactory(person=ben, fiscal_year=2005, bonus=Decimal("5000"), bonus_status="proposed")
    OfficerYearFactory(
        person=ben, title="Chief Executive Officer", returned_comment='Too "high" <b>'
    )
    cy = PersonFactory(name="Cy")
    OfficerYearFactory(person=cy, fiscal_year=2005, bonus=None, approved=True)
    OfficerYearFactory(person=cy, title="", base_salary=None, approved=True)


@pytest.mark.parametrize("role", [roles.COMMITTEE, roles.ADMINS, roles.AUDITORS])
def test_rows_written_in_python_are_the_rows_django_tables2_writes(roster, role):
    lean, reference = cells(render(role, LEAN)), cells(render(role, REFERENCE))
    assert len(lean) == 3
    assert lean == reference


def test_an_empty_roster_says_so():
    html = render(roles.COMMITTEE, LEAN)
    assert "No officer records for this fiscal year." in html


@pytest.mark.parametrize("role", [roles.ADMINS, roles.AUDITORS])
@pytest.mark.parametrize("query", [{}, {"sort": "-price", "page": 2}])
def test_price_rows_written_in_python_are_the_rows_django_tables2_writes(role, query):
    for day in range(60):
        StockPrice.objects.create(
            date=date(2020, 1, 1) + timedelta(days=day), price=Decimal("2.1") + day
        )
    lean = cells(render_prices(role, LEAN, query))
    reference = cells(render_prices(role, REFERENCE, query))
    assert len(lean) == (50 if not query else 10)
    assert lean == reference
    assert ("Edit</a>" in lean[0]) == (role == roles.ADMINS)
