from typing import TYPE_CHECKING

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from core.dates import validate_date_in_range
from core.history import TrackedHistory


class PaymentMethod(models.TextChoices):
    CASH = "cash", "Cash"
    CHECK = "check", "Check"
    REGULATION_T = "regulation_t", "Broker-assisted cashless (Regulation T)"


# The longest reason a reversal keeps (it is shown on the grant page and in the history).
REVERSAL_REASON_LENGTH = 500


class ExerciseQuerySet(models.QuerySet):
    def in_effect(self) -> "ExerciseQuerySet":
        """The exercises every figure counts: not those reversed as entered by mistake."""
        return self.filter(reversed_at__isnull=True)


class Exercise(models.Model):
    """Shares bought under an option on a date. Created only by OptionGrant.exercise(),
    which applies every rule of the agreement. One entered by mistake is never deleted
    nor changed: reverse() records the correction on it (when, by whom, why), and every
    figure then counts it as if it had never happened."""

    grant = models.ForeignKey(
        "grants.OptionGrant", on_delete=models.PROTECT, related_name="exercises"
    )
    # 1, 2, 3... per grant: unique, so two concurrent exercises cannot both be saved.
    sequence = models.PositiveIntegerField(editable=False)
    exercise_date = models.DateField(validators=[validate_date_in_range])
    shares = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    payment_method = models.CharField(
        max_length=12, choices=PaymentMethod.choices, default=PaymentMethod.CASH
    )
    # 22 digits hold any product of a share count (at most 2,147,483,647: ten digits) and a
    # price (at most 99,999,999.9999: eight, and four decimals), so no exercise the grant's
    # terms allow overflows its column.
    aggregate_price = models.DecimalField(
        max_digits=22, decimal_places=4, help_text="Shares x exercise price, due in full."
    )
    fair_market_value = models.DecimalField(
        max_digits=12,
        decimal_places=4,
        null=True,
        blank=True,
        help_text="The closing price on the exercise date, where one is recorded.",
    )
    spread = models.DecimalField(
        max_digits=22,
        decimal_places=4,
        null=True,
        blank=True,
        help_text="(Fair market value - exercise price) x shares: the amount on which tax "
        "is withheld.",
    )
    # Exception (a) of paragraph 3: an exercise below the minimum takes one whole small
    # installment, identified by its vest date, and no other exercise can take it again.
    claimed_installment_date = models.DateField(
        null=True,
        blank=True,
        editable=False,
        help_text="The vest date of the installment (fewer shares than the minimum) that this "
        "exercise took whole under paragraph 3(a).",
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    # The correcting entry: set once, by reverse(), and never cleared.
    reversed_at = models.DateTimeField(null=True, blank=True, editable=False)
    reversed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    reversal_reason = models.CharField(
        max_length=REVERSAL_REASON_LENGTH, blank=True, editable=False
    )

    objects = ExerciseQuerySet.as_manager()
    history = TrackedHistory()

    if TYPE_CHECKING:
        _change_reason: str  # read by django-simple-history: the change's reason

    class Meta:
        ordering = ["grant", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["grant", "sequence"],
                name="exercises_numbered_once_per_grant",
                violation_error_message="Another exercise of this grant was recorded at the "
                "same time; try again.",
            ),
            # A reversed exercise gives its installment back: it never happened.
            models.UniqueConstraint(
                fields=["grant", "claimed_installment_date"],
                condition=Q(reversed_at__isnull=True),
                name="small_installment_claimed_once",
                violation_error_message="That installment has already been exercised under "
                "paragraph 3(a).",
            ),
            models.CheckConstraint(
                condition=Q(shares__gt=0),
                name="exercise_shares_positive",
                violation_error_message="An exercise must be for at least one share.",
            ),
            models.CheckConstraint(
                condition=Q(aggregate_price__gte=0),
                name="exercise_price_not_negative",
                violation_error_message="The aggregate price cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(reversed_at__isnull=True, reversal_reason="")
                | (Q(reversed_at__isnull=False) & ~Q(reversal_reason="")),
                name="exercise_reversal_has_its_reason",
                violation_error_message="A reversal needs its date and its reason.",
            ),
        ]

    def __str__(self) -> str:
        reversed_ = " (reversed)" if self.reversed_at else ""
        return f"{self.shares:,} shares on {self.exercise_date}{reversed_}"

    def reverse(self, *, by, reason: str) -> None:
        """Reverse an exercise entered by mistake: the exercise stays, with who reversed
        it, when and why, in its record and its history; every figure, for every date,
        then leaves it out. Once only. The grant's row is locked, as an exercise locks it,
        so no exercise is checked against a ledger that is changing."""
        reason = reason.strip() if isinstance(reason, str) else ""
        if not reason:
            raise ValidationError(
                {"reason": "Say why the exercise is reversed: the reason is kept in its history."}
            )
        if len(reason) > REVERSAL_REASON_LENGTH or "\x00" in reason:
            raise ValidationError(
                {
                    "reason": f"The reason is kept as text of at most "
                    f"{REVERSAL_REASON_LENGTH} characters, without NUL characters."
                }
            )
        grant_model = apps.get_model("grants", "OptionGrant")
        with transaction.atomic():
            list(
                grant_model._default_manager.select_for_update()
                .filter(pk=self.grant_id)
                .values("pk")
            )
            current = Exercise.objects.select_for_update().get(pk=self.pk)
            if current.reversed_at is not None:
                raise ValidationError(
                    f"Exercise no. {current.sequence} was already reversed on "
                    f"{timezone.localtime(current.reversed_at):%Y-%m-%d}; a reversal is not "
                    f"reversed again. Record the exercise anew if it did happen.",
                    code="already_reversed",
                )
            current.reversed_at, current.reversed_by = timezone.now(), by
            current.reversal_reason = reason
            current._change_reason = f"Reversed by {by}: {reason}"
            current.save(update_fields=["reversed_at", "reversed_by", "reversal_reason"])
        self.reversed_at, self.reversed_by = current.reversed_at, current.reversed_by
        self.reversal_reason = current.reversal_reason
