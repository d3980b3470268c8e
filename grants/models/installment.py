from collections.abc import Iterable
from datetime import date

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q

from core.dates import validate_date_in_range
from core.history import TrackedHistory

from .award_vesting import AwardVesting
from .market import StockPrice


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
        article = "An" if noun[0] in "aeiou" else "A"
        problems.append(f"{article} {noun} needs at least one vesting installment.")
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

    # Indexed by installment_grant_shares below, not by an index of its own.
    grant = models.ForeignKey(
        "grants.OptionGrant",
        on_delete=models.CASCADE,
        related_name="installments",
        db_index=False,
    )
    vest_date = models.DateField(validators=[validate_date_in_range])
    shares = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    history = TrackedHistory()

    class Meta:
        ordering = ["grant", "vest_date"]
        # The dashboard's "vesting in the next 90 days" reads installments by date across
        # all grants: without this index it is a sequential scan of every installment.
        indexes = [
            models.Index(fields=["vest_date"], name="installment_vest_date"),
            # A grant's vested, unvested and forfeited shares are sums of its installments
            # up to or after a date: on PostgreSQL this index holds the shares too, so the
            # sums can read the index alone once the table is vacuumed (the plan pool's
            # forfeited and expired shares at 50,000 optionees: 173 ms reading the table,
            # 124 ms from the index). Its keys are the unique constraint's below, and the
            # foreign key's own index on the grant, redundant with both, is gone. SQLite
            # has no covering indexes and builds it as a copy of the unique one. The
            # shares cannot be put on the constraint instead: Django leaves a constraint
            # with included columns out altogether on SQLite, uniqueness and all.
            models.Index(
                fields=["grant", "vest_date"], include=["shares"], name="installment_grant_shares"
            ),
        ]
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


class AwardInstallmentQuerySet(models.QuerySet):
    def awaiting_confirmation(self, today: date) -> "AwardInstallmentQuerySet":
        """The installments vested by `today`, not forfeited and not confirmed: in SQL,
        what StockAward.vestings_to_confirm(today) gives award by award."""
        confirmed = AwardVesting.objects.filter(
            award=OuterRef("award"), vest_date=OuterRef("vest_date")
        )
        return (
            self.filter(vest_date__lte=today)
            # Installments after the end of service are forfeited.
            .exclude(award__recipient__terminated_on__lt=F("vest_date"))
            .exclude(Exists(confirmed))
            .select_related("award__recipient", "award__plan")
            .order_by("vest_date", "award__recipient__name", "pk")
        )

    def with_price_used(self) -> "AwardInstallmentQuerySet":
        """Annotate `price_date` and `price_amount`: the price used for the vesting
        (StockPrice.on_or_before() of the vest date)."""
        return self.annotate(**StockPrice.on_or_before_annotations())


class AwardInstallment(models.Model):
    """Shares or units of an award that vest on `vest_date`."""

    award = models.ForeignKey(
        "grants.StockAward", on_delete=models.CASCADE, related_name="installments"
    )
    vest_date = models.DateField(validators=[validate_date_in_range])
    shares = models.PositiveIntegerField(validators=[MinValueValidator(1)])

    objects = AwardInstallmentQuerySet.as_manager()
    history = TrackedHistory()

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
