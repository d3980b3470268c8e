"""The query budgets of the Item 402 report pages (issue "Performance at ten times the
company"): each page reads a fixed number of queries, at most 15, however many grants the
named executive officers hold. Each page is read with one grant per officer of each kind
below, then with four, and must cost the same both times.

The kinds cover every way a grant can be shown without a current value, each of which
once cost queries per grant: valued; terms changed after its valuation; the year's
defaults without an expected term (the simplified method, which reads the installments);
no defaults for its year (2005); no closing price on its grant date. One officer's service
ended in 2006 (the 402(f) deadline footnote) and one holds a restricted stock award (the
stock columns)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.db import connection
from django.test.utils import CaptureQueriesContext

from compensation.models import Person
from grants.models import OptionGrant, StockPrice, ValuationDefaults, value_grant
from grants.models.service import record_end_of_service
from tests.factories import (
    OfficerYearFactory,
    PersonFactory,
    RegistrationPeriodFactory,
    UserFactory,
    make_award,
    make_grant,
)

pytestmark = pytest.mark.django_db

BUDGET = 15
PAGES = {
    "summary compensation": "/reports/summary-compensation/?year=2006",
    "fair value assumptions": "/reports/fair-value-assumptions/?year=2006",
    "402(f)": "/reports/outstanding-equity-awards/?as_of=2006-12-31",
    # Not in the issue, but its rows and footnotes say why grants are not valued as well.
    "402(d)": "/reports/plan-based-awards/?year=2006",
}


def officers() -> list[Person]:
    """Four named officers (PEO, PFO, two others) of 2006; the last one's service ended on
    2006-06-30, the third holds a restricted stock award."""
    RegistrationPeriodFactory()
    defaults = ValuationDefaults.objects.create(
        fiscal_year=2006,
        volatility=Decimal("0.30"),
        risk_free_rate=Decimal("0.05"),
        dividend_yield=Decimal("0"),
        expected_term=None,  # the simplified method
    )
    defaults.approve(by=UserFactory(), meeting="Compensation Committee, 2006-01-05")
    people = []
    for n, role in enumerate([{"is_peo": True}, {"is_pfo": True}, {}, {}]):
        person = PersonFactory(name=f"Officer {n}")
        OfficerYearFactory(
            person=person,
            fiscal_year=2006,
            title="Vice President",
            base_salary=Decimal(200_000 + n),
            approved=True,
            **role,
        )
        people.append(person)
    make_award(recipient=people[2], grant_date=date(2006, 2, 1))
    ended = people[3]
    ended.terminated_on = date(2006, 6, 30)
    ended.termination_reason = Person.TerminationReason.OTHER
    record_end_of_service(ended)
    return people


def grant(person: Person, on: date) -> OptionGrant:
    return make_grant(
        [(on + relativedelta(years=k), 2500) for k in range(4)],
        optionee=person,
        grant_date=on,
        expiration_date=on + relativedelta(years=10),
    )


def add_grants(people: list[Person], numbers: range) -> None:
    """Grants number `numbers` of each kind, per officer, all made before the one service
    ended."""
    for n, person in enumerate(people):
        for k in numbers:
            priced = date(2006, 2, 1) + timedelta(days=20 * n + k)
            StockPrice.objects.get_or_create(date=priced, defaults={"price": Decimal("2.50")})
            value_grant(grant(person, priced))
            changed = grant(person, priced)
            value_grant(changed)
            OptionGrant.objects.filter(pk=changed.pk).update(exercise_price=Decimal("3.10"))
            grant(person, priced)  # simplified method, not valued yet
            grant(person, date(2005, 3, 1) + timedelta(days=k))  # no defaults for 2005
            grant(person, date(2006, 5, 1) + timedelta(days=k))  # no closing price


def read(client, url: str) -> tuple[int, str]:
    client.get(url)  # the first request of a session fills caches the next ones reuse
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries), response.content.decode()


@pytest.mark.parametrize("page", PAGES)
def test_report_page_reads_as_many_queries_with_four_times_the_grants(page, client_for):
    client = client_for("auditor")
    people = officers()
    add_grants(people, range(1))
    few, small_page = read(client, PAGES[page])
    add_grants(people, range(1, 4))
    many, large_page = read(client, PAGES[page])
    assert few == many <= BUDGET
    # The larger company is shown, grants and reasons: the budget is not kept by leaving
    # them out.
    assert len(large_page) > len(small_page)
    if page in ("summary compensation", "fair value assumptions"):
        for reason in (
            "terms changed after its last valuation",
            "no volatility, risk-free rate, dividend yield, expected term for 2005",
            "no closing price recorded on 2006-05-04",
        ):
            assert reason in large_page
