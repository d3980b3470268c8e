"""Restricted stock awards and units (DOMAIN.md §4): shares issued at grant and restricted
until they vest (RSA), or a promise of shares delivered at vesting (RSU). They vest by
installments as options do, count against the plan's reserve, and each vesting that has
happened is confirmed by an admin with the shares withheld for taxes."""

import math
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from compensation.approval import clean_meeting
from compensation.models import Person
from core.dates import LATEST_DATE, validate_date_in_range
from core.history import TrackedHistory

from .award_vesting import AwardVesting
from .choices import ELECTION_DAYS, AwardType, Election83b
from .installment import AwardInstallment, installment_problems
from .ledger import VestingLedger
from .plan import StockPlan, reserve_errors
from .querysets import StockAwardQuerySet

if TYPE_CHECKING:
    from django.db.models.fields.related_descriptors import RelatedManager

Rows = list[tuple[date, int]]


RATE_MESSAGE = "The withholding rate must be a decimal from 0 to 1 (0.25 means 25 percent)."


class StockAward(VestingLedger, models.Model):
    """A restricted stock award or unit: who receives how many shares, at what purchase
    price, vesting when."""

    plan = models.ForeignKey(StockPlan, on_delete=models.PROTECT, related_name="awards")
    recipient = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="stock_awards")
    award_type = models.CharField("kind of award", max_length=3, choices=AwardType.choices)
    grant_date = models.DateField(validators=[validate_date_in_range])
    shares = models.PositiveIntegerField(
        "shares or units", validators=[MinValueValidator(1), MaxValueValidator(2_147_483_647)]
    )
    purchase_price = models.DecimalField(
        max_digits=12,
        decimal_places=4,
        default=Decimal(0),
        validators=[
            MinValueValidator(Decimal(0), message="The purchase price cannot be negative.")
        ],
        help_text="Per share, often $0.",
    )
    withholding_rate = models.DecimalField(
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(Decimal(0), message=RATE_MESSAGE),
            MaxValueValidator(Decimal(1), message=RATE_MESSAGE),
        ],
        help_text="Shares withheld for taxes at each vesting, as a decimal (0.25 is 25%); "
        "rounded up to whole shares. Empty: typed at each vesting.",
    )
    election_83b = models.CharField(
        "83(b) election",
        max_length=8,
        choices=Election83b.choices,
        default=Election83b.NOT_ELECTING,
    )
    election_83b_on = models.DateField(
        "83(b) election filed on",
        null=True,
        blank=True,
        validators=[validate_date_in_range],
    )
    authorized_by = models.CharField(
        max_length=200, blank=True, help_text="Who signed for the Board of Directors."
    )
    authorized_on = models.DateField(null=True, blank=True, validators=[validate_date_in_range])
    notes = models.TextField(blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approval_meeting = models.CharField(
        max_length=200, blank=True, help_text="The committee meeting that approved it."
    )

    objects = StockAwardQuerySet.as_manager()
    history = TrackedHistory()

    if TYPE_CHECKING:
        installments: RelatedManager["AwardInstallment"]
        vestings: RelatedManager["AwardVesting"]
        # Annotated by StockAwardQuerySet.with_vesting_totals().
        vested: int
        unvested: int
        forfeited: int

    class Meta:
        ordering = ["-grant_date", "pk"]
        permissions = [("approve_stockaward", "Can approve board authorization of awards")]
        indexes = [
            # The approvals page's awards awaiting approval, oldest first (a few hundred
            # among tens of thousands of awards).
            models.Index(
                fields=["grant_date", "id"],
                condition=Q(approved_at__isnull=True),
                name="award_awaiting_approval",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(shares__gt=0),
                name="award_shares_positive",
                violation_error_message="An award must be for at least one share or unit.",
            ),
            models.CheckConstraint(
                condition=Q(purchase_price__gte=0),
                name="award_price_not_negative",
                violation_error_message="The purchase price cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(withholding_rate__isnull=True)
                | Q(withholding_rate__gte=0, withholding_rate__lte=1),
                name="award_withholding_rate_between_0_and_1",
                violation_error_message=RATE_MESSAGE,
            ),
            models.CheckConstraint(
                condition=Q(award_type="RSA") | Q(election_83b="none"),
                name="award_83b_only_for_stock_awards",
                violation_error_message="Only a restricted stock award (not a unit) can "
                "have an 83(b) election.",
            ),
            models.CheckConstraint(
                condition=Q(election_83b="filed", election_83b_on__isnull=False)
                | (~Q(election_83b="filed") & Q(election_83b_on__isnull=True)),
                name="award_83b_filed_with_its_date",
                violation_error_message="A filed 83(b) election needs its date, and only a "
                "filed one has a date.",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.recipient}: {self.shares:,} {self.unit_name} ({self.award_type}) "
            f"granted {self.grant_date}"
        )

    # A change to one of these after the committee's approval withdraws the approval, as
    # for options: the committee approved other terms.
    MATERIAL_FIELDS = (
        "plan_id",
        "recipient_id",
        "award_type",
        "grant_date",
        "shares",
        "purchase_price",
    )

    def save(self, *args, **kwargs) -> None:
        if kwargs.get("update_fields") is not None:
            super().save(*args, **kwargs)  # the approval alone: no terms change
            return
        with transaction.atomic():
            # As for options: the write locks the plan's row and checks the reserve again.
            StockPlan.objects.select_for_update().filter(pk=self.plan_id).values("pk").first()
            errors = self.check_plan_reserve()
            if errors:
                raise ValidationError(errors)
            if self.pk and self.approved_at is not None:
                before = StockAward.objects.filter(pk=self.pk).values(*self.MATERIAL_FIELDS).first()
                changed = [
                    field.removesuffix("_id")
                    for field in self.MATERIAL_FIELDS
                    if before is not None and before[field] != getattr(self, field)
                ]
                if changed:
                    self.approved_by, self.approved_at, self.approval_meeting = None, None, ""
                    self._change_reason = (
                        f"Approval withdrawn: {', '.join(changed)} changed after the "
                        "committee's approval"
                    )
            super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("grants:award", args=[self.pk])

    @property
    def unit_name(self) -> str:
        return "units" if self.award_type == AwardType.RSU else "shares"

    # --- Terms ----------------------------------------------------------------------------

    @property
    def election_last_day(self) -> date:
        """The last day to file an 83(b) election: grant date + 30 days."""
        return self.grant_date + timedelta(days=ELECTION_DAYS)

    def clean(self) -> None:
        errors: dict[str, list[str | ValidationError]] = {}
        if self.award_type == AwardType.RSU and self.election_83b != Election83b.NOT_ELECTING:
            errors.setdefault("election_83b", []).append(
                "A restricted stock unit delivers no shares at grant: there is nothing to make "
                "an 83(b) election on. Only a restricted stock award has one."
            )
        if self.election_83b == Election83b.FILED and self.election_83b_on is None:
            errors.setdefault("election_83b_on", []).append(
                "Enter the date the 83(b) election was filed."
            )
        if self.election_83b != Election83b.FILED and self.election_83b_on is not None:
            errors.setdefault("election_83b_on", []).append(
                'Only a filed election has a date: choose "Filed" or leave the date empty.'
            )
        # A grant date past the accepted range is refused by its field: no 30 days after it.
        if self.election_83b_on and self.grant_date and self.grant_date <= LATEST_DATE:
            if self.election_83b_on < self.grant_date:
                errors.setdefault("election_83b_on", []).append(
                    f"An 83(b) election is filed after the grant ({self.grant_date:%Y-%m-%d}), "
                    f"not before it."
                )
            elif self.election_83b_on > self.election_last_day:
                errors.setdefault("election_83b_on", []).append(
                    f"An 83(b) election must be filed within 30 days after the grant: by "
                    f"{self.election_last_day:%Y-%m-%d}, not {self.election_83b_on:%Y-%m-%d}."
                )
        if self.pk is not None and not errors:
            errors.update(self.confirmed_terms_problems())
        if not errors:
            errors.update(self.check_plan_reserve())
        if errors:
            raise ValidationError(errors)

    def confirmed_terms_problems(self) -> dict[str, list[str | ValidationError]]:
        """Once a vesting is confirmed, its shares were delivered to the recipient with the
        withholding of the 83(b) status then: neither can change afterwards."""
        stored = StockAward.objects.filter(pk=self.pk).values("recipient", "election_83b").first()
        if stored is None or not self.vestings.exists():
            return {}
        problems: dict[str, list[str | ValidationError]] = {}
        if stored["recipient"] != self.recipient_id:
            problems["recipient"] = [
                "A vesting of this award is confirmed: its shares were delivered to the "
                "recipient, who cannot change."
            ]
        if stored["election_83b"] != self.election_83b:
            problems["election_83b"] = [
                "A vesting of this award is confirmed with the 83(b) status it had: the "
                "status cannot change."
            ]
        return problems

    def check_plan_reserve(self) -> dict[str, list[str | ValidationError]]:
        """Awards count against the plan's reserve as option shares do (DOMAIN.md §4);
        save() checks it again with the plan's row locked."""
        return reserve_errors(self, exclude_award=self.pk)

    def validate_installments(self, rows) -> None:
        """The installments sum exactly to the award; vest dates distinct, none before the
        grant date; and none confirmed as vested is changed."""
        rows = list(rows)
        problems = installment_problems(
            rows, total=self.shares, grant_date=self.grant_date, noun="award"
        )
        if self.pk and not problems:
            planned = dict(rows)
            for vesting in self.vestings.all():
                if planned.get(vesting.vest_date) != vesting.shares:
                    problems.append(
                        f"The vesting of {vesting.vest_date:%Y-%m-%d} ({vesting.shares:,} "
                        f"{self.unit_name}) is confirmed: its installment cannot change."
                    )
        if problems:
            raise ValidationError(problems)

    @classmethod
    def create_with_installments(cls, installments: Rows, **fields) -> "StockAward":
        """Validate the award and its installments together; save both or nothing."""
        award = cls(**fields)
        award._save_with_installments(installments)
        return award

    def change_with_installments(self, installments: Rows, **fields) -> None:
        """Change the terms and the installments together; save both or nothing. The
        award's row is locked first, as confirming a vesting locks it, so the check
        against the confirmed vestings sees every one of them."""
        with transaction.atomic():
            StockAward.objects.select_for_update().filter(pk=self.pk).values("pk").first()
            for name, value in fields.items():
                setattr(self, name, value)
            self._save_with_installments(installments)

    def _save_with_installments(self, installments: Rows) -> None:
        errors: dict[str, list] = {}
        with transaction.atomic():
            try:
                self.full_clean()
            except ValidationError as error:
                errors.update(error.update_error_dict({}))
            try:
                self.validate_installments(installments)
            except ValidationError as error:
                errors.setdefault("installments", []).extend(error.messages)
            if errors:
                raise ValidationError(errors)
            self.save()
            self.set_installments(installments)

    def set_installments(self, rows: Rows) -> None:
        """Replace the installments (already validated); on an approved award, a different
        schedule withdraws the approval."""
        with transaction.atomic():
            if sorted(rows) != self.installment_rows():
                self.withdraw_approval_for_installments()
            for installment in self.installments.all():
                installment.delete()
            bulk_create_with_history(
                [AwardInstallment(award=self, vest_date=d, shares=s) for d, s in rows],
                AwardInstallment,
            )

    def withdraw_approval_for_installments(self) -> None:
        """Installments changed on an approved award: it awaits approval again (the
        committee approves the award as made), and the history says why."""
        if self.approved_at is None:
            return
        self.approved_by, self.approved_at, self.approval_meeting = None, None, ""
        self._change_reason = (
            "Approval withdrawn: installments changed after the committee's approval"
        )
        self.save(update_fields=["approved_by", "approved_at", "approval_meeting"])

    def approve(self, *, by, meeting: str) -> None:
        """The committee approves the board's authorization of this award, once, at a
        named meeting."""
        meeting = clean_meeting(meeting, "approval_meeting")
        with transaction.atomic():
            current = StockAward.objects.select_for_update().get(pk=self.pk)
            if current.approved_at is not None:
                raise ValidationError(f"{current} is already approved.")
            current.approved_by, current.approved_at = by, timezone.now()
            current.approval_meeting = meeting
            current._change_reason = f"Approved at {meeting}"
            current.save(update_fields=["approved_by", "approved_at", "approval_meeting"])
        self.approved_by, self.approved_at = current.approved_by, current.approved_at
        self.approval_meeting = meeting

    # --- Vesting as of a date -------------------------------------------------------------

    @property
    def terminated_on(self) -> date | None:
        return self.recipient.terminated_on

    # --- Confirming vestings --------------------------------------------------------------

    def vestings_to_confirm(self, on: date) -> Rows:
        """The installments that have vested by `on` (not forfeited) and are not yet
        confirmed."""
        confirmed = {v.vest_date for v in self.vestings.all()}
        ended = self.recipient.terminated_on
        return [
            (day, shares)
            for day, shares in self.installment_rows()
            if day <= on and day not in confirmed and (ended is None or day <= ended)
        ]

    def withholding_for(self, shares: int) -> int | None:
        """Shares withheld for taxes from a vesting of `shares`: none with a filed 83(b)
        election (taxed at grant); else the withholding rate, rounded up to whole shares;
        None when no rate is recorded (the admin types it)."""
        if self.election_83b == Election83b.FILED:
            return 0
        if self.withholding_rate is None:
            return None
        return math.ceil(shares * self.withholding_rate)

    def confirm_vesting(
        self, vest_date: date, *, withheld: int | None, by, today: date | None = None
    ) -> "AwardVesting":
        """Record that the installment of `vest_date` has vested, with the shares withheld
        for taxes (None: from the award's withholding rate). Refused for an installment
        that has not vested yet, was forfeited, or is already confirmed."""
        today = today or timezone.localdate()
        with transaction.atomic():
            award = (
                StockAward.objects.select_for_update(of=("self",))
                .select_related("recipient")
                .get(pk=self.pk)
            )
            rows = dict(award.installment_rows())
            if vest_date not in rows:
                raise ValidationError(f"This award has no installment on {vest_date:%Y-%m-%d}.")
            if vest_date > today:
                raise ValidationError(
                    f"The installment of {vest_date:%Y-%m-%d} has not vested yet."
                )
            # The holder's row is locked, as record_end_of_service() locks it: an end of
            # service recorded meanwhile is seen here, or waits for this confirmation.
            ended = (
                Person.objects.select_for_update()
                .filter(pk=award.recipient_id)
                .values_list("terminated_on", flat=True)
                .get()
            )
            if ended is not None and vest_date > ended:
                raise ValidationError(
                    f"The installment of {vest_date:%Y-%m-%d} was forfeited: service ended "
                    f"on {ended:%Y-%m-%d}."
                )
            if award.vestings.filter(vest_date=vest_date).exists():
                raise ValidationError(f"The vesting of {vest_date:%Y-%m-%d} is already confirmed.")
            shares = rows[vest_date]
            if award.election_83b == Election83b.FILED:
                if withheld:
                    raise ValidationError(
                        "An 83(b) election was filed for this award: it was taxed at grant, "
                        "and a vesting withholds nothing."
                    )
                withheld = 0
            if withheld is None:
                withheld = award.withholding_for(shares)
                if withheld is None:
                    raise ValidationError(
                        "No withholding rate is recorded for this award: enter the shares "
                        "withheld for taxes."
                    )
            if not 0 <= withheld <= shares:
                raise ValidationError(
                    f"The shares withheld must be from 0 to the {shares:,} that vest."
                )
            return AwardVesting.objects.create(
                award=award,
                vest_date=vest_date,
                shares=shares,
                shares_withheld=withheld,
                confirmed_by=by,
            )
