"""Shared by the equity screens' tests: the roles' user names, the seed grant, and many
grants made in bulk."""

from datetime import date
from decimal import Decimal

import pytest

from compensation.models import Person
from grants import demo
from grants.models import OptionGrant, StockPrice
from tests.factories import (
    PersonFactory,
    RegistrationPeriodFactory,
    StockPlanFactory,
    make_award,
    make_grant,
)

COMMITTEE, ADMIN, AUDITOR, NO_ROLE = "committee", "compadmin", "auditor", ""


@pytest.fixture
def seed_grant(db):
    RegistrationPeriodFactory(start_date=demo.GRANT_DATE, basis=demo.REGISTRATION_BASIS)
    return make_grant(
        demo.INSTALLMENTS,
        optionee=PersonFactory(name=demo.OPTIONEE),
        grant_date=demo.GRANT_DATE,
        expiration_date=demo.EXPIRATION,
    )


def many_grants(count: int) -> None:
    """`count` grants of 4 installments each, a third of them terminated, in bulk."""
    from grants.models import VestingInstallment

    plan = StockPlanFactory()
    start = Person.objects.count()
    people = Person.objects.bulk_create(
        Person(
            name=f"Optionee {start + n:05}",
            terminated_on=date(2007, 1, 1) if n % 3 == 0 else None,
            termination_reason="other" if n % 3 == 0 else "",
        )
        for n in range(count)
    )
    grants = []
    for person in people:
        grant = OptionGrant(
            plan=plan,
            optionee=person,
            grant_date=date(2005, 7, 13),
            shares=10_000,
            exercise_price=Decimal("2.99"),
            expiration_date=date(2015, 7, 13),
        )
        grant.apply_plan_defaults()
        grant.deadline = grant.deadline_explained([]).day
        grants.append(grant)
    grants = OptionGrant.objects.bulk_create(grants)
    VestingInstallment.objects.bulk_create(
        VestingInstallment(grant=g, vest_date=date(2006 + k, 7, 13), shares=2500)
        for g in grants
        for k in range(4)
    )


# 4,000 shares granted 2006-03-01, vesting 1,000 on March 1 of 2007, 2008, 2009, 2010.
AWARD_ROWS = [(date(y, 3, 1), 1000) for y in (2007, 2008, 2009, 2010)]


@pytest.fixture
def award(db):
    """An RSA withholding 25% at each vesting; a price recorded the day before the first
    vest date (none on it), so the price used is the latest before it."""
    StockPrice.objects.create(date=date(2007, 2, 28), price=Decimal("5.0000"))
    return make_award(
        AWARD_ROWS,
        recipient=PersonFactory(name="Stephan B. Godevais"),
        withholding_rate=Decimal("0.25"),
        authorized_by="Carl E. Berg",
        authorized_on=date(2006, 2, 20),
    )


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()
