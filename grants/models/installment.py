from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from core.dates import validate_date_in_range


class VestingInstallment(models.Model):
    """Shares that vest (become exercisable) at the start of `vest_date`."""

    grant = models.ForeignKey(
        "grants.OptionGrant", on_delete=models.CASCADE, related_name="installments"
    )
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
