"""Issue 15, the reports (DOMAIN.md §3, §4, §5 and §6): restricted stock awards and units in
402(f), 402(g), 402(d) and 402(c) (the other reports: test_award_reports_pages.py),
with figures computed by hand.

The company is in tests/reports/conftest.py (its docstring gives the figures).
"""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from grants.models import StockAward, StockPrice
from reports.definitions import REPORTS
from tests.factories import (
    make_award,
    make_grant,
)
from tests.reports.conftest import officer, rows_of
from tests.reports.test_reports import csv_rows

pytestmark = pytest.mark.django_db

# --- 402(f) ---------------------------------------------------------------------------------

OEA_2006 = "/reports/outstanding-equity-awards/?as_of=2006-12-31"


def test_402f_lists_each_award_not_vested_with_its_market_value_at_the_year_end(
    auditor_client, company
):
    rows = csv_rows(auditor_client, OEA_2006)
    assert rows[0] == [
        "Name",
        "Kind of award",
        "Securities underlying unexercised options: exercisable",
        "Securities underlying unexercised options: unexercisable",
        "Option exercise price",
        "Option expiration date",
        "Number of shares or units of stock that have not vested",
        "Market value of shares or units of stock that have not vested (A)",
    ]
    # The closing price on or before 2006-12-31 is that of 2006-12-29: $4.00.
    # Alice: option vested 2005-07-13 and 2006-07-13 (5,000), 5,000 to vest; RSA 4,000
    # not vested x $4 = $16,000. Bob: 3,000 - 1,000 vested 2006-12-01 = 2,000 x $4 =
    # $8,000. Carol: her 2007 end of service is not known at the 2006 year-end: 1,000 x $4.
    assert rows[1:5] == [
        ["Alice Able (1)", "Option", "5000", "5000", "2.99", "2015-07-13", "", ""],
        ["Alice Able (2)", "RSA", "", "", "", "", "4000", "16000"],
        ["Bob Baker (3)", "RSU", "", "", "", "", "2000", "8000"],
        ["Carol Cole (4)", "RSA", "", "", "", "", "1000", "4000"],
    ]
    notes = [r[0] for r in rows[6:]]
    assert notes[1] == (
        "(2) Unvested shares of the restricted stock award (RSA) granted 2006-03-01 vest: "
        "1,000 on 2007-03-01; 1,000 on 2008-03-01; 1,000 on 2009-03-01; 1,000 on 2010-03-01."
    )
    assert notes[2].startswith("(3) Unvested units of the restricted stock unit (RSU)")
    assert notes[3].endswith("vest: 1,000 on 2007-07-10.")
    assert notes[4].startswith(
        "(A) Market value of stock awards: shares or units not vested x the closing price of "
        "2006-12-29, the latest recorded before the fiscal year-end (2006-12-31), $4.00."
    )


def test_402f_at_the_next_year_end_drops_the_forfeited_award(company):
    rows = rows_of("outstanding-equity-awards", as_of="2007-12-31")
    # $5.00 of 2007-06-01 is the latest price by 2007-12-31. Carol's service ended
    # 2007-01-15: her last installment is forfeited, nothing is left to vest.
    awards = [
        (r["name"], r["stock_unvested"], r["stock_value"]) for r in rows if r["kind"] != "Option"
    ]
    assert awards == [
        ("Alice Able (2)", 3_000, Decimal("15000.00")),
        ("Bob Baker (3)", 1_000, Decimal("5000.00")),
    ]


def test_402f_says_not_valued_without_a_price_by_the_year_end(company):
    StockPrice.objects.filter(date__lte=date(2006, 12, 31)).delete()
    report = REPORTS["outstanding-equity-awards"].from_data({"as_of": "2006-12-31"})
    rows = list(report.rows())
    assert [r["stock_value"] for r in rows if r["kind"] != "Option"] == ["not valued"] * 3
    assert report.footnotes()[-2].startswith(
        "(A) No closing price is recorded on or before the fiscal year-end (2006-12-31)"
    )


def test_402f_without_awards_keeps_its_option_columns(company):
    StockAward.objects.filter(grant_date__gt=date(2000, 1, 1)).update(grant_date=date(2007, 6, 1))
    report = REPORTS["outstanding-equity-awards"].from_data({"as_of": "2006-12-31"})
    [row] = list(report.rows())
    assert [c.key for c in report.columns] == [
        "name",
        "exercisable",
        "unexercisable",
        "exercise_price",
        "expiration_date",
    ]
    assert row["name"] == "Alice Able (1)" and len(report.footnotes()) == 3
    assert report.footnotes()[1].startswith("Stock awards: these officers hold no restricted")
    assert report.footnotes()[-1].startswith("Named executive officers for fiscal year 2006")


# --- 402(g) ---------------------------------------------------------------------------------


def test_402g_stock_vested_gross_shares_at_the_price_on_or_before_the_vest_date(
    auditor_client, company
):
    rows = csv_rows(auditor_client, "/reports/option-exercises/?year=2006")
    assert rows[0][3:] == ["Number of shares acquired on vesting", "Value realized on vesting (2)"]
    # Bob: 1,000 gross (400 withheld) on 2006-12-01; latest price before it: $3.50 of
    # 2006-07-10 = $3,500. Carol: 1,000 on 2006-07-10 at $3.50 that day = $3,500.
    assert rows[1:3] == [
        ["Bob Baker", "", "", "1000", "3500"],
        ["Carol Cole", "", "", "1000", "3500"],
    ]
    notes = [r[0] for r in rows[4:]]
    assert "Bob Baker: 1,000 on 2006-12-01 at $3.50 (closing price of 2006-07-10)." in notes
    assert "Carol Cole: 1,000 on 2006-07-10 at $3.50." in notes


def test_402g_one_row_per_officer_with_exercises_and_vestings(auditor_client, company):
    rows = csv_rows(auditor_client, "/reports/option-exercises/?year=2007")
    # Alice: 2,500 exercised 2007-03-01 at (4.20 - 2.99) = $3,025; 1,000 vested that day
    # x $4.20 = $4,200. Bob: 1,000 vested 2007-06-01 x $5.00. Carol's 2007-07-10
    # installment was forfeited: nothing vested.
    assert rows[1:3] == [
        ["Alice Able", "2500", "3025", "1000", "4200"],
        ["Bob Baker", "", "", "1000", "5000"],
    ]
    assert rows[3] == []


def test_402g_a_vesting_without_any_price_by_then_is_not_recorded(company):
    StockPrice.objects.filter(date__lte=date(2006, 12, 1)).delete()
    report = REPORTS["option-exercises"].from_data({"year": "2006"})
    assert [(r["name"], r["vested_value"]) for r in report.rows()] == [
        ("Bob Baker", "not recorded"),
        ("Carol Cole", "not recorded"),
    ]
    assert any(
        n.startswith("No closing price is recorded on or before") for n in report.footnotes()
    )
    # A price entered later is used when the report is produced again (DOMAIN.md §3).
    StockPrice.objects.create(date=date(2006, 7, 1), price=Decimal("2.00"))
    rows = rows_of("option-exercises", year="2006")
    assert [r["vested_value"] for r in rows] == [Decimal("2000.0000")] * 2


def test_402g_reads_in_the_same_queries_whatever_the_number_of_vestings(company):
    def count() -> int:
        report = REPORTS["option-exercises"].from_data({"year": "2007"})
        report.named()  # the named officers: a fixed number of queries (reports/neo.py)
        with CaptureQueriesContext(connection) as queries:
            list(report.rows())
            report.columns, report.footnotes()
        return len(queries.captured_queries)

    before = count()
    for n in range(5):
        person = officer(f"Officer {n}", 90_000)
        award = make_award(
            [(date(2007, 2, 1), 10), (date(2007, 5, 1), 10)],
            recipient=person,
            grant_date=date(2007, 1, 1),
        )
        award.confirm_vesting(date(2007, 2, 1), withheld=0, by=None)
        award.confirm_vesting(date(2007, 5, 1), withheld=0, by=None)
    assert count() == before == 2  # the data version's token, then the union


# --- 402(d) ---------------------------------------------------------------------------------


def test_402d_lists_the_awards_of_the_year_beside_the_options(auditor_client, company):
    make_grant(
        [(date(2006, 9, 1), 5_000)],
        optionee=company["bob"],
        grant_date=date(2006, 9, 1),
        exercise_price=Decimal("3.50"),
        expiration_date=date(2016, 9, 1),
    )
    rows = csv_rows(auditor_client, "/reports/plan-based-awards/?year=2006")
    assert rows[0] == [
        "Name",
        "Kind of award",
        "Grant date",
        "Number of shares of stock or units",
        "Number of securities underlying options",
        "Exercise price of option awards ($/sh)",
        "Closing market price on the grant date, where above the exercise price ($/sh)",
        "Purchase price of stock awards ($/sh)",
        "Grant date fair value of stock and option awards ($)",
    ]
    # Grant-date fair value: Alice 4,000 x ($3.00 - $0) = $12,000; Carol 2,000 x ($2.50 -
    # $1.00) = $3,000; Bob's units have no closing price on 2006-06-01 and his option no
    # assumptions for 2006: each says why it is not valued.
    no_assumptions = "not valued: no volatility, risk-free rate, dividend yield, expected term"
    keys = ("name", "kind", "grant_date", "stock_shares", "shares", "exercise_price")
    keys += ("closing_price", "purchase_price", "fair_value")
    rows = [tuple(row.get(key) for key in keys) for row in rows_of("plan-based-awards", year=2006)]
    assert rows == [
        ("Alice Able", "RSA", date(2006, 3, 1), 4000, None, None, None, 0, 12000),
        (
            "Bob Baker",
            "RSU",
            date(2006, 6, 1),
            3000,
            None,
            None,
            None,
            0,
            "not valued: no closing price recorded on 2006-06-01",
        ),
        (
            "Bob Baker",
            "Option",
            date(2006, 9, 1),
            None,
            5000,
            Decimal("3.50"),
            None,
            None,
            f"{no_assumptions} for 2006",
        ),
        ("Carol Cole", "RSA", date(2006, 1, 10), 2000, None, None, None, 1, 3000),
    ]
    # No award was made in 2007: the table has no award rows or columns.
    report = REPORTS["plan-based-awards"].from_data({"year": "2007"})
    assert list(report.rows()) == [] and len(report.columns) == 6


# --- 402(c) ---------------------------------------------------------------------------------


def test_402c_stock_awards_at_grant_date_fair_value_and_in_the_total(auditor_client, company):
    rows = csv_rows(auditor_client, "/reports/summary-compensation/?year=2006")
    assert rows[0] == [
        "Name and principal position",
        "Year",
        "Salary ($)",
        "Bonus ($)",
        "Stock awards ($) (1)",
        "Option awards ($) (2)",
        "All other compensation ($)",
        "Total ($) (3)",
    ]
    # Alice: 4,000 x ($3.00 on 2006-03-01 - $0) = $12,000; total 200,000 + 12,000. Her
    # option of 2005-07-13 has no valuation: fiscal 2005, with no yearly record, shows it
    # "not valued" and its total "not recorded" (DOMAIN.md §6).
    # Bob: no closing price on 2006-06-01: not valued, and so the total is not recorded
    # (DOMAIN.md §6: never $0, never a total without it).
    # Carol: 2,000 x ($2.50 on 2006-01-10 - $1.00) = $3,000; 100,000 + 10,000 + 3,000.
    # Order: by total, Alice $212,000, then Bob (ranked at his recorded $150,000), Carol.
    nothing = "not recorded"
    assert rows[1:5] == [
        ["Alice Able, Vice President", "2006", "200000", "n/a", "12000", "", "n/a", "212000"],
        [
            "Alice Able, Vice President",
            "2005",
            nothing,
            nothing,
            "",
            "not valued",
            nothing,
            nothing,
        ],
        ["Bob Baker, Vice President", "2006", "150000", "n/a", "not valued", "", "n/a", nothing],
        ["Carol Cole, Vice President", "2006", "100000", "10000", "3000", "", "n/a", "113000"],
    ]
    assert any(r and r[0].startswith("(1) Stock awards: the grant-date fair value") for r in rows)
    # The price entered later values Bob's units: 3,000 x $4.1234 = $12,370.20, rounded half
    # up to whole dollars: $12,370.
    StockPrice.objects.create(date=date(2006, 6, 1), price=Decimal("4.1234"))
    bob = rows_of("summary-compensation", year="2006")[2]
    assert (bob["stock_awards"], bob["total"]) == (Decimal("12370"), Decimal("162370"))


def test_402c_without_awards_in_the_three_years_has_no_stock_awards_column(company):
    report = REPORTS["summary-compensation"].from_data({"year": "2010"})
    list(report.rows())
    assert "stock_awards" not in [c.key for c in report.columns]
