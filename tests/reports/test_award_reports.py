"""Issue 15, the reports (DOMAIN.md §3, §4, §5 and §6): restricted stock awards and units in
402(f), 402(g), 402(d), 402(c), the vesting schedule, the plan pool and the officer review,
with figures computed by hand from the small company below.

The company (2000 Stock Option Plan, 10,000,000 shares reserved):
- Alice Able: an option of 10,000 shares at $2.99 granted 2005-07-13 (2,500 a year from
  2005-07-13; 2,500 exercised 2007-03-01), and an RSA of 4,000 shares at $0 granted
  2006-03-01 (1,000 on 2007-03-01, 2008-03-01, 2009-03-01, 2010-03-01).
- Bob Baker: an RSU of 3,000 units at $0 granted 2006-06-01 (1,000 on 2006-12-01,
  2007-06-01, 2008-06-01). No closing price is recorded on 2006-06-01.
- Carol Cole: an RSA of 2,000 shares at $1.00 granted 2006-01-10 (1,000 on 2006-07-10 and
  2007-07-10); her service ends 2007-01-15, forfeiting the 2007-07-10 installment.
Closing prices: 2006-01-10 $2.50; 2006-03-01 $3.00; 2006-07-10 $3.50; 2006-12-29 $4.00;
2007-03-01 $4.20; 2007-06-01 $5.00.
Confirmed vestings: Carol 2006-07-10, Bob 2006-12-01 (400 withheld), Alice 2007-03-01, Bob
2007-06-01.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from compensation.models import Person
from grants.models import OptionGrant, StockAward, StockPlan, StockPrice
from grants.models.service import record_end_of_service
from reports.definitions import REPORTS
from tests.factories import (
    OfficerYearFactory,
    PersonFactory,
    RegistrationPeriodFactory,
    make_award,
    make_grant,
)
from tests.reports.test_reports import csv_rows, pdf_text, xlsx_rows

pytestmark = pytest.mark.django_db

PLAN = "2000 Stock Option Plan"
PRICES = {
    date(2006, 1, 10): "2.50",
    date(2006, 3, 1): "3.00",
    date(2006, 7, 10): "3.50",
    date(2006, 12, 29): "4.00",
    date(2007, 3, 1): "4.20",
    date(2007, 6, 1): "5.00",
}


def officer(name: str, salary: int, bonus: int | None = None) -> Person:
    person = PersonFactory(name=name)
    OfficerYearFactory(
        person=person,
        fiscal_year=2006,
        title="Vice President",
        base_salary=Decimal(salary),
        bonus=bonus,
        approved=True,
    )
    return person


@pytest.fixture
def company():
    RegistrationPeriodFactory()
    for day, price in PRICES.items():
        StockPrice.objects.create(date=day, price=Decimal(price))
    alice = officer("Alice Able", 200_000)
    bob = officer("Bob Baker", 150_000)
    carol = officer("Carol Cole", 100_000, bonus=10_000)
    option = make_grant(optionee=alice)  # 10,000 at $2.99, 2005-07-13, 2,500 a year
    option.exercise(2_500, date(2007, 3, 1))
    rsa = make_award(recipient=alice, grant_date=date(2006, 3, 1))  # 4 x 1,000 from 2007
    rsu = make_award(
        [(date(2006, 12, 1), 1_000), (date(2007, 6, 1), 1_000), (date(2008, 6, 1), 1_000)],
        recipient=bob,
        grant_date=date(2006, 6, 1),
        award_type="RSU",
    )
    carols = make_award(
        [(date(2006, 7, 10), 1_000), (date(2007, 7, 10), 1_000)],
        recipient=carol,
        grant_date=date(2006, 1, 10),
        purchase_price=Decimal("1.00"),
    )
    carols.confirm_vesting(date(2006, 7, 10), withheld=0, by=None)
    rsu.confirm_vesting(date(2006, 12, 1), withheld=400, by=None)
    rsa.confirm_vesting(date(2007, 3, 1), withheld=300, by=None)
    rsu.confirm_vesting(date(2007, 6, 1), withheld=0, by=None)
    carol.terminated_on, carol.termination_reason = date(2007, 1, 15), "other"
    record_end_of_service(carol)
    return {"alice": alice, "bob": bob, "carol": carol, "rsa": rsa, "rsu": rsu, "carols": carols}


@pytest.fixture
def auditor_client(client_for):
    return client_for("auditor")


def rows_of(name: str, **params) -> list[dict]:
    return list(REPORTS[name].from_data(params).rows())


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
    assert row["name"] == "Alice Able (1)" and len(report.footnotes()) == 2
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
    assert count() == before == 1


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


# --- Vesting schedule ---------------------------------------------------------------------


def test_the_vesting_schedule_includes_award_installments_with_their_kind(auditor_client, company):
    rows = [r for r in csv_rows(auditor_client, "/reports/vesting-schedule/")[1:] if r]
    assert rows[0][-1] == "Option" and len(rows) == 4 + 4 + 3 + 2
    carol = [r for r in rows if r[0] == "Carol Cole"]
    assert carol == [
        ["Carol Cole", "2006-01-10", "2006-07-10", "1000", "", "1000", "2000", "RSA"],
        [
            "Carol Cole",
            "2006-01-10",
            "2007-07-10",
            "1000",
            "Forfeited (service ended 2007-01-15)",
            "",
            "2000",
            "RSA",
        ],
    ]
    bob = [(r[2], r[5], r[7]) for r in rows if r[0] == "Bob Baker"]
    assert bob == [
        ("2006-12-01", "1000", "RSU"),
        ("2007-06-01", "2000", "RSU"),
        ("2008-06-01", "3000", "RSU"),
    ]
    # Dates narrow both kinds; running totals still count from the first installment.
    narrowed = rows_of("vesting-schedule", start="2007-06-01", end="2007-12-31")
    assert [(r["name"], r["vest_date"], r["running_total"]) for r in narrowed] == [
        ("Alice Able", date(2007, 7, 13), 7_500),
        ("Bob Baker", date(2007, 6, 1), 2_000),
        ("Carol Cole", date(2007, 7, 10), None),
    ]


# --- Plan pool ------------------------------------------------------------------------------


def test_the_plan_pool_counts_awards_granted_vested_and_forfeited(auditor_client, company):
    rows = {
        r[0]: r for r in csv_rows(auditor_client, "/reports/plan-pool/?as_of=2007-06-30")[1:] if r
    }
    # Granted: 10,000 option + 4,000 + 3,000 + 2,000 award shares = 19,000. Exercised or
    # vested: 2,500 exercised; Alice 1,000, Bob 2,000, Carol 1,000 vested = 6,500.
    # Forfeited: Carol's 2007-07-10 installment (service ended 2007-01-15) = 1,000.
    # Outstanding 19,000 - 6,500 - 1,000 = 11,500; available 10,000,000 - 18,000.
    assert rows[PLAN][1:] == ["10000000", "19000", "6500", "1000", "0", "11500", "9982000"]
    plan = StockPlan.objects.get(name=PLAN)
    for on in (date(2006, 12, 31), date(2007, 6, 30), date(2011, 1, 1)):
        [pool] = [r for r in rows_of("plan-pool", as_of=on.isoformat()) if r["plan"] == PLAN]
        assert plan.shares_reserved - pool["available"] == plan.shares_in_use(on), on
    # At the 2006 year-end Carol's 2007 end of service forfeits nothing yet.
    [pool] = [r for r in rows_of("plan-pool", as_of="2006-12-31") if r["plan"] == PLAN]
    assert (pool["granted"], pool["forfeited"], pool["available"]) == (19_000, 0, 9_981_000)


# --- Officer review -------------------------------------------------------------------------


def review(client, as_of: str, price: str = "5"):
    response = client.get(f"/compensation/review/?year=2006&price={price}&as_of={as_of}")
    assert response.status_code == 200
    return response


def test_the_officer_review_values_unvested_awards_at_the_typed_price(client_for, company):
    response = review(client_for("committee"), "2006-12-31")
    officers = {o["record"].person.name: o for o in response.context["officers"]}
    alice = officers["Alice Able"]
    # Option: 5,000 unvested x (5 - 2.99) = $10,050; RSA: 4,000 x $5 = $20,000.
    assert (alice["value"], alice["award_unvested"], alice["award_value"], alice["total"]) == (
        Decimal("10050.00"),
        4_000,
        Decimal("20000"),
        Decimal("30050.00"),
    )
    assert [a["award"].award_type for a in alice["awards"]] == ["RSA"]
    assert officers["Bob Baker"]["award_value"] == Decimal("10000")  # 2,000 units x $5
    assert officers["Carol Cole"]["award_value"] == Decimal("5000")  # 1,000 x $5
    assert response.context["total_value"] == Decimal("45050.00")
    html = response.content.decode()
    assert "Restricted stock unit (RSU) of" in html and "$45,050" in html
    # As of 2007-02-01: Carol's end of service (2007-01-15) has forfeited her shares.
    later = {
        o["record"].person.name: o
        for o in review(client_for("committee"), "2007-02-01").context["officers"]
    }
    assert later["Carol Cole"]["awards"] == [] and later["Carol Cole"]["award_value"] == 0


def test_an_award_granted_after_the_date_does_not_exist_yet(client_for, company):
    make_award(
        [(date(2008, 1, 5), 500)],
        recipient=company["alice"],
        grant_date=date(2007, 1, 5),
        award_type="RSU",
    )
    oea = rows_of("outstanding-equity-awards", as_of="2006-12-31")
    assert [r["stock_unvested"] for r in oea if r["kind"] != "Option"] == [4_000, 2_000, 1_000]
    response = review(client_for("committee"), "2006-12-31")
    alice = next(o for o in response.context["officers"] if o["record"].person.name == "Alice Able")
    assert alice["award_unvested"] == 4_000


def test_the_pages_read_in_the_same_queries_whatever_the_number_of_awards(client_for, company):
    client = client_for("committee")
    urls = [
        OEA_2006,
        "/reports/plan-pool/?as_of=2007-06-30",
        "/reports/vesting-schedule/",
        "/reports/plan-based-awards/?year=2006",
        "/reports/summary-compensation/?year=2006",
        "/compensation/review/?year=2006&price=5&as_of=2006-12-31",
    ]
    client.get(urls[0])  # the session's first request renews it (a write)

    def counts() -> list[int]:
        found = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            found.append(len(queries.captured_queries))
        return found

    before = counts()
    for person in (company["alice"], company["bob"]):
        for month in (2, 4, 8):
            make_award(recipient=person, grant_date=date(2006, month, 1), award_type="RSU")
    assert counts() == before


# --- Exports --------------------------------------------------------------------------------


def test_the_award_columns_export_to_excel_and_pdf(auditor_client, company):
    sheet = xlsx_rows(auditor_client, OEA_2006)
    bob = next(r for r in sheet if r and r[0] == "Bob Baker (3)")
    assert bob[1] == "RSU" and bob[6:8] == (2000, 8000) and isinstance(bob[6], int)
    sheet = xlsx_rows(auditor_client, "/reports/summary-compensation/?year=2006")
    bob = next(r for r in sheet if r and str(r[0]).startswith("Bob Baker"))
    assert bob[4] == "not valued" and bob[7] == "not recorded"
    sheet = xlsx_rows(auditor_client, "/reports/option-exercises/?year=2007")
    alice = next(r for r in sheet if r and r[0] == "Alice Able")
    assert alice[1:5] == (2500, 3025, 1000, 4200)
    text = pdf_text(auditor_client, OEA_2006)
    assert "RSU" in text and "$8,000" in text and "2006-12-29" in text


def test_402g_counts_every_vesting_of_the_year_confirmed_or_not_and_never_a_forfeited_one(db):
    for day, price in PRICES.items():
        StockPrice.objects.create(date=day, price=Decimal(price))
    dana = officer("Dana Dunn", 120_000)
    award = make_award(
        [(date(2006, 3, 1), 1000), (date(2006, 7, 10), 1000), (date(2006, 10, 1), 1000)],
        recipient=dana,
        grant_date=date(2006, 1, 10),
        award_type="RSU",
    )
    award.confirm_vesting(date(2006, 3, 1), withheld=250, by=None)  # the others: not yet
    dana.terminated_on, dana.termination_reason = date(2006, 9, 1), "other"
    record_end_of_service(dana)  # the 2006-10-01 installment is forfeited
    [row] = REPORTS["option-exercises"].from_data({"year": 2006}).rows()
    # 1,000 x $3.00 (2006-03-01) + 1,000 x $3.50 (2006-07-10), gross: 2,000 shares, $6,500.
    assert (row["vested_shares"], row["vested_value"]) == (2000, Decimal("6500"))


def test_the_vesting_schedule_shows_one_award_chosen_by_its_number(auditor_client, company):
    award = StockAward.objects.filter(award_type="RSU").first()
    rows = list(REPORTS["vesting-schedule"].from_data({"award": award.pk}).rows())
    assert rows and {row["kind"] for row in rows} == {"RSU"}
    assert sum(row["shares"] for row in rows) == award.shares
    # A real grant's number: PostgreSQL does not reset ids between tests.
    grant = OptionGrant.objects.first()
    assert grant is not None
    page = auditor_client.get(f"/reports/vesting-schedule/?award={award.pk}&grant={grant.pk}")
    assert "Choose a grant or an award, not both." in page.content.decode()
    missing = auditor_client.get("/reports/vesting-schedule/?award=999999")
    assert "There is no award with this number." in missing.content.decode()
