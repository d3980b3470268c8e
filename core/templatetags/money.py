"""Figures as every page, report page and PDF prints them: one rule per kind of figure.

- An amount (salary, bonus, change, in-the-money value, fair value, value realized, total):
  dollars and cents, always two decimals, with thousands separators: "$0.00",
  "$250,000.00", "$1,243,687.50". Never "$0" in one row and "$1,243,687.50" in the next:
  a column lines up on the decimal point, a total reads to the cent the way its parts do,
  and the figure is exact (an in-the-money value is shares x a price difference, often
  with cents). The exercise form's live aggregate (static/js/exercise.js) prints the same.
- A per-share price: at least two decimals, more only where the price has them ("$2.99",
  "$2.0435").
- A share count: a whole number with thousands separators ("1,000,000").
- No bonus awarded is "n/a", never "$0.00"; an amount the committee has not approved is
  "Proposed: $250,000.00".
Exports keep numbers as numbers (Excel) or as recorded (CSV)."""

from decimal import ROUND_HALF_UP, Decimal

from django import template

register = template.Library()

NOT_AWARDED = "n/a"
CENTS = Decimal("0.01")


def round_half_up(value: Decimal, places: Decimal = CENTS) -> Decimal:
    """One rounding rule everywhere, the one spreadsheets apply when they show a number:
    half up, away from zero ($1,234.565 is $1,234.57). Python's format() would round half
    to even ($1,234.56)."""
    return value.quantize(places, rounding=ROUND_HALF_UP)


def format_money(value: Decimal | int | None, none: str = "") -> str:
    if value is None or value == "":
        return none
    value = round_half_up(Decimal(value))
    sign = "-" if value < 0 else ""  # after rounding: -$0.004 is "$0.00"
    return f"{sign}${abs(value):,.2f}"


PROPOSED = "Proposed"


def format_proposed(value: Decimal | int | None, none: str = NOT_AWARDED) -> str:
    """An amount the committee has not approved: marked and kept as text, so that neither
    a reader nor a spreadsheet's sum takes it for an effective figure."""
    return f"{PROPOSED}: {format_money(value, none=none)}"


def format_price(value: Decimal | None) -> str:
    """A per-share price: at least two decimals, more only where the price has them."""
    if value is None or value == "":
        return ""
    value = Decimal(value).normalize()
    exponent = value.as_tuple().exponent
    # A price is a finite number (a letter marks NaN or infinity, which no form or
    # DecimalField takes).
    assert isinstance(exponent, int)
    places = max(2, -exponent)
    # The sign before the dollar sign, as for amounts: a refused entry can quote one.
    sign = "-" if value < 0 else ""
    return f"{sign}${abs(value):,.{places}f}"


def format_shares(value: int | None) -> str:
    if value is None or value == "":
        return ""
    return f"{int(value):,}"


@register.filter
def money(value):
    return format_money(value)


@register.filter
def bonus(value):
    """A bonus: empty means no bonus awarded / not eligible, which is "n/a", never $0."""
    return format_money(value, none=NOT_AWARDED)


@register.filter
def price(value):
    return format_price(value)


@register.filter
def shares(value):
    return format_shares(value)


@register.filter
def signed_money(value):
    if value is None:
        return ""
    return ("+" if value > 0 else "") + format_money(value)


@register.filter
def percent(value):
    if value is None:
        return ""
    return f"{'+' if value > 0 else ''}{round_half_up(Decimal(value), Decimal('0.1')):.1f}%"


@register.filter
def get_item(mapping, key):
    """mapping[key] in a template, or "" when absent."""
    if not mapping:
        return ""
    return mapping.get(key, "")
