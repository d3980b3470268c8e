"""The small company of the restricted stock reports' tests (issue 15), shared by
test_award_reports.py and test_award_reports_pages.py.

The company (2000 Stock Option Plan, 10,000,000 shares reserved):
- Alice Able: an option of 10,000 shares at $2.99 granted 2005-07-13 (2,500 a year from
  2005-07-13; 2,500 exercised 2007-03-01), and an RSA of 4,000 shares at $0 granted
  2006-03-01 (1,000 on 2007-03-01, 2008-03-01, 2009-03-01, 2010-03-01).
- Bob Baker: an RSU of 3,000 units at $0 granted 2006-06-01 (1,000 on 2006-12-01,
  2007-06-01, 2008-06-01). No closing price is recorded on 2006-06-01.
- Carol Cole: an RSA of 2,000 shares at $1.00 granted 2006-01-10 (1,000 on 2006-07-10 and
  2007-07-10); her service ends 2007-01-15, forfeiting the 2007-07-10 installment.
Closing prices: 2006-01-10 $2.50; 2006-03-01 $3.00; 2006-07-10 $3.50; 2006-12-29 $4.00;
2007-03-01 $4.20; 2007-06-01 $5.00.
Confirmed vestings: Carol 2006-07-10, Bob 2006-12-01 (400 withheld), Alice 2007-03-01, Bob
2007-06-01.
"""

from datetime import date
from decimal import Decimal

import pytest

from compensation.models import Person
from grants.models import StockPrice
from grants.models.service import record_end_of_service
from reports.definitions import REPORTS
from tests.factories import (
    OfficerYearFactory,
    PersonFactory,
    RegistrationPeriodFactory,
    make_award,
    make_grant,
)

PLAN = "2000 Stock Option Plan"
PRICES = {
    date(2006, 1, 10): "2.50",
    date(2006, 3, 1): "3.00",
    date(2006, 7, 10): "3.50",
    date(2006, 12, 29): "4.00",
    date(2007, 3, 1): "4.20",
    date(2007, 6, 1): "5.00",
}


def officer(name: str, salary: int, bonus: int | None = None) -> Person:
    person = PersonFactory(name=name)
    OfficerYearFactory(
        person=person,
        fiscal_year=2006,
        title="Vice President",
        base_salary=Decimal(salary),
        bonus=bonus,
        approved=True,
    )
    return person


@pytest.fixture
def company():
    RegistrationPeriodFactory()
    for day, price in PRICES.items():
        StockPrice.objects.create(date=day, price=Decimal(price))
    alice = officer("Alice Able", 200_000)
    bob = officer("Bob Baker", 150_000)
    carol = officer("Carol Cole", 100_000, bonus=10_000)
    option = make_grant(optionee=alice)  # 10,000 at $2.99, 2005-07-13, 2,500 a year
    option.exercise(2_500, date(2007, 3, 1))
    rsa = make_award(recipient=alice, grant_date=date(2006, 3, 1))  # 4 x 1,000 from 2007
    rsu = make_award(
        [(date(2006, 12, 1), 1_000), (date(2007, 6, 1), 1_000), (date(2008, 6, 1), 1_000)],
        recipient=bob,
        grant_date=date(2006, 6, 1),
        award_type="RSU",
    )
    carols = make_award(
        [(date(2006, 7, 10), 1_000), (date(2007, 7, 10), 1_000)],
        recipient=carol,
        grant_date=date(2006, 1, 10),
        purchase_price=Decimal("1.00"),
    )
    carols.confirm_vesting(date(2006, 7, 10), withheld=0, by=None)
    rsu.confirm_vesting(date(2006, 12, 1), withheld=400, by=None)
    rsa.confirm_vesting(date(2007, 3, 1), withheld=300, by=None)
    rsu.confirm_vesting(date(2007, 6, 1), withheld=0, by=None)
    carol.terminated_on, carol.termination_reason = date(2007, 1, 15), "other"
    record_end_of_service(carol)
    return {"alice": alice, "bob": bob, "carol": carol, "rsa": rsa, "rsu": rsu, "carols": carols}


@pytest.fixture
def auditor_client(client_for):
    return client_for("auditor")


def rows_of(name: str, **params) -> list[dict]:
    return list(REPORTS[name].from_data(params).rows())
