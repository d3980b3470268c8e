"""What the Summary Compensation Table (Item 402(c)) adds up for one person and one fiscal
year: the yearly record's salary, bonus and all other compensation, and the grant-date fair
value of the stock awards and option grants made in the year (DOMAIN.md §5 and §6). The
named executive officers are chosen by the same total (reports/neo.py)."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import OuterRef, Subquery

from compensation.models import OfficerYear
from core import fiscal
from core.templatetags.money import format_money, format_price, round_half_up
from grants import fair_value
from grants.models import (
    GrantValuation,
    OptionGrant,
    StockAward,
    StockPrice,
    current_fair_value,
    not_valued_reason,
)

from .base import NOT_APPROVED, NOT_RECORDED

ZERO = Decimal(0)


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
    """An option grant and its current grant-date fair value (None: not valued)."""

    grant: OptionGrant
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
        return self.record is not None and not self.record.is_approved

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
            parts += [record.base_salary, record.bonus, record.other_compensation]
        return sum((part for part in parts if part is not None), ZERO)


def yearly_figures(
    people: Iterable[int], first_year: int, last_year: int
) -> dict[tuple[int, int], YearFigures]:
    """(person id, fiscal year) -> YearFigures, for every year from first_year to last_year
    in which the person has a yearly record (approved or proposed), a stock award or an
    option grant. Three queries, whatever the number of people and grants."""
    people = list(people)
    figures: dict[tuple[int, int], YearFigures] = {}

    def of(person_id: int, year: int) -> YearFigures:
        key = (person_id, year)
        if key not in figures:
            figures[key] = YearFigures(person_id, year)
        return figures[key]

    records = OfficerYear.objects.filter(
        person_id__in=people, fiscal_year__range=(first_year, last_year)
    )
    for record in records:
        of(record.person_id, record.fiscal_year).record = record
    span = fiscal.span(first_year, last_year)
    awards = (
        StockAward.objects.filter(recipient_id__in=people, grant_date__range=span)
        .annotate(closing_price=closing_on_grant_date())
        .order_by("grant_date", "pk")
        .values_list("recipient_id", "grant_date", "shares", "closing_price", "purchase_price")
    )
    for person_id, granted, shares, closing, purchase in awards:
        value = stock_award_value(shares, closing, purchase)
        of(person_id, fiscal.year_of(granted)).stock_values.append(value)
    grants = (
        OptionGrant.objects.filter(optionee_id__in=people, grant_date__range=span)
        .annotate(current_value=current_fair_value(), current_valuation_id=current_fair_value("pk"))
        .select_related("optionee")
        .order_by("grant_date", "pk")
    )
    for grant in grants:
        entry = GrantValue(grant, grant.current_value, grant.current_valuation_id)
        of(grant.optionee_id, fiscal.year_of(grant.grant_date)).grants.append(entry)
    return figures


def by_person(figures: dict[tuple[int, int], YearFigures]) -> dict[int, list[YearFigures]]:
    """Each person's years, the latest first."""
    result: dict[int, list[YearFigures]] = defaultdict(list)
    for (person_id, _year), figure in sorted(figures.items(), key=lambda item: -item[0][1]):
        result[person_id].append(figure)
    return result


def format_rate(value: Decimal) -> str:
    """A decimal rate as a percentage with 2 to 4 decimals: 0.1 is "10.00%"."""
    percent = value.scaleb(2)
    exponent = percent.normalize().as_tuple().exponent
    assert isinstance(exponent, int)  # a stored rate is finite
    places = min(4, max(2, -exponent))
    return f"{round_half_up(percent, Decimal(1).scaleb(-places)):,.{places}f}%"


def not_valued_text(grant: OptionGrant) -> str:
    """Why the grant has no current grant-date fair value, e.g. "not valued: no volatility
    for 2005" (a few queries: for the few grants of the named officers that need it)."""
    return not_valued_reason(grant) or "not valued: not valued yet (value it on the grant's page)"


def valuations(entries: Iterable[GrantValue]) -> dict[int, GrantValuation]:
    """The current valuations of these grants, by id: one query."""
    ids = [entry.valuation_id for entry in entries if entry.valuation_id is not None]
    if not ids:
        return {}
    return GrantValuation.objects.select_related("defaults").in_bulk(ids)


def valuation_note(entry: GrantValue, valuation: GrantValuation | None) -> str:
    """A grant's fair value with every input it used, or why it is not valued."""
    grant = entry.grant
    head = (
        f"{grant.optionee.name}, the option granted {grant.grant_date:%Y-%m-%d} "
        f"(fiscal year {fiscal.year_of(grant.grant_date)})"
    )
    if valuation is None:
        return f"{head}: {not_valued_text(grant)}."
    method = " (simplified method, SAB 107)" if valuation.simplified_term else ""
    return (
        f"{head}: {valuation.shares:,} options x ${valuation.value_per_option:,.4f} = "
        f"{format_money(valuation.fair_value)}; closing price on the grant date "
        f"{format_price(valuation.closing_price)}, exercise price "
        f"{format_price(valuation.exercise_price)}, expected volatility "
        f"{format_rate(valuation.volatility)}, risk-free rate "
        f"{format_rate(valuation.risk_free_rate)}, dividend yield "
        f"{format_rate(valuation.dividend_yield)}, expected term "
        f"{valuation.expected_term.normalize():f} years{method}; inputs: {valuation.source}."
    )
