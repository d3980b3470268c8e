"""Item 402(d): Grants of Plan-Based Awards. The options and stock awards granted to the
named executive officers (reports/neo.py) in a fiscal year, with the date of the
committee's action where it differs from the grant date, the closing price on the grant
date where the exercise price is below it, and the grant-date fair value (DOMAIN.md §5
and §6)."""

from collections.abc import Iterator
from decimal import Decimal

from core import fiscal
from grants.models import OptionGrant, StockAward, current_fair_value

from . import forms
from .base import DATE, MONEY, PRICE, SHARES, Column, Report
from .figures import (
    GrantValue,
    closing_on_grant_date,
    grant_notes,
    not_valued_texts,
    stock_award_value,
)
from .item402_f import OPTION
from .neo import NamedOfficers


class PlanBasedAwards(Report):
    name = "plan-based-awards"
    title = "Grants of Plan-Based Awards (Item 402(d))"
    description = (
        "Options and stock awards granted to the named executive officers in a fiscal year, "
        "with their grant-date fair value."
    )
    form_class = forms.YearForm

    # A few rows for the named officers, from many annotated queries: kept (Report.figures()).
    keeps_figures = True

    def compute_columns(self) -> list[Column]:
        # The stock-award columns (and the kind of each row) appear when a named officer
        # received an award in the year, the committee's date when it differs from a grant
        # date (Item 402(a)(5): a column with nothing to report may be left out).
        awards = bool(self.awards())
        columns = [Column("name", "Name")]
        if awards:
            columns.append(Column("kind", "Kind of award"))
        columns.append(Column("grant_date", "Grant date", DATE))
        if self.committee_dates_differ():
            columns.append(Column("action_date", "Date of the committee's action (1)", DATE))
        if awards:
            columns.append(Column("stock_shares", "Number of shares of stock or units", SHARES))
        columns += [
            Column("shares", "Number of securities underlying options", SHARES),
            Column("exercise_price", "Exercise price of option awards ($/sh)", PRICE),
            Column(
                "closing_price",
                "Closing market price on the grant date, where above the exercise price ($/sh)",
                PRICE,
            ),
        ]
        if awards:
            columns.append(Column("purchase_price", "Purchase price of stock awards ($/sh)", PRICE))
        columns.append(
            Column("fair_value", "Grant date fair value of stock and option awards ($)", MONEY)
        )
        return columns

    def named(self) -> NamedOfficers:
        if not hasattr(self, "_named"):
            self._named = NamedOfficers(self.params["year"])
        return self._named

    def rank(self) -> dict[int, int]:
        """Person id -> place in the tables' order (PEO, PFO, then by total)."""
        return {person_id: n for n, person_id in enumerate(self.named().ids)}

    def grants(self) -> list[tuple[OptionGrant, GrantValue, Decimal | None]]:
        """The named officers' option grants made in the year, each with its current fair
        value and the closing price on its grant date: one query, kept."""
        if not hasattr(self, "_grants"):
            grants = (
                OptionGrant.objects.filter(
                    grant_date__range=fiscal.bounds(self.params["year"]),
                    optionee_id__in=self.named().ids,
                )
                .select_related("optionee")
                .annotate(
                    closing_price=closing_on_grant_date(),
                    current_value=current_fair_value(),
                    current_valuation_id=current_fair_value("pk"),
                )
                .order_by("grant_date", "pk")
            )
            self._grants: list[tuple[OptionGrant, GrantValue, Decimal | None]] = [
                (
                    g,
                    GrantValue(g.pk, g.grant_date, g.current_value, g.current_valuation_id),
                    g.closing_price,
                )
                for g in grants
            ]
        return self._grants

    def awards(self) -> list[tuple[StockAward, Decimal | None]]:
        """The named officers' stock awards made in the year, each with the closing price
        on its grant date: one query, kept."""
        if not hasattr(self, "_awards"):
            awards = (
                StockAward.objects.filter(
                    grant_date__range=fiscal.bounds(self.params["year"]),
                    recipient_id__in=self.named().ids,
                )
                .select_related("recipient")
                .annotate(closing_price=closing_on_grant_date())
                .order_by("grant_date", "pk")
            )
            self._awards: list[tuple[StockAward, Decimal | None]] = [
                (award, award.closing_price) for award in awards
            ]
        return self._awards

    def committee_dates_differ(self) -> bool:
        holdings: list[OptionGrant | StockAward] = [grant for grant, _, _ in self.grants()]
        holdings += [award for award, _ in self.awards()]
        return any(_action_date(holding) is not None for holding in holdings)

    def compute_rows(self) -> Iterator[dict]:
        awards = self.awards()
        rank = self.rank()
        rows = []
        unvalued = not_valued_texts(
            [grant.pk for grant, entry, _ in self.grants() if entry.value is None]
        )
        for grant, entry, closing in self.grants():
            below = closing is not None and grant.exercise_price < closing
            row = {
                "name": grant.optionee.name,
                "grant_date": grant.grant_date,
                "action_date": _action_date(grant),
                "shares": grant.shares,
                "exercise_price": grant.exercise_price,
                "closing_price": closing if below else None,
                "fair_value": unvalued[grant.pk] if entry.value is None else entry.value,
                "_order": (rank[grant.optionee_id], grant.grant_date, 0),
            }
            if awards:
                row["kind"] = OPTION
            rows.append(row)
        for award, closing in awards:
            value = stock_award_value(award.shares, closing, award.purchase_price)
            rows.append(
                {
                    "name": award.recipient.name,
                    "kind": award.award_type,
                    "grant_date": award.grant_date,
                    "action_date": _action_date(award),
                    "stock_shares": award.shares,
                    "purchase_price": award.purchase_price,
                    "fair_value": (
                        f"not valued: no closing price recorded on {award.grant_date:%Y-%m-%d}"
                        if value is None
                        else value
                    ),
                    "_order": (rank[award.recipient_id], award.grant_date, 1),
                }
            )
        # Per officer in the tables' order, by grant date, options first on a day.
        rows.sort(key=lambda row: row.pop("_order"))
        yield from rows

    def compute_footnotes(self) -> list[str]:
        year = self.params["year"]
        notes = []
        if self.committee_dates_differ():
            notes.append(
                "(1) The date the board or its compensation committee acted to make the grant "
                "or award, shown where it differs from the grant date."
            )
        notes.append(
            "Closing market price: the closing price recorded on the grant date, shown where "
            "an option's exercise price is below it."
        )
        notes.append(
            "Grant date fair value (FASB ASC Topic 718): stock awards, shares x (closing "
            "price on the grant date - purchase price), rounded half up to whole dollars; "
            "options, the Black-Scholes-Merton value per option rounded half up to 4 "
            "decimals, x the options, rounded half up to whole dollars. The inputs of each "
            "valued option follow, and are in the valuation assumptions table and on the "
            "grant's page; an option or award not valued says why and is never counted as $0."
        )
        # The valued options' inputs (a cell not valued says why itself).
        notes += grant_notes(
            [(g.optionee.name, entry) for g, entry, _ in self.grants() if entry.value is not None]
        )
        if self.awards():
            notes.append("RSA: restricted stock award; RSU: restricted stock unit.")
        span = f"{fiscal.year_start(year):%Y-%m-%d} to {fiscal.year_end(year):%Y-%m-%d}"
        notes.append(self.named().short_footnote(span))
        return notes


def _action_date(holding: OptionGrant | StockAward):
    """The committee's date where it differs from the grant date, else None."""
    acted = holding.authorized_on
    return acted if acted is not None and acted != holding.grant_date else None
