"""Issue 12, point 5 (DOMAIN.md §3): 402(g) value realized is computed from the price table
when the report is produced; the spread stored with an exercise stays as recorded."""

from datetime import date
from decimal import Decimal

import pytest

from grants.models import Exercise, OptionGrant, StockPrice
from reports.definitions import OptionExercises
from tests.factories import approved_grant
from tests.reports.test_reports import csv_rows

pytestmark = pytest.mark.django_db

URL = "/reports/option-exercises/?year=2007"
NO_PRICE_NOTE = "(1) No closing price is recorded for the date of some exercises"


@pytest.fixture
def seed_grant(demo_data):
    # The demo's grant, approved: an option awaiting approval cannot be exercised.
    return approved_grant(OptionGrant.objects.select_related("optionee").get())


@pytest.fixture
def auditor_client(client_for):
    return client_for("auditor")


def has_no_price_note(rows) -> bool:
    return any(r and r[0].startswith(NO_PRICE_NOTE) for r in rows)


def test_a_price_entered_after_the_exercise_is_used_and_a_change_shows(auditor_client, seed_grant):
    exercise = seed_grant.exercise(10_000, date(2007, 3, 1))
    assert exercise.spread is None  # no price that day: no tax spread was recorded
    rows = csv_rows(auditor_client, URL)
    assert rows[1] == ["James R. Akridge (1)", "10000", "not recorded"]
    assert has_no_price_note(rows)

    # The price of another day is not the exercise date's closing price.
    StockPrice.objects.create(date=date(2007, 2, 28), price=Decimal("4.00"))
    assert csv_rows(auditor_client, URL)[1][2] == "not recorded"

    price = StockPrice.objects.create(date=date(2007, 3, 1), price=Decimal("4.50"))
    rows = csv_rows(auditor_client, URL)
    assert rows[1] == ["James R. Akridge", "10000", "15100"]  # (4.50 - 2.99) x 10,000
    assert not has_no_price_note(rows)

    price.price = Decimal("5.00")
    price.save()
    assert csv_rows(auditor_client, URL)[1] == ["James R. Akridge", "10000", "20100"]
    # What tax was withheld on is kept as recorded.
    exercise.refresh_from_db()
    assert exercise.fair_market_value is None and exercise.spread is None


def test_a_corrected_price_changes_the_value_but_not_the_stored_spread(auditor_client, seed_grant):
    price = StockPrice.objects.create(date=date(2007, 3, 1), price=Decimal("4.50"))
    exercise = seed_grant.exercise(10_000, date(2007, 3, 1))
    assert exercise.spread == Decimal("15100")
    price.price = Decimal("4.25")
    price.save()
    assert csv_rows(auditor_client, URL)[1] == ["James R. Akridge", "10000", "12600"]
    exercise.refresh_from_db()
    assert exercise.fair_market_value == Decimal("4.50") and exercise.spread == Decimal("15100")


def test_a_partly_priced_officer_shows_the_priced_value_with_the_note(auditor_client, seed_grant):
    seed_grant.exercise(10_000, date(2007, 3, 1))
    seed_grant.exercise(5_000, date(2007, 3, 2))
    StockPrice.objects.create(date=date(2007, 3, 2), price=Decimal("3.99"))
    rows = csv_rows(auditor_client, URL)
    assert rows[1] == ["James R. Akridge (1)", "15000", "5000"]  # (3.99 - 2.99) x 5,000
    assert has_no_price_note(rows)


def test_value_realized_is_read_in_one_query_whatever_the_number_of_exercises(
    seed_grant, django_assert_num_queries
):
    for day in (1, 2, 5, 6):
        StockPrice.objects.create(date=date(2007, 3, day), price=Decimal("4.99"))
        seed_grant.exercise(1_000, date(2007, 3, day))
    assert Exercise.objects.count() == 4
    report = OptionExercises({"year": 2007})
    report.named()  # the named officers: a fixed number of queries (reports/neo.py)
    # One query reads the totals (after the data version's token).
    with django_assert_num_queries(2):
        [row] = list(report.rows())
    assert row["value_realized"] == Decimal("8000")
