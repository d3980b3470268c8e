"""Date rules of the option agreement (DOMAIN.md §2), as pure functions of dates.

Nothing here touches the database, so every rule can be tested on small explicit cases
and with hypothesis; the models gather the facts and call these.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

# A registration period: (start, end or None while still in effect), both days inclusive.
Period = tuple[date, date | None]

MAX_TERM_YEARS = 10
SHORT_SWING_DAYS_AFTER = 10  # paragraph 5(b)(iv)(ii): "the tenth (10th) day after"
SHORT_SWING_CAP = relativedelta(months=6, days=10)  # 5(b)(iv)(iii)
# A day later than every fact: "as of FAR_FUTURE" means with everything recorded.
FAR_FUTURE = date(9999, 12, 31)


def _shift(day: date, delta: timedelta | relativedelta, forward: bool) -> date:
    """`day` moved by `delta`, stopping at the ends of the calendar. A rule's day past
    9999-12-31 is a day that never comes, and every rule compares days, so date.max
    stands for it (before date.min, date.min) instead of raising: the forms refuse such
    dates (core.dates), but data stored before may hold them."""
    try:
        return day + delta
    except (OverflowError, ValueError):  # timedelta overflows; relativedelta's year 10000
        return date.max if forward else date.min


def add_days(day: date, days: int) -> date:
    return _shift(day, timedelta(days=days), days >= 0)


def add_months(day: date, months: int) -> date:
    """`months` after `day`, month ends clamped: 2006-11-30 + 3 months = 2007-02-28."""
    return _shift(day, relativedelta(months=months), months >= 0)


def latest_expiration(grant_date: date) -> date:
    return _shift(grant_date, relativedelta(years=MAX_TERM_YEARS), True)


def merge_periods(periods: Iterable[Period]) -> list[Period]:
    """Sorted, non-overlapping, non-adjacent periods covering the same days."""
    merged: list[list] = []
    for start, end in sorted(periods, key=lambda p: p[0]):
        if merged:
            last = merged[-1]
            if last[1] is None or start <= add_days(last[1], 1):
                if last[1] is not None and (end is None or end > last[1]):
                    last[1] = end
                continue
        merged.append([start, end])
    return [(start, end) for start, end in merged]


def is_registered(day: date, periods: Iterable[Period]) -> bool:
    return any(start <= day and (end is None or day <= end) for start, end in periods)


def registered_days_between(first: date, last: date, periods: Iterable[Period]) -> int:
    """How many days of first..last (inclusive) fall in a registration period."""
    total = 0
    for start, end in merge_periods(periods):
        lo, hi = max(start, first), min(end or last, last)
        if lo <= hi:
            total += (hi - lo).days + 1
    return total


def known_on(periods: Iterable[Period], on: date) -> list[Period]:
    """The registration periods as they were known on `on` (DOMAIN.md §3): a period is
    dated by its start date, so one starting after `on` is unknown, and an end after
    `on` is not yet known either: the registration in force on `on` continues."""
    return [
        (start, end if end is not None and end <= on else None)
        for start, end in periods
        if start <= on
    ]


def last_unregistered_day(on: date, periods: Iterable[Period]) -> date | None:
    """The latest day on or before `on` that no period covers; None when every day up to
    `on` is covered (a period open since the beginning of time, in practice never)."""
    latest: date | None = None
    cursor = date.min
    for start, end in merge_periods(periods):
        if start > on:
            break
        if start > cursor:
            latest = start - timedelta(days=1)
        if end is None or end >= on:
            return latest
        cursor = add_days(end, 1)
    return on


def unregistered_spans(first: date, last: date, periods: Iterable[Period]) -> list[Period]:
    """The runs of days in first..last (inclusive) not covered by any period."""
    spans: list[Period] = []
    cursor = first
    for start, end in merge_periods(periods):
        if end is not None and end < cursor:
            continue
        if start > last:
            break
        if start > cursor:
            spans.append((cursor, min(start - timedelta(days=1), last)))
        if end is None or end >= last:
            return spans
        cursor = end + timedelta(days=1)
    if cursor <= last:
        spans.append((cursor, last))
    return spans


def day_registration_count_reaches(
    after: date, needed: int, periods: Iterable[Period], limit: date
) -> date:
    """The day on which the count of registered days after `after` reaches `needed`,
    or `limit` if it does not by then."""
    remaining = needed
    for start, end in merge_periods(periods):
        lo = max(start, add_days(after, 1))
        hi = min(end or limit, limit)
        if lo > hi:
            continue
        span = (hi - lo).days + 1
        if span >= remaining:
            return lo + timedelta(days=remaining - 1)
        remaining -= span
    return limit


class DeadlineRule:
    """Which rule set an exercise deadline; `paragraph` cites the option agreement."""

    EXPIRATION = "expiration"
    OTHER = "other"
    DISABILITY = "disability"
    DEATH = "death"
    REGISTRATION_GAP = "registration_gap"
    SHORT_SWING = "short_swing"

    PARAGRAPHS = {
        EXPIRATION: "paragraph 5(a)",
        OTHER: "paragraph 5(b)",
        DISABILITY: "paragraph 5(b)(i)",
        DEATH: "paragraph 5(b)(ii)",
        REGISTRATION_GAP: "paragraph 5(b)(iii)",
        SHORT_SWING: "paragraph 5(b)(iv)",
    }


@dataclass(frozen=True)
class Deadline:
    """The last day an exercise is allowed, and the rule that set it."""

    day: date
    rule: str
    capped_by_expiration: bool = False

    @property
    def paragraph(self) -> str:
        return DeadlineRule.PARAGRAPHS[self.rule]


def short_swing_day(terminated_on: date, short_swing_until: date) -> date:
    """Paragraph 5(b)(iv): the earlier of L + 10 days and T + 6 months and 10 days."""
    return min(
        add_days(short_swing_until, SHORT_SWING_DAYS_AFTER),
        _shift(terminated_on, SHORT_SWING_CAP, True),
    )


def exercise_deadline(
    *,
    expiration: date,
    terminated_on: date | None,
    reason: str | None,
    post_termination_months: int,
    disability_months: int,
    death_months: int,
    short_swing_until: date | None,
    periods: Iterable[Period],
) -> Deadline:
    """Paragraph 5 of the option agreement. `reason` is "other", "disability" or "death"."""
    if terminated_on is None:
        return Deadline(expiration, DeadlineRule.EXPIRATION)

    def capped(day: date, rule: str) -> Deadline:
        if day >= expiration:
            return Deadline(expiration, rule, capped_by_expiration=True)
        return Deadline(day, rule)

    T = terminated_on
    if reason == DeadlineRule.DEATH:
        return capped(add_months(T, death_months), DeadlineRule.DEATH)
    if reason == DeadlineRule.DISABILITY:
        return capped(add_months(T, disability_months), DeadlineRule.DISABILITY)

    periods = list(periods)
    window_end = add_months(T, post_termination_months)
    window_days = (window_end - T).days
    candidates: list[Deadline] = []
    # (iii): some day of the window is unregistered, so the option lives until it has
    # been exercisable for as many days as the window has.
    if registered_days_between(add_days(T, 1), window_end, periods) < window_days:
        day = day_registration_count_reaches(T, window_days, periods, limit=expiration)
        candidates.append(capped(day, DeadlineRule.REGISTRATION_GAP))
    # (iv): an exercise after T would result in liability under section 16(b).
    if short_swing_until is not None and short_swing_until > T:
        candidates.append(capped(short_swing_day(T, short_swing_until), DeadlineRule.SHORT_SWING))
    if candidates:
        # Where both apply, the later of the two deadlines.
        return max(candidates, key=lambda d: d.day)
    return capped(window_end, DeadlineRule.OTHER)
