"""The grant-date fair value assumptions table (DOMAIN.md §5): for fiscal year Y, every
option grant the year's named executive officers (reports/neo.py) received in fiscal years
Y-2 to Y, with the
Black-Scholes-Merton inputs its current valuation used, its value per option and its
aggregate value, and where the inputs came from; a grant not valued says why and shows
no figures. A proxy's footnote to the option awards column is written from it."""

from collections.abc import Iterator

from core import fiscal
from grants.models import GrantValuation, OptionGrant, current_fair_value, not_valued_reasons
from grants.templatetags.valuation import format_per_option, format_rate

from . import forms
from .base import DATE, MONEY, PRICE, SHARES, Column, Report
from .neo import NamedOfficers

# Column kinds of this table that base.Column does not know; exports.py gives them a
# number format in Excel and their text in CSV.
PERCENT = "percent"  # a rate kept as a decimal (0.35), shown as 35.00%
PER_OPTION = "per_option"  # a value per option in dollars, always to 4 decimals


class FigureColumn(Column):
    """A percentage or a value per option: right-aligned, printed in its own way."""

    @property
    def numeric(self) -> bool:
        return True

    def display(self, value) -> str:
        if value is None or isinstance(value, str):
            return super().display(value)
        if self.kind == PERCENT:
            return format_rate(value)
        if self.kind == PER_OPTION:
            return format_per_option(value)
        return super().display(value)


def named_officers(fiscal_year: int) -> list[int]:
    """The people whose grants the table lists, in the tables' order: the year's named
    executive officers, as every Item 402 table of the year names them."""
    return NamedOfficers(fiscal_year).ids


SIMPLIFIED = "simplified method"


class FairValueAssumptions(Report):
    name = "fair-value-assumptions"
    title = "Grant-Date Fair Value Assumptions (ASC Topic 718)"
    sheet_name = "Fair value assumptions"
    description = (
        "The named executive officers' option grants of the fiscal year and the two before it: the "
        "Black-Scholes-Merton inputs, value per option and aggregate grant-date fair value."
    )
    form_class = forms.YearForm
    keeps_figures = True
    columns = [
        Column("name", "Name"),
        Column("fiscal_year", "Fiscal year"),
        Column("grant_date", "Grant date", DATE),
        Column("shares", "Options granted", SHARES),
        Column("exercise_price", "Exercise price", PRICE),
        Column("closing_price", "Closing price on grant date", PRICE),
        FigureColumn("volatility", "Expected volatility", PERCENT),
        FigureColumn("risk_free_rate", "Risk-free rate", PERCENT),
        FigureColumn("dividend_yield", "Dividend yield", PERCENT),
        Column("expected_term", "Expected term (years)"),
        Column("term_method", "Expected term method"),
        FigureColumn("value_per_option", "Value per option", PER_OPTION),
        Column("fair_value", "Aggregate grant-date fair value", MONEY),
        Column("source", "Inputs from"),
    ]

    def grants(self) -> list[tuple[OptionGrant, int | None]]:
        """Each grant listed, with the id of its current valuation (None: not valued)."""
        if not hasattr(self, "_grants"):
            year = self.params["year"]
            officers = named_officers(year)
            grants = (
                OptionGrant.objects.filter(
                    optionee__in=officers, grant_date__range=fiscal.span(year - 2, year)
                )
                .select_related("optionee")
                .annotate(valuation_id=current_fair_value("pk"))
                .order_by("grant_date", "pk")
            )
            # Each officer's grants together, the officers in the tables' order.
            order = {person_id: n for n, person_id in enumerate(officers)}
            self._grants: list[tuple[OptionGrant, int | None]] = sorted(
                ((grant, grant.valuation_id) for grant in grants),
                key=lambda pair: order[pair[0].optionee_id],
            )
        return self._grants

    def valuations(self) -> dict[int, GrantValuation]:
        if not hasattr(self, "_valuations"):
            ids = [valuation for _, valuation in self.grants() if valuation]
            self._valuations = GrantValuation.objects.select_related("defaults").in_bulk(ids)
        return self._valuations

    def not_valued(self) -> dict[int, str]:
        """Why each grant without a current valuation is not valued, by grant id: a fixed
        number of queries however many there are (not one per grant)."""
        if not hasattr(self, "_not_valued"):
            valuations = self.valuations()
            ids = [grant.pk for grant, found in self.grants() if valuations.get(found or 0) is None]
            self._not_valued = (
                not_valued_reasons(OptionGrant.objects.filter(pk__in=ids)) if ids else {}
            )
        return self._not_valued

    def compute_rows(self) -> Iterator[dict]:
        valuations = self.valuations()
        not_valued = self.not_valued()
        for grant, valuation_id in self.grants():
            row = {
                "name": grant.optionee.name,
                "fiscal_year": fiscal.year_of(grant.grant_date),
                "grant_date": grant.grant_date,
                "shares": grant.shares,
                "exercise_price": grant.exercise_price,
            }
            valuation = valuations.get(valuation_id) if valuation_id else None
            if valuation is None:
                # Why it is not valued, and no figure: never $0.
                yield {**row, "source": not_valued.get(grant.pk) or "not valued"}
                continue
            yield {
                **row,
                "closing_price": valuation.closing_price,
                "volatility": valuation.volatility,
                "risk_free_rate": valuation.risk_free_rate,
                "dividend_yield": valuation.dividend_yield,
                "expected_term": valuation.expected_term,
                "term_method": SIMPLIFIED if valuation.simplified_term else "",
                "value_per_option": valuation.value_per_option,
                "fair_value": valuation.fair_value,
                "source": valuation.source,
            }

    def compute_footnotes(self) -> list[str]:
        year = self.params["year"]
        notes = [
            f"Option grants made in fiscal years {year - 2} to {year} (the fiscal year ends "
            f"{fiscal.describe()}) to the named executive officers of fiscal {year}.",
            "Value per option: Black-Scholes-Merton, rounded half up to 4 decimals; aggregate "
            "grant-date fair value: that value x the options granted, rounded half up to "
            "whole dollars (FASB ASC Topic 718).",
            "The risk-free rate is continuously compounded; the rates are annual.",
        ]
        valuations = self.valuations()
        if any(v.simplified_term for v in valuations.values()):
            notes.append(
                "Simplified method: the expected term by SEC Staff Accounting Bulletin 107, "
                "(weighted-average vesting term + contractual term) / 2."
            )
        if any(valuation not in valuations for _, valuation in self.grants()):
            notes.append(
                "A grant that is not valued says why and shows no figures; it is counted "
                "nowhere as $0."
            )
        return notes
