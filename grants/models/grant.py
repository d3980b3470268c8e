from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from types import EllipsisType
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from compensation.approval import clean_meeting
from compensation.models import Person
from core.dates import validate_date_in_range
from core.history import TrackedHistory

from .. import rules
from .assumptions import GrantAssumptions
from .exercising import GrantExercises
from .installment import VestingInstallment, installment_problems
from .ledger import Rows
from .market import StockPrice
from .plan import StockPlan, reserve_errors
from .querysets import OptionGrantQuerySet

# Field name -> its errors, as ValidationError() takes them: messages or ValidationErrors.
FieldErrors = dict[str, list[str | ValidationError]]


class OptionType(models.TextChoices):
    NSO = "NSO", "Non-qualified stock option"
    ISO = "ISO", "Incentive stock option (Code section 422)"


class OptionGrant(GrantExercises, GrantAssumptions):
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
    approval_meeting = models.CharField(
        max_length=200, blank=True, help_text="The committee meeting that approved it."
    )
    # Stored copy of exercise_deadline(), refreshed whenever a grant, its optionee's
    # termination or a registration period is saved, so lists can filter and sort on it.
    deadline = models.DateField(editable=False, db_index=True)

    objects = OptionGrantQuerySet.as_manager()
    history = TrackedHistory()

    if TYPE_CHECKING:
        # Set by OptionGrantQuerySet's annotations, on the grants it returns.
        deadline_as_of: date  # with_deadline_as_of(), outstanding()
        vested: int  # with_vesting_totals()
        unvested: int
        forfeited: int
        exercised: int
        exercisable: int
        status: str  # with_status()
        unvested_value: Decimal  # with_in_the_money_value()

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
            # The dashboard's exercise windows closing soon: a grant whose holder is in
            # service closes on its expiration date (the stored deadline has its own index).
            models.Index(fields=["expiration_date"], name="grant_expiration"),
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
        if kwargs.get("update_fields") is not None:
            super().save(*args, **kwargs)  # the approval alone: no terms change
            return
        with transaction.atomic():
            # The write that can take shares from the plan's reserve locks the plan's row
            # and checks the reserve again, so two grants cannot both take the last shares
            # (PostgreSQL); clean() checked it for the form's message, without a lock.
            StockPlan.objects.select_for_update().filter(pk=self.plan_id).values("pk").first()
            errors = self.check_plan_reserve()
            if errors:
                raise ValidationError(errors)
            if self.pk and self.approved_at is not None:
                stored = OptionGrant.objects.filter(pk=self.pk).values(*self.MATERIAL_FIELDS)
                before = stored.first()
                changed = [
                    field.removesuffix("_id")
                    for field in self.MATERIAL_FIELDS
                    if before is not None and before[field] != getattr(self, field)
                ]
                if changed:
                    self._withdraw_approval(f"{', '.join(changed)} changed")
            super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("grants:detail", args=[self.pk])

    def _withdraw_approval(self, what: str) -> None:
        """The committee approved other terms: the grant awaits approval again, and the
        history says why (DOMAIN.md §2: the committee approves the grant as made)."""
        self.approved_by, self.approved_at, self.approval_meeting = None, None, ""
        self._change_reason = f"Approval withdrawn: {what} after the committee's approval"

    def withdraw_approval_for_installments(self) -> None:
        """Installments changed on an approved grant: it awaits approval again."""
        if self.approved_at is None:
            return
        self._withdraw_approval("installments changed")
        self.save(update_fields=["approved_by", "approved_at", "approval_meeting"])

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
        fair_value = StockPrice.on(self.grant_date) if self.grant_date else None
        errors = self.terms_errors(fair_value)
        if not errors:
            errors.update(self.check_plan_reserve())
        if errors:
            raise ValidationError(errors)

    def terms_errors(self, fair_value: Decimal | None) -> FieldErrors:
        """What clean() refuses in the terms, given the closing price recorded for the
        grant date (None: none recorded); the import reads the prices of a whole file at
        once and asks the same."""
        errors: FieldErrors = {}
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
        if (
            self.grant_date
            and self.exercise_price is not None
            and fair_value is not None
            and self.exercise_price < fair_value
        ):
            errors.setdefault("exercise_price", []).append(
                f"The exercise price ${self.exercise_price} is below the fair market value "
                f"${fair_value} recorded for the grant date {self.grant_date:%Y-%m-%d} "
                f"(paragraph 2(a))."
            )
        for field, messages in self.assumption_errors().items():
            errors.setdefault(field, []).extend(messages)
        return errors

    def check_plan_reserve(self) -> FieldErrors:
        """Granted minus forfeited and expired shares count against the plan's reserve
        (DOMAIN.md §2; plan.reserve_errors); save() checks it again with the plan's row
        locked."""
        return reserve_errors(self, exclude_grant=self.pk)

    def validate_installments(self, rows: Iterable[tuple[date, int]]) -> None:
        """The installments sum exactly to the shares; vest dates are distinct and fall
        between the grant date and the expiration date."""
        rows = list(rows)
        problems = installment_problems(
            rows,
            total=self.shares,
            grant_date=self.grant_date,
            expiration_date=self.expiration_date,
        )
        if self.pk and not problems:
            problems.extend(self.ledger_problems(rows))
        if problems:
            raise ValidationError(problems)

    def ledger_problems(
        self, rows: Rows | None = None, terminated_on: date | None | EllipsisType = ...
    ) -> list[str]:
        """The recorded exercises that would exercise more shares than had vested by their
        date (and so more than the grant's shares) with these installments and this end
        of service: each names the exercise. Empty when the ledger stays consistent."""
        rows = self.installment_rows() if rows is None else sorted(rows)
        ended = self.terminated_on if terminated_on is ... else terminated_on
        problems, exercised = [], 0
        in_effect = self.exercises_in_effect()
        for exercise in sorted(in_effect, key=lambda e: (e.exercise_date, e.sequence)):
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
        grant._save_with_installments(installments)
        return grant

    def change_with_installments(self, installments: Rows, **fields) -> None:
        """Change the terms and the installments together; save both or nothing. The
        grant's row is locked first, as an exercise locks it, so the check against the
        recorded exercises sees every one of them. On an approved grant, a change to a
        material term or to the installments withdraws the approval (save(),
        set_installments())."""
        with transaction.atomic():
            OptionGrant.objects.select_for_update().filter(pk=self.pk).values("pk").first()
            for name, value in fields.items():
                setattr(self, name, value)
            self._save_with_installments(installments)

    def _save_with_installments(self, installments: Rows) -> None:
        errors: FieldErrors = {}
        # One transaction: save() checks the plan's reserve again under a lock.
        with transaction.atomic():
            try:
                self.full_clean()
            except ValidationError as error:
                for field, field_errors in error.update_error_dict({}).items():
                    errors.setdefault(field, []).extend(field_errors)
            try:
                self.validate_installments(installments)
            except ValidationError as error:
                errors.setdefault("installments", []).extend(error.messages)
            if errors:
                raise ValidationError(errors)
            self.save()
            self.set_installments(installments)

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

    def approval_refusal(self, today: date | None = None) -> str:
        """Why the committee can no longer approve this grant, or "": an option whose
        exercise deadline has passed, or with no share left outstanding (all exercised or
        forfeited), grants nothing the committee could still authorize."""
        today = today or timezone.localdate()
        if self.deadline < today:
            return (
                f"{self} can no longer be approved: its exercise deadline "
                f"{self.deadline:%Y-%m-%d} has passed."
            )
        if self.outstanding_shares() <= 0:
            return f"{self} can no longer be approved: no share of it is left outstanding."
        return ""

    def approve(self, *, by, meeting: str) -> None:
        """The committee approves the board's authorization of this grant, once, at a
        named meeting; not a grant that has expired or has nothing left outstanding."""
        meeting = clean_meeting(meeting, "approval_meeting")
        with transaction.atomic():
            current = (
                OptionGrant.objects.select_for_update(of=("self",))
                .select_related("optionee")
                .get(pk=self.pk)
            )
            if current.approved_at is not None:
                raise ValidationError(f"{current} is already approved.")
            refusal = current.approval_refusal()
            if refusal:
                raise ValidationError(refusal)
            current.approved_by, current.approved_at = by, timezone.now()
            current.approval_meeting = meeting
            current._change_reason = f"Approved at {meeting}"
            current.save(update_fields=["approved_by", "approved_at", "approval_meeting"])
        self.approved_by, self.approved_at = current.approved_by, current.approved_at
        self.approval_meeting = meeting
