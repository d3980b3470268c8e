"""Valuing option grants (DOMAIN.md §5): assumptions from the grant or from its fiscal
year's approved defaults, copied onto the valuation; a later change of the defaults does
not change a valued grant until it is valued again.

Every figure is worked out by hand in the comments, with N(x) = (1 + erf(x / sqrt 2)) / 2.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from grants.models import (
    GrantValuation,
    StockPrice,
    ValuationDefaults,
    current_valuation,
    not_valued_reason,
    plan_valuation,
    value_grant,
)
from tests.factories import UserFactory, make_grant

GRANT_DATE = date(2006, 1, 10)
# 5,000 shares vest after 365 days and 5,000 after 730; the term is 3,652 days.
INSTALLMENTS = [(date(2007, 1, 10), 5000), (date(2008, 1, 10), 5000)]


@pytest.fixture
def grant(db):
    return make_grant(
        INSTALLMENTS,
        grant_date=GRANT_DATE,
        exercise_price=Decimal("10"),
        expiration_date=date(2016, 1, 10),
    )


@pytest.fixture
def price(db):
    return StockPrice.objects.create(date=GRANT_DATE, price=Decimal("10"))


def approved_defaults(year=2006, **fields) -> ValuationDefaults:
    fields = {
        "volatility": Decimal("0.30"),
        "risk_free_rate": Decimal("0.05"),
        "dividend_yield": Decimal("0"),
        "expected_term": Decimal("5"),
        **fields,
    }
    defaults = ValuationDefaults.objects.create(fiscal_year=year, **fields)
    defaults.approve(by=UserFactory(), meeting="Compensation Committee, 2006-01-05")
    return defaults


def test_without_assumptions_the_grant_says_what_is_missing(grant, price):
    assert not_valued_reason(grant) == (
        "not valued: no volatility, risk-free rate, dividend yield, expected term for 2006"
    )
    with pytest.raises(ValidationError, match="Not valued: no volatility"):
        value_grant(grant)
    assert not GrantValuation.objects.exists()


def test_proposed_defaults_do_not_value_anything(grant, price):
    ValuationDefaults.objects.create(
        fiscal_year=2006, volatility=Decimal("0.3"), risk_free_rate=Decimal("0.05")
    )
    assert plan_valuation(grant).problem.startswith("not valued: no volatility")


def test_no_closing_price_on_the_grant_date(grant):
    approved_defaults()
    StockPrice.objects.create(date=date(2006, 1, 9), price=Decimal("10"))  # the day before
    assert not_valued_reason(grant) == "not valued: no closing price recorded on 2006-01-10"


def test_value_from_the_years_defaults(grant, price):
    approved_defaults()
    valuation = value_grant(grant)
    # S = K = 10, r = 0.05, s = 0.30, T = 5, q = 0: s sqrt T = 0.670820;
    # d1 = (0 + (0.05 + 0.045) x 5) / 0.670820 = 0.708088, d2 = 0.037268;
    # C = 10 N(0.708088) - 10 e^-0.25 N(0.037268) = 7.605602 - 7.788008 x 0.514864
    #   = 3.595781 -> 3.5958; x 10,000 options = $35,958.
    assert valuation.value_per_option == Decimal("3.5958")
    assert valuation.fair_value == Decimal("35958")
    assert valuation.closing_price == Decimal("10")
    assert valuation.from_defaults == "volatility,risk-free rate,dividend yield,expected term"
    assert valuation.source == (
        "volatility, risk-free rate, dividend yield, expected term from the fiscal 2006 "
        "defaults, approved at Compensation Committee, 2006-01-05"
    )
    assert current_valuation(grant) == valuation


def test_a_later_change_of_the_defaults_waits_for_a_new_valuation(grant, price):
    defaults = approved_defaults()
    first = value_grant(grant)
    defaults.return_to_proposed(by="the chair", reason="new Treasury yield")
    defaults.risk_free_rate = Decimal("0.04")
    defaults.full_clean()
    defaults.save()
    defaults.approve(by=UserFactory(), meeting="Compensation Committee, 2006-02-01")
    # The valued grant keeps its copy of the inputs.
    assert current_valuation(grant) == first
    assert current_valuation(grant).risk_free_rate == Decimal("0.05")
    second = value_grant(grant)
    # r = 0.04: d1 = (0.04 + 0.045) x 5 / 0.670820 = 0.633553, d2 = -0.037268;
    # C = 10 x 0.736803 - 10 e^-0.2 x 0.485136 = 3.396180 -> 3.3962; $33,962.
    assert second.value_per_option == Decimal("3.3962")
    assert second.fair_value == Decimal("33962")
    assert current_valuation(grant) == second
    assert grant.valuations.count() == 2


def test_the_grants_own_assumption_wins(grant, price):
    approved_defaults()
    grant.dividend_yield = Decimal("0.02")
    grant.save()
    valuation = value_grant(grant)
    # q = 0.02: d1 = (0.05 - 0.02 + 0.045) x 5 / 0.670820 = 0.559017, d2 = -0.111803;
    # C = 10 e^-0.1 N(d1) - 10 e^-0.25 N(d2) = 2.894406 -> 2.8944; $28,944.
    assert valuation.value_per_option == Decimal("2.8944")
    assert valuation.fair_value == Decimal("28944")
    assert valuation.from_defaults == "volatility,risk-free rate,expected term"
    assert valuation.source.endswith("; the rest entered for the grant")


def test_simplified_method_from_the_defaults(grant, price):
    approved_defaults(expected_term=None)
    valuation = value_grant(grant)
    # Vesting: (365 x 5,000 + 730 x 5,000) / 10,000 / 365.25 = 1.498973 years; contractual
    # 3,652 / 365.25 = 9.998631; T = (1.498973 + 9.998631) / 2 = 5.748802 -> 5.74880.
    assert valuation.simplified_term
    assert valuation.expected_term == Decimal("5.74880")
    # C(S = K = 10, r = 0.05, s = 0.30, T = 5.7488) = 3.891046 -> 3.8910; $38,910.
    assert valuation.value_per_option == Decimal("3.8910")
    assert valuation.fair_value == Decimal("38910")


def test_all_assumptions_entered_for_the_grant(grant, price):
    grant.volatility, grant.risk_free_rate = Decimal("0.30"), Decimal("0.05")
    grant.dividend_yield, grant.expected_term = Decimal("0"), Decimal("5")
    grant.save()
    valuation = value_grant(grant)
    assert valuation.value_per_option == Decimal("3.5958")
    assert valuation.defaults is None
    assert valuation.source == "all entered for the grant"


def test_changed_terms_leave_the_grant_not_valued(grant, price):
    approved_defaults()
    value_grant(grant)
    grant.exercise_price = Decimal("11")
    grant.save()
    assert current_valuation(grant) is None
    assert "terms changed after its last valuation" in not_valued_reason(grant)
    # K = 11: C = 3.217213 -> 3.2172; $32,172.
    assert value_grant(grant).fair_value == Decimal("32172")


def test_not_both_an_expected_term_and_the_simplified_method(grant):
    grant.expected_term, grant.simplified_term = Decimal("5"), True
    with pytest.raises(ValidationError) as error:
        grant.full_clean()
    assert "not both" in str(error.value.message_dict["expected_term"])


def test_approved_defaults_are_locked(db):
    defaults = approved_defaults()
    defaults.volatility = Decimal("0.5")
    with pytest.raises(ValidationError, match="Return them to proposed"):
        defaults.full_clean()
    with pytest.raises(ValidationError, match="already approved"):
        defaults.approve(by=UserFactory(), meeting="Again")


def test_approval_needs_a_meeting(db):
    defaults = ValuationDefaults.objects.create(
        fiscal_year=2006, volatility=Decimal("0.3"), risk_free_rate=Decimal("0.05")
    )
    with pytest.raises(ValidationError):
        defaults.approve(by=UserFactory(), meeting="  ")
    defaults.refresh_from_db()
    assert not defaults.is_approved


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("volatility", Decimal("0")),
        ("volatility", Decimal("10")),
        ("risk_free_rate", Decimal("1")),
        ("dividend_yield", Decimal("-0.01")),
        ("expected_term", Decimal("0")),
    ],
)
def test_assumptions_out_of_range_are_refused(grant, field, value):
    setattr(grant, field, value)
    with pytest.raises(ValidationError) as error:
        grant.full_clean()
    assert field in error.value.message_dict


@override_settings(FISCAL_YEAR_END="06-30")
def test_a_june_year_end_values_a_july_grant_with_the_next_years_defaults(db):
    # Granted 2005-07-13: fiscal 2006 when the year ends on June 30.
    grant = make_grant(grant_date=date(2005, 7, 13), exercise_price=Decimal("10"))
    StockPrice.objects.create(date=date(2005, 7, 13), price=Decimal("10"))
    approved_defaults(year=2005)
    assert plan_valuation(grant).problem.endswith("for 2006")
    approved_defaults(year=2006)
    assert value_grant(grant).defaults.fiscal_year == 2006


def test_a_valuation_keeps_the_approval_it_used_after_the_defaults_are_reopened(grant, price):
    defaults = approved_defaults()
    valuation = value_grant(grant)
    defaults.return_to_proposed(by="the chair", reason="new volatility study")
    valuation.refresh_from_db()
    assert valuation.source.endswith("approved at Compensation Committee, 2006-01-05")
