"""Reads over many grants, computed in SQL with the same meaning as the per-grant
methods of OptionGrant (the tests hold them to each other)."""

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, cast

from django.db import models, transaction
from django.db.models import (
    Case,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, Least
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from compensation.models import Person

from .. import rules
from ..rules import FAR_FUTURE, Period
from .choices import ELECTION_DAYS, AwardType, Election83b
from .exercise import Exercise
from .installment import AwardInstallment, VestingInstallment
from .market import RegistrationPeriod

if TYPE_CHECKING:
    from .grant import OptionGrant


class GrantStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    TERMINATED = "terminated", "Terminated, window open"
    EXPIRED = "expired", "Expired"
    EXERCISED = "exercised", "Fully exercised"
    # Every share that vested was exercised; the rest were forfeited at the end of service.
    CLOSED = "closed", "Vested shares exercised, rest forfeited"


def _short_swing_deadlines_known_on(on: date, periods: list[Period]) -> dict[int, date]:
    """Person id -> the short-swing deadline (rule (iv)) of each person whose deadline as
    known on `on` is exactly that and is already past, while the stored deadline may be
    later because of a registration gap after `on`: people who left for an "other" reason
    on or before `on` with a short-swing date after their termination, every day after
    it up to `on` registered (so, as known on `on`, rule (iii) does not apply), and the
    post-termination window still open on `on` (once it has closed, registration after
    `on` no longer matters)."""
    known = rules.known_on(periods, on)
    if not rules.is_registered(on, known):
        return {}
    people = Person.objects.filter(
        termination_reason=Person.TerminationReason.OTHER,
        terminated_on__lte=on,
        short_swing_liability_until__gt=F("terminated_on"),
    )
    gap = rules.last_unregistered_day(on, known)
    if gap is not None:
        people = people.filter(terminated_on__gte=gap)
    found = {}
    rows = people.annotate(months=models.Max("option_grants__post_termination_months"))
    for person_id, ended, liable_until, months in rows.values_list(
        "pk", "terminated_on", "short_swing_liability_until", "months"
    ):
        # Both are set: the filter above compares them, and NULL matches no comparison.
        assert ended is not None and liable_until is not None
        day = rules.short_swing_day(ended, liable_until)
        if months is not None and day < on < rules.add_months(ended, months):
            found[person_id] = day
    return found


def shares_total(queryset: models.QuerySet, by: str = "grant") -> Coalesce:
    """SUM(shares) of a correlated subquery (grouped by the outer row's `by` key), 0 when
    it has no rows."""
    summed = queryset.order_by().values(by).annotate(total=Sum("shares")).values("total")
    return Coalesce(Subquery(summed, output_field=IntegerField()), Value(0))


class OptionGrantQuerySet(models.QuerySet):
    def outstanding(
        self, on: date | None = None, periods: list[Period] | None = None
    ) -> "OptionGrantQuerySet":
        """Grants made by `on` (default: today) whose exercise deadline as of `on` has not
        passed, with `deadline_as_of` annotated. `periods` (the registration periods) may be
        passed in by a caller that has read them already, to spare the query."""
        on = on or timezone.localdate()
        # deadline_as_of is never after the expiration date: the plain filter goes first.
        return (
            self.filter(grant_date__lte=on, expiration_date__gte=on)
            .with_deadline_as_of(on, periods)
            .filter(deadline_as_of__gte=on)
        )

    def with_deadline_as_of(
        self, on: date, periods: list[Period] | None = None
    ) -> "OptionGrantQuerySet":
        """Annotate `deadline_as_of`: the exercise deadline as known on `on` (DOMAIN.md §3), as
        OptionGrant.deadline_on(). A termination after `on` is not known yet (the deadline
        is the expiration date); one on or before it gives the stored deadline, which
        knows every registration period. The stored deadline and the one known on `on`
        can differ only where registration after `on` matters (rule (iii)); they then
        both fall after `on`, except for one case put right here: a short-swing deadline
        (rule (iv)) already past on `on`, which the stored deadline has pushed later
        only because of a registration gap after `on`."""
        if periods is None:
            periods = RegistrationPeriod.objects.periods()
        not_terminated = Q(optionee__terminated_on__isnull=True) | Q(optionee__terminated_on__gt=on)
        whens = [When(not_terminated, then=F("expiration_date"))]
        for person_id, day in _short_swing_deadlines_known_on(on, periods).items():
            whens.append(
                When(
                    optionee_id=person_id,
                    then=Least(F("expiration_date"), Value(day, output_field=DateField())),
                )
            )
        return self.annotate(
            deadline_as_of=Case(*whens, default=F("deadline"), output_field=DateField())
        )

    def with_vesting_totals(
        self, on: date, periods: list[Period] | None = None
    ) -> "OptionGrantQuerySet":
        """Annotate vested, unvested, forfeited, exercised and exercisable shares and
        `deadline_as_of` as of `on`, in SQL, with the same meaning as the per-grant methods of
        the same names. Only facts dated on or before `on` count (DOMAIN.md §3): a
        termination after `on` forfeits nothing yet, and a grant made after `on` has no
        shares yet. `periods` as for outstanding()."""
        on_value = Value(on, output_field=DateField())
        if periods is None:
            periods = RegistrationPeriod.objects.periods()
        registered = rules.is_registered(on, periods)
        installments = VestingInstallment.objects.filter(grant=OuterRef("pk"))
        terminated_by_then = Q(optionee__terminated_on__lte=on)
        with_deadline = (
            self
            if "deadline_as_of" in self.query.annotations
            else self.with_deadline_as_of(on, periods)
        )
        annotated = with_deadline.annotate(
            # Installments after a termination known on `on` never vest.
            forfeit_after=Case(
                When(terminated_by_then, then=F("optionee__terminated_on")),
                default=Value(FAR_FUTURE, output_field=DateField()),
                output_field=DateField(),
            ),
        ).annotate(
            vested=shares_total(
                installments.filter(vest_date__lte=Least(OuterRef("forfeit_after"), on_value))
            ),
            unvested=Case(
                When(
                    grant_date__lte=on,
                    then=shares_total(
                        installments.filter(
                            vest_date__gt=on, vest_date__lte=OuterRef("forfeit_after")
                        )
                    ),
                ),
                default=Value(0),
                output_field=IntegerField(),
            ),
            # Only a termination forfeits: no subquery for the grants of people in service.
            forfeited=Case(
                When(
                    terminated_by_then,
                    then=shares_total(installments.filter(vest_date__gt=OuterRef("forfeit_after"))),
                ),
                default=Value(0),
                output_field=IntegerField(),
            ),
            exercised=shares_total(
                Exercise.objects.in_effect().filter(grant=OuterRef("pk"), exercise_date__lte=on)
            ),
        )
        if not registered:
            return annotated.annotate(exercisable=Value(0, output_field=IntegerField()))
        return annotated.annotate(
            exercisable=Case(
                When(
                    Q(grant_date__lte=on) & Q(deadline_as_of__gte=on),
                    then=Greatest(F("vested") - F("exercised"), Value(0)),
                ),
                default=Value(0),
                output_field=IntegerField(),
            )
        )

    def with_status(self, on: date) -> "OptionGrantQuerySet":
        """Annotate `status` as of `on` (after with_vesting_totals), as OptionGrant.status_on()."""
        done = Q(exercised__gt=0, exercised__gte=F("shares") - F("forfeited"))
        return self.annotate(
            status=Case(
                When(done & Q(forfeited=0), then=Value(GrantStatus.EXERCISED)),
                When(done, then=Value(GrantStatus.CLOSED)),
                When(deadline_as_of__lt=on, then=Value(GrantStatus.EXPIRED)),
                When(optionee__terminated_on__lte=on, then=Value(GrantStatus.TERMINATED)),
                default=Value(GrantStatus.ACTIVE),
                output_field=models.CharField(),
            )
        )

    def with_status_of(self, status: str, on: date) -> "OptionGrantQuerySet":
        """Grants whose status on `on` is `status`, with the vesting totals and status
        annotated. The plain conditions each status implies are applied first, so the
        costly totals are computed for fewer grants."""
        exercised = Q(
            Exists(Exercise.objects.in_effect().filter(grant=OuterRef("pk"), exercise_date__lte=on))
        )
        in_service = Q(optionee__terminated_on__isnull=True) | Q(optionee__terminated_on__gt=on)
        implied_by_status: dict[str, Q] = {
            GrantStatus.EXPIRED: Q(deadline_as_of__lt=on),
            GrantStatus.TERMINATED: Q(deadline_as_of__gte=on, optionee__terminated_on__lte=on),
            GrantStatus.ACTIVE: Q(deadline_as_of__gte=on) & in_service,
            GrantStatus.EXERCISED: exercised,
            GrantStatus.CLOSED: exercised & Q(optionee__terminated_on__lte=on),
        }
        implied = implied_by_status[status]
        with_deadline = (
            self if "deadline_as_of" in self.query.annotations else self.with_deadline_as_of(on)
        )
        return (
            with_deadline.filter(implied)
            .with_vesting_totals(on)
            .with_status(on)
            .filter(status=status)
        )

    def awaiting_approval(self, today: date | None = None) -> "OptionGrantQuerySet":
        """Grants the committee can still approve: not yet approved, the exercise deadline
        not passed and some share not yet exercised (OptionGrant.approval_refusal()). An
        expired or fully exercised grant is no longer offered for approval."""
        today = today or timezone.localdate()
        exercised = shares_total(Exercise.objects.in_effect().filter(grant=OuterRef("pk")))
        return self.filter(approved_at__isnull=True, deadline__gte=today).filter(
            shares__gt=exercised
        )

    def with_in_the_money_value(self, price: Decimal) -> "OptionGrantQuerySet":
        """Annotate `unvested_value`: max(0, price - exercise price) x unvested shares (after
        with_vesting_totals), as OptionGrant.unvested_in_the_money_value()."""
        money = models.DecimalField(max_digits=20, decimal_places=4)
        spread = Greatest(
            Value(price, output_field=money) - F("exercise_price"), Value(0, output_field=money)
        )
        return self.annotate(
            unvested_value=ExpressionWrapper(spread * F("unvested"), output_field=money)
        )

    def refresh_deadlines(self) -> int:
        """Recompute the stored exercise deadlines; returns how many changed."""
        periods = RegistrationPeriod.objects.periods()
        changed = []
        # The queryset's rows are grants (OptionGrant.objects is made from this class).
        grants = cast("Iterable[OptionGrant]", self.select_related("optionee"))
        for grant in grants:
            day = grant.deadline_explained(periods).day
            if grant.deadline != day:
                grant.deadline = day
                changed.append(grant)
        bulk_update_with_history(
            changed, self.model, ["deadline"], batch_size=500, default_change_reason="deadline"
        )
        return len(changed)

    # The fields of a grant that its exercise deadline depends on. Not `deadline` itself:
    # refresh_deadlines() stores it through bulk_update(), which runs update().
    DEADLINE_FIELDS = frozenset(
        {
            "expiration_date",
            "post_termination_months",
            "disability_months",
            "death_months",
            "optionee",
            "optionee_id",
        }
    )

    def update(self, **kwargs) -> int:
        """QuerySet.update(), refreshing the stored deadlines when it changes what they
        depend on (bulk_update() runs update() on each batch, so it does too)."""
        if not self.DEADLINE_FIELDS.intersection(kwargs):
            return super().update(**kwargs)
        with transaction.atomic(using=self.db):
            # Read the grants first: the filter may name a field the update changes.
            pks = list(self.values_list("pk", flat=True))
            count = super().update(**kwargs)
            for start in range(0, len(pks), 500):
                batch = self.model._default_manager.filter(pk__in=pks[start : start + 500])
                # The default manager, OptionGrant.objects, is made from this class.
                cast("OptionGrantQuerySet", batch).refresh_deadlines()
        return count

    setattr(update, "alters_data", True)  # noqa: B010 - mypy models no function attributes


class StockAwardQuerySet(models.QuerySet):
    def with_vesting_totals(self, on: date) -> "StockAwardQuerySet":
        """Annotate vested, unvested and forfeited shares as of `on`, in SQL, with the
        meaning of the per-award methods of the same names (DOMAIN.md §3 and §4): a
        termination after `on` forfeits nothing yet, an award made after `on` has none."""
        on_value = Value(on, output_field=DateField())
        installments = AwardInstallment.objects.filter(award=OuterRef("pk"))
        terminated_by_then = Q(recipient__terminated_on__lte=on)
        return self.annotate(
            forfeit_after=Case(
                When(terminated_by_then, then=F("recipient__terminated_on")),
                default=Value(FAR_FUTURE, output_field=DateField()),
                output_field=DateField(),
            ),
        ).annotate(
            vested=Case(
                When(
                    grant_date__lte=on,
                    then=shares_total(
                        installments.filter(
                            vest_date__lte=Least(OuterRef("forfeit_after"), on_value)
                        ),
                        "award",
                    ),
                ),
                default=Value(0),
                output_field=IntegerField(),
            ),
            unvested=Case(
                When(
                    grant_date__lte=on,
                    then=shares_total(
                        installments.filter(
                            vest_date__gt=on, vest_date__lte=OuterRef("forfeit_after")
                        ),
                        "award",
                    ),
                ),
                default=Value(0),
                output_field=IntegerField(),
            ),
            forfeited=Case(
                When(
                    terminated_by_then,
                    then=shares_total(
                        installments.filter(vest_date__gt=OuterRef("forfeit_after")), "award"
                    ),
                ),
                default=Value(0),
                output_field=IntegerField(),
            ),
        )

    def awaiting_approval(self) -> "StockAwardQuerySet":
        return self.filter(approved_at__isnull=True)

    def election_due(self, today: date, within_days: int = 10) -> "StockAwardQuerySet":
        """Awards that intend to make an 83(b) election and have not filed, whose last day
        (grant date + 30 days) is from `today` to `within_days` days later. Not those of a
        holder whose service has ended: the unvested shares are forfeited, and nothing is
        left to elect on."""
        first = today - timedelta(days=ELECTION_DAYS)
        last = today + timedelta(days=within_days - ELECTION_DAYS)
        return self.filter(
            award_type=AwardType.RSA,
            election_83b=Election83b.INTENDS,
            grant_date__range=(first, last),
        ).exclude(recipient__terminated_on__lte=today)
