"""The option agreement's date rules, on DOMAIN.md's examples and on generated dates."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from grants.rules import (
    DeadlineRule,
    add_months,
    day_registration_count_reaches,
    exercise_deadline,
    is_registered,
    registered_days_between,
)

EXPIRATION = date(2015, 7, 13)
ALWAYS = [(date(2005, 7, 13), None)]


def deadline(terminated_on, reason="other", short_swing_until=None, periods=ALWAYS, **terms):
    terms = {
        "post_termination_months": 3,
        "disability_months": 12,
        "death_months": 18,
        "expiration": EXPIRATION,
        **terms,
    }
    return exercise_deadline(
        terminated_on=terminated_on,
        reason=reason,
        short_swing_until=short_swing_until,
        periods=periods,
        **terms,
    )


def test_months_are_added_with_month_ends_clamped():
    assert add_months(date(2006, 11, 30), 3) == date(2007, 2, 28)
    assert add_months(date(2007, 11, 30), 3) == date(2008, 2, 29)
    assert add_months(date(2005, 7, 13), 12) == date(2006, 7, 13)


def test_without_termination_the_deadline_is_the_expiration_date():
    result = deadline(None, reason=None)
    assert result.day == EXPIRATION
    assert result.rule == DeadlineRule.EXPIRATION


def test_after_termination_for_another_reason_the_window_is_three_months():
    result = deadline(date(2007, 2, 1))
    assert result.day == date(2007, 5, 1)
    assert result.rule == DeadlineRule.OTHER
    assert result.paragraph == "paragraph 5(b)"


def test_disability_gives_twelve_months():
    assert deadline(date(2007, 2, 1), "disability").day == date(2008, 2, 1)


def test_death_gives_eighteen_months():
    assert deadline(date(2007, 2, 1), "death").day == date(2008, 8, 1)


def test_the_window_never_runs_past_the_expiration_date():
    result = deadline(date(2015, 6, 1), "death")
    assert result.day == EXPIRATION
    assert result.capped_by_expiration


def test_a_window_from_a_month_end_clamps():
    assert deadline(date(2007, 11, 30)).day == date(2008, 2, 29)


def test_registration_gap_extends_the_window_by_the_unregistered_days():
    # DOMAIN.md: registered until 2007-03-01 and again from 2007-04-01.
    periods = [(date(2005, 7, 13), date(2007, 3, 1)), (date(2007, 4, 1), None)]
    result = deadline(date(2007, 2, 1), periods=periods)
    assert result.day == date(2007, 5, 31)
    assert result.rule == DeadlineRule.REGISTRATION_GAP


def test_registration_that_never_resumes_keeps_the_option_until_expiration():
    periods = [(date(2005, 7, 13), date(2007, 3, 1))]
    result = deadline(date(2007, 2, 1), periods=periods)
    assert result.day == EXPIRATION


def test_a_gap_outside_the_window_changes_nothing():
    periods = [(date(2005, 7, 13), date(2007, 6, 1)), (date(2007, 7, 1), None)]
    assert deadline(date(2007, 2, 1), periods=periods).rule == DeadlineRule.OTHER


def test_short_swing_liability_example():
    # DOMAIN.md: T = 2007-02-01, L = 2007-12-01: deadline 2007-08-11.
    result = deadline(date(2007, 2, 1), short_swing_until=date(2007, 12, 1))
    assert result.day == date(2007, 8, 11)
    assert result.rule == DeadlineRule.SHORT_SWING


def test_short_swing_liability_can_end_the_window_early():
    # The letter of the agreement: L + 10 days, earlier than T + 3 months.
    result = deadline(date(2007, 2, 1), short_swing_until=date(2007, 2, 5))
    assert result.day == date(2007, 2, 15)


def test_short_swing_liability_ending_before_termination_does_not_apply():
    assert deadline(date(2007, 2, 1), short_swing_until=date(2007, 1, 1)).day == date(2007, 5, 1)


def test_when_both_exceptions_apply_the_later_deadline_wins():
    periods = [(date(2005, 7, 13), date(2007, 3, 1)), (date(2007, 4, 1), None)]
    early_liability = deadline(
        date(2007, 2, 1), short_swing_until=date(2007, 3, 1), periods=periods
    )
    assert early_liability.day == date(2007, 5, 31)  # (iii) beats (iv)'s 2007-03-11
    late_liability = deadline(
        date(2007, 2, 1), short_swing_until=date(2007, 12, 1), periods=periods
    )
    assert late_liability.day == date(2007, 8, 11)  # (iv) beats (iii)


def test_death_and_disability_ignore_registration_gaps():
    periods = [(date(2005, 7, 13), date(2007, 3, 1))]
    assert deadline(date(2007, 2, 1), "death", periods=periods).day == date(2008, 8, 1)


def test_plan_overrides_change_the_window_length():
    assert deadline(date(2007, 2, 1), post_termination_months=6).day == date(2007, 8, 1)


# --- properties ------------------------------------------------------------------------

days = st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31))


@st.composite
def period_lists(draw):
    result = []
    for _ in range(draw(st.integers(0, 4))):
        start = draw(days)
        length = draw(st.one_of(st.none(), st.integers(0, 400)))
        result.append((start, None if length is None else start + timedelta(days=length)))
    return result


def brute_force_count(first, last, periods):
    count, day = 0, first
    while day <= last:
        count += is_registered(day, periods)
        day += timedelta(days=1)
    return count


@given(period_lists(), days, st.integers(0, 200))
def test_registered_days_are_counted_exactly(periods, first, span):
    last = first + timedelta(days=span)
    assert registered_days_between(first, last, periods) == brute_force_count(first, last, periods)


@given(period_lists(), days, st.integers(1, 120), st.integers(0, 400))
def test_the_count_reaches_its_target_on_the_right_day(periods, after, needed, horizon):
    limit = after + timedelta(days=horizon)
    day = day_registration_count_reaches(after, needed, periods, limit)
    assert after < day <= limit or day == limit
    if day < limit:
        assert brute_force_count(after + timedelta(days=1), day, periods) == needed
        assert is_registered(day, periods)
    else:
        assert brute_force_count(after + timedelta(days=1), limit - timedelta(days=1), periods) < (
            needed
        )


@given(
    terminated=st.one_of(st.none(), days),
    reason=st.sampled_from(["other", "disability", "death"]),
    liability=st.one_of(st.none(), days),
    periods=period_lists(),
    expiration=days,
)
def test_the_deadline_is_never_after_the_expiration_date(
    terminated, reason, liability, periods, expiration
):
    result = exercise_deadline(
        expiration=expiration,
        terminated_on=terminated,
        reason=reason if terminated else None,
        post_termination_months=3,
        disability_months=12,
        death_months=18,
        short_swing_until=liability,
        periods=periods,
    )
    assert result.day <= expiration
