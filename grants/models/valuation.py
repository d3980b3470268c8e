"""Grant-date fair value of option grants (FASB ASC Topic 718, DOMAIN.md §5).

A fiscal year has a set of default assumptions that the committee approves. A grant is
*valued* by copying the assumptions it uses (its own where entered, the approved defaults
of its fiscal year for the rest) onto a GrantValuation with the closing price on the grant
date and the Black-Scholes-Merton value. A later change of the year's defaults does not
change a valued grant until it is valued again; every valuation is kept, so the grant's
history shows each one. A grant whose terms changed after its valuation is not valued.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Exists, F, OuterRef, Q, Subquery, prefetch_related_objects
from django.utils import timezone

from core import fiscal
from core.dates import EARLIEST_DATE, LATEST_DATE
from core.history import TrackedHistory

from .. import fair_value as valuing
from .assumptions import dividend_yield_field, rate_field, term_field, volatility_field
from .grant import OptionGrant
from .market import StockPrice


class ValuationDefaultsQuerySet(models.QuerySet):
    def approved(self) -> "ValuationDefaultsQuerySet":
        return self.filter(approved_at__isnull=False)


class ValuationDefaults(models.Model):
    """The assumptions a fiscal year's grants use unless a grant has its own; they take
    effect when the committee approves them."""

    fiscal_year = models.PositiveSmallIntegerField(unique=True)
    volatility = volatility_field(help_text="A decimal: 0.35 is 35%.")
    risk_free_rate = rate_field(help_text="Continuously compounded, a decimal: 0.045 is 4.5%.")
    dividend_yield = dividend_yield_field(default=Decimal(0), help_text="A decimal: 0.02 is 2%.")
    expected_term = term_field(
        null=True,
        blank=True,
        help_text="In years. Empty: the simplified method of SEC Staff Accounting "
        "Bulletin 107, from each grant's installments and expiration date.",
    )
    basis = models.TextField(
        blank=True, help_text="Where the figures come from, e.g. peer volatility, Treasury yield."
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approval_meeting = models.CharField(max_length=200, blank=True)

    objects = ValuationDefaultsQuerySet.as_manager()
    history = TrackedHistory()

    if TYPE_CHECKING:
        _change_reason: str  # read by django-simple-history: the change's reason

    class Meta:
        ordering = ["-fiscal_year"]
        verbose_name = "fiscal year's valuation defaults"
        verbose_name_plural = "valuation defaults"
        permissions = [("approve_valuationdefaults", "Can approve valuation defaults")]
        constraints = [
            models.CheckConstraint(
                condition=Q(fiscal_year__gte=EARLIEST_DATE.year)
                & Q(fiscal_year__lte=LATEST_DATE.year),
                name="valuation_defaults_year_in_range",
                violation_error_message=(
                    f"The fiscal year must be between {EARLIEST_DATE.year} and {LATEST_DATE.year}."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"Valuation defaults for fiscal {self.fiscal_year}"

    @property
    def is_approved(self) -> bool:
        return self.approved_at is not None

    EDITABLE_FIELDS = ("fiscal_year", "volatility", "risk_free_rate", "dividend_yield")

    def clean(self) -> None:
        """Approved defaults are effective: they change only after going back to proposed."""
        if self.pk is None or not self.is_approved:
            return
        stored = (
            ValuationDefaults.objects.filter(pk=self.pk)
            .values(*self.EDITABLE_FIELDS, "expected_term")
            .first()
        )
        if stored and any(
            stored[f] != getattr(self, f) for f in (*self.EDITABLE_FIELDS, "expected_term")
        ):
            raise ValidationError(
                "These defaults are approved. Return them to proposed before changing them."
            )

    def approve(self, *, by, meeting: str) -> None:
        meeting = meeting.strip()
        if not meeting:
            raise ValidationError({"approval_meeting": "Name the meeting that approved them."})
        with transaction.atomic():
            current = ValuationDefaults.objects.select_for_update().get(pk=self.pk)
            if current.is_approved:
                raise ValidationError(f"{self} are already approved.")
            current.approved_by, current.approved_at = by, timezone.now()
            current.approval_meeting = meeting
            current._change_reason = f"Approved at {meeting}"
            current.save(update_fields=["approved_by", "approved_at", "approval_meeting"])
        self.refresh_from_db()

    def return_to_proposed(self, *, by, reason: str) -> None:
        reason = reason.strip()
        if not reason:
            raise ValidationError({"reason": "Say why the approved defaults are reopened."})
        with transaction.atomic():
            current = ValuationDefaults.objects.select_for_update().get(pk=self.pk)
            if not current.is_approved:
                raise ValidationError(f"{self} are not approved.")
            current.approved_by, current.approved_at, current.approval_meeting = None, None, ""
            current._change_reason = f"Returned to proposed by {by}: {reason}"
            current.save(update_fields=["approved_by", "approved_at", "approval_meeting"])
        self.refresh_from_db()


# The grant's terms a valuation copies: it describes the grant while they are unchanged.
VALUED_TERMS = ("grant_date", "shares", "exercise_price", "expiration_date")


class GrantValuationQuerySet(models.QuerySet):
    def current_for(self) -> "GrantValuationQuerySet":
        """The valuations that still describe the option grant being annotated (OuterRef):
        its grant date, shares, exercise price and expiration date unchanged since; newest
        first."""
        return self.filter(
            grant=OuterRef("pk"), **{term: OuterRef(term) for term in VALUED_TERMS}
        ).order_by("-valued_at", "-pk")

    def current(self) -> "GrantValuationQuerySet":
        """Every valuation that still describes its grant, as current_for() does for one:
        for a set of valued grants built once rather than a subquery per grant."""
        return self.filter(**{term: F(f"grant__{term}") for term in VALUED_TERMS})


def current_fair_value(field: str = "fair_value") -> Subquery:
    """A Subquery of the grant's current valuation's `field` (None when not valued), for
    annotating option grants."""
    return Subquery(GrantValuation.objects.current_for().values(field)[:1])


class GrantValuation(models.Model):
    """One valuation of an option grant: the inputs it used, copied, and the value."""

    grant = models.ForeignKey(OptionGrant, on_delete=models.CASCADE, related_name="valuations")
    valued_at = models.DateTimeField(default=timezone.now)
    valued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The grant's terms when valued: a valuation of other terms is not the grant's.
    grant_date = models.DateField()
    shares = models.PositiveIntegerField()
    exercise_price = models.DecimalField(max_digits=12, decimal_places=4)
    expiration_date = models.DateField()
    # The inputs.
    closing_price = models.DecimalField(max_digits=12, decimal_places=4)
    volatility = volatility_field()
    risk_free_rate = rate_field()
    dividend_yield = dividend_yield_field()
    expected_term = term_field()
    simplified_term = models.BooleanField("simplified method")
    defaults = models.ForeignKey(
        ValuationDefaults,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="valuations",
        help_text="The fiscal year's defaults, when any input came from them.",
    )
    from_defaults = models.CharField(
        max_length=200, blank=True, help_text="The inputs taken from the year's defaults."
    )
    defaults_meeting = models.CharField(
        max_length=200,
        blank=True,
        help_text="The meeting that had approved the defaults used, as it stood then.",
    )
    value_per_option = models.DecimalField(max_digits=16, decimal_places=4)
    fair_value = models.DecimalField(
        "aggregate grant-date fair value", max_digits=20, decimal_places=0
    )

    objects = GrantValuationQuerySet.as_manager()
    # A valuation is never changed; its history records who made it and when, so the
    # grant's history can list it.
    history = TrackedHistory()

    class Meta:
        ordering = ["-valued_at", "-pk"]
        get_latest_by = ["valued_at", "pk"]

    def __str__(self) -> str:
        return f"${self.value_per_option} per option, ${self.fair_value:,} for {self.grant}"

    def inputs(self) -> valuing.Inputs:
        return valuing.Inputs(
            price=self.closing_price,
            strike=self.exercise_price,
            rate=self.risk_free_rate,
            volatility=self.volatility,
            term=self.expected_term,
            dividend=self.dividend_yield,
        )

    def is_current(self) -> bool:
        grant = self.grant
        return (self.grant_date, self.shares, self.exercise_price, self.expiration_date) == (
            grant.grant_date,
            grant.shares,
            grant.exercise_price,
            grant.expiration_date,
        )

    @property
    def source(self) -> str:
        """Where the inputs came from, in words."""
        if not self.from_defaults:
            return "all entered for the grant"
        taken = self.from_defaults.replace(",", ", ")
        # The approval as it stood when valued: defaults reopened later keep it here.
        approved = f", approved at {self.defaults_meeting}" if self.defaults_meeting else ""
        year = self.defaults.fiscal_year if self.defaults else fiscal.year_of(self.grant_date)
        rest = (
            ""
            if len(self.from_defaults.split(",")) == len(LABELS)
            else "; the rest entered for the grant"
        )
        return f"{taken} from the fiscal {year} defaults{approved}{rest}"


LABELS = {
    "volatility": "volatility",
    "risk_free_rate": "risk-free rate",
    "dividend_yield": "dividend yield",
    "expected_term": "expected term",
}


@dataclass
class Plan:
    """What valuing a grant now would use, or why it cannot be valued."""

    problem: str = ""
    fields: dict | None = None


def plan_valuation(
    grant: OptionGrant,
    defaults: ValuationDefaults | None | bool = False,
    closing: Decimal | None | bool = False,
) -> Plan:
    """The inputs valuing `grant` now would copy, or the reason it cannot be valued
    ("not valued: no volatility for 2005"). `defaults` may be passed in (None: the year has
    no approved defaults), and so may `closing`, the closing price on the grant date (None:
    none recorded), to spare queries per grant."""
    year = fiscal.year_of(grant.grant_date)
    if defaults is False:
        defaults = ValuationDefaults.objects.approved().filter(fiscal_year=year).first()
    assert defaults is not True
    if closing is False:
        closing = StockPrice.on(grant.grant_date)
    assert closing is not True
    taken: list[str] = []
    fields: dict = {}
    missing: list[str] = []
    for name in ("volatility", "risk_free_rate", "dividend_yield"):
        own = getattr(grant, name)
        if own is not None:
            fields[name] = own
        elif defaults is not None:
            fields[name] = getattr(defaults, name)
            taken.append(name)
        else:
            missing.append(LABELS[name])
    simplified = grant.simplified_term
    if not simplified and grant.expected_term is not None:
        fields["expected_term"] = grant.expected_term
    elif not simplified and defaults is None:
        missing.append(LABELS["expected_term"])
    else:
        if not simplified:
            taken.append("expected_term")
            fields["expected_term"] = defaults.expected_term if defaults else None
        simplified = fields.get("expected_term") is None
        if simplified:
            rows = grant.installment_rows()
            if not rows:
                return Plan(problem="not valued: the grant has no installments")
            fields["expected_term"] = valuing.simplified_term(
                grant.grant_date, grant.expiration_date, rows
            )
    if missing:
        return Plan(problem=f"not valued: no {', '.join(missing)} for {year}")
    if closing is None:
        return Plan(problem=f"not valued: no closing price recorded on {grant.grant_date:%Y-%m-%d}")
    fields.update(
        closing_price=closing,
        simplified_term=simplified,
        defaults=defaults if taken else None,
        from_defaults=",".join(LABELS[name] for name in taken),
        defaults_meeting=defaults.approval_meeting if taken and defaults else "",
    )
    inputs = valuing.Inputs(
        price=closing,
        strike=grant.exercise_price,
        rate=fields["risk_free_rate"],
        volatility=fields["volatility"],
        term=fields["expected_term"],
        dividend=fields["dividend_yield"],
    )
    problems = inputs.problems()
    if problems:
        return Plan(problem="not valued: " + "; ".join(problems))
    per_option = valuing.black_scholes(inputs)
    fields.update(
        value_per_option=per_option, fair_value=valuing.aggregate(per_option, grant.shares)
    )
    return Plan(fields=fields)


def value_grant(grant: OptionGrant, *, by=None) -> GrantValuation:
    """Value the grant now and keep the valuation; ValidationError saying why it cannot."""
    plan = plan_valuation(grant)
    if plan.fields is None:
        raise ValidationError(plan.problem[:1].upper() + plan.problem[1:] + ".")
    return GrantValuation.objects.create(
        grant=grant,
        valued_by=by,
        grant_date=grant.grant_date,
        shares=grant.shares,
        exercise_price=grant.exercise_price,
        expiration_date=grant.expiration_date,
        **plan.fields,
    )


def current_valuation(grant: OptionGrant) -> GrantValuation | None:
    """The grant's latest valuation, if it still describes the grant's terms."""
    latest = grant.valuations.order_by("-valued_at", "-pk").select_related("defaults").first()
    if latest is None or not latest.is_current():
        return None
    return latest


TERMS_CHANGED = "not valued: the grant's terms changed after its last valuation; value it again"


def not_valued_reason(grant: OptionGrant) -> str:
    """Why the grant has no current value: its latest valuation is of other terms, or
    what valuing it now lacks; empty when valuing it now would work."""
    if grant.valuations.exists():
        return TERMS_CHANGED
    return plan_valuation(grant).problem


def not_valued_reasons(grants: "models.QuerySet[OptionGrant]") -> dict[int, str]:
    """not_valued_reason() of each of the grants (those without a current value), by id,
    in at most three queries whatever their number: the grants with whether they were
    ever valued and their closing price, the approved defaults of their fiscal years, and
    the installments of those whose expected term is by the simplified method. A report
    that lists the grants not valued would otherwise read four queries per grant."""
    found = list(
        grants.annotate(
            ever_valued=Exists(GrantValuation.objects.filter(grant=OuterRef("pk"))),
            closing=Subquery(
                StockPrice.objects.filter(date=OuterRef("grant_date")).values("price")[:1]
            ),
        )
    )
    if not found:
        return {}
    years = {fiscal.year_of(grant.grant_date) for grant in found}
    defaults = {
        d.fiscal_year: d for d in ValuationDefaults.objects.approved().filter(fiscal_year__in=years)
    }
    to_plan = [grant for grant in found if not grant.ever_valued]
    # Only the simplified method reads the installments: the grant's own choice, or the
    # year's defaults without an expected term for a grant without its own.
    simplified = [
        grant
        for grant in to_plan
        if grant.simplified_term
        or (
            grant.expected_term is None
            and (year_defaults := defaults.get(fiscal.year_of(grant.grant_date))) is not None
            and year_defaults.expected_term is None
        )
    ]
    prefetch_related_objects(simplified, "installments")
    reasons = {grant.pk: TERMS_CHANGED for grant in found if grant.ever_valued}
    for grant in to_plan:
        year_defaults = defaults.get(fiscal.year_of(grant.grant_date))
        reasons[grant.pk] = plan_valuation(grant, year_defaults, grant.closing).problem
    return reasons
