"""Grant-date fair value (DOMAIN.md §5): Black-Scholes-Merton against the textbook case,
a published case and an independent numerical integration; the simplified method; the
rounding; the fair_value command."""

import math
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from hypothesis import given, settings
from hypothesis import strategies as st

from grants import demo
from grants.fair_value import (
    Inputs,
    aggregate,
    black_scholes,
    per_option,
    simplified_term,
    stock_award_value,
)
from grants.models import OptionGrant, StockPrice

D = Decimal


def test_the_textbook_case():
    # DOMAIN.md §5 (Hull's example): S 42, K 40, r 10%, s 20%, T 0.5, no dividend.
    assert black_scholes(Inputs(D(42), D(40), D("0.10"), D("0.20"), D("0.5"))) == D("4.7594")


def test_a_published_case_with_a_dividend_yield():
    # Haug, The Complete Guide to Option Pricing Formulas, Merton (1973): S 100, K 95,
    # T 0.5, r 10%, q 5%, s 20% gives a put of 2.4648; by put-call parity the call is
    # 2.4648 + 100 e^(-0.025) - 95 e^(-0.05) = 9.6290.
    parity_call = D("2.4648") + D(100 * math.exp(-0.025) - 95 * math.exp(-0.05))
    value = black_scholes(Inputs(D(100), D(95), D("0.10"), D("0.20"), D("0.5"), D("0.05")))
    assert value == parity_call.quantize(D("0.0001")) == D("9.6290")


def numerical_call(s: float, k: float, r: float, vol: float, t: float, q: float) -> float:
    """The call's value by integrating its payoff over the lognormal price at expiry with
    Simpson's rule: no normal distribution function involved."""
    drift, spread = (r - q - vol * vol / 2) * t, vol * math.sqrt(t)
    low, high, steps = -12.0, 12.0, 24_000
    width = (high - low) / steps
    total = 0.0
    for i in range(steps + 1):
        z = low + i * width
        payoff = max(s * math.exp(drift + spread * z) - k, 0.0)
        weight = 1 if i in (0, steps) else (4 if i % 2 else 2)
        total += weight * payoff * math.exp(-z * z / 2)
    return math.exp(-r * t) * total * width / 3 / math.sqrt(2 * math.pi)


@settings(max_examples=40, deadline=None)
@given(
    s=st.floats(1, 200),
    k=st.floats(1, 200),
    r=st.floats(0, 0.1),
    vol=st.floats(0.05, 1.0),
    t=st.floats(0.1, 10),
    q=st.floats(0, 0.06),
)
def test_black_scholes_equals_an_independent_numerical_integration(s, k, r, vol, t, q):
    inputs = Inputs(*(D(repr(x)) for x in (s, k, r, vol, t, q)))
    assert abs(float(black_scholes(inputs)) - numerical_call(s, k, r, vol, t, q)) < 0.0002


def test_the_simplified_method_for_the_seed_grant():
    # DOMAIN.md §5: (1.99759 + 9.99863) / 2 = 5.99811 years.
    term = simplified_term(demo.GRANT_DATE, demo.EXPIRATION, demo.INSTALLMENTS)
    assert term == D("5.99811")


def test_rounding_is_half_up_per_option_then_to_whole_dollars():
    assert per_option(D("1.23445")) == D("1.2345")
    assert per_option(D("1.23444")) == D("1.2344")
    # 4.7594 x 1,000,001 = 4,759,404.7594: $4,759,405; half a dollar rounds up.
    assert aggregate(D("4.7594"), 1_000_001) == D(4_759_405)
    assert aggregate(D("0.5000"), 1) == D(1)
    assert stock_award_value(3, D("2.50"), D("1.00")) == D(5)  # 4.50 rounds up


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        (Inputs(D(0), D(40), D("0.1"), D("0.2"), D(1)), "closing price must be more than"),
        (Inputs(D(42), D(40), D("0.1"), D(0), D(1)), "volatility must be more than 0"),
        (Inputs(D(42), D(40), D("0.1"), D("0.2"), D(0)), "expected term must be more"),
        (Inputs(D(42), D(40), D(10), D("0.2"), D(1)), "risk-free rate must be a decimal"),
        (Inputs(D(42), D(40), D("0.1"), D(35), D(1)), "volatility must be a decimal below"),
    ],
)
def test_inputs_that_cannot_be_valued_say_why(inputs, message):
    with pytest.raises(ValueError, match=message):
        black_scholes(inputs)


# --- the command ----------------------------------------------------------------------------


def run(*args: str) -> str:
    out = StringIO()
    call_command("fair_value", *args, stdout=out)
    return out.getvalue()


def test_the_command_prints_the_value_per_option_to_4_decimals():
    out = run(
        "--price", "42", "--strike", "40", "--rate", "0.10", "--volatility", "0.20", "--term", "0.5"
    )
    assert out.strip() == "Value per option: 4.7594"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--price", "42"], "Missing --strike, --rate, --volatility, --term"),
        (["--price", "abc"], "--price must be a number, not 'abc'"),
        (["--price", "1" * 31], "--price must be a number of at most 30"),
        (["--price", "NaN"], "--price must be a finite number"),
        (
            ["--price", "1e99", "--strike", "40", "--rate", "10", "--volatility", "0.2"]
            + ["--term", "1"],
            r"risk-free rate must be a decimal .*; the closing price must be at most \$100,000,000",
        ),
    ],
)
def test_the_command_answers_bad_input_with_a_message(args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)


@pytest.mark.django_db
def test_the_command_values_a_grant_with_the_inputs_given_for_it(demo_data):
    # The demo's seed grant has no assumptions (the exhibits give none): --volatility and
    # --rate stand in for the grant's own; T is the simplified method (§5: 5.99811).
    grant = OptionGrant.objects.get()
    out = run("--grant", str(grant.pk), "--rate", "0.04", "--volatility", "0.6")
    closing = StockPrice.on(grant.grant_date)
    assert "Not a recorded valuation: the grant with the inputs given here." in out
    assert f"S (closing price on 2005-07-13) = {closing}" in out
    assert "K (exercise price) = 2.9900" in out
    assert "s (expected volatility) = 60.00% (given here)" in out
    assert "r (risk-free rate) = 4.00% (given here)" in out
    assert "q (dividend yield) = 0.00% (not given, and no approved defaults for fiscal 2005)" in out
    assert "T (expected term) = 5.99811 years (simplified method: (weighted-average vesting " in out
    value = black_scholes(Inputs(closing, D("2.99"), D("0.04"), D("0.6"), D("5.99811")))
    assert f"Value per option: {value}" in out
    assert f"Aggregate value: ${aggregate(value, 1_000_000):,.2f} (1,000,000 options)" in out
    assert not grant.valuations.exists()  # the command records nothing


@pytest.mark.django_db
def test_a_grant_without_a_closing_price_is_not_valued(demo_data):
    # Changed with issue 16's --grant mode: the reason is plan_valuation()'s own words.
    grant = OptionGrant.objects.get()
    StockPrice.objects.filter(date=grant.grant_date).delete()
    with pytest.raises(CommandError, match="Not valued: no closing price recorded on 2005-07-13"):
        run("--grant", str(grant.pk), "--rate", "0.04", "--volatility", "0.6")
    with pytest.raises(CommandError, match="There is no grant number 999999"):
        run("--grant", "999999", "--rate", "0.04", "--volatility", "0.6")
    with pytest.raises(CommandError, match="leave out --price and --strike"):
        run("--grant", str(grant.pk), "--price", "3")
    assert date(2005, 7, 13) == grant.grant_date
