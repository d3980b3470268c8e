"""Valuation assumptions as a committee reads them: rates as percentages (DOMAIN.md §5)."""

from decimal import Decimal

from django import template

from core.templatetags.money import round_half_up

register = template.Library()

SIMPLIFIED_METHOD = "simplified method: (weighted-average vesting term + contractual term) / 2"


def format_rate(value: Decimal | float | str | None) -> str:
    """A decimal rate as a percentage with at least 2 and up to 4 decimals, rounded half
    up: 0.045 is "4.50%", 0.045125 is "4.5125%". Empty for None."""
    if value is None or value == "":
        return ""
    percent = Decimal(value).scaleb(2)
    if not percent.is_finite():
        return ""
    exponent = percent.normalize().as_tuple().exponent
    assert isinstance(exponent, int)
    places = min(4, max(2, -exponent))
    shown = round_half_up(percent, Decimal(1).scaleb(-places))
    if shown == 0:
        shown = abs(shown)  # never "-0.00%"
    return f"{shown:,.{places}f}%"


def format_term(years: Decimal | None, simplified: bool) -> str:
    """An expected term in years, and the method when it is the simplified one."""
    if years is None:
        return ""
    text = f"{Decimal(years).normalize():f} years"
    return f"{text} ({SIMPLIFIED_METHOD})" if simplified else text


@register.filter
def rate(value):
    return format_rate(value)


def format_per_option(value: Decimal | None) -> str:
    """A value per option: dollars to 4 decimals (DOMAIN.md §5 rounds it so)."""
    if value is None or value == "":
        return ""
    return f"${Decimal(value):,.4f}"


@register.filter
def per_option(value):
    return format_per_option(value)


@register.filter
def term(valuation):
    """A valuation's expected term, with the method when it is the simplified one."""
    return format_term(valuation.expected_term, valuation.simplified_term)
