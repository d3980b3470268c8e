"""The officer review: unvested options valued at a typed price or the latest one recorded by
the as-of date."""

from datetime import date
from decimal import Decimal

import pytest

from grants.models import StockPrice
from tests.factories import OfficerYearFactory
from tests.grants.conftest import AUDITOR, COMMITTEE

pytestmark = pytest.mark.django_db


def test_the_officer_review_values_unvested_options_at_a_typed_price(client_for, seed_grant):
    OfficerYearFactory(person=seed_grant.optionee, fiscal_year=2006, base_salary=250_000)
    client = client_for(COMMITTEE)
    response = client.get("/compensation/review/?year=2006&price=5&as_of=2006-12-31")
    [officer] = response.context["officers"]
    # (5.00 - 2.99) x 618,750 unvested shares
    assert officer["value"] == Decimal("1243687.50")
    assert "$1,243,687.50" in response.content.decode()
    at_the_money = client.get("/compensation/review/?year=2006&price=2.99&as_of=2006-12-31")
    assert at_the_money.context["officers"][0]["value"] == 0


def test_the_officer_review_defaults_to_the_latest_price_and_the_year_end(client_for, seed_grant):
    OfficerYearFactory(person=seed_grant.optionee, fiscal_year=2006, base_salary=250_000)
    StockPrice.objects.create(date=date(2006, 12, 29), price=Decimal("4.00"))
    response = client_for(AUDITOR).get("/compensation/review/")
    assert response.context["price"] == Decimal("4.00")
    assert response.context["as_of"] == date(2006, 12, 31)
    assert response.context["officers"][0]["value"] == Decimal("1.01") * 618_750


def test_a_price_recorded_for_a_later_day_leaves_the_review_as_of_an_earlier_one(
    client_for, seed_grant
):
    # DOMAIN.md §3: a price is a fact of its date. The review as of 2006-12-31 is valued
    # at the last price recorded by then, before and after a 2007 price is entered.
    OfficerYearFactory(person=seed_grant.optionee, fiscal_year=2006, base_salary=250_000)
    StockPrice.objects.create(date=date(2006, 12, 29), price=Decimal("4.00"))
    client = client_for(COMMITTEE)
    before = client.get("/compensation/review/?year=2006&as_of=2006-12-31")
    StockPrice.objects.create(date=date(2007, 1, 2), price=Decimal("9.00"))
    for address in ("/compensation/review/?year=2006&as_of=2006-12-31", "/compensation/review/"):
        after = client.get(address)
        assert after.context["price"] == before.context["price"] == Decimal("4.00")
        assert after.context["officers"][0]["value"] == Decimal("1.01") * 618_750
    # As of a day after it, the 2007 price is the one known.
    later = client.get("/compensation/review/?year=2006&as_of=2007-01-02")
    assert later.context["price"] == Decimal("9.00")


def test_the_officer_review_takes_the_default_year_when_only_a_price_is_typed(
    client_for, seed_grant
):
    OfficerYearFactory(person=seed_grant.optionee, fiscal_year=2006, base_salary=250_000)
    response = client_for(COMMITTEE).get("/compensation/review/?price=5")
    assert not response.context["form"].errors
    assert response.context["year"] == 2006 and response.context["price"] == Decimal(5)
    assert response.context["officers"][0]["value"] == Decimal("1243687.50")


def test_the_review_leaves_the_default_price_out_of_its_form(client_for, seed_grant):
    # A default written into the price box would be sent back as typed when the year or
    # the date is changed: a later day's price for an earlier date.
    OfficerYearFactory(person=seed_grant.optionee, fiscal_year=2006, base_salary=250_000)
    StockPrice.objects.create(date=date(2006, 12, 29), price=Decimal("4.00"))
    StockPrice.objects.create(date=date(2007, 3, 1), price=Decimal("6.00"))
    client = client_for(COMMITTEE)
    first = client.get("/compensation/review/")
    html = first.content.decode()
    assert first.context["price"] == Decimal("4.00")
    assert 'name="price" id="id_price"\n      type="text" inputmode="decimal" value=""' in html
    assert "(the closing price of 2006-12-29, the latest recorded on or before 2006-12-31)" in html
    # The form sent back with the date changed, the price box as it was shown.
    again = client.get("/compensation/review/?year=2006&price=&as_of=2007-06-30")
    assert again.context["price"] == Decimal("6.00")
    shown = "the closing price of 2007-03-01, the latest recorded on or before 2007-06-30"
    assert shown in again.content.decode()
    typed = client.get("/compensation/review/?year=2006&price=5&as_of=2006-12-31")
    assert "the closing price of" not in typed.content.decode()


def test_the_officer_review_refuses_a_negative_price(client_for, seed_grant):
    response = client_for(COMMITTEE).get("/compensation/review/?year=2006&price=-1")
    assert "greater than or equal to 0" in response.content.decode()
    assert response.context["officers"] == []
