"""Tables whose rows are written in Python (core.tables.PythonRowsTable): each row must
be the HTML django-tables2's own rendering writes, cell for cell, for every role."""

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django_tables2 import RequestConfig

from compensation.models import OfficerYear, Person
from compensation.tables import RosterTable
from core import roles
from grants.models import Exercise, OptionGrant, StockAward, StockPrice
from grants.models.service import record_end_of_service
from grants.tables import AwardTable, GrantTable
from grants.views.market import StockPriceTable
from tests.factories import (
    FootnoteFactory,
    OfficerYearFactory,
    PersonFactory,
    StockPlanFactory,
    UserFactory,
    make_award,
    make_grant,
)

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


# The rows as the templates grants/_grant_table.html and _award_table.html wrote them
# before the tables wrote their rows in Python: the reference each row must match.
GRANT_ROW = """{% load money grant_status %}<tr>
  <td><a href="{{ grant.get_absolute_url }}">{{ grant.optionee.name }}</a></td>
  <td>{{ grant.plan.name }}</td>
  <td>{{ grant.grant_date|date:"Y-m-d" }}</td>
  <td class="text-end text-nowrap">{{ grant.shares|shares }}</td>
  <td class="text-end text-nowrap">{{ grant.exercise_price|price }}</td>
  <td class="text-end text-nowrap">{{ grant.vested|shares }}</td>
  <td class="text-end text-nowrap">{{ grant.exercisable|shares }}</td>
  <td class="text-end text-nowrap">{{ grant.unvested|shares }}</td>
  <td>{{ grant.deadline_as_of|date:"Y-m-d" }}</td>
  <td>{% status_badge grant.status grant.deadline_as_of %}</td>
</tr>"""

AWARD_ROW = """{% load money %}<tr>
  <td><a href="{{ award.get_absolute_url }}">{{ award.recipient.name }}</a></td>
  <td>{{ award.plan.name }}</td>
  <td><abbr title="{{ award.get_award_type_display }}">{{ award.award_type }}</abbr></td>
  <td>{{ award.grant_date|date:"Y-m-d" }}</td>
  <td class="text-end text-nowrap">{{ award.shares|shares }} {{ award.unit_name }}</td>
  <td class="text-end text-nowrap">{{ award.purchase_price|price }}</td>
  <td class="text-end text-nowrap">{{ award.vested|shares }}</td>
  <td class="text-end text-nowrap">{{ award.unvested|shares }}</td>
  <td class="text-end text-nowrap">{{ award.forfeited|shares }}</td>
  <td>{% if award.approved_at %}<span class="badge text-bg-success">Approved \
{{ award.approved_at|date:"Y-m-d" }}</span>{% else %}<span class="badge text-bg-warning">\
Awaiting approval</span>{% endif %}</td>
</tr>"""


def end_service(person: Person, on: date) -> None:
    person.terminated_on, person.termination_reason = on, Person.TerminationReason.OTHER
    record_end_of_service(person)


def reference_rows(template: str, name: str, records) -> list[str]:
    row = Template(template)
    return cells("<tbody>" + "".join(row.render(Context({name: r})) for r in records) + "</tbody>")


@pytest.mark.parametrize("as_of", [date(2007, 1, 1), date(2011, 6, 30)])
def test_grant_rows_written_in_python_are_the_rows_the_template_wrote(as_of):
    """Every status a row shows (active, terminated with its window, expired, exercised),
    a name and a plan that need escaping, a price with four decimals."""
    plan = StockPlanFactory(name='Plan "A" <2005>')
    make_grant(optionee=PersonFactory(name="Ada <Lovelace> & Co"), plan=plan)
    ended = make_grant(optionee=PersonFactory(name="Ben O'Neil"), exercise_price=Decimal("2.0435"))
    end_service(ended.optionee, date(2006, 9, 1))
    make_grant(grant_date=date(2000, 1, 13), expiration_date=date(2010, 1, 13))
    done = make_grant(installments=[(date(2005, 8, 1), 100)])
    Exercise.objects.create(
        grant=done, sequence=1, exercise_date=date(2006, 1, 5), shares=100, aggregate_price=299
    )
    request = RequestFactory().get("/grants/", {"sort": "optionee"})
    request.user = UserFactory(role=roles.AUDITORS)
    records = (
        OptionGrant.objects.select_related("optionee", "plan")
        .with_vesting_totals(as_of)
        .with_status(as_of)
    )
    table = GrantTable(records)
    RequestConfig(request, paginate=False).configure(table)
    lean = cells(table.as_html(request))
    assert len(lean) == 4
    assert lean == reference_rows(GRANT_ROW, "grant", table.data)
    assert "Ada &lt;Lovelace&gt; &amp; Co" in lean[0]


@pytest.mark.parametrize("as_of", [date(2006, 6, 1), date(2012, 1, 1)])
def test_award_rows_written_in_python_are_the_rows_the_template_wrote(as_of):
    """Awards and units, approved (shown in the site's time zone) and awaiting approval,
    with a purchase price, an end of service that forfeits, names needing escaping."""
    make_award(recipient=PersonFactory(name="Ada <Lovelace> & Co"), purchase_price=Decimal("0.001"))
    unit = make_award(award_type="RSU", plan=StockPlanFactory(name="Plan 'B' & <C>"))
    StockAward.objects.filter(pk=unit.pk).update(
        approved_at=datetime(2006, 3, 1, 3, 30, tzinfo=UTC), approval_meeting="Committee"
    )
    ended = make_award(recipient=PersonFactory(name="Cy"))
    end_service(ended.recipient, date(2008, 3, 15))
    request = RequestFactory().get("/grants/awards/", {"sort": "recipient"})
    request.user = UserFactory(role=roles.AUDITORS)
    records = StockAward.objects.select_related("recipient", "plan").with_vesting_totals(as_of)
    table = AwardTable(records)
    RequestConfig(request, paginate=False).configure(table)
    lean = cells(table.as_html(request))
    assert len(lean) == 3
    assert lean == reference_rows(AWARD_ROW, "award", table.data)
