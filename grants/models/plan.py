from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Max, Q, Sum

from core.history import TrackedHistory

from ..rules import FAR_FUTURE


@dataclass(frozen=True)
class Peak:
    shares: int  # the most shares in use on any day from `since` on
    on: date  # the first day it is reached


class StockPlan(models.Model):
    """A stock option plan, e.g. the 2000 Stock Option Plan. Its defaults flow into new
    grants; the plan controls where it conflicts with a grant."""

    name = models.CharField(max_length=200, unique=True)
    shares_reserved = models.PositiveBigIntegerField(
        null=True,
        blank=True,
        help_text="Shares reserved for issuance under the plan. Empty: not recorded.",
    )
    minimum_exercise_shares = models.PositiveIntegerField(
        default=1000, validators=[MinValueValidator(1)]
    )
    post_termination_months = models.PositiveSmallIntegerField(default=3)
    disability_months = models.PositiveSmallIntegerField(default=12)
    death_months = models.PositiveSmallIntegerField(default=18)
    notes = models.TextField(blank=True)
    history = TrackedHistory()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(minimum_exercise_shares__gte=1),
                name="plan_minimum_exercise_positive",
                violation_error_message="The minimum exercise must be at least one share.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """A reserve newly set or lowered cannot be below the most shares the plan has had
        in use."""
        if self.pk is None or self.shares_reserved is None:
            return
        before = StockPlan.objects.filter(pk=self.pk).values_list("shares_reserved", flat=True)
        stored = before.first()
        if stored is not None and stored <= self.shares_reserved:
            return
        # The first day anything (an option grant or a stock award) took shares from it.
        starts = [
            made.order_by("grant_date").values_list("grant_date", flat=True).first()
            for made in (self.grants.all(), self.awards.all())
        ]
        first = min((day for day in starts if day is not None), default=None)
        if first is None:
            return
        peak = self.shares_in_use_peak(first)
        if peak.shares > self.shares_reserved:
            raise ValidationError(
                {
                    "shares_reserved": (
                        f"{peak.shares:,} shares of this plan are in use on "
                        f"{peak.on:%Y-%m-%d} (granted, less forfeited and expired): the "
                        f"reserve cannot be less than that."
                    )
                }
            )

    def grant_defaults(self) -> dict[str, int]:
        """The terms a new grant under this plan starts from."""
        return {
            "minimum_exercise_shares": self.minimum_exercise_shares,
            "post_termination_months": self.post_termination_months,
            "disability_months": self.disability_months,
            "death_months": self.death_months,
        }

    # The share reserve over time (DOMAIN.md §2: granted minus forfeited and expired shares
    # count against it), measured as the plan-pool report measures it. Shares in use on a
    # date: the shares of grants made by then, less those returned by then. A termination
    # returns the installments after it on the termination date; a closed exercise window
    # returns the vested shares not exercised the day after the deadline. Returns only
    # lower the figure, so between two grant dates it can only fall: its highest point
    # from a date on is reached on that date or on a later grant date.

    def shares_in_use(self, on: date) -> int:
        """Shares in use on `on`: granted by then, less forfeited and expired by then."""
        return sum(change for day, change in self._reserve_changes(on).items() if day <= on)

    def shares_in_use_peak(
        self, since: date, exclude_pk: int | None = None, exclude_award: int | None = None
    ) -> Peak:
        """The most shares in use on `since` or any later day, leaving out the grant
        `exclude_pk` or the award `exclude_award` (one being changed)."""
        changes = self._reserve_changes(since, exclude_pk, exclude_award)
        in_use = sum(change for day, change in changes.items() if day <= since)
        peak = Peak(in_use, since)
        for day in sorted(day for day in changes if day > since):
            in_use += changes[day]
            if in_use > peak.shares:
                peak = Peak(in_use, day)
        return peak

    def reserve_refusal(
        self,
        shares: int,
        on: date,
        *,
        exclude_grant: int | None = None,
        exclude_award: int | None = None,
    ) -> ValidationError | None:
        """Why a grant or award of `shares` made on `on` would take the shares in use past
        the reserve on that day or a later one; None when it fits (or no reserve is
        recorded)."""
        if self.shares_reserved is None:
            return None
        peak = self.shares_in_use_peak(on, exclude_pk=exclude_grant, exclude_award=exclude_award)
        left = self.shares_reserved - peak.shares
        if shares <= left:
            return None
        when = "on the grant date" if peak.on == on else f"on {peak.on:%Y-%m-%d}"
        room = f"only {left:,} are left" if left > 0 else "none are left"
        return ValidationError(
            f"The {self.name} reserves {self.shares_reserved:,} shares and {peak.shares:,} "
            f"are in use {when} (granted, less forfeited and expired): {room}, not "
            f"{shares:,}.",
            code="over_plan_reserve",
        )

    def _reserve_changes(
        self, since: date, exclude_pk: int | None = None, exclude_award: int | None = None
    ) -> dict[date, int]:
        """Day -> change in the shares in use: + grants and awards, - returns, up to the
        last grant date (or `since` if later): returns after it cannot raise a peak.
        Restricted stock returns only what a termination forfeits (DOMAIN.md §4)."""
        grants = self.grants.all()
        if exclude_pk is not None:
            grants = grants.exclude(pk=exclude_pk)
        awards = self.awards.all()
        if exclude_award is not None:
            awards = awards.exclude(pk=exclude_award)
        last_grant = grants.aggregate(last=Max("grant_date"))["last"] or since
        last_award = awards.aggregate(last=Max("grant_date"))["last"] or since
        last = max(since, last_grant, last_award)
        changes: dict[date, int] = {}
        for queryset in (grants, awards):
            granted = queryset.values_list("grant_date").annotate(total=Sum("shares")).order_by()
            for day, shares in granted:
                changes[day] = changes.get(day, 0) + shares
        returning = (
            grants.filter(Q(optionee__terminated_on__lte=last) | Q(deadline__lt=last))
            .with_vesting_totals(FAR_FUTURE)
            .values_list(
                "grant_date",
                "optionee__terminated_on",
                "forfeited",
                "deadline",
                "vested",
                "exercised",
            )
        )
        for granted_on, terminated, forfeited, deadline, vested, exercised in returning:
            if terminated is not None and terminated <= last and forfeited:
                day = max(terminated, granted_on)
                changes[day] = changes.get(day, 0) - forfeited
            if deadline < last and vested > exercised:
                day = max(deadline + timedelta(days=1), granted_on)
                changes[day] = changes.get(day, 0) - (vested - exercised)
        forfeiting = (
            awards.filter(recipient__terminated_on__lte=last)
            .with_vesting_totals(FAR_FUTURE)
            .values_list("grant_date", "recipient__terminated_on", "forfeited")
        )
        for granted_on, terminated, forfeited in forfeiting:
            if forfeited:
                day = max(terminated, granted_on)
                changes[day] = changes.get(day, 0) - forfeited
        return changes


def reserve_errors(record: Any, **exclude: int | None) -> dict[str, list[str | ValidationError]]:
    """The plan's reserve against a grant or award being saved (`record`, with plan_id,
    grant_date, shares and pk): granted less forfeited and expired shares may not pass it
    on the grant date or any later day (DOMAIN.md §2 and §4). An edit is checked when it
    takes more of the reserve at grant: more shares, an earlier grant date or another
    plan (an edit that only moves when shares return, such as a later expiration date, is
    not). `exclude` names the record itself (exclude_grant= or exclude_award=)."""
    if record.plan_id is None or not record.grant_date or not record.shares:
        return {}
    if record.pk:
        stored = type(record)._default_manager.filter(pk=record.pk)
        before = stored.values("plan", "grant_date", "shares").first()
        if (
            before
            and before["plan"] == record.plan_id
            and before["grant_date"] <= record.grant_date
            and before["shares"] >= record.shares
        ):
            return {}
    plan = StockPlan.objects.filter(pk=record.plan_id).first()
    if plan is None:
        return {}
    refusal = plan.reserve_refusal(record.shares, record.grant_date, **exclude)
    return {} if refusal is None else {"shares": [refusal]}
