from decimal import Decimal
from typing import TYPE_CHECKING, TypedDict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import (
    Case,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    OuterRef,
    Q,
    Subquery,
    When,
)
from django.db.models.functions import NullIf
from django.urls import reverse

from core.dates import EARLIEST_DATE, LATEST_DATE, validate_date_in_range
from core.history import TrackedHistory

from .approval import BonusApproval, BonusStatus, SalaryStatus


class _MoneyDigits(TypedDict):
    max_digits: int
    decimal_places: int


MONEY: _MoneyDigits = {"max_digits": 14, "decimal_places": 2}
FIRST_FISCAL_YEAR, LAST_FISCAL_YEAR = EARLIEST_DATE.year, LATEST_DATE.year


class Footnote(models.Model):
    """A footnote of the compensation exhibit, e.g. "(1) Please refer to the employment
    agreements ...". Markers are shared: one footnote can stand on several officers' rows."""

    marker = models.CharField(max_length=8, unique=True, help_text='Shown as "(marker)", e.g. 1.')
    text = models.TextField()
    history = TrackedHistory()

    class Meta:
        ordering = ["marker"]

    def __str__(self) -> str:
        return f"({self.marker}) {self.text[:60]}"

    @staticmethod
    def of(records) -> list["Footnote"]:
        """The footnotes standing on any of these yearly records, once each, in marker
        order; uses the records' prefetched footnotes."""
        found = {f.pk: f for record in records for f in record.footnotes.all()}
        return sorted(found.values(), key=lambda f: f.marker)


class Person(models.Model):
    """An optionee and, in the years they hold a title, an executive officer. The end of
    service is a fact about the person kept here; what it does to the person's equity
    (forfeiture, exercise windows) is the grants layer's, which records it."""

    class TerminationReason(models.TextChoices):
        OTHER = "other", "Other (any reason or none)"
        DISABILITY = "disability", "Permanent and total disability"
        DEATH = "death", "Death"

    name = models.CharField(max_length=200, unique=True)
    terminated_on = models.DateField(
        null=True,
        blank=True,
        validators=[validate_date_in_range],
        help_text="Last day of employment or of service as a director or consultant.",
    )
    termination_reason = models.CharField(
        max_length=12, choices=TerminationReason.choices, blank=True
    )
    short_swing_liability_until = models.DateField(
        null=True,
        blank=True,
        validators=[validate_date_in_range],
        help_text="The last date on which an exercise would result in liability under "
        "section 16(b) of the Exchange Act, if any.",
    )

    history = TrackedHistory()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"
        indexes = [
            # An exercise deadline as known on a date looks up the people whose short-swing
            # liability outlasts their service (rule (iv); grants' querysets). The index
            # holds the 947 of 50,000 people at ten times the data who may be such: read
            # in 1 ms where a scan of every person took 4 ms, on the dashboard, the
            # grants list and the reports.
            models.Index(
                fields=["terminated_on"],
                condition=Q(termination_reason="other", short_swing_liability_until__isnull=False),
                name="person_short_swing",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(terminated_on__isnull=True) & Q(termination_reason=""))
                | (Q(terminated_on__isnull=False) & ~Q(termination_reason="")),
                name="termination_date_and_reason_together",
                violation_error_message="A termination needs both its date and its reason.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("compensation:person", args=[self.pk])

    def clean(self) -> None:
        """Names are unique ignoring capitals and spacing: a name box finds a person by
        name whatever the case, so "james r. akridge" beside "James R. Akridge" would make
        both unreachable by name."""
        self.name = " ".join(self.name.split())
        others = Person.objects.filter(name__iexact=self.name)
        if self.pk is not None:
            others = others.exclude(pk=self.pk)
        same = others.values_list("name", flat=True).first()
        if same is not None:
            raise ValidationError(
                {
                    "name": f"“{same}” is already on record: one person, one name (capitals "
                    "and spaces aside)."
                }
            )

    if TYPE_CHECKING:
        # Read by django-simple-history when the record is saved: the change's reason
        # (an end of service withdrawn says who and why).
        _change_reason: str


class NotWholeNumber(Func):
    """A decimal that division must not truncate. SQLite stores a whole-dollar decimal as
    an integer, and divides an integer by an integer as integers: $5,000 over $185,000 would
    be 2%, not 2.7%. There it is made REAL first; PostgreSQL divides numerics exactly."""

    template = "%(expressions)s"

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler, connection, template="CAST(%(expressions)s AS REAL)", **extra_context
        )


class OfficerYearQuerySet(models.QuerySet):
    def for_year(self, fiscal_year: int) -> "OfficerYearQuerySet":
        return self.filter(fiscal_year=fiscal_year)

    def approved(self) -> "OfficerYearQuerySet":
        """The records whose salary (title and terms) is effective: a proposal counts only
        once the committee approves it. A bonus has its own status (bonus_status)."""
        return self.filter(status=OfficerYear.Status.APPROVED)

    def salary_proposals(self) -> "OfficerYearQuerySet":
        return self.filter(status=OfficerYear.Status.PROPOSED)

    def bonus_proposals(self) -> "OfficerYearQuerySet":
        return self.filter(bonus_status=BonusStatus.PROPOSED)

    def default_year(self) -> int | None:
        """What "the latest year" means by default: the latest year with approved salaries;
        a proposal for a later year does not move it (DOMAIN.md §3). Before any salary is
        approved, the latest year with proposed ones (every screen marks them "Proposed").
        None when no salary is recorded at all."""
        approved_first = Case(When(status=OfficerYear.Status.APPROVED, then=0), default=1)
        years = self.filter(base_salary__isnull=False).order_by(approved_first, "-fiscal_year")
        return years.values_list("fiscal_year", flat=True).first()

    def with_prior_salary(self) -> "OfficerYearQuerySet":
        """Annotate the same person's base salary for the previous fiscal year, in SQL."""
        prior = OfficerYear.objects.filter(
            person=OuterRef("person"), fiscal_year=OuterRef("fiscal_year") - 1
        ).values("base_salary")[:1]
        return self.annotate(prior_salary=Subquery(prior))

    def with_salary_change(self) -> "OfficerYearQuerySet":
        """Change from the prior year's salary in dollars and percent (NULL when unknown)."""
        money = DecimalField(**MONEY)
        return self.with_prior_salary().annotate(
            salary_change=ExpressionWrapper(F("base_salary") - F("prior_salary"), money),
            salary_change_pct=ExpressionWrapper(
                NotWholeNumber(F("base_salary") - F("prior_salary"))
                * 100
                / NullIf(F("prior_salary"), 0),
                DecimalField(max_digits=14, decimal_places=4),
            ),
        )

    def with_bonus_for(self, bonus_year: int) -> "OfficerYearQuerySet":
        """The same person's bonus for `bonus_year`, which need not be this record's year.

        `has_bonus_record` tells "no record for that year" apart from "n/a" (a record
        whose bonus is empty); `year_bonus_status` is that bonus's own status, since it is
        effective only once approved, whatever the salaries' status."""
        records = OfficerYear.objects.filter(person=OuterRef("person"), fiscal_year=bonus_year)
        return self.annotate(
            has_bonus_record=Exists(records),
            year_bonus=Subquery(records.values("bonus")[:1]),
            year_bonus_status=Subquery(records.values("bonus_status")[:1]),
            # The bonus's own record, to approve or return it, and the committee's comment.
            year_bonus_record=Subquery(records.values("pk")[:1]),
            year_bonus_returned=Subquery(records.values("bonus_returned_comment")[:1]),
        )

    def for_roster(self, fiscal_year: int, bonus_year: int) -> "OfficerYearQuerySet":
        return (
            self.for_year(fiscal_year)
            .with_salary_change()
            .with_bonus_for(bonus_year)
            .select_related("person", "approved_by")
            .prefetch_related("footnotes")
            .order_by(F("base_salary").desc(nulls_last=True), "person__name")
        )

    def fiscal_years(self) -> list[int]:
        return list(self.order_by("-fiscal_year").values_list("fiscal_year", flat=True).distinct())

    def named_officers(self, fiscal_year: int) -> models.QuerySet:
        """Person ids of the executive officers for a fiscal year: those with an approved
        record for it, or for the latest earlier year with approved records (a year not
        yet entered or approved: one early proposal must not narrow the tables to one
        person)."""
        approved = self.approved()
        year = (
            approved.filter(fiscal_year__lte=fiscal_year)
            .order_by("-fiscal_year")
            .values_list("fiscal_year", flat=True)
            .first()
        )
        return approved.filter(fiscal_year=year).values("person_id")

    def default_bonus_year(self, fiscal_year: int) -> int:
        """The latest year up to `fiscal_year` in which any bonus was awarded: an exhibit
        for 2006 salaries reports the 2004 bonuses when those are the latest awarded. A
        proposed bonus is not awarded until the committee approves it."""
        years = self.filter(fiscal_year__lte=fiscal_year, bonus_status=BonusStatus.APPROVED)
        return years.order_by("-fiscal_year").values_list("fiscal_year", flat=True).first() or (
            fiscal_year
        )


class OfficerYear(BonusApproval):
    """One person's title, base salary and bonus for one fiscal year.

    A new year's salary starts as a proposal and becomes effective when the committee
    approves it; the bonus is approved on its own (compensation/approval.py). An empty
    bonus means "n/a" (no bonus awarded or not eligible), which is not the same as a
    bonus of $0.
    """

    Status = SalaryStatus
    BonusStatus = BonusStatus

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="officer_years")
    fiscal_year = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(FIRST_FISCAL_YEAR), MaxValueValidator(LAST_FISCAL_YEAR)]
    )
    title = models.CharField(max_length=300)
    base_salary = models.DecimalField(
        **MONEY,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text="Annual base salary effective for the year. Empty: not recorded for this year.",
    )
    bonus = models.DecimalField(
        **MONEY,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text='Bonus awarded for the year. Empty means "n/a" (none awarded or not '
        "eligible), which is not the same as $0.",
    )
    other_compensation = models.DecimalField(
        "all other compensation",
        **MONEY,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text='Item 402(c)\'s "all other compensation" for the year (perquisites, '
        'company contributions and the like). Empty: none recorded, shown as "n/a".',
    )
    is_peo = models.BooleanField(
        "principal executive officer",
        default=False,
        help_text="Served as principal executive officer (PEO) at any time in the year.",
    )
    is_pfo = models.BooleanField(
        "principal financial officer",
        default=False,
        help_text="Served as principal financial officer (PFO) at any time in the year.",
    )
    footnotes = models.ManyToManyField(
        Footnote,
        blank=True,
        related_name="officer_years",
        help_text="Footnote markers on this person's row for the year.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approval_meeting = models.CharField(
        max_length=200, blank=True, help_text="The committee meeting that approved it."
    )

    objects = OfficerYearQuerySet.as_manager()
    # The footnotes too: a change to them is a change to the record.
    history = TrackedHistory(m2m_fields=[footnotes])

    if TYPE_CHECKING:
        # Set by OfficerYearQuerySet's annotations, on the records it returns.
        prior_salary: Decimal | None  # with_prior_salary()
        salary_change: Decimal | None  # with_salary_change()
        salary_change_pct: Decimal | None
        has_bonus_record: bool  # with_bonus_for()
        year_bonus: Decimal | None
        year_bonus_status: str | None
        year_bonus_record: int | None
        year_bonus_returned: str | None
        # Read by django-simple-history when the record is saved: the change's reason.
        _change_reason: str

    class Meta:
        ordering = ["-fiscal_year", "person__name"]
        verbose_name = "officer's yearly record"
        verbose_name_plural = "officers' yearly records"
        permissions = [("approve_officeryear", "Can approve salary proposals")]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "fiscal_year"],
                name="one_officer_record_per_person_and_year",
                violation_error_message="This person already has a record for that fiscal year.",
            ),
            models.CheckConstraint(
                condition=Q(base_salary__isnull=True) | Q(base_salary__gte=0),
                name="officer_salary_not_negative",
                violation_error_message="The base salary cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(other_compensation__isnull=True) | Q(other_compensation__gte=0),
                name="officer_other_compensation_not_negative",
                violation_error_message="All other compensation cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(bonus__isnull=True) | Q(bonus__gte=0),
                name="officer_bonus_not_negative",
                violation_error_message='The bonus cannot be negative (leave it empty for "n/a").',
            ),
            models.CheckConstraint(
                condition=Q(fiscal_year__gte=FIRST_FISCAL_YEAR)
                & Q(fiscal_year__lte=LAST_FISCAL_YEAR),
                name="officer_fiscal_year_in_range",
                violation_error_message=(
                    f"The fiscal year must be between {FIRST_FISCAL_YEAR} and {LAST_FISCAL_YEAR}."
                ),
            ),
            models.CheckConstraint(
                condition=Q(status="proposed") | Q(approved_at__isnull=False),
                name="approved_record_has_approval_time",
                violation_error_message="An approved record needs the time it was approved.",
            ),
            models.CheckConstraint(
                condition=(Q(bonus__isnull=True) & Q(bonus_status="none"))
                | (Q(bonus__isnull=False) & Q(bonus_status__in=["proposed", "approved"])),
                name="officer_bonus_status_follows_bonus",
                violation_error_message='A bonus is proposed or approved; "n/a" has nothing '
                "to approve.",
            ),
            models.CheckConstraint(
                condition=~Q(bonus_status="approved") | Q(bonus_approved_at__isnull=False),
                name="approved_bonus_has_approval_time",
                violation_error_message="An approved bonus needs the time it was approved.",
            ),
            models.CheckConstraint(
                condition=Q(returned_comment="") | Q(status="proposed"),
                name="only_a_salary_proposal_is_returned",
                violation_error_message="Only a salary proposal can carry the committee's comment.",
            ),
            models.CheckConstraint(
                condition=Q(bonus_returned_comment="") | Q(bonus_status="proposed"),
                name="only_a_bonus_proposal_is_returned",
                violation_error_message="Only a bonus proposal can carry the committee's comment.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.fiscal_year}"

    def get_absolute_url(self) -> str:
        return self.person.get_absolute_url()

    # The salary's approval covers these; the bonus has its own.
    SALARY_FIELDS = (
        "person_id",
        "fiscal_year",
        "title",
        "base_salary",
        "other_compensation",
        "is_peo",
        "is_pfo",
    )

    # What the committee's actions write, never a form: an edit saves them as stored.
    APPROVAL_FIELDS = (
        "status",
        "approved_by_id",
        "approved_at",
        "approval_meeting",
        "bonus_status",
        "bonus_approved_by_id",
        "bonus_approved_at",
        "bonus_approval_meeting",
        "returned_comment",
        "returned_by_id",
        "returned_at",
        "bonus_returned_comment",
        "bonus_returned_by_id",
        "bonus_returned_at",
    )

    def _stored(self) -> dict | None:
        if self.pk is None:
            return None
        fields = (*self.SALARY_FIELDS, "bonus", "status", "bonus_status")
        return OfficerYear.objects.filter(pk=self.pk).values(*fields).first()

    def keep_approvals_of(self, current: "OfficerYear") -> None:
        """Take the approvals and returns as `current` (the row locked for an edit) holds
        them: an approval made while the edit was open is neither undone nor faked."""
        for field in self.APPROVAL_FIELDS:
            setattr(self, field, getattr(current, field))

    def clean(self) -> None:
        """An approved salary is effective: the record's salary, title and terms change
        only after it goes back to proposed. The bonus is apart: a bonus entered on a
        record whose salary is approved is a proposal of its own, and an approved bonus
        changes only after it goes back to proposed. The statuses are read as stored, not
        as this instance holds them (an emptied bonus must not pass for "n/a" first)."""
        stored = self._stored()
        if stored is not None:
            approved = self.Status.APPROVED
            if stored["status"] == approved and any(
                stored[f] != getattr(self, f) for f in self.SALARY_FIELDS
            ):
                raise ValidationError(
                    "This record's salary is approved. Return it to proposed before changing "
                    "the title, salary or other terms; the change history keeps both the "
                    "approval and the return."
                )
            if stored["bonus_status"] == BonusStatus.APPROVED and stored["bonus"] != self.bonus:
                raise ValidationError(
                    {
                        "bonus": "This bonus is approved. Return the bonus to proposed before "
                        "changing it; the salary keeps its own approval."
                    }
                )
        # The bonus's status follows the bonus before the constraints are checked.
        self.sync_bonus_status(None)

    def save(self, *args, **kwargs) -> None:
        if kwargs.get("update_fields") is None:
            # Read the stored record only where a comment may have to go.
            has_comment = self.returned_comment or self.bonus_returned_comment
            self.sync_bonus_status(self._stored() if has_comment else None)
        super().save(*args, **kwargs)

    @property
    def footnote_markers(self) -> str:
        """ "(1)" style markers; uses the prefetched footnotes when there are some."""
        return "".join(f"({f.marker})" for f in self.footnotes.all())

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED
