"""The stock price and registration period pages: their lists and forms."""

from datetime import date
from decimal import Decimal

import pytest

from grants.models import RegistrationPeriod, StockPrice
from grants.models.service import record_end_of_service
from tests.factories import RegistrationPeriodFactory
from tests.grants.conftest import ADMIN, AUDITOR, COMMITTEE

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"date": "2006-01-03", "price": "-1"}, "greater than or equal to 0"),
        ({"date": "2006-01-03", "price": "abc"}, "Enter a number"),
        ({"date": "", "price": "3"}, "This field is required"),
        ({"date": "2005-07-13", "price": "3"}, "already exists"),
        ({"date": "2006-01-03", "price": "1234567890123"}, "no more than 12 digits"),
    ],
)
def test_bad_stock_prices_are_refused(client_for, seed_grant, data, message):
    StockPrice.objects.create(date=date(2005, 7, 13), price=Decimal("2.99"))
    response = client_for(ADMIN).post("/grants/prices/new/", data)
    assert message in response.content.decode()
    assert StockPrice.objects.count() == 1


def test_a_stock_price_is_added(client_for, db):
    response = client_for(ADMIN).post("/grants/prices/new/", {"date": "2006-01-03", "price": "3.5"})
    assert response.status_code == 302
    assert StockPrice.on(date(2006, 1, 3)) == Decimal("3.5")


def test_a_registration_period_ending_before_it_starts_is_refused(client_for, seed_grant):
    response = client_for(ADMIN).post(
        "/grants/registration/new/",
        {"start_date": "2007-04-01", "end_date": "2007-03-01", "basis": "S-8"},
    )
    assert "cannot end before it starts" in response.content.decode()
    assert RegistrationPeriod.objects.count() == 1


def test_editing_a_registration_period_moves_a_terminated_optionees_deadline(
    client_for, seed_grant
):
    person = seed_grant.optionee
    person.terminated_on, person.termination_reason = date(2007, 2, 1), "other"
    record_end_of_service(person)
    period = RegistrationPeriod.objects.get()
    client = client_for(ADMIN)
    client.post(
        f"/grants/registration/{period.pk}/",
        {"start_date": "2005-07-13", "end_date": "2007-03-01", "basis": "S-8"},
    )
    client.post(
        "/grants/registration/new/", {"start_date": "2007-04-01", "end_date": "", "basis": "S-8"}
    )
    seed_grant.refresh_from_db()
    assert seed_grant.deadline == date(2007, 5, 31)


def test_prices_and_registration_periods_list_with_edit_links_for_admins_only(client_for, db):
    period = RegistrationPeriodFactory(start_date=date(2005, 7, 13), end_date=None)
    price = StockPrice.objects.create(date=date(2006, 12, 29), price=Decimal("2.1"))
    admin_prices = client_for(ADMIN).get("/grants/prices/").content.decode()
    assert "2006-12-29" in admin_prices and "$2.10" in admin_prices
    assert f'href="/grants/prices/{price.pk}/">Edit</a>' in admin_prices
    committee_prices = client_for(COMMITTEE).get("/grants/prices/").content.decode()
    assert "2006-12-29" in committee_prices and ">Edit</a>" not in committee_prices
    periods = client_for(ADMIN).get("/grants/registration/").content.decode()
    assert "2005-07-13" in periods and "in effect" in periods
    assert f'href="/grants/registration/{period.pk}/">Edit</a>' in periods
    assert ">Edit</a>" not in client_for(AUDITOR).get("/grants/registration/").content.decode()
