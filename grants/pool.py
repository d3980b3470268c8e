"""A plan's share reserve over time (DOMAIN.md §2: granted minus forfeited and expired
shares count against it), measured as the plan-pool report measures it.

Shares in use on a date: the shares of grants made by then, less those returned by then.
A termination returns the installments after it on the termination date; a closed
exercise window returns the vested shares not exercised the day after the deadline.
Returns only lower the figure, so between two grant dates it can only fall: its highest
point from a date on is reached on that date or on a later grant date."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Max, Q, Sum

from .models import OptionGrant, StockPlan
from .models.grant import FAR_FUTURE


@dataclass(frozen=True)
class Peak:
    shares: int  # the most shares in use on any day from `since` on
    on: date  # the first day it is reached


def shares_in_use_peak(plan: StockPlan, since: date, exclude_pk: int | None = None) -> Peak:
    """The most shares of `plan` in use on `since` or any later day, leaving out the grant
    `exclude_pk` (one being changed)."""
    changes = _changes(plan, since, exclude_pk)
    in_use = sum(change for day, change in changes.items() if day <= since)
    peak = Peak(in_use, since)
    for day in sorted(day for day in changes if day > since):
        in_use += changes[day]
        if in_use > peak.shares:
            peak = Peak(in_use, day)
    return peak


def shares_in_use(plan: StockPlan, on: date) -> int:
    """Shares of `plan` in use on `on`: granted by then, less forfeited and expired by then."""
    return sum(change for day, change in _changes(plan, on).items() if day <= on)


def _changes(plan: StockPlan, since: date, exclude_pk: int | None = None) -> dict[date, int]:
    """Day -> change in the shares in use: + grants, - returns, up to the last grant date
    (or `since` if later): returns after it cannot raise a peak."""
    grants = OptionGrant.objects.filter(plan=plan)
    if exclude_pk is not None:
        grants = grants.exclude(pk=exclude_pk)
    last = max(since, grants.aggregate(last=Max("grant_date"))["last"] or since)
    changes: dict[date, int] = {}
    for day, shares in grants.values_list("grant_date").annotate(total=Sum("shares")).order_by():
        changes[day] = changes.get(day, 0) + shares
    returning = (
        grants.filter(Q(optionee__terminated_on__lte=last) | Q(deadline__lt=last))
        .with_vesting_totals(FAR_FUTURE)
        .values_list(
            "grant_date", "optionee__terminated_on", "forfeited", "deadline", "vested", "exercised"
        )
    )
    for granted, terminated, forfeited, deadline, vested, exercised in returning:
        if terminated is not None and terminated <= last and forfeited:
            day = max(terminated, granted)
            changes[day] = changes.get(day, 0) - forfeited
        if deadline < last and vested > exercised:
            day = max(deadline + timedelta(days=1), granted)
            changes[day] = changes.get(day, 0) - (vested - exercised)
    return changes
