"""Grant-date fair value (FASB ASC Topic 718, DOMAIN.md §5), as pure functions.

Options: Black-Scholes-Merton per option, x shares. The normal distribution function is the
standard library's (statistics.NormalDist, exact to double precision); the arithmetic runs
in floating point and the per-option value is then rounded half up to 4 decimals, the
aggregate (that value x shares) half up to whole dollars, as §5 states. Stock awards:
shares x (closing price on the grant date - purchase price).
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from statistics import NormalDist

DAYS_A_YEAR = Decimal("365.25")
PER_OPTION = Decimal("0.0001")
WHOLE_DOLLARS = Decimal("1")
TERM = Decimal("0.00001")  # expected terms are shown to 5 decimals (§5's example)
_N = NormalDist().cdf
MAX_PRICE = 100_000_000  # the most a price column (12 digits, 4 decimals) holds


@dataclass(frozen=True)
class Inputs:
    """The inputs of one Black-Scholes-Merton value. Rates are decimals (0.10 is 10%)."""

    price: Decimal  # S: the closing price on the grant date
    strike: Decimal  # K: the exercise price
    rate: Decimal  # r: risk-free rate, continuously compounded
    volatility: Decimal  # s: expected volatility
    term: Decimal  # T: expected term in years
    dividend: Decimal = Decimal(0)  # q: dividend yield

    def problems(self) -> list[str]:
        """Why these inputs cannot be valued (empty when they can)."""
        found = []
        if self.price <= 0:
            found.append("the closing price must be more than $0")
        if self.strike <= 0:
            found.append("the exercise price must be more than $0")
        if self.volatility <= 0:
            found.append("the volatility must be more than 0")
        if self.term <= 0:
            found.append("the expected term must be more than 0 years")
        for name, value in (("risk-free rate", self.rate), ("dividend yield", self.dividend)):
            if not -1 < value < 1:
                found.append(f"the {name} must be a decimal between -1 and 1 (0.05 is 5%)")
        for name, value in (("closing price", self.price), ("exercise price", self.strike)):
            if value > MAX_PRICE:
                found.append(f"the {name} must be at most ${MAX_PRICE:,}")
        if self.volatility >= 10:
            found.append("the volatility must be a decimal below 10 (0.35 is 35%)")
        if self.term > 100:
            found.append("the expected term must be at most 100 years")
        return found


def black_scholes(inputs: Inputs) -> Decimal:
    """The value of one option, rounded half up to 4 decimals (DOMAIN.md §5):
    C = S e^(-qT) N(d1) - K e^(-rT) N(d2), d1 = (ln(S/K) + (r - q + s^2/2) T) / (s sqrt T),
    d2 = d1 - s sqrt T. Raises ValueError naming what is wrong with the inputs."""
    problems = inputs.problems()
    if problems:
        raise ValueError("Cannot value: " + "; ".join(problems) + ".")
    s, k = float(inputs.price), float(inputs.strike)
    r, q = float(inputs.rate), float(inputs.dividend)
    vol, t = float(inputs.volatility), float(inputs.term)
    spread = vol * math.sqrt(t)
    d1 = (math.log(s / k) + (r - q + vol * vol / 2) * t) / spread
    d2 = d1 - spread
    value = s * math.exp(-q * t) * _N(d1) - k * math.exp(-r * t) * _N(d2)
    return per_option(value)


def per_option(value: float | Decimal) -> Decimal:
    return Decimal(repr(value) if isinstance(value, float) else value).quantize(
        PER_OPTION, rounding=ROUND_HALF_UP
    )


def aggregate(value_per_option: Decimal, shares: int) -> Decimal:
    """The grant's (or award's) aggregate value: the rounded per-option value x shares,
    rounded half up to whole dollars."""
    return (value_per_option * shares).quantize(WHOLE_DOLLARS, rounding=ROUND_HALF_UP)


def years_between(start: date, end: date) -> Decimal:
    return Decimal((end - start).days) / DAYS_A_YEAR


def simplified_term(
    grant_date: date, expiration_date: date, installments: Iterable[tuple[date, int]]
) -> Decimal:
    """SEC Staff Accounting Bulletin 107's simplified method: (the weighted-average vesting
    term + the contractual term) / 2, each in years of 365.25 days, the vesting terms
    weighted by the installments' shares; to 5 decimals."""
    rows = list(installments)
    shares = sum(count for _, count in rows)
    if not rows or shares <= 0:
        raise ValueError("The simplified method needs the grant's installments.")
    vesting = sum((years_between(grant_date, day) * count for day, count in rows), Decimal(0))
    vesting /= shares
    contractual = years_between(grant_date, expiration_date)
    return ((vesting + contractual) / 2).quantize(TERM, rounding=ROUND_HALF_UP)


def stock_award_value(shares: int, closing_price: Decimal, purchase_price: Decimal) -> Decimal:
    """Stock awards: shares x (closing price on the grant date - purchase price), in whole
    dollars, rounded half up."""
    return (shares * (closing_price - purchase_price)).quantize(
        WHOLE_DOLLARS, rounding=ROUND_HALF_UP
    )
