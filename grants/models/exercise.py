from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from core.dates import validate_date_in_range
from core.history import TrackedHistory


class PaymentMethod(models.TextChoices):
    CASH = "cash", "Cash"
    CHECK = "check", "Check"
    REGULATION_T = "regulation_t", "Broker-assisted cashless (Regulation T)"


class Exercise(models.Model):
    """Shares bought under an option on a date. Created only by OptionGrant.exercise(),
    which applies every rule of the agreement."""

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
    history = TrackedHistory()

    class Meta:
        ordering = ["grant", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["grant", "sequence"],
                name="exercises_numbered_once_per_grant",
                violation_error_message="Another exercise of this grant was recorded at the "
                "same time; try again.",
            ),
            models.UniqueConstraint(
                fields=["grant", "claimed_installment_date"],
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
        ]

    def __str__(self) -> str:
        return f"{self.shares:,} shares on {self.exercise_date}"
