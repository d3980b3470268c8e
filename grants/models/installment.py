from collections.abc import Iterable
from datetime import date

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from core.dates import validate_date_in_range


def installment_problems(
    rows: Iterable[tuple[date, int | None]],
    *,
    total: int | None,
    grant_date: date | None,
    expiration_date: date | None = None,
    noun: str = "grant",
) -> list[str]:
    """The rules of a schedule of installments, for option grants and stock awards alike
    (DOMAIN.md §2 and §4): at least one; they sum exactly to the shares; vest dates are
    distinct and none before the grant date (nor, for an option, after its expiration)."""
    rows = list(rows)
    problems = []
    if not rows:
        problems.append(f"A {noun} needs at least one vesting installment.")
    seen: set[date] = set()
    for vest_date, shares in rows:
        if vest_date in seen:
            problems.append(f"Two installments vest on {vest_date:%Y-%m-%d}; merge them.")
        seen.add(vest_date)
        if shares is None or shares <= 0:
            problems.append(f"The installment of {vest_date:%Y-%m-%d} must have shares.")
        if grant_date and vest_date < grant_date:
            problems.append(
                f"The installment of {vest_date:%Y-%m-%d} vests before the grant date "
                f"{grant_date:%Y-%m-%d}."
            )
        if expiration_date and vest_date > expiration_date:
            problems.append(
                f"The installment of {vest_date:%Y-%m-%d} vests after the expiration date "
                f"{expiration_date:%Y-%m-%d}."
            )
    added = sum(shares or 0 for _, shares in rows)
    if rows and total is not None and added != total:
        problems.append(f"The installments add up to {added:,} shares, not the {noun}'s {total:,}.")
    return problems


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


class AwardInstallment(models.Model):
    """Shares or units of an award that vest on `vest_date`."""

    award = models.ForeignKey(
        "grants.StockAward", on_delete=models.CASCADE, related_name="installments"
    )
    vest_date = models.DateField(validators=[validate_date_in_range])
    shares = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    history = HistoricalRecords()

    class Meta:
        ordering = ["award", "vest_date"]
        indexes = [models.Index(fields=["vest_date"], name="award_installment_vest_date")]
        constraints = [
            models.UniqueConstraint(
                fields=["award", "vest_date"],
                name="one_award_installment_per_date",
                violation_error_message="This award already has an installment on that date.",
            ),
            models.CheckConstraint(
                condition=Q(shares__gt=0),
                name="award_installment_shares_positive",
                violation_error_message="An installment must have at least one share.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.shares:,} on {self.vest_date}"
