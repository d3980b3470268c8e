"""The grants import's optional valuation columns (DOMAIN.md §5): volatility,
risk_free_rate, dividend_yield and expected_term (years or "simplified"); each grant
imported is valued where it can be."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from grants.imports import import_grants
from grants.models import GrantValuation, OptionGrant, StockPrice
from tests.factories import StockPlanFactory, UserFactory

pytestmark = pytest.mark.django_db

HEADER = (
    "optionee,plan,grant_date,shares,exercise_price,expiration_date,vest_date,vest_shares,"
    "volatility,risk_free_rate,dividend_yield,expected_term"
)


def csv(*rows: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("grants.csv", "\n".join((HEADER, *rows)).encode(), "text/csv")


def row(assumptions: str = "0.20,0.10,0,0.5", price: str = "42", name: str = "Dean Bogues"):
    return f"{name},{PLAN},2006-03-01,10000,{price},2016-03-01,2007-03-01,10000,{assumptions}"


PLAN = "2000 Stock Option Plan"


@pytest.fixture(autouse=True)
def plan(db):
    return StockPlanFactory(name=PLAN)


def test_a_grant_imported_with_its_assumptions_is_valued():
    StockPrice.objects.create(date=date(2006, 3, 1), price=Decimal("42"))
    admin = UserFactory()
    result = import_grants(csv(row("20%,0.10,0,0.5")), commit=True, by=admin)
    assert result.committed and result.created == 1
    grant = OptionGrant.objects.get()
    assert (grant.volatility, grant.risk_free_rate, grant.dividend_yield) == (
        Decimal("0.2"),
        Decimal("0.1"),
        Decimal("0"),
    )
    assert grant.expected_term == Decimal("0.5") and not grant.simplified_term
    # S = K = 42, r = 0.10, s = 0.20, T = 0.5, q = 0:
    #   d1 = (0 + (0.10 + 0.02) x 0.5) / (0.20 x √0.5) = 0.06 / 0.141421 = 0.424264
    #   d2 = 0.282843; N(d1) = 0.664313, N(d2) = 0.611351
    #   C = 42 x 0.664313 - 42 x e^(-0.05) x 0.611351 = 27.901162 - 24.424484 = 3.476678
    #   -> 3.4767 per option; x 10,000 = $34,767.
    valuation = grant.valuations.get()
    assert (valuation.value_per_option, valuation.fair_value) == (
        Decimal("3.4767"),
        Decimal("34767"),
    )
    assert valuation.valued_by == admin


def test_simplified_and_empty_assumptions_are_kept_as_such():
    result = import_grants(
        csv(row("0.35,,,simplified"), row(",,,", name="Roger A. Williams")), commit=True
    )
    assert result.committed, result.errors
    simplified = OptionGrant.objects.get(optionee__name="Dean Bogues")
    assert simplified.simplified_term and simplified.expected_term is None
    assert simplified.volatility == Decimal("0.35") and simplified.risk_free_rate is None
    empty = OptionGrant.objects.get(optionee__name="Roger A. Williams")
    assert (empty.volatility, empty.expected_term, empty.simplified_term) == (None, None, False)
    # No approved defaults and no closing price: imported, not valued.
    assert not GrantValuation.objects.exists()


def test_a_preview_values_nothing():
    StockPrice.objects.create(date=date(2006, 3, 1), price=Decimal("42"))
    result = import_grants(csv(row()), commit=False)
    assert result.ok and not result.committed
    assert not OptionGrant.objects.exists() and not GrantValuation.objects.exists()


@pytest.mark.parametrize(
    ("assumptions", "column", "message"),
    [
        ("abc,0.1,0,1", "volatility", "Enter a number."),
        ("0,0.1,0,1", "volatility", "more than 0 and below 10"),
        ("NaN,0.1,0,1", "volatility", "Enter a number."),
        ("1e999,0.1,0,1", "volatility", "such as 0.35 or 35%"),
        ("0.2,1.5,0,1", "risk_free_rate", "between -1 and 1"),
        ("0.2,0.1234567,0,1", "risk_free_rate", "at most 6 decimal places"),
        ("0.2,0.1,-0.01,1", "dividend_yield", "from 0 and below 1"),
        ("0.2,0.1,0,simple", "expected_term", 'in years (e.g. 5.5) or "simplified"'),
        ("0.2,0.1,0,0", "expected_term", "more than 0 and at most 100"),
        ("0.2,0.1,0,-0", "expected_term", "more than 0 and at most 100"),
        ("0.2,0.1,0,1e999999", "expected_term", "more than 0 and at most 100"),
        ("0.2,0.1,0,Infinity", "expected_term", 'in years (e.g. 5.5) or "simplified"'),
        ("0.2,0.1,0,1.123456", "expected_term", "at most 5 decimals"),
        ("0.2,0.1,0," + "1" * 31, "expected_term", "at most 30 characters"),
    ],
)
def test_a_bad_assumption_is_an_error_of_its_row_and_column_and_nothing_is_saved(
    assumptions, column, message
):
    result = import_grants(csv(row(), row(assumptions, name="Roger A. Williams")), commit=True)
    assert not result.committed
    assert {(e.row, e.column) for e in result.errors} == {(3, column)}, result.errors
    assert any(message in e.message for e in result.errors), result.errors
    assert not OptionGrant.objects.exists()


def test_rows_of_one_grant_must_agree_on_its_assumptions():
    second = f"Dean Bogues,{PLAN},2006-03-01,10000,42,2016-03-01,2008-03-01,5000,0.25,0.10,0,0.5"
    first = f"Dean Bogues,{PLAN},2006-03-01,10000,42,2016-03-01,2007-03-01,5000,0.20,0.10,0,0.5"
    result = import_grants(csv(first, second), commit=True)
    assert [(e.row, e.column) for e in result.errors] == [(3, "volatility")]
    assert "Differs from row 2 of the same grant." in result.errors[0].message
    assert not OptionGrant.objects.exists()


def test_the_import_page_values_as_the_importing_admin_and_says_how_many(client_for):
    from workspace.models import Change

    StockPrice.objects.create(date=date(2006, 3, 1), price=Decimal("42"))
    client = client_for("compadmin")
    file = csv(row(), row(",,,", name="Roger A. Williams"))
    response = client.post(
        "/imports/", {"kind": "grants", "file": file, "commit": "1"}, follow=True
    )
    text = response.content.decode()
    assert "Imported 2 record(s)" in text
    assert "1 of them valued at grant-date fair value" in text
    valuation = GrantValuation.objects.get()
    assert valuation.valued_by.username == "compadmin"
    # The valuation is in the change history, under the grant, by the admin.
    logged = Change.objects.get(record_type="grants.grantvaluation")
    assert logged.user_name == "compadmin" and logged.owner_id == valuation.grant_id
