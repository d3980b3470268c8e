"""Vesting schedules: generate installments, splitting shares as Open Cap Format does.

OCF's own example, 18 shares in 4 tranches: CUMULATIVE_ROUNDING 5-4-5-4,
CUMULATIVE_ROUND_DOWN 4-5-4-5, FRONT_LOADED 5-5-4-4, BACK_LOADED 4-4-5-5.
"""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db import models

from core.dates import LATEST_DATE

from .rules import add_months


class Allocation(models.TextChoices):
    CUMULATIVE_ROUNDING = "CUMULATIVE_ROUNDING", "Cumulative, rounding half up"
    CUMULATIVE_ROUND_DOWN = "CUMULATIVE_ROUND_DOWN", "Cumulative, rounding down"
    FRONT_LOADED = "FRONT_LOADED", "Front-loaded (remainder first)"
    BACK_LOADED = "BACK_LOADED", "Back-loaded (remainder last)"


def allocate(total: int, count: int, allocation: str) -> list[int]:
    """Split `total` whole shares into `count` tranches that sum to `total`."""
    if count <= 0:
        raise ValueError("A schedule needs at least one installment.")
    if total < 0:
        raise ValueError("Shares cannot be negative.")
    if allocation in (Allocation.CUMULATIVE_ROUNDING, Allocation.CUMULATIVE_ROUND_DOWN):
        if allocation == Allocation.CUMULATIVE_ROUNDING:

            def cumulative(k: int) -> int:
                exact = Decimal(k * total) / Decimal(count)
                return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
        else:

            def cumulative(k: int) -> int:
                return k * total // count

        return [cumulative(k) - cumulative(k - 1) for k in range(1, count + 1)]
    base, remainder = divmod(total, count)
    if allocation == Allocation.FRONT_LOADED:
        return [base + 1 if k < remainder else base for k in range(count)]
    if allocation == Allocation.BACK_LOADED:
        return [base + 1 if k >= count - remainder else base for k in range(count)]
    raise ValueError(f"Unknown allocation type {allocation!r}.")


@dataclass(frozen=True)
class VestingSchedule:
    """An immediate portion at the start, a cliff, then equal installments every N months.

    Every date is computed from `start` (never by chaining from the previous installment),
    so month ends clamp once: start 2006-11-30, every 3 months: 2007-02-28, 2007-05-30.
    """

    total_shares: int
    start: date
    immediate_shares: int = 0
    cliff_months: int = 0
    cliff_shares: int = 0
    installments: int = 1
    interval_months: int = 1
    allocation: str = Allocation.CUMULATIVE_ROUND_DOWN

    def errors(self) -> list[str]:
        problems = []
        if self.total_shares <= 0:
            problems.append("Total shares must be a positive whole number.")
        if self.immediate_shares < 0 or self.cliff_shares < 0:
            problems.append("Immediate and cliff shares cannot be negative.")
        if self.cliff_months < 0:
            problems.append("The cliff cannot be a negative number of months.")
        if self.cliff_shares and not self.cliff_months:
            problems.append("Cliff shares need a cliff of at least one month.")
        if self.installments < 0 or self.interval_months <= 0:
            problems.append("Installments need a positive interval in months.")
        if self.immediate_shares + self.cliff_shares > self.total_shares:
            problems.append("The immediate and cliff shares exceed the total.")
        rest = self.total_shares - self.immediate_shares - self.cliff_shares
        if rest > 0 and self.installments <= 0:
            problems.append(f"{rest:,} shares are left over but no installments are asked for.")
        if not problems:
            months = self.cliff_months + self.installments * self.interval_months
            if add_months(self.start, months) > LATEST_DATE:
                problems.append(
                    f"The schedule's last installment would vest after {LATEST_DATE:%Y-%m-%d}: "
                    f"start it earlier, or ask for fewer or shorter installments."
                )
        return problems

    def rows(self) -> list[tuple[date, int]]:
        """(vest date, shares) in date order, summing to the total; empty tranches dropped."""
        problems = self.errors()
        if problems:
            raise ValueError(" ".join(problems))
        by_date: dict[date, int] = {}

        def add(day: date, shares: int) -> None:
            if shares:
                by_date[day] = by_date.get(day, 0) + shares

        add(self.start, self.immediate_shares)
        if self.cliff_months:
            add(add_months(self.start, self.cliff_months), self.cliff_shares)
        rest = self.total_shares - self.immediate_shares - self.cliff_shares
        if rest:
            for k, shares in enumerate(allocate(rest, self.installments, self.allocation), 1):
                add(add_months(self.start, self.cliff_months + k * self.interval_months), shares)
        return sorted(by_date.items())
