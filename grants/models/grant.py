from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import IntegrityError, models, transaction
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
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from compensation.models import Person
from core.dates import validate_date_in_range

from .. import rules
from ..rules import Deadline, Period
from .exercise import Exercise, PaymentMethod
from .market import RegistrationPeriod, StockPrice
from .plan import StockPlan

Rows = list[tuple[date, int]]
FAR_FUTURE = date(9999, 12, 31)


class GrantStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    TERMINATED = "terminated", "Terminated, window open"
    EXPIRED = "expired", "Expired"
    EXERCISED = "exercised", "Fully exercised"
    # Every share that vested was exercised; the rest were forfeited at the end of service.
    CLOSED = "closed", "Vested shares exercised, rest forfeited"


class OptionType(models.TextChoices):
    NSO = "NSO", "Non-qualified stock option"
    ISO = "ISO", "Incentive stock option (Code section 422)"


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
        day = rules.short_swing_day(ended, liable_until)
        if months is not None and day < on < rules.add_months(ended, months):
            found[person_id] = day
    return found


def _shares_total(queryset: models.QuerySet) -> Coalesce:
    """SUM(shares) of a correlated subquery, 0 when it has no rows."""
    summed = queryset.order_by().values("grant").annotate(total=Sum("shares")).values("total")
    return Coalesce(Subquery(summed, output_field=IntegerField()), Value(0))


class OptionGrantQuerySet(models.QuerySet):
    def outstanding(self, on: date | None = None) -> "OptionGrantQuerySet":
        """Grants made by `on` (default: today) whose exercise deadline as of `on` has not
        passed, with `deadline_as_of` annotated."""
        on = on or timezone.localdate()
        # deadline_as_of is never after the expiration date: the plain filter goes first.
        return (
            self.filter(grant_date__lte=on, expiration_date__gte=on)
            .with_deadline_as_of(on)
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

    def with_vesting_totals(self, on: date) -> "OptionGrantQuerySet":
        """Annotate vested, unvested, forfeited, exercised and exercisable shares and
        `deadline_as_of` as of `on`, in SQL, with the same meaning as the per-grant methods of
        the same names. Only facts dated on or before `on` count (DOMAIN.md §3): a
        termination after `on` forfeits nothing yet, and a grant made after `on` has no
        shares yet."""
        on_value = Value(on, output_field=DateField())
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
            vested=_shares_total(
                installments.filter(vest_date__lte=Least(OuterRef("forfeit_after"), on_value))
            ),
            unvested=Case(
                When(
                    grant_date__lte=on,
                    then=_shares_total(
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
                    then=_shares_total(
                        installments.filter(vest_date__gt=OuterRef("forfeit_after"))
                    ),
                ),
                default=Value(0),
                output_field=IntegerField(),
            ),
            exercised=_shares_total(
                Exercise.objects.filter(grant=OuterRef("pk"), exercise_date__lte=on)
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
        exercised = Q(Exists(Exercise.objects.filter(grant=OuterRef("pk"), exercise_date__lte=on)))
        in_service = Q(optionee__terminated_on__isnull=True) | Q(optionee__terminated_on__gt=on)
        implied = {
            GrantStatus.EXPIRED: Q(deadline_as_of__lt=on),
            GrantStatus.TERMINATED: Q(deadline_as_of__gte=on, optionee__terminated_on__lte=on),
            GrantStatus.ACTIVE: Q(deadline_as_of__gte=on) & in_service,
            GrantStatus.EXERCISED: exercised,
            GrantStatus.CLOSED: exercised & Q(optionee__terminated_on__lte=on),
        }[status]
        with_deadline = (
            self if "deadline_as_of" in self.query.annotations else self.with_deadline_as_of(on)
        )
        return (
            with_deadline.filter(implied)
            .with_vesting_totals(on)
            .with_status(on)
            .filter(status=status)
        )

    def awaiting_approval(self) -> "OptionGrantQuerySet":
        return self.filter(approved_at__isnull=True)

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
        for grant in self.select_related("optionee"):
            day = grant.deadline_explained(periods).day
            if grant.deadline != day:
                grant.deadline = day
                changed.append(grant)
        bulk_update_with_history(
            changed, OptionGrant, ["deadline"], batch_size=500, default_change_reason="deadline"
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
                OptionGrant.objects.filter(pk__in=pks[start : start + 500]).refresh_deadlines()
        return count

    update.alters_data = True


class OptionGrant(models.Model):
    """A stock option grant (Exhibit 4.1): who may buy how many shares, at what price,
    when they vest, and until when they may be exercised."""

    plan = models.ForeignKey(StockPlan, on_delete=models.PROTECT, related_name="grants")
    optionee = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="option_grants")
    grant_date = models.DateField(validators=[validate_date_in_range])
    shares = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    exercise_price = models.DecimalField(
        max_digits=12,
        decimal_places=4,
        validators=[MinValueValidator(Decimal("0"))],
        help_text="Per share; not less than the fair market value on the grant date.",
    )
    option_type = models.CharField(max_length=3, choices=OptionType.choices, default=OptionType.NSO)
    expiration_date = models.DateField(
        validators=[validate_date_in_range],
        help_text="The last day of the option's term: no more than 10 years after the grant.",
    )
    # The plan's defaults fill these when they are left empty.
    minimum_exercise_shares = models.PositiveIntegerField(
        blank=True, validators=[MinValueValidator(1)]
    )
    post_termination_months = models.PositiveSmallIntegerField(blank=True)
    disability_months = models.PositiveSmallIntegerField(blank=True)
    death_months = models.PositiveSmallIntegerField(blank=True)
    authorized_by = models.CharField(
        max_length=200, blank=True, help_text="Who signed for the Board of Directors."
    )
    authorized_on = models.DateField(null=True, blank=True, validators=[validate_date_in_range])
    acknowledged_on = models.DateField(
        null=True,
        blank=True,
        validators=[validate_date_in_range],
        help_text="When the optionee acknowledged the grant.",
    )
    notes = models.TextField(blank=True)
    # The compensation committee's approval of the board authorization.
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    # Stored copy of exercise_deadline(), refreshed whenever a grant, its optionee's
    # termination or a registration period is saved, so lists can filter and sort on it.
    deadline = models.DateField(editable=False, db_index=True)

    objects = OptionGrantQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-grant_date", "pk"]
        permissions = [("approve_optiongrant", "Can approve board authorization of grants")]
        indexes = [
            # The grants list's default order, read a page at a time.
            models.Index(fields=["-grant_date", "id"], name="grant_list_order"),
            # The dashboard's and the approvals page's "awaiting approval", newest first.
            models.Index(
                fields=["-grant_date", "id"],
                condition=Q(approved_at__isnull=True),
                name="grant_awaiting_approval",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(shares__gt=0),
                name="grant_shares_positive",
                violation_error_message="A grant must be for at least one share.",
            ),
            models.CheckConstraint(
                condition=Q(exercise_price__gte=0),
                name="grant_price_not_negative",
                violation_error_message="The exercise price cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(expiration_date__gt=F("grant_date")),
                name="grant_expires_after_grant_date",
                violation_error_message="The expiration date must be after the grant date.",
            ),
            models.CheckConstraint(
                condition=Q(minimum_exercise_shares__gte=1),
                name="grant_minimum_exercise_positive",
                violation_error_message="The minimum exercise must be at least one share.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.optionee}: {self.shares:,} shares granted {self.grant_date}"

    # A change to one of these after the committee's approval withdraws the approval.
    MATERIAL_FIELDS = (
        "plan_id",
        "optionee_id",
        "grant_date",
        "shares",
        "exercise_price",
        "option_type",
        "expiration_date",
        "minimum_exercise_shares",
        "post_termination_months",
        "disability_months",
        "death_months",
    )

    def save(self, *args, **kwargs) -> None:
        self.apply_plan_defaults()
        self.deadline = self.deadline_explained().day
        update_fields = kwargs.get("update_fields")
        if self.pk and self.approved_at is not None and update_fields is None:
            stored = OptionGrant.objects.filter(pk=self.pk).values(*self.MATERIAL_FIELDS).first()
            changed = [
                field.removesuffix("_id")
                for field in self.MATERIAL_FIELDS
                if stored is not None and stored[field] != getattr(self, field)
            ]
            if changed:
                self._withdraw_approval(f"{', '.join(changed)} changed")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("grants:detail", args=[self.pk])

    def _withdraw_approval(self, what: str) -> None:
        """The committee approved other terms: the grant awaits approval again, and the
        history says why (DOMAIN.md §2: the committee approves the grant as made)."""
        self.approved_by, self.approved_at = None, None
        self._change_reason = f"Approval withdrawn: {what} after the committee's approval"

    def withdraw_approval_for_installments(self) -> None:
        """Installments changed on an approved grant: it awaits approval again."""
        if self.approved_at is None:
            return
        self._withdraw_approval("installments changed")
        self.save(update_fields=["approved_by", "approved_at"])

    # --- Terms --------------------------------------------------------------------------

    PLAN_DEFAULT_FIELDS = (
        "minimum_exercise_shares",
        "post_termination_months",
        "disability_months",
        "death_months",
    )

    def apply_plan_defaults(self) -> None:
        if self.plan_id is None:
            return
        for field, value in self.plan.grant_defaults().items():
            if getattr(self, field) is None:
                setattr(self, field, value)

    def clean(self) -> None:
        self.apply_plan_defaults()
        errors: dict[str, list[str]] = {}
        if self.grant_date and self.expiration_date:
            latest = rules.latest_expiration(self.grant_date)
            if self.expiration_date > latest:
                errors.setdefault("expiration_date", []).append(
                    f"The term can be no more than 10 years: the option must expire by "
                    f"{latest:%Y-%m-%d} (paragraph 5(a))."
                )
            if self.expiration_date <= self.grant_date:
                errors.setdefault("expiration_date", []).append(
                    "The expiration date must be after the grant date."
                )
        if self.grant_date and self.exercise_price is not None:
            fair_value = StockPrice.on(self.grant_date)
            if fair_value is not None and self.exercise_price < fair_value:
                errors.setdefault("exercise_price", []).append(
                    f"The exercise price ${self.exercise_price} is below the fair market value "
                    f"${fair_value} recorded for the grant date {self.grant_date:%Y-%m-%d} "
                    f"(paragraph 2(a))."
                )
        if not errors:
            errors.update(self.check_plan_reserve())
        if errors:
            raise ValidationError(errors)
        # A form that edits the installments with the grant checks its own rows instead.
        if self.pk and not getattr(self, "installments_checked_by_form", False):
            self.validate_installments(self.installment_rows())

    def check_plan_reserve(self) -> dict[str, list[ValidationError]]:
        """Granted minus forfeited and expired shares count against the plan's reserve
        (DOMAIN.md §2): a grant may not take them past it on its grant date or any later
        day. An edit is checked when it takes more of the reserve at grant: more shares,
        an earlier grant date or another plan (an edit that only moves when shares return,
        such as a later expiration date, is not). Inside a transaction the plan's row is
        locked first, so two grants cannot both take the last shares (PostgreSQL)."""
        if self.plan_id is None or not self.grant_date or not self.shares:
            return {}
        if self.pk:
            before = OptionGrant.objects.filter(pk=self.pk).values("plan", "grant_date", "shares")
            before = before.first()
            if (
                before
                and before["plan"] == self.plan_id
                and before["grant_date"] <= self.grant_date
                and before["shares"] >= self.shares
            ):
                return {}
        plans = StockPlan.objects.filter(pk=self.plan_id)
        if transaction.get_connection().in_atomic_block:
            plans = plans.select_for_update()
        plan = plans.first()
        if plan is None or plan.shares_reserved is None:
            return {}
        from ..pool import shares_in_use_peak

        peak = shares_in_use_peak(plan, self.grant_date, exclude_pk=self.pk)
        left = plan.shares_reserved - peak.shares
        if self.shares <= left:
            return {}
        when = "on the grant date" if peak.on == self.grant_date else f"on {peak.on:%Y-%m-%d}"
        room = f"only {left:,} are left" if left > 0 else "none are left"
        message = (
            f"The {plan.name} reserves {plan.shares_reserved:,} shares and {peak.shares:,} "
            f"are in use {when} (granted, less forfeited and expired): {room}, not "
            f"{self.shares:,}."
        )
        return {"shares": [ValidationError(message, code="over_plan_reserve")]}

    def validate_installments(self, rows: Iterable[tuple[date, int]]) -> None:
        """The installments sum exactly to the shares; vest dates are distinct and fall
        between the grant date and the expiration date."""
        rows = list(rows)
        problems = []
        if not rows:
            problems.append("A grant needs at least one vesting installment.")
        seen: set[date] = set()
        for vest_date, shares in rows:
            if vest_date in seen:
                problems.append(f"Two installments vest on {vest_date:%Y-%m-%d}; merge them.")
            seen.add(vest_date)
            if shares is None or shares <= 0:
                problems.append(f"The installment of {vest_date:%Y-%m-%d} must have shares.")
            if self.grant_date and vest_date < self.grant_date:
                problems.append(
                    f"The installment of {vest_date:%Y-%m-%d} vests before the grant date "
                    f"{self.grant_date:%Y-%m-%d}."
                )
            if self.expiration_date and vest_date > self.expiration_date:
                problems.append(
                    f"The installment of {vest_date:%Y-%m-%d} vests after the expiration date "
                    f"{self.expiration_date:%Y-%m-%d}."
                )
        total = sum(shares or 0 for _, shares in rows)
        if rows and self.shares is not None and total != self.shares:
            problems.append(
                f"The installments add up to {total:,} shares, not the grant's {self.shares:,}."
            )
        if self.pk and not problems:
            problems.extend(self.ledger_problems(rows))
        if problems:
            raise ValidationError(problems)

    def ledger_problems(
        self, rows: Rows | None = None, terminated_on: date | None | object = ...
    ) -> list[str]:
        """The recorded exercises that would exercise more shares than had vested by their
        date (and so more than the grant's shares) with these installments and this end
        of service: each names the exercise. Empty when the ledger stays consistent."""
        rows = self.installment_rows() if rows is None else sorted(rows)
        ended = self.terminated_on if terminated_on is ... else terminated_on
        problems, exercised = [], 0
        for exercise in sorted(self.exercises.all(), key=lambda e: (e.exercise_date, e.sequence)):
            exercised += exercise.shares
            cutoff = min(exercise.exercise_date, ended) if ended else exercise.exercise_date
            vested = sum(shares for day, shares in rows if day <= cutoff)
            if exercised > vested:
                problems.append(
                    f"Exercise no. {exercise.sequence} ({exercise.shares:,} shares on "
                    f"{exercise.exercise_date:%Y-%m-%d}) would make {exercised:,} shares "
                    f"exercised by then against {vested:,} vested."
                )
        return problems

    @classmethod
    def create_with_installments(cls, installments: Rows, **fields) -> "OptionGrant":
        """Validate the grant and its installments together; save both or nothing."""
        grant = cls(**fields)
        errors: dict[str, list[str]] = {}
        # One transaction: the plan's reserve is checked under a lock held until the save.
        with transaction.atomic():
            grant.installments_checked_by_form = True  # checked below, from `installments`
            try:
                grant.full_clean()
            except ValidationError as error:
                errors.update(error.update_error_dict({}))
            finally:
                del grant.installments_checked_by_form
            try:
                grant.validate_installments(installments)
            except ValidationError as error:
                errors.setdefault("installments", []).extend(error.messages)
            if errors:
                raise ValidationError(errors)
            grant.save()
            grant.set_installments(installments)
        return grant

    def set_installments(self, rows: Rows) -> None:
        """Replace the installments (already validated) in one transaction; on an
        approved grant, a different schedule withdraws the approval."""
        with transaction.atomic():
            if sorted(rows) != self.installment_rows():
                self.withdraw_approval_for_installments()
            # One by one, so that the change history keeps every removed installment.
            for installment in self.installments.all():
                installment.delete()
            bulk_create_with_history(
                [VestingInstallment(grant=self, vest_date=d, shares=s) for d, s in rows],
                VestingInstallment,
            )

    # --- Vesting -----------------------------------------------------------------------

    def installment_rows(self) -> Rows:
        """(vest date, shares) in date order; uses prefetched installments when present."""
        return sorted((i.vest_date, i.shares) for i in self.installments.all())

    @property
    def terminated_on(self) -> date | None:
        return self.optionee.terminated_on

    def terminated_as_of(self, on: date) -> date | None:
        """The end of service as known on `on`: a termination dated after `on` is not."""
        ended = self.terminated_on
        return ended if ended is not None and ended <= on else None

    def vesting_cutoff(self, on: date) -> date:
        """Only installments dated on or before the termination date ever vest."""
        ended = self.terminated_as_of(on)
        return min(on, ended) if ended else on

    def vested_shares(self, on: date) -> int:
        cutoff = self.vesting_cutoff(on)
        return sum(shares for day, shares in self.installment_rows() if day <= cutoff)

    def unvested_shares(self, on: date) -> int:
        """Shares of installments after `on` that can still vest as of `on` (not forfeited
        by a termination on or before `on`); none before the grant date."""
        if on < self.grant_date:
            return 0
        end = self.terminated_as_of(on) or FAR_FUTURE
        return sum(shares for day, shares in self.installment_rows() if on < day <= end)

    def forfeited_shares(self, on: date | None = None) -> int:
        """Shares of installments dated after the termination of service, as of `on`
        (nothing is forfeited before the termination date); None: as the records stand."""
        ended = self.terminated_on if on is None else self.terminated_as_of(on)
        if not ended:
            return 0
        return sum(shares for day, shares in self.installment_rows() if day > ended)

    def installment_states(self, on: date) -> list[tuple[date, int, str]]:
        """(vest date, shares, "Vested" / "Unvested" / "Forfeited") of each installment as
        of `on`."""
        cutoff, ended = self.vesting_cutoff(on), self.terminated_as_of(on)
        states = []
        for day, shares in self.installment_rows():
            if ended and day > ended:
                state = "Forfeited"
            elif day <= cutoff:
                state = "Vested"
            else:
                state = "Unvested"
            states.append((day, shares, state))
        return states

    def claimed_installment_dates(self) -> set[date]:
        return {
            e.claimed_installment_date
            for e in self.exercises.all()
            if e.claimed_installment_date is not None
        }

    def unclaimed_small_installment(self, shares: int, on: date) -> date | None:
        """Exception (a) of paragraph 3: the vest date of a vested installment of exactly
        `shares`, fewer than the minimum, that no exercise has claimed yet; None if none."""
        cutoff, claimed = self.vesting_cutoff(on), self.claimed_installment_dates()
        for day, installment in self.installment_rows():
            if (
                day <= cutoff
                and installment == shares < self.minimum_exercise_shares
                and day not in claimed
            ):
                return day
        return None

    # --- Exercises ---------------------------------------------------------------------

    def exercised_shares(self, on: date | None = None) -> int:
        return sum(e.shares for e in self.exercises.all() if on is None or e.exercise_date <= on)

    def outstanding_shares(self) -> int:
        """Shares still outstanding under the option: those not forfeited, less those
        exercised. A final exercise takes all of them (paragraph 3(b))."""
        return self.shares - self.forfeited_shares() - self.exercised_shares()

    def status_on(self, on: date, periods: list[Period] | None = None) -> str:
        """Active, terminated (window open), expired, fully exercised, or closed (every
        vested share exercised, the rest forfeited), as of `on`. A grant whose shares
        were all forfeited, with none exercised, is not "fully exercised"."""
        exercised, forfeited = self.exercised_shares(on), self.forfeited_shares(on)
        if exercised and exercised >= self.shares - forfeited:
            return GrantStatus.CLOSED if forfeited else GrantStatus.EXERCISED
        if self.deadline_on(on, periods).day < on:
            return GrantStatus.EXPIRED
        if self.terminated_as_of(on):
            return GrantStatus.TERMINATED
        return GrantStatus.ACTIVE

    def unvested_in_the_money_value(self, price: Decimal, on: date) -> Decimal:
        """DOMAIN.md §1: the in-the-money value of the outstanding unexercisable shares."""
        return max(Decimal(0), price - self.exercise_price) * self.unvested_shares(on)

    def approve(self, *, by) -> None:
        """The committee approves the board's authorization of this grant, once."""
        with transaction.atomic():
            current = OptionGrant.objects.select_for_update().get(pk=self.pk)
            if current.approved_at is not None:
                raise ValidationError("This grant is already approved.")
            current.approved_by, current.approved_at = by, timezone.now()
            current.save(update_fields=["approved_by", "approved_at"])
        self.approved_by, self.approved_at = current.approved_by, current.approved_at

    def deadline_explained(self, periods: list[Period] | None = None) -> Deadline:
        """The exercise deadline from every fact recorded (the stored `deadline`)."""
        person = self.optionee
        return rules.exercise_deadline(
            expiration=self.expiration_date,
            terminated_on=person.terminated_on,
            reason=person.termination_reason or None,
            post_termination_months=self.post_termination_months,
            disability_months=self.disability_months,
            death_months=self.death_months,
            short_swing_until=person.short_swing_liability_until,
            periods=RegistrationPeriod.objects.periods() if periods is None else periods,
        )

    def deadline_on(self, on: date, periods: list[Period] | None = None) -> Deadline:
        """The exercise deadline as known on `on` (DOMAIN.md §3): a termination after `on`
        is not known yet, so the deadline is the expiration date; registration is as
        known on `on` (the period in force then continues)."""
        ended = self.terminated_as_of(on)
        if ended is None:
            return Deadline(self.expiration_date, rules.DeadlineRule.EXPIRATION)
        person = self.optionee
        return rules.exercise_deadline(
            expiration=self.expiration_date,
            terminated_on=ended,
            reason=person.termination_reason or None,
            post_termination_months=self.post_termination_months,
            disability_months=self.disability_months,
            death_months=self.death_months,
            short_swing_until=person.short_swing_liability_until,
            periods=rules.known_on(
                RegistrationPeriod.objects.periods() if periods is None else periods, on
            ),
        )

    def exercise_deadline(self) -> date:
        """The last day on which an exercise is allowed (paragraph 5)."""
        return self.deadline_explained().day

    def exercisable_shares(self, on: date, periods: list[Period] | None = None) -> int:
        """Vested minus exercised on `on`, as of `on`; 0 before the grant date, after the
        deadline known on `on`, or on a day the shares are not registered. A caller that
        has already read the registration `periods` passes them."""
        if on < self.grant_date:
            return 0
        if periods is None:
            periods = RegistrationPeriod.objects.periods()
        if on > self.deadline_on(on, periods).day or not rules.is_registered(on, periods):
            return 0
        return max(0, self.vested_shares(on) - self.exercised_shares(on))

    def exercise_room(self, on: date) -> tuple[int, date | None]:
        """Rule 4 of an exercise (DOMAIN.md §2): the most that may be exercised on `on`
        so that no day of the ledger is over-exercised: with the new exercise, the shares
        exercised on or before `on` stay within those vested on `on`, and those exercised
        on or before each later recorded exercise date t within those vested on t.
        Returns the most, and the later exercise date that limits it (None when `on`
        itself does). Vesting here knows every recorded fact (an exercise is recorded
        now)."""
        dated = sorted((e.exercise_date, e.shares) for e in self.exercises.all())

        def room_on(day: date) -> int:
            return self.vested_shares(day) - sum(s for d, s in dated if d <= day)

        room, limited_by = room_on(on), None
        for day in sorted({d for d, _ in dated if d > on}):
            later = room_on(day)
            if later < room:
                room, limited_by = later, day
        return max(0, room), limited_by

    def _date_refusal(self, on: date) -> ValidationError | None:
        """Rules 2 and 3 of an exercise: why nothing at all can be exercised on `on` (before
        the grant, after the deadline, not registered), or None."""
        if on < self.grant_date:
            return ValidationError(
                f"Before the grant: the option was granted on {self.grant_date:%Y-%m-%d} and "
                f"cannot be exercised on {on:%Y-%m-%d}.",
                code="before_grant",
            )
        deadline = self.deadline_explained()
        if on > deadline.day:
            return ValidationError(
                f"After the deadline: the last day to exercise this option was "
                f"{deadline.day:%Y-%m-%d} ({deadline.paragraph}).",
                code="after_deadline",
            )
        if not RegistrationPeriod.objects.covering(on).exists():
            return ValidationError(
                f"Not registered: on {on:%Y-%m-%d} the shares are not registered under the "
                f"Securities Act and no exemption is recorded, so nothing is exercisable "
                f"(paragraph 4).",
                code="not_registered",
            )
        return None

    def most_to_record(self, on: date) -> tuple[int, str]:
        """The most shares an exercise dated `on` could be recorded for now (every rule
        but the minimum and the payment), and why, when something limits it: the same
        rules check_exercise() applies."""
        refusal = self._date_refusal(on)
        if refusal is not None:
            return 0, refusal.message
        room, limited_by = self.exercise_room(on)
        if limited_by is not None:
            return room, (
                f"Exercises dated up to {limited_by:%Y-%m-%d} already take shares vested by "
                f"then: recording more on {on:%Y-%m-%d} would exercise more than was vested "
                f"on {limited_by:%Y-%m-%d}."
            )
        return room, ""

    def check_exercise(self, shares, on: date, payment_method: str = "cash") -> int:
        """Apply every rule of an exercise (DOMAIN.md "Exercise") without saving anything.
        Returns the whole number of shares; raises ValidationError naming the broken rule."""
        count = _whole_shares(shares)
        refusal = self._date_refusal(on)
        if refusal is not None:
            raise refusal
        available, limited_by = self.exercise_room(on)
        if count > available:
            later = (
                ""
                if limited_by is None
                else f" (the exercises recorded up to {limited_by:%Y-%m-%d} would otherwise "
                f"exceed the shares vested on that day)"
            )
            raise ValidationError(
                f"More than exercisable: at most {available:,} shares can be exercised on "
                f"{on:%Y-%m-%d}{later}; {count:,} {'was' if count == 1 else 'were'} asked for.",
                code="more_than_exercisable",
            )
        minimum = self.minimum_exercise_shares
        is_final = count == self.outstanding_shares()
        if count < minimum and not is_final and self.unclaimed_small_installment(count, on) is None:
            small = any(s == count for _, s in self.installment_rows())
            claimed = (
                " Every vested installment of that size has already been exercised under "
                "that exception."
                if small
                else ""
            )
            raise ValidationError(
                f"Below the minimum: an exercise must be for at least {minimum:,} shares, "
                f"except a whole installment of fewer shares (once per installment) or the "
                f"final exercise of all {self.outstanding_shares():,} shares outstanding "
                f"(paragraph 3).{claimed}",
                code="minimum_exercise",
            )
        if payment_method not in PaymentMethod.values:
            raise ValidationError(
                "Payment: the price is due in full in cash, by check or through a "
                "Regulation T program (paragraph 2(b)).",
                code="payment_method",
            )
        return count

    def exercise(self, shares, on: date, payment_method: str = "cash"):
        """Record an exercise if every rule allows it; otherwise raise ValidationError and
        save nothing. The grant row is locked, so concurrent exercises queue (PostgreSQL),
        and the exercise's sequence number is unique per grant, so two that slipped past
        each other could never both be saved."""
        with transaction.atomic():
            grant = (
                OptionGrant.objects.select_for_update()
                .select_related("optionee", "plan")
                .get(pk=self.pk)
            )
            count = grant.check_exercise(shares, on, payment_method)
            # Exception (a) of paragraph 3 claims its installment, once.
            claim = None
            if count < grant.minimum_exercise_shares and count != grant.outstanding_shares():
                claim = grant.unclaimed_small_installment(count, on)
            last = grant.exercises.aggregate(last=models.Max("sequence"))["last"] or 0
            try:
                exercise = self._record_exercise(grant, last + 1, count, on, payment_method, claim)
            except IntegrityError:
                raise ValidationError(
                    "Another exercise of this grant was recorded at the same moment; nothing "
                    "was saved. Check the exercisable shares and try again.",
                    code="concurrent_exercise",
                ) from None
        return exercise

    @staticmethod
    def _record_exercise(grant, sequence, count, on, payment_method, claim=None):
        fair_value = StockPrice.on(on)
        with transaction.atomic():
            return Exercise.objects.create(
                grant=grant,
                sequence=sequence,
                exercise_date=on,
                shares=count,
                payment_method=payment_method,
                claimed_installment_date=claim,
                aggregate_price=grant.exercise_price * count,
                fair_market_value=fair_value,
                spread=None if fair_value is None else (fair_value - grant.exercise_price) * count,
            )


def _whole_shares(shares) -> int:
    """Parse a share count: a whole, positive number (paragraph 3: "only whole shares") that
    a share column holds. The text's length and the number's size are checked before int():
    int(Decimal("1e999999")) alone builds a million-digit number, and "1e999999999" more
    than a worker's memory."""
    if isinstance(shares, bool | date | datetime):
        raise ValidationError("Shares must be a number.", code="whole_shares")
    try:
        text = str(shares).strip().replace(",", "")
    except ValueError:  # an int past Python's 4,300-digit limit for str()
        text = None
    if text is None or len(text) > 30:
        raise ValidationError(
            "Shares must be a whole number of at most 30 characters.", code="whole_shares"
        )
    try:
        value = Decimal(text)
    except Exception:
        raise ValidationError(
            f"Shares must be a whole number, not {shares!r}.", code="whole_shares"
        ) from None
    if not value.is_finite() or value != value.to_integral_value():
        raise ValidationError(
            "Whole shares only: this option may be exercised for whole shares only (paragraph 3).",
            code="whole_shares",
        )
    if value <= 0:
        raise ValidationError("The number of shares must be positive.", code="positive_shares")
    if value > 2_147_483_647:  # the most a share count (PositiveIntegerField) holds
        raise ValidationError(
            "Too many shares: no grant holds more than 2,147,483,647 shares.",
            code="too_many_shares",
        )
    return int(value)


class VestingInstallment(models.Model):
    """Shares that vest (become exercisable) at the start of `vest_date`."""

    grant = models.ForeignKey(OptionGrant, on_delete=models.CASCADE, related_name="installments")
    vest_date = models.DateField(validators=[validate_date_in_range])
    shares = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    history = HistoricalRecords()

    class Meta:
        ordering = ["grant", "vest_date"]
        # The dashboard's "vesting in the next 90 days" reads installments by date across
        # all grants: without this index it is a sequential scan of every installment.
        indexes = [models.Index(fields=["vest_date"], name="installment_vest_date")]
        constraints = [
            models.UniqueConstraint(
                fields=["grant", "vest_date"],
                name="one_installment_per_grant_and_date",
                violation_error_message="This grant already has an installment on that date.",
            ),
            models.CheckConstraint(
                condition=Q(shares__gt=0),
                name="installment_shares_positive",
                violation_error_message="An installment must have at least one share.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.shares:,} on {self.vest_date}"
