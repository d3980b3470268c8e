"""Numbers as people type them: "$5.00" and "1,000" are amounts; what is not a number
gets a message, never a 500 (issue 17, "small things users hit")."""

from decimal import Decimal

import pytest
from django import forms

from core.forms import AmountField, WholeNumberField


class PriceForm(forms.Form):
    price = AmountField(min_value=0, max_digits=12, decimal_places=4)
    shares = WholeNumberField(min_value=1, required=False)


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("$5.00", Decimal("5.00")),
        ("$ 5", Decimal("5")),
        ("1,000", Decimal("1000")),
        ("$1,234,567.50", Decimal("1234567.50")),
        (" 2.9900 ", Decimal("2.9900")),
    ],
)
def test_amounts_read_dollar_signs_and_thousands_separators(typed, value):
    form = PriceForm({"price": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["price"] == value


@pytest.mark.parametrize("typed", ["1,00", "1,0000", "$$5", "5$", "-$5", "five", "1.2.3"])
def test_other_text_is_not_a_number(typed):
    form = PriceForm({"price": typed})
    assert not form.is_valid()
    assert form.errors["price"] == ["Enter a number."]


def test_share_counts_read_thousands_separators_but_not_dollars():
    assert PriceForm({"price": "1", "shares": "1,000"}).is_valid()
    form = PriceForm({"price": "1", "shares": "$1,000"})
    assert form.errors["shares"] == ["Enter a whole number."]


def test_the_box_is_text_that_phones_open_with_a_number_pad():
    html = str(PriceForm()["price"])
    assert 'type="text"' in html
    assert 'inputmode="decimal"' in html
    assert 'inputmode="numeric"' in str(PriceForm()["shares"])


@pytest.mark.django_db
def test_a_stock_price_typed_with_a_dollar_sign_is_saved(client_for):
    from grants.models import StockPrice

    client = client_for("compadmin")
    response = client.post("/grants/prices/new/", {"date": "2006-03-01", "price": "$5.00"})
    assert response.status_code == 302
    assert StockPrice.objects.get().price == Decimal("5.00")
    refused = client.post("/grants/prices/new/", {"date": "2006-03-02", "price": "five"})
    assert "Enter a number." in refused.content.decode()
    assert StockPrice.objects.count() == 1


@pytest.mark.django_db
def test_the_officer_review_asks_for_a_correction_rather_than_saying_no_records(client_for):
    from tests.factories import OfficerYearFactory

    OfficerYearFactory(approved=True)
    page = client_for("committee").get("/compensation/review/", {"price": "abc"})
    html = page.content.decode()
    assert "No officer records" not in html
    assert "Correct what is marked above to see the officers." in html
