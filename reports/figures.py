"""What the Summary Compensation Table (Item 402(c)) adds up for one person and one fiscal
year: the yearly record's salary, bonus and all other compensation, and the grant-date fair
value of the stock awards and option grants made in the year (DOMAIN.md §5 and §6). The
named executive officers are chosen by the same total (reports/neo.py)."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import CharField, DecimalField, F, IntegerField, OuterRef, Subquery, Value

from compensation.models import OfficerYear
from core import fiscal
from core.templatetags.money import format_money, format_price
from grants import fair_value
from grants.models import (
    GrantValuation,
    OptionGrant,
    StockAward,
    StockPrice,
    current_fair_value,
    not_valued_reasons,
)
from grants.templatetags.valuation import format_rate

from .base import NOT_APPROVED, NOT_RECORDED

ZERO = Decimal(0)
AMOUNT = DecimalField(max_digits=20, decimal_places=4)
AWARD, OPTION = "award", "option"


def closing_on_grant_date():
    """The closing price recorded on the row's grant date itself (a Subquery)."""
    return Subquery(StockPrice.objects.filter(date=OuterRef("grant_date")).values("price")[:1])


def stock_award_value(shares: int, closing: Decimal | None, purchase: Decimal) -> Decimal | None:
    """Grant-date fair value of a stock award (DOMAIN.md §5): shares x (closing price on the
    grant date - purchase price), rounded half up to whole dollars; None (not valued) when
    no closing price is recorded on the grant date."""
    if closing is None:
        return None
    return fair_value.stock_award_value(shares, closing, purchase)


def _sum_or_none(values: list[Decimal | None]) -> Decimal | None:
    """The sum of the parts, or None when any part is not valued (never counted as $0)."""
    if any(value is None for value in values):
        return None
    return sum((value for value in values if value is not None), ZERO)


@dataclass(frozen=True)
class GrantValue:
    """An option grant's current grant-date fair value (None: not valued) and the current
    valuation's id."""

    grant_id: int
    grant_date: date
    value: Decimal | None
    valuation_id: int | None


@dataclass
class YearFigures:
    """One person's Item 402(c) figures for one fiscal year."""

    person_id: int
    year: int
    record: OfficerYear | None = None
    # One value per stock award granted in the year; None: no closing price on its date.
    stock_values: list[Decimal | None] = field(default_factory=list)
    # The option grants made in the year, each with its current grant-date fair value.
    grants: list[GrantValue] = field(default_factory=list)

    @property
    def stock_awards(self) -> Decimal | None:
        return _sum_or_none(self.stock_values)

    @property
    def option_awards(self) -> Decimal | None:
        return _sum_or_none([entry.value for entry in self.grants])

    @property
    def is_proposed(self) -> bool:
        """The salary or the bonus awaits the committee: the year is not totalled."""
        record = self.record
        return record is not None and (not record.is_approved or record.is_bonus_proposed)

    def total(self) -> Decimal | str:
        """Salary + bonus + stock awards + option awards + all other compensation. "n/a"
        (an empty bonus or other compensation) counts as $0; a part not recorded (no
        salary, no yearly record) or not valued makes the total "not recorded"; a
        proposal is never totalled."""
        if self.is_proposed:
            return NOT_APPROVED
        record = self.record
        if record is None or record.base_salary is None:
            return NOT_RECORDED
        equity = [self.stock_awards] if self.stock_values else []
        if self.grants:
            equity.append(self.option_awards)
        if any(value is None for value in equity):
            return NOT_RECORDED
        parts = [record.base_salary, record.bonus, record.other_compensation, *equity]
        return sum((part for part in parts if part is not None), ZERO)

    def ranking_total(self) -> Decimal:
        """The total, or where it is "not recorded" or "not approved", the sum of the parts
        that are recorded, approved and valued: what ranks the other executive officers
        (reports/neo.py)."""
        total = self.total()
        if isinstance(total, Decimal):
            return total
        parts: list[Decimal | None] = list(self.stock_values)
        parts += [entry.value for entry in self.grants]
        record = self.record
        if record is not None and record.is_approved:
            parts += [record.base_salary, record.other_compensation]
        if record is not None and record.is_bonus_approved:
            parts.append(record.bonus)
        return sum((part for part in parts if part is not None), ZERO)


def yearly_figures(
    people: Iterable[int], first_year: int, last_year: int, records: Iterable[OfficerYear]
) -> dict[tuple[int, int], YearFigures]:
    """(person id, fiscal year) -> YearFigures, for every year from first_year to last_year
    in which the person has one of the yearly `records` (read by the caller, approved or
    proposed), a stock award or an option grant. One query, whatever the number of people
    and grants."""
    people = list(people)
    figures: dict[tuple[int, int], YearFigures] = {}

    def of(person_id: int, year: int) -> YearFigures:
        key = (person_id, year)
        if key not in figures:
            figures[key] = YearFigures(person_id, year)
        return figures[key]

    for record in records:
        of(record.person_id, record.fiscal_year).record = record
    # The stock awards and option grants of the years, in one query (a union): each with
    # the closing price on its grant date (awards) or its current fair value (options).
    span = fiscal.span(first_year, last_year)
    fields = ("kind", "pk", "person", "grant_date", "shares", "closing", "purchase", "value")
    awards = (
        StockAward.objects.filter(recipient_id__in=people, grant_date__range=span)
        .annotate(
            kind=Value(AWARD, output_field=CharField()),
            person=F("recipient_id"),
            closing=closing_on_grant_date(),
            purchase=F("purchase_price"),
            value=Value(None, output_field=AMOUNT),
            valuation=Value(None, output_field=IntegerField()),
        )
        .values_list(*fields, "valuation")
        .order_by()
    )
    grants = (
        OptionGrant.objects.filter(optionee_id__in=people, grant_date__range=span)
        .annotate(
            kind=Value(OPTION, output_field=CharField()),
            person=F("optionee_id"),
            closing=Value(None, output_field=AMOUNT),
            purchase=Value(None, output_field=AMOUNT),
            value=current_fair_value(),
            valuation=current_fair_value("pk"),
        )
        .values_list(*fields, "valuation")
        .order_by()
    )
    for kind, pk, person_id, granted, shares, closing, purchase, value, valuation in awards.union(
        grants, all=True
    ).order_by("grant_date", "pk"):
        figures_of = of(person_id, fiscal.year_of(granted))
        if kind == AWARD:
            figures_of.stock_values.append(stock_award_value(shares, closing, purchase))
        else:
            figures_of.grants.append(GrantValue(pk, granted, value, valuation))
    return figures


# Where nothing stops valuing the grant now: it has simply not been valued.
NOT_VALUED_YET = "not valued: not valued yet (value it on the grant's page)"


def not_valued_texts(grant_ids: list[int]) -> dict[int, str]:
    """Why each grant has no current grant-date fair value, by id, e.g. "not valued: no
    volatility for 2005": at most three queries whatever the number of grants
    (grants.models.not_valued_reasons), where asking grant by grant cost four each."""
    if not grant_ids:
        return {}
    reasons = not_valued_reasons(OptionGrant.objects.filter(pk__in=grant_ids))
    return {pk: reason or NOT_VALUED_YET for pk, reason in reasons.items()}


def grant_notes(entries: list[tuple[str, GrantValue]]) -> list[str]:
    """For each (holder's name, grant) pair, the grant's fair value with every input it used,
    or why it is not valued. At most four queries whatever the number of grants: the
    valuations, and not_valued_texts() of the grants not valued."""
    ids = [entry.valuation_id for _, entry in entries if entry.valuation_id is not None]
    found = GrantValuation.objects.select_related("defaults").in_bulk(ids) if ids else {}
    unvalued = not_valued_texts([e.grant_id for _, e in entries if e.valuation_id is None])
    notes = []
    for name, entry in entries:
        head = (
            f"{name}, the option granted {entry.grant_date:%Y-%m-%d} "
            f"(fiscal year {fiscal.year_of(entry.grant_date)})"
        )
        valuation = found.get(entry.valuation_id or 0)
        if valuation is None:
            notes.append(f"{head}: {unvalued[entry.grant_id]}.")
        else:
            notes.append(f"{head}: {valuation_text(valuation)}.")
    return notes


def valuation_text(valuation: GrantValuation) -> str:
    """A valuation's figure and every input it used."""
    method = " (simplified method, SAB 107)" if valuation.simplified_term else ""
    return (
        f"{valuation.shares:,} options x ${valuation.value_per_option:,.4f} = "
        f"{format_money(valuation.fair_value)}; closing price on the grant date "
        f"{format_price(valuation.closing_price)}, exercise price "
        f"{format_price(valuation.exercise_price)}, expected volatility "
        f"{format_rate(valuation.volatility)}, risk-free rate "
        f"{format_rate(valuation.risk_free_rate)}, dividend yield "
        f"{format_rate(valuation.dividend_yield)}, expected term "
        f"{valuation.expected_term.normalize():f} years{method}; inputs: {valuation.source}"
    )
