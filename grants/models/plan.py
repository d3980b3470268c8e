from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords


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
    history = HistoricalRecords()

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
        from ..pool import shares_in_use_peak

        first = self.grants.order_by("grant_date").values_list("grant_date", flat=True).first()
        if first is None:
            return
        peak = shares_in_use_peak(self, first)
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
