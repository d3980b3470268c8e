from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models, transaction
from django.db.models import Q
from simple_history.models import HistoricalRecords

from ..rules import Period


class StockPrice(models.Model):
    """The fair market value of the common stock on a date: that day's closing price."""

    date = models.DateField(unique=True)
    price = models.DecimalField(
        max_digits=12, decimal_places=4, validators=[MinValueValidator(Decimal("0"))]
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date"]
        get_latest_by = "date"
        constraints = [
            models.CheckConstraint(
                condition=Q(price__gte=0),
                name="stock_price_not_negative",
                violation_error_message="A stock price cannot be negative.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date}: ${self.price}"

    @classmethod
    def on(cls, day: date) -> Decimal | None:
        """The recorded fair market value on `day`, or None when none is recorded."""
        return cls.objects.filter(date=day).values_list("price", flat=True).first()


class RegistrationPeriodQuerySet(models.QuerySet):
    def periods(self) -> list[Period]:
        return list(self.order_by("start_date").values_list("start_date", "end_date"))

    def covering(self, day: date) -> "RegistrationPeriodQuerySet":
        return self.filter(Q(end_date__isnull=True) | Q(end_date__gte=day), start_date__lte=day)


class RegistrationPeriod(models.Model):
    """A period in which the option shares are registered under the Securities Act, or the
    company has determined that an exemption applies. Outside every period nothing is
    exercisable (paragraph 4)."""

    start_date = models.DateField()
    end_date = models.DateField(
        null=True, blank=True, help_text="Last registered day. Empty: still in effect."
    )
    basis = models.CharField(max_length=200, help_text='E.g. "Form S-8 effective".')

    objects = RegistrationPeriodQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="registration_ends_after_it_starts",
                violation_error_message="A registration period cannot end before it starts.",
            ),
        ]

    def __str__(self) -> str:
        end = self.end_date or "in effect"
        return f"{self.start_date} – {end} ({self.basis})"

    def save(self, *args, **kwargs) -> None:
        with transaction.atomic():
            super().save(*args, **kwargs)
            refresh_registration_dependent_deadlines()

    def clean(self) -> None:
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError(
                {"end_date": "A registration period cannot end before it starts."}
            )

    def delete(self, *args, **kwargs):
        with transaction.atomic():
            result = super().delete(*args, **kwargs)
            refresh_registration_dependent_deadlines()
        return result


def refresh_registration_dependent_deadlines() -> None:
    """Registration only moves the deadlines of grants whose optionee left for an
    "other" reason (paragraph 5(b)(iii)); refresh those."""
    from .grant import OptionGrant

    OptionGrant.objects.filter(optionee__termination_reason="other").refresh_deadlines()
