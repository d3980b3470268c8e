"""The fields of the Black-Scholes-Merton assumptions (DOMAIN.md §5), shared by a fiscal
year's defaults, a grant's own assumptions and each valuation's copy of those it used.
Rates are decimals (0.10 is 10%) and are shown as percentages."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models

RATE_PLACES = 6  # 0.123456 is 12.3456%
TERM_PLACES = 5  # years, as §5's example (5.99811)


def validate_volatility(value: Decimal) -> None:
    if not Decimal(0) < value < Decimal(10):
        raise ValidationError(
            "Enter the volatility as a decimal more than 0 and below 10 (0.35 is 35%)."
        )


def validate_rate(value: Decimal) -> None:
    if not Decimal(-1) < value < Decimal(1):
        raise ValidationError("Enter the rate as a decimal between -1 and 1 (0.05 is 5%).")


def validate_dividend_yield(value: Decimal) -> None:
    if not Decimal(0) <= value < Decimal(1):
        raise ValidationError(
            "Enter the dividend yield as a decimal from 0 and below 1 (0.02 is 2%)."
        )


def validate_term(value: Decimal) -> None:
    if not Decimal(0) < value <= Decimal(100):
        raise ValidationError("Enter the expected term in years, more than 0 and at most 100.")


def volatility_field(**options) -> models.DecimalField:
    return models.DecimalField(
        "expected volatility",
        max_digits=RATE_PLACES + 2,
        decimal_places=RATE_PLACES,
        validators=[validate_volatility],
        **options,
    )


def rate_field(**options) -> models.DecimalField:
    return models.DecimalField(
        "risk-free rate",
        max_digits=RATE_PLACES + 1,
        decimal_places=RATE_PLACES,
        validators=[validate_rate],
        **options,
    )


def dividend_yield_field(**options) -> models.DecimalField:
    return models.DecimalField(
        "dividend yield",
        max_digits=RATE_PLACES + 1,
        decimal_places=RATE_PLACES,
        validators=[validate_dividend_yield],
        **options,
    )


def term_field(**options) -> models.DecimalField:
    return models.DecimalField(
        "expected term (years)",
        max_digits=TERM_PLACES + 3,
        decimal_places=TERM_PLACES,
        validators=[validate_term],
        **options,
    )


class GrantAssumptions(models.Model):
    """A grant's own assumptions, each empty unless entered for the grant: an empty one
    comes from the approved defaults of the grant's fiscal year when the grant is valued."""

    volatility = volatility_field(
        null=True, blank=True, help_text="A decimal: 0.35 is 35%. Empty: the year's default."
    )
    risk_free_rate = rate_field(
        null=True,
        blank=True,
        help_text="Continuously compounded, a decimal: 0.045 is 4.5%. Empty: the year's default.",
    )
    dividend_yield = dividend_yield_field(
        null=True, blank=True, help_text="A decimal: 0.02 is 2%. Empty: the year's default."
    )
    expected_term = term_field(
        null=True,
        blank=True,
        help_text="In years. Empty: the year's default (or the simplified method if chosen).",
    )
    simplified_term = models.BooleanField(
        "simplified method",
        default=False,
        help_text="Expected term by SEC Staff Accounting Bulletin 107's simplified method: "
        "(weighted-average vesting term + contractual term) / 2.",
    )

    class Meta:
        abstract = True

    ASSUMPTION_FIELDS = (
        "volatility",
        "risk_free_rate",
        "dividend_yield",
        "expected_term",
        "simplified_term",
    )

    def assumption_errors(self) -> dict[str, list[str]]:
        if self.simplified_term and self.expected_term is not None:
            return {
                "expected_term": [
                    "Enter an expected term or choose the simplified method, not both."
                ]
            }
        return {}
