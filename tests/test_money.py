"""One rounding rule for amounts everywhere: half up, as spreadsheets show them."""

from decimal import Decimal

from core.templatetags.money import format_money, percent
from reports.base import MONEY, Column


def test_amounts_round_half_up_not_half_to_even():
    assert format_money(Decimal("1234.565")) == "$1,234.57"
    assert format_money(Decimal("0.125")) == "$0.13"
    assert format_money(Decimal("-1234.565")) == "-$1,234.57"
    assert format_money(Decimal("1234.564")) == "$1,234.56"
    assert format_money(Decimal("999.995")) == "$1,000"


def test_report_pages_and_pdfs_print_the_same_rounding():
    assert Column("x", "X", MONEY).display(Decimal("1234.565")) == "$1,234.57"


def test_percentages_round_half_up():
    assert percent(Decimal("2.25")) == "+2.3%"
    assert percent(Decimal("-2.25")) == "-2.3%"
