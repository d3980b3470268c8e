"""The grants import's checks and writes in bulk: what OptionGrant.create_with_installments
checks for one grant (full_clean(), the installments, the plan's reserve under a lock) and
what save() stores (the plan's defaults, the exercise deadline), for every grant of a file
with a fixed number of queries: the closing prices of the grant dates, the registration
periods and each plan's reserve are read once, not once per grant. The messages are the
model's."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from core import fiscal
from core.bulk import build
from core.history import create_with_history

from . import fair_value as valuing
from .models import (
    GrantValuation,
    OptionGrant,
    RegistrationPeriod,
    StockPlan,
    StockPrice,
    ValuationDefaults,
    VestingInstallment,
)
from .models.valuation import plan_valuation

FieldErrors = dict[str, list]
BATCH = 1000

# OptionGrant's check constraints, in Python (Model.validate_constraints asks the database,
# a query per grant and constraint); a constraint not listed here is asked as before.
CONSTRAINTS: dict[str, Callable[[OptionGrant], bool]] = {
    "grant_shares_positive": lambda g: g.shares is None or g.shares > 0,
    "grant_price_not_negative": lambda g: g.exercise_price is None or g.exercise_price >= 0,
    "grant_expires_after_grant_date": lambda g: (
        g.expiration_date is None or g.grant_date is None or g.expiration_date > g.grant_date
    ),
    "grant_minimum_exercise_positive": lambda g: (
        g.minimum_exercise_shares is None or g.minimum_exercise_shares >= 1
    ),
}


@dataclass
class NewGrant:
    line: int  # the grant's first row
    grant: OptionGrant
    installments: list[tuple[date, int]]


def grant_errors(
    grant: OptionGrant, installments: list[tuple[date, int]], prices: dict[date, Decimal]
) -> FieldErrors:
    """OptionGrant.full_clean() and validate_installments() of a new grant, less the plan's
    reserve (reserve_problems() checks it for all grants of the file), with the closing
    prices read beforehand."""
    grant.apply_plan_defaults()
    errors: FieldErrors = {}
    try:
        grant.clean_fields(exclude=["plan", "optionee", "deadline"])
    except ValidationError as error:
        error.update_error_dict(errors)
    # OptionGrant.clean(), its price read from `prices`.
    for field, messages in grant.terms_errors(prices.get(grant.grant_date)).items():
        errors.setdefault(field, []).extend(messages)
    for constraint in OptionGrant._meta.constraints:
        check = CONSTRAINTS.get(constraint.name)
        if check is None:
            try:
                constraint.validate(OptionGrant, grant)
            except ValidationError as error:
                errors.setdefault(NON_FIELD_ERRORS, []).extend(error.messages)
        elif not check(grant):
            errors.setdefault(NON_FIELD_ERRORS, []).append(constraint.get_violation_error_message())
    try:
        grant.validate_installments(installments)
    except ValidationError as error:
        errors.setdefault("installments", []).extend(error.messages)
    return errors


def _peak(changes: dict[date, int], since: date) -> tuple[int, date]:
    """StockPlan.shares_in_use_peak() over changes already read."""
    in_use = sum(change for day, change in changes.items() if day <= since)
    peak = (in_use, since)
    for day in sorted(day for day in changes if day > since):
        in_use += changes[day]
        if in_use > peak[0]:
            peak = (in_use, day)
    return peak


def _refusal(plan: StockPlan, shares: int, on: date, peak: tuple[int, date]) -> str:
    """StockPlan.reserve_refusal()'s message."""
    assert plan.shares_reserved is not None
    left = plan.shares_reserved - peak[0]
    when = "on the grant date" if peak[1] == on else f"on {peak[1]:%Y-%m-%d}"
    room = f"only {left:,} are left" if left > 0 else "none are left"
    return (
        f"The {plan.name} reserves {plan.shares_reserved:,} shares and {peak[0]:,} "
        f"are in use {when} (granted, less forfeited and expired): {room}, not {shares:,}."
    )


def _returns(new: NewGrant, last: date) -> dict[date, int]:
    """The shares a new grant gives back to the reserve by `last` (as
    StockPlan._reserve_changes counts them for a recorded grant, none exercised yet)."""
    grant, changes = new.grant, dict[date, int]()
    ended = grant.optionee.terminated_on
    vested = sum(s for day, s in new.installments if ended is None or day <= ended)
    forfeited = sum(s for day, s in new.installments if ended is not None and day > ended)
    if ended is not None and ended <= last and forfeited:
        day = max(ended, grant.grant_date)
        changes[day] = changes.get(day, 0) - forfeited
    if grant.deadline < last and vested:
        day = max(grant.deadline + timedelta(days=1), grant.grant_date)
        changes[day] = changes.get(day, 0) - vested
    return changes


def reserve_problems(grants: list[NewGrant]) -> dict[int, str]:
    """The grants (by index) that would take a plan past its reserve, as saving them one
    after another in file order would find, with the plan's message. The plans' rows are
    locked first, as OptionGrant.save() locks its plan's."""
    plan_ids = {new.grant.plan_id for new in grants}
    plans = list(StockPlan.objects.select_for_update().filter(pk__in=plan_ids).order_by("pk"))
    refused: dict[int, str] = {}
    for plan in plans:
        if plan.shares_reserved is None:
            continue
        mine = [(i, new) for i, new in enumerate(grants) if new.grant.plan_id == plan.pk]
        latest = max(new.grant.grant_date for _, new in mine)
        changes = plan._reserve_changes(latest)  # every grant and award of the plan
        last = max([latest, *changes])
        # All of them, their own returns left out, fit: then each fits when it is saved.
        everything = dict(changes)
        for _, new in mine:
            day = new.grant.grant_date
            everything[day] = everything.get(day, 0) + new.grant.shares
        earliest = min(new.grant.grant_date for _, new in mine)
        if _peak(everything, earliest)[0] <= plan.shares_reserved:
            continue
        for i, new in mine:  # one after another, as saved one by one
            grant = new.grant
            peak = _peak(changes, grant.grant_date)
            if grant.shares > plan.shares_reserved - peak[0]:
                refused[i] = _refusal(plan, grant.shares, grant.grant_date, peak)
                continue
            changes[grant.grant_date] = changes.get(grant.grant_date, 0) + grant.shares
            for day, change in _returns(new, last).items():
                changes[day] = changes.get(day, 0) + change
    return refused


def closing_prices(days) -> dict[date, Decimal]:
    return dict(StockPrice.objects.filter(date__in=set(days)).values_list("date", "price"))


def set_deadlines(grants: list[NewGrant]) -> None:
    """What OptionGrant.save() stores: the exercise deadline, from periods read once."""
    periods = RegistrationPeriod.objects.periods()
    for new in grants:
        new.grant.deadline = new.grant.deadline_explained(periods).day


def save_grants(grants: list[NewGrant], by=None) -> None:
    """The grants and their installments, in bulk, each with its change history."""
    for new in grants:
        new.grant.optionee = new.grant.optionee  # the person saved since: their id
    create_with_history([n.grant for n in grants], OptionGrant, by)
    installments = [
        build(VestingInstallment, {"grant": new.grant, "vest_date": day, "shares": shares})
        for new in grants
        for day, shares in new.installments
    ]
    create_with_history(installments, VestingInstallment, by)


def prefetch_installments(new: NewGrant) -> None:
    """The installments just saved, as prefetch_related("installments") would hold them,
    for what reads them (the simplified expected term)."""
    grant = new.grant
    cached = VestingInstallment.objects.filter(grant=grant)  # not run: its result is set
    cached._result_cache = [
        VestingInstallment(grant=grant, vest_date=day, shares=shares)
        for day, shares in new.installments
    ]
    cached._prefetch_done = True  # type: ignore[attr-defined]  # as prefetch_related sets
    grant._prefetched_objects_cache = {"installments": cached}  # type: ignore[attr-defined]


def value_grants(grants: list[NewGrant], prices: dict[date, Decimal], by=None) -> int:
    """Value each grant saved where it can be (grants.models.value_grant), the year's
    approved defaults read once; the valuations written in bulk. The number valued.
    Grants of the same terms (grant date, price, expiration, installments, assumptions)
    have the same value per option: valuing reads the closing price of the grant date, so
    it is done once per such terms, and the aggregate for each grant's shares."""
    defaults = {d.fiscal_year: d for d in ValuationDefaults.objects.approved()}
    valuations = []
    planned: dict[tuple, dict | None] = {}
    for new in grants:
        grant = new.grant
        if grant.grant_date not in prices:
            continue  # "not valued: no closing price recorded": the grant's page says so
        terms = (
            grant.grant_date,
            grant.exercise_price,
            grant.expiration_date,
            *(getattr(grant, name) for name in OptionGrant.ASSUMPTION_FIELDS),
            tuple(new.installments),
        )
        if terms not in planned:
            prefetch_installments(new)
            year = fiscal.year_of(grant.grant_date)
            planned[terms] = plan_valuation(grant, defaults.get(year)).fields
        fields = planned[terms]
        if fields is None:
            continue
        valuation = build(
            GrantValuation,
            {
                **fields,
                "grant": grant,
                "valued_by": by,
                "grant_date": grant.grant_date,
                "shares": grant.shares,
                "exercise_price": grant.exercise_price,
                "expiration_date": grant.expiration_date,
                "fair_value": valuing.aggregate(fields["value_per_option"], grant.shares),
            },
        )
        valuations.append(valuation)
    create_with_history(valuations, GrantValuation, by)
    return len(valuations)
