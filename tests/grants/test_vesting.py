from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grants import demo
from grants.vesting import Allocation, VestingSchedule, allocate


@pytest.mark.parametrize(
    ("allocation", "expected"),
    [
        (Allocation.CUMULATIVE_ROUNDING, [5, 4, 5, 4]),
        (Allocation.CUMULATIVE_ROUND_DOWN, [4, 5, 4, 5]),
        (Allocation.FRONT_LOADED, [5, 5, 4, 4]),
        (Allocation.BACK_LOADED, [4, 4, 5, 5]),
    ],
)
def test_open_cap_formats_example_of_18_shares_in_4_tranches(allocation, expected):
    assert allocate(18, 4, allocation) == expected


def test_the_generator_reproduces_the_seed_grants_table():
    schedule = VestingSchedule(
        total_shares=1_000_000,
        start=date(2005, 7, 13),
        immediate_shares=100_000,
        cliff_months=12,
        cliff_shares=225_000,
        installments=12,
        interval_months=3,
    )
    assert schedule.rows() == demo.INSTALLMENTS


def test_dates_are_computed_from_the_start_not_chained():
    schedule = VestingSchedule(
        total_shares=300, start=date(2006, 11, 30), installments=3, interval_months=3
    )
    # Chaining would give 2007-02-28, 2007-05-28, 2007-08-28.
    assert [day for day, _ in schedule.rows()] == [
        date(2007, 2, 28),
        date(2007, 5, 30),
        date(2007, 8, 30),
    ]


def test_a_leap_year_month_end_is_reached():
    schedule = VestingSchedule(
        total_shares=2, start=date(2007, 11, 30), installments=2, interval_months=3
    )
    assert schedule.rows()[0][0] == date(2008, 2, 29)


def test_a_schedule_that_asks_for_more_than_the_total_is_refused():
    schedule = VestingSchedule(total_shares=100, start=date(2005, 1, 1), immediate_shares=101)
    assert "exceed the total" in " ".join(schedule.errors())
    with pytest.raises(ValueError):
        schedule.rows()


@given(
    total=st.integers(0, 10_000_000),
    count=st.integers(1, 60),
    allocation=st.sampled_from(Allocation.values),
)
def test_allocations_sum_to_the_total_and_differ_by_at_most_one(total, count, allocation):
    tranches = allocate(total, count, allocation)
    assert sum(tranches) == total
    assert len(tranches) == count
    assert max(tranches) - min(tranches) <= 1


@given(
    total=st.integers(1, 5_000_000),
    start=st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 12, 31)),
    immediate=st.integers(0, 100),
    cliff_months=st.integers(0, 24),
    installments=st.integers(1, 48),
    interval=st.integers(1, 12),
    allocation=st.sampled_from(Allocation.values),
)
def test_generated_installments_sum_to_the_total_on_increasing_dates(
    total, start, immediate, cliff_months, installments, interval, allocation
):
    immediate = min(immediate, total)
    cliff_shares = (total - immediate) // 4 if cliff_months else 0
    rows = VestingSchedule(
        total_shares=total,
        start=start,
        immediate_shares=immediate,
        cliff_months=cliff_months,
        cliff_shares=cliff_shares,
        installments=installments,
        interval_months=interval,
        allocation=allocation,
    ).rows()
    assert sum(shares for _, shares in rows) == total
    assert all(shares > 0 for _, shares in rows)
    dates = [day for day, _ in rows]
    assert dates == sorted(set(dates))
    assert dates[0] >= start
