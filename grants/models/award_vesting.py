from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from core.dates import validate_date_in_range
from core.history import TrackedHistory

from .market import StockPrice


class AwardVesting(models.Model):
    """An admin's confirmation that an installment vested, with the shares withheld for
    taxes. The value realized is computed when shown, from the price table."""

    award = models.ForeignKey(
        "grants.StockAward", on_delete=models.PROTECT, related_name="vestings"
    )
    vest_date = models.DateField(validators=[validate_date_in_range])
    shares = models.PositiveIntegerField(help_text="Gross: before any withholding.")
    shares_withheld = models.PositiveIntegerField(default=0)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(default=timezone.now)
    history = TrackedHistory()

    class Meta:
        ordering = ["-vest_date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["award", "vest_date"],
                name="one_vesting_per_award_and_date",
                violation_error_message="This vesting is already confirmed.",
            ),
            models.CheckConstraint(
                condition=Q(shares_withheld__lte=F("shares")),
                name="vesting_withholds_at_most_its_shares",
                violation_error_message="The shares withheld cannot exceed the shares vesting.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.award.recipient}: {self.shares:,} vested {self.vest_date}"

    @property
    def net_shares(self) -> int:
        return self.shares - self.shares_withheld

    def price_used(self) -> tuple[date, Decimal] | None:
        """The closing price on the vest date, or the latest recorded before it."""
        return StockPrice.on_or_before(self.vest_date)

    def value_realized(self) -> Decimal | None:
        """Gross shares x the price used (DOMAIN.md §4); None with no price recorded."""
        found = self.price_used()
        return None if found is None else self.shares * found[1]
