"""Issue 16, the tables (DOMAIN.md §3, §5 and §6): the Item 402 tables of a hand-built
company for fiscal year 2006 (December 31 year-end), every figure computed by hand below;
the demo's fiscal 2006; and a June 30 year-end.

The company (2000 Stock Option Plan; shares registered from 2000 on). Yearly records for
2006 are approved unless said otherwise:
- Ann Chief, Chief Executive Officer, marked PEO for 2006: salary $300,000, bonus $50,000,
  all other compensation $12,500. 2005 record: salary $280,000, bonus n/a, other n/a. No
  2004 record, but an option of 2,000 shares at $10.00 granted 2004-05-03 (vesting
  2005-05-03), never valued.
  Option of 10,000 shares at $40.00 granted 2006-03-01 (the committee acted 2006-02-20),
  5,000 vesting that day and 5,000 on 2007-03-01, with its own assumptions: volatility
  20%, risk-free rate 10%, dividend yield 0, expected term 0.5 years. Closing price on
  2006-03-01: $42.00 (entered after the grant). Black-Scholes-Merton (DOMAIN.md §5):
      d1 = (ln(42/40) + (0.10 + 0.20^2/2) x 0.5) / (0.20 x sqrt(0.5))
         = (0.048790 + 0.06) / 0.141421 = 0.769263;  d2 = d1 - 0.141421 = 0.627841
      N(d1) = 0.779131, N(d2) = 0.734950
      C = 42 x 0.779131 - 40 x e^(-0.05) x 0.734950 = 32.7235 - 38.0492 x 0.734950
        = 32.7235 - 27.9643 = 4.7594 per option (4 decimals, half up)
      x 10,000 options = $47,594.
  1,000 exercised 2006-08-01 at the $45.00 closing price: (45 - 40) x 1,000 = $5,000.
- Frank Money, Chief Financial Officer, marked PFO: salary $200,000, bonus n/a. An RSA of
  1,000 shares at $0 granted 2006-06-01 (closing $45.00): 1,000 x $45.00 = $45,000;
  500 vest 2006-12-01 (closing $46.00: 500 x 46 = $23,000) and 500 on 2007-06-01.
- Olive One: salary $190,000, bonus $20,000: total $210,000.
- Tia Three: salary $170,000, bonus $10,000: total $180,000.
- Tom Two: salary $180,000, bonus n/a, and an option of 1,000 shares at $50.00 granted
  2006-09-01 (closing $48.00) with no assumptions for 2006: not valued, so his total is
  "not recorded" and ranks by its recorded parts, $180,000. 500 vest 2006-10-01 and 500
  on 2007-10-01. His service ends 2006-11-15 (other reason): the option may be exercised
  until 2006-11-15 + 3 months = 2007-02-15 (paragraph 5(b)), for the 500 vested.
- Uma Four: salary $180,000, bonus n/a, and an option granted 2006-04-03: $180,000, tied
  with Tia and Tom; by name she is the one left out.
- Victor Low: salary $100,000. Wendy Proposed: a 2006 proposal of $500,000 (not approved:
  not an executive officer for the year).
Named executive officers for 2006: Ann (PEO), Frank (PFO), then Olive ($210,000), Tia
($180,000) and Tom (ranked at $180,000); Uma ($180,000) ties and is fourth by name.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.test import override_settings

from compensation.models import OfficerYear, Person
from grants.models import OptionGrant, StockPrice, value_grant
from grants.models.service import record_end_of_service
from reports.definitions import REPORTS
from reports.forms import FiscalYearEndForm
from tests.factories import (
    OfficerYearFactory,
    PersonFactory,
    RegistrationPeriodFactory,
    approved_grant,
    make_award,
    make_grant,
)
from tests.reports.test_reports import csv_rows

pytestmark = pytest.mark.django_db

D = Decimal
NR, NV = "not recorded", "not valued"


def record(name: str, salary: int | None, bonus: int | None = None, **fields) -> Person:
    person = PersonFactory(name=name)
    fields.setdefault("approved", True)
    fields.setdefault("title", "Vice President")
    OfficerYearFactory(
        person=person,
        fiscal_year=fields.pop("fiscal_year", 2006),
        base_salary=None if salary is None else D(salary),
        bonus=None if bonus is None else D(bonus),
        **fields,
    )
    return person


@pytest.fixture
def company(db):
    RegistrationPeriodFactory()
    ann = record(
        "Ann Chief", 300_000, 50_000, title="Chief Executive Officer", is_peo=True,
        other_compensation=D("12500"),
    )  # fmt: skip
    record("Ann Chief", 280_000, fiscal_year=2005, title="Chief Executive Officer")
    frank = record("Frank Money", 200_000, title="Chief Financial Officer", is_pfo=True)
    record("Olive One", 190_000, 20_000)
    record("Tia Three", 170_000, 10_000)
    tom = record("Tom Two", 180_000)
    uma = record("Uma Four", 180_000)
    record("Victor Low", 100_000)
    record("Wendy Proposed", 500_000, approved=False)
    make_grant(
        [(date(2005, 5, 3), 2_000)],
        optionee=ann,
        grant_date=date(2004, 5, 3),
        exercise_price=D("10.00"),
        expiration_date=date(2014, 5, 3),
    )
    option = make_grant(
        [(date(2006, 3, 1), 5_000), (date(2007, 3, 1), 5_000)],
        optionee=ann,
        grant_date=date(2006, 3, 1),
        exercise_price=D("40.00"),
        expiration_date=date(2016, 3, 1),
        authorized_on=date(2006, 2, 20),
        volatility=D("0.20"),
        risk_free_rate=D("0.10"),
        dividend_yield=D("0"),
        expected_term=D("0.5"),
    )
    for day, price in {
        date(2006, 3, 1): "42.00",  # entered after the grant: above its exercise price
        date(2006, 6, 1): "45.00",
        date(2006, 8, 1): "45.00",
        date(2006, 9, 1): "48.00",
        date(2006, 12, 1): "46.00",
    }.items():
        StockPrice.objects.create(date=day, price=D(price))
    value_grant(option)
    option.exercise(1_000, date(2006, 8, 1))
    make_award(
        [(date(2006, 12, 1), 500), (date(2007, 6, 1), 500)],
        recipient=frank,
        grant_date=date(2006, 6, 1),
        authorized_on=date(2006, 6, 1),
    )
    make_grant(
        [(date(2006, 10, 1), 500), (date(2007, 10, 1), 500)],
        optionee=tom,
        grant_date=date(2006, 9, 1),
        exercise_price=D("50.00"),
        expiration_date=date(2016, 9, 1),
    )
    make_grant(
        [(date(2007, 4, 3), 1_000)],
        optionee=uma,
        grant_date=date(2006, 4, 3),
        exercise_price=D("47.00"),
        expiration_date=date(2016, 4, 3),
    )
    tom.terminated_on, tom.termination_reason = date(2006, 11, 15), "other"
    record_end_of_service(tom)
    return {"ann": ann, "option": option}


def report(name: str, **params):
    return REPORTS[name].from_data(params)


def table(name: str, keys: tuple[str, ...], **params) -> list[tuple]:
    return [tuple(row.get(key) for key in keys) for row in report(name, **params).rows()]


# --- Fair value on the grant ----------------------------------------------------------------


def test_the_hand_built_option_is_valued_as_computed_by_hand(company):
    valuation = company["option"].valuations.get()
    assert valuation.value_per_option == D("4.7594")
    assert valuation.fair_value == D("47594")


# --- 402(c) ---------------------------------------------------------------------------------

C_KEYS = ("name", "year", "salary", "bonus", "stock_awards", "option_awards")
C_KEYS += ("other_compensation", "total")


def test_402c_figures_and_totals_as_computed_by_hand(company):
    ceo, cfo = "Ann Chief, Chief Executive Officer", "Frank Money, Chief Financial Officer"
    vp = "Vice President"
    assert table("summary-compensation", C_KEYS, year=2006) == [
        # 300,000 + 50,000 + 47,594 + 12,500 = 410,094.
        (ceo, 2006, D(300_000), D(50_000), None, D(47_594), D(12_500), D(410_094)),
        # n/a counts as $0: 280,000.
        (ceo, 2005, D(280_000), "n/a", None, None, "n/a", D(280_000)),
        # No 2004 record, but the 2004-05-03 grant: the year appears, nothing recorded.
        (ceo, 2004, NR, NR, None, NV, NR, NR),
        # 200,000 + 45,000.
        (cfo, 2006, D(200_000), "n/a", D(45_000), None, "n/a", D(245_000)),
        (f"Olive One, {vp}", 2006, D(190_000), D(20_000), None, None, "n/a", D(210_000)),
        (f"Tia Three, {vp}", 2006, D(170_000), D(10_000), None, None, "n/a", D(180_000)),
        # The option not valued: never $0, and the total is not recorded.
        (f"Tom Two, {vp}", 2006, D(180_000), "n/a", None, NV, "n/a", NR),
    ]


def test_402c_columns_and_footnotes_name_the_method_the_inputs_and_what_is_not_kept(company):
    summary = report("summary-compensation", year=2006)
    list(summary.rows())
    assert [c.label for c in summary.columns] == [
        "Name and principal position",
        "Year",
        "Salary ($)",
        "Bonus ($)",
        "Stock awards ($) (1)",
        "Option awards ($) (2)",
        "All other compensation ($)",
        "Total ($) (3)",
    ]
    notes = summary.footnotes()
    assert notes[0] == (
        "Fiscal years end on December 31: fiscal year 2006 runs from 2006-01-01 to 2006-12-31."
    )
    assert notes[1].startswith(
        "Named executive officers for fiscal year 2006: Ann Chief (principal executive "
        "officer); Frank Money (principal financial officer); the three other executive "
        "officers (of 5) with the highest total compensation for the year: Olive One "
        "($210,000.00), Tia Three ($180,000.00) and Tom Two (not recorded; ranked at $180,000.00)."
    )
    assert any(
        n.startswith("(2) Option awards: the aggregate grant-date fair value") for n in notes
    )
    assert any("Black-Scholes-Merton" in n and "valuation assumptions table" in n for n in notes)
    assert (
        "Ann Chief, the option granted 2006-03-01 (fiscal year 2006): 10,000 options x $4.7594 "
        "= $47,594.00; closing price on the grant date $42.00, exercise price $40.00, expected "
        "volatility 20.00%, risk-free rate 10.00%, dividend yield 0.00%, expected term 0.5 "
        "years; inputs: all entered for the grant."
    ) in notes
    assert (
        "Ann Chief, the option granted 2004-05-03 (fiscal year 2004): not valued: no "
        "volatility, risk-free rate, dividend yield, expected term for 2004."
    ) in notes
    assert (
        "Tom Two, the option granted 2006-09-01 (fiscal year 2006): not valued: no "
        "volatility, risk-free rate, dividend yield, expected term for 2006."
    ) in notes
    not_kept = next(n for n in notes if n.startswith("Not kept:"))
    assert "non-equity incentive plan compensation" in not_kept
    assert "change in pension value and nonqualified deferred compensation earnings" in not_kept


def test_402c_a_valuation_entered_later_completes_the_total(company):
    tom = OptionGrant.objects.get(optionee__name="Tom Two")
    tom.volatility, tom.risk_free_rate = D("0.20"), D("0.10")
    tom.dividend_yield, tom.expected_term = D("0"), D("0.5")
    tom.save()
    valuation = value_grant(tom)
    # S 48, K 50, r 10%, s 20%, T 0.5: d1 = (ln(0.96) + 0.06) / 0.141421 = 0.135609,
    # d2 = -0.005812; N(d1) = 0.553935, N(d2) = 0.497681; C = 48 x 0.553935 - 50 x
    # e^(-0.05) x 0.497681 = 26.5889 - 23.6705 = 2.9184; x 1,000 = $2,918.40, so $2,918.
    assert (valuation.value_per_option, valuation.fair_value) == (D("2.9184"), D(2_918))
    row = next(
        r for r in report("summary-compensation", year=2006).rows() if r["name"].startswith("Tom")
    )
    # 180,000 + n/a + 2,918 = 182,918.
    assert (row["option_awards"], row["total"]) == (D(2_918), D(182_918))


def test_402c_a_proposal_is_marked_and_not_totalled(company):
    ann_2006 = OfficerYear.objects.get(person__name="Ann Chief", fiscal_year=2006)
    ann_2006.status = OfficerYear.Status.PROPOSED
    ann_2006.save()
    row = next(iter(report("summary-compensation", year=2006).rows()))
    # The bonus is approved on its own: it stays a figure; the year is not totalled.
    assert (row["salary"], row["bonus"], row["other_compensation"], row["total"]) == (
        "Proposed: $300,000.00",
        Decimal("50000"),
        "Proposed: $12,500.00",
        "not approved",
    )
    ann_2006.status = OfficerYear.Status.APPROVED
    ann_2006.bonus_status = OfficerYear.BonusStatus.PROPOSED
    ann_2006.save()
    row = next(iter(report("summary-compensation", year=2006).rows()))
    # A proposed bonus beside an approved salary: only the bonus is marked.
    assert (row["salary"], row["bonus"], row["total"]) == (
        Decimal("300000"),
        "Proposed: $50,000.00",
        "not approved",
    )


def test_402c_exports_the_same_figures_as_csv(client_for, company):
    rows = csv_rows(client_for("auditor"), "/reports/summary-compensation/?year=2006")
    ann = rows[1]
    assert ann[:2] == ["Ann Chief, Chief Executive Officer", "2006"]
    assert ann[5] in ("47594", "47594.00") and ann[7] in ("410094", "410094.00")


# --- 402(d) ---------------------------------------------------------------------------------

D_KEYS = ("name", "kind", "grant_date", "action_date", "stock_shares", "shares")
D_KEYS += ("exercise_price", "closing_price", "purchase_price", "fair_value")


def test_402d_committee_date_closing_price_below_and_fair_value(company):
    no_assumptions = "not valued: no volatility, risk-free rate, dividend yield, expected term"
    assert table("plan-based-awards", D_KEYS, year=2006) == [
        # Committee acted 2006-02-20; $40.00 is below the $42.00 close: shown; $47,594.
        ("Ann Chief", "Option", date(2006, 3, 1), date(2006, 2, 20), None, 10_000,
         D("40.00"), D("42.00"), None, D(47_594)),
        # 1,000 x ($45.00 - $0) = $45,000; the committee's date is the grant date: blank.
        ("Frank Money", "RSA", date(2006, 6, 1), None, 1_000, None, None, None, D(0),
         D(45_000)),
        # $50.00 is above the $48.00 close: no closing price shown.
        ("Tom Two", "Option", date(2006, 9, 1), None, None, 1_000, D("50.00"), None, None,
         f"{no_assumptions} for 2006"),
    ]  # fmt: skip
    labels = [c.label for c in report("plan-based-awards", year=2006).columns]
    assert "Date of the committee's action (1)" in labels
    assert labels[-1] == "Grant date fair value of stock and option awards ($)"


def test_402d_without_a_differing_committee_date_has_no_such_column(company):
    company["option"].authorized_on = date(2006, 3, 1)  # the grant date itself
    company["option"].save()
    plan_based = report("plan-based-awards", year=2006)
    assert [row["action_date"] for row in plan_based.rows()] == [None, None, None]
    assert "action_date" not in [c.key for c in plan_based.columns]


# --- 402(f) ---------------------------------------------------------------------------------

F_KEYS = ("name", "exercisable", "unexercisable", "exercise_price", "expiration_date")


def test_402f_shows_the_deadline_of_an_option_whose_holder_left_with_a_footnote(company):
    outstanding = report("outstanding-equity-awards", as_of="2006-12-31")
    ann_2004, ann_2006, _frank, tom = table("outstanding-equity-awards", F_KEYS, as_of="2006-12-31")
    # Ann: 2,000 vested 2005-05-03; 5,000 vested less 1,000 exercised, 5,000 unvested.
    assert ann_2004 == ("Ann Chief", 2_000, 0, D("10.00"), date(2014, 5, 3))
    assert ann_2006 == ("Ann Chief (1)", 4_000, 5_000, D("40.00"), date(2016, 3, 1))
    # Tom: 500 vested by 2006-11-15, the rest forfeited; the deadline, not 2016-09-01.
    assert tom == ("Tom Two (3)", 500, 0, D("50.00"), date(2007, 2, 15))
    list(outstanding.rows())
    assert outstanding.footnotes()[2] == (
        "(3) Service of Tom Two ended on 2006-11-15 (for a reason other than disability or "
        "death): the option granted 2006-09-01, which expires 2016-09-01, may be exercised "
        "until 2007-02-15 under paragraph 5(b) of the option agreement, for the shares "
        "vested on 2006-11-15; the rest are forfeited. The expiration date column shows "
        "that deadline."
    )


def test_402f_before_the_end_of_service_shows_the_expiration_date(company):
    # As of 2006-10-31 the 2006-11-15 end of service is not known (DOMAIN.md §3).
    rows = table("outstanding-equity-awards", F_KEYS, as_of="2006-10-31")
    assert ("Tom Two (3)", 500, 500, D("50.00"), date(2016, 9, 1)) in rows


def test_402f_values_stock_not_vested_at_the_year_end_price(company):
    rows = table("outstanding-equity-awards", ("name", "stock_unvested", "stock_value"),
                 as_of="2006-12-31")  # fmt: skip
    # 500 not vested x $46.00 (2006-12-01, the latest price by the year-end) = $23,000.
    assert ("Frank Money (2)", 500, D("23000.00")) in rows


# --- 402(g) ---------------------------------------------------------------------------------


def test_402g_options_exercised_and_stock_vested_in_the_fiscal_year(company):
    keys = ("name", "shares", "value_realized", "vested_shares", "vested_value")
    assert table("option-exercises", keys, year=2006) == [
        ("Ann Chief", 1_000, D("5000"), None, None),  # (45 - 40) x 1,000
        ("Frank Money", None, None, 500, D("23000")),  # 500 x $46.00 on 2006-12-01
    ]


# --- The demo's fiscal 2006 -----------------------------------------------------------------


@pytest.fixture
def marked_demo(demo_data):
    """The demo, with its PEO and PFO for 2006 marked here from their exhibit titles."""
    records = OfficerYear.objects.filter(fiscal_year=2006)
    records.filter(person__name="James R. Akridge").update(is_peo=True)
    records.filter(person__name="Thomas F. Mezger").update(is_pfo=True)


def test_the_demo_402c_for_fiscal_2006_shows_akridges_2005_grant(marked_demo):
    rows = table("summary-compensation", C_KEYS, year=2006)
    akridge = "James R. Akridge, Chief Executive Officer and President"
    assert [r for r in rows if r[0] == akridge] == [
        (akridge, 2006, D(250_000), "n/a", None, None, "n/a", D(250_000)),
        # The 1,000,000 options granted 2005-07-13: no assumptions entered, no record.
        (akridge, 2005, NR, NR, None, NV, NR, NR),
        # The 2004 bonus, with no 2004 salary recorded.
        (akridge, 2004, NR, D(95_625), None, None, "n/a", NR),
    ]
    # Akridge (PEO), Mezger (PFO), then Bogues and Guo ($200,000, by name), Williams.
    names = list(dict.fromkeys(r[0].split(",")[0] for r in rows))
    assert names == [
        "James R. Akridge",
        "Thomas F. Mezger",
        "Dean Bogues",
        "Dr. ChunTai Guo",
        "Roger A. Williams",
    ]


# --- A June 30 year-end ---------------------------------------------------------------------


@override_settings(FISCAL_YEAR_END="06-30")
def test_with_a_june_30_year_end_the_demo_grant_falls_in_fiscal_2006(marked_demo):
    form = FiscalYearEndForm({})
    assert form.is_valid() and form.cleaned_data["as_of"] == date(2006, 6, 30)
    # 2005-07-13 is in fiscal 2006 (2005-07-01 to 2006-06-30), not 2005.
    assert [r["name"] for r in report("plan-based-awards", year=2006).rows()] == [
        "James R. Akridge"
    ]
    assert list(report("plan-based-awards", year=2005).rows()) == []
    rows = [r for r in table("summary-compensation", C_KEYS, year=2006) if "Akridge" in r[0]]
    assert [(r[1], r[5], r[7]) for r in rows] == [(2006, NV, NR), (2004, None, NR)]
    summary = report("summary-compensation", year=2006)
    list(summary.rows())
    assert summary.footnotes()[0] == (
        "Fiscal years end on June 30: fiscal year 2006 runs from 2005-07-01 to 2006-06-30."
    )
    # 402(f) at 2006-06-30: 100,000 vested 2005-07-13; 900,000 not yet.
    [akridge] = table("outstanding-equity-awards", F_KEYS, as_of="2006-06-30")
    assert akridge[1:3] == (100_000, 900_000)


@override_settings(FISCAL_YEAR_END="06-30")
def test_with_a_june_30_year_end_402g_counts_exercises_by_fiscal_year(marked_demo):
    grant = approved_grant(OptionGrant.objects.get())
    StockPrice.objects.create(date=date(2006, 6, 30), price=D("3.99"))
    grant.exercise(1_000, date(2006, 6, 30))  # fiscal 2006: (3.99 - 2.99) x 1,000
    grant.exercise(2_000, date(2006, 7, 1))  # fiscal 2007, no price recorded that day
    keys = ("name", "shares", "value_realized")
    assert table("option-exercises", keys, year=2006) == [("James R. Akridge", 1_000, D("1000"))]
    assert table("option-exercises", keys, year=2007) == [
        ("James R. Akridge (1)", 2_000, "not recorded")
    ]
