import datetime
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models, transaction
from django.db.models import Case, Exists, OuterRef, Q, Subquery, When

from core.dates import validate_date_in_range
from core.history import TrackedHistory

from ..rules import Period
from .plan import StockPlan


class StockPrice(models.Model):
    """The fair market value of the common stock on a date: that day's closing price."""

    date = models.DateField(unique=True, validators=[validate_date_in_range])
    price = models.DecimalField(
        max_digits=12, decimal_places=4, validators=[MinValueValidator(Decimal("0"))]
    )
    history = TrackedHistory()

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
    def on(cls, day: datetime.date) -> Decimal | None:
        """The recorded fair market value on `day`, or None when none is recorded."""
        return cls.objects.filter(date=day).values_list("price", flat=True).first()

    @classmethod
    def on_or_before(cls, day: datetime.date) -> tuple[datetime.date, Decimal] | None:
        """The closing price on `day` or, when none is recorded that day, the latest one
        before it, with the date it is from; None when none is recorded by then."""
        found = cls.objects.filter(date__lte=day).order_by("-date").values_list("date", "price")
        return found.first()

    @classmethod
    def on_or_before_annotations(cls, day: str = "vest_date") -> dict:
        """on_or_before() of each row's `day` field, as annotations for a queryset:
        `price_date` and `price_amount` (None when no price is recorded by then), looked up
        in SQL for the rows asked for rather than by reading the whole price history."""
        latest = cls.objects.filter(date__lte=OuterRef(day)).order_by("-date")
        return {
            "price_date": Subquery(latest.values("date")[:1]),
            "price_amount": Subquery(latest.values("price")[:1]),
        }


class RegistrationPeriodQuerySet(models.QuerySet):
    def periods(self) -> list[Period]:
        return list(self.order_by("start_date").values_list("start_date", "end_date"))

    def covering(self, day: date) -> "RegistrationPeriodQuerySet":
        return self.filter(Q(end_date__isnull=True) | Q(end_date__gte=day), start_date__lte=day)

    def overlapping(self, start: date, end: date | None) -> "RegistrationPeriodQuerySet":
        """Periods sharing at least one day with the one from `start` to `end` (None:
        still in effect)."""
        shared = Q(end_date__isnull=True) | Q(end_date__gte=start)
        return self.filter(shared) if end is None else self.filter(shared, start_date__lte=end)

    def with_overlaps(self) -> "RegistrationPeriodQuerySet":
        """Annotate `overlaps`: whether another period shares a day with this one, in one
        query (the list marks them)."""
        others = RegistrationPeriod.objects.exclude(pk=OuterRef("pk")).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=OuterRef("start_date"))
        )
        return self.annotate(
            overlaps=Case(
                When(end_date__isnull=True, then=Exists(others)),
                default=Exists(others.filter(start_date__lte=OuterRef("end_date"))),
                output_field=models.BooleanField(),
            )
        )

    # Bulk writes skip save() and delete(), so they refresh the stored exercise deadlines
    # themselves (DOMAIN.md §3), in the same transaction. bulk_update() needs no override:
    # Django's runs update() on each batch.

    def delete(self) -> tuple[int, dict[str, int]]:
        # The admin's "Delete selected" comes here (ModelAdmin.delete_queryset).
        with transaction.atomic(using=self.db):
            result = super().delete()
            refresh_registration_dependent_deadlines()
        return result

    # As QuerySet.delete: never RegistrationPeriod.objects.delete(), which would delete all.
    # (setattr: mypy does not model attributes set on functions.)
    setattr(delete, "alters_data", True)  # noqa: B010
    setattr(delete, "queryset_only", True)  # noqa: B010

    def update(self, **kwargs) -> int:
        if not {"start_date", "end_date"}.intersection(kwargs):
            return super().update(**kwargs)
        with transaction.atomic(using=self.db):
            count = super().update(**kwargs)
            refresh_registration_dependent_deadlines()
        return count

    setattr(update, "alters_data", True)  # noqa: B010

    # Unannotated, as QuerySet.bulk_create(): this class is generic in its model (the
    # django-stubs plugin makes it so), which an annotation here cannot name.
    def bulk_create(self, objs, *args, **kwargs):
        with transaction.atomic(using=self.db):
            created = super().bulk_create(objs, *args, **kwargs)
            refresh_registration_dependent_deadlines()
        return created

    setattr(bulk_create, "alters_data", True)  # noqa: B010


class RegistrationPeriod(models.Model):
    """A period in which the option shares are registered under the Securities Act, or the
    company has determined that an exemption applies. Outside every period nothing is
    exercisable (paragraph 4)."""

    start_date = models.DateField(validators=[validate_date_in_range])
    end_date = models.DateField(
        null=True,
        blank=True,
        validators=[validate_date_in_range],
        help_text="Last registered day. Empty: still in effect.",
    )
    basis = models.CharField(max_length=200, help_text='E.g. "Form S-8 effective".')

    objects = RegistrationPeriodQuerySet.as_manager()
    history = TrackedHistory()

    if TYPE_CHECKING:
        _change_reason: str  # read by django-simple-history: the change's reason

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

    def overlaps(self) -> list["RegistrationPeriod"]:
        """The other periods that share a day with this one. Overlaps are allowed (a Form
        S-8 and an exemption may both cover a day; a day is registered if any period
        covers it), but they are usually a typing slip, so the app warns of them."""
        others = RegistrationPeriod.objects.overlapping(self.start_date, self.end_date)
        return list(others.exclude(pk=self.pk).order_by("start_date", "pk"))

    def end(self, on: date, *, by) -> None:
        """End a period still in effect: `on` is its last registered day. A period already
        ended is corrected by editing its dates instead. The exercise deadlines that
        registration moves are refreshed in the same transaction (save())."""
        validate_date_in_range(on)
        with transaction.atomic():
            current = RegistrationPeriod.objects.select_for_update().get(pk=self.pk)
            if current.end_date is not None:
                raise ValidationError(
                    f"This period already ended on {current.end_date:%Y-%m-%d}; to correct "
                    f"that date, edit the period.",
                    code="already_ended",
                )
            if on < current.start_date:
                raise ValidationError(
                    {
                        "end_date": f"A registration period cannot end before it starts "
                        f"({current.start_date:%Y-%m-%d})."
                    }
                )
            current.end_date = on
            current._change_reason = f"Ended by {by}"
            current.save()
        self.end_date = on


def refresh_registration_dependent_deadlines() -> None:
    """Registration only moves the deadlines of grants whose optionee left for an
    "other" reason (paragraph 5(b)(iii)); refresh those. Every grant is made under a
    plan, and the grants are reached through their plans: the grant model reads the
    registration periods, so this module does not import it."""
    for plan in StockPlan.objects.all():
        plan.grants.filter(optionee__termination_reason="other").refresh_deadlines()
