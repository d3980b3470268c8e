"""One rounding rule for amounts everywhere: half up, as spreadsheets show them; and one
format: dollars and cents (core/templatetags/money.py)."""

import re
from decimal import Decimal

from compensation.models import OfficerYear, Person
from core.templatetags.money import format_money, format_price, percent
from reports.base import MONEY, Column


def test_amounts_round_half_up_not_half_to_even():
    assert format_money(Decimal("1234.565")) == "$1,234.57"
    assert format_money(Decimal("0.125")) == "$0.13"
    assert format_money(Decimal("-1234.565")) == "-$1,234.57"
    assert format_money(Decimal("1234.564")) == "$1,234.56"
    assert format_money(Decimal("999.995")) == "$1,000.00"


def test_a_price_keeps_its_places_and_puts_a_sign_before_the_dollar():
    assert format_price(Decimal("2.99")) == "$2.99"
    assert format_price(Decimal("2.0435")) == "$2.0435"
    assert format_price(Decimal("1234")) == "$1,234.00"
    # A refused entry quotes what was typed: "-$3.00", as amounts are written, not "$-3.00".
    assert format_price(Decimal("-3")) == "-$3.00"
    assert format_price(Decimal("-0.125")) == "-$0.125"


def test_report_pages_and_pdfs_print_the_same_rounding():
    assert Column("x", "X", MONEY).display(Decimal("1234.565")) == "$1,234.57"


def test_percentages_round_half_up():
    assert percent(Decimal("2.25")) == "+2.3%"
    assert percent(Decimal("-2.25")) == "-2.3%"


def test_every_amount_has_cents_so_a_column_never_mixes_formats():
    assert format_money(0) == "$0.00"
    assert format_money(Decimal("250000")) == "$250,000.00"
    assert format_money(Decimal("1243687.5")) == "$1,243,687.50"
    assert format_money(Decimal("-0.004")) == "$0.00"  # no "-$0.00"
    assert format_money(None, none="n/a") == "n/a"


def test_the_review_roster_and_dashboard_print_amounts_one_way(client_for, demo_data):
    """At $5.00 on 2006-12-31 Mr. Akridge's unvested options are worth $1,243,687.50 and
    the other officers' (who hold none) $0.00: one column, one format; the roster and the
    dashboard print the salaries the same way."""
    member = client_for("committee")
    review = member.get("/compensation/review/?year=2006&price=5.00&as_of=2006-12-31")
    values = dict(re.findall(r'data-itm-person="([^"]+)">([^<]*)<', review.content.decode()))
    assert values["James R. Akridge"] == "$1,243,687.50"
    assert values["Dean Bogues"] == "$0.00"
    assert all(re.fullmatch(r"\$[\d,]+\.\d\d", v) for v in values.values()), values
    roster = member.get("/compensation/officers/?year=2006").content.decode()
    assert "$250,000.00" in roster and "$95,625.00" in roster
    assert not re.search(r"\$[\d,]+(?![\d,.])", roster)
    proposal = OfficerYear.objects.create(
        person=Person.objects.get(name="Dean Bogues"),
        fiscal_year=2007,
        title="President of the Americas and Europe",
        base_salary=Decimal("210000"),
    )
    home = member.get("/").content.decode()
    assert f"{proposal.fiscal_year}</a> ($210,000.00)" in home
