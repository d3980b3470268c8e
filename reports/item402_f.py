"""Item 402(f): Outstanding Equity Awards at Fiscal Year-End: the named executive officers'
unexercised options and, beside them, their restricted stock awards and units that have not
vested, with their market value at the closing price on or before the year-end (DOMAIN.md
§4 and §6)."""

from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

from django.db.models import F, Value

from compensation.models import Person
from core import fiscal
from core.templatetags.money import format_price
from grants.models import (
    AwardInstallment,
    OptionGrant,
    RegistrationPeriod,
    StockAward,
    StockPrice,
    VestingInstallment,
)
from grants.rules import DeadlineRule, Period

from . import forms
from .base import DATE, MONEY, NOT_VALUED, PRICE, SHARES, TEXT, Column, Report
from .neo import NamedOfficers

# The kind of an option row, where the table also lists stock awards ("RSA", "RSU").
OPTION = "Option"
AWARD = "Award"  # an award's installment, beside an option's, in vesting_after()
# Why service ended, as the deadline footnote says it.
ENDED_BY: dict[str, str] = {
    Person.TerminationReason.OTHER: " (for a reason other than disability or death)",
    Person.TerminationReason.DISABILITY: " (disability)",
    Person.TerminationReason.DEATH: " (death)",
}


class OutstandingEquityAwards(Report):
    name = "outstanding-equity-awards"
    title = "Outstanding Equity Awards at Fiscal Year-End (Item 402(f))"
    description = (
        "The executive officers' unexercised options, exercisable and unexercisable, and "
        "their stock awards not vested, at a fiscal year-end."
    )
    form_class = forms.FiscalYearEndForm

    # A few rows for the named officers, from many annotated queries: kept (Report.figures()).
    keeps_figures = True

    def compute_columns(self) -> list[Column]:
        # The stock-award columns (and the kind of each row) appear when a named officer
        # holds an award not vested at the year-end; a table without any leaves them out,
        # as Item 402(a)(5) allows for a column with nothing to report.
        awards = bool(self.awards())
        columns = [Column("name", "Name")]
        if awards:
            columns.append(Column("kind", "Kind of award", TEXT))
        columns += [
            Column("exercisable", "Securities underlying unexercised options: exercisable", SHARES),
            Column(
                "unexercisable", "Securities underlying unexercised options: unexercisable", SHARES
            ),
            Column("exercise_price", "Option exercise price", PRICE),
            Column("expiration_date", "Option expiration date", DATE),
        ]
        if self.params.get("price") is not None:
            columns += [
                Column("value_exercisable", "Value of in-the-money options: exercisable", MONEY),
                Column(
                    "value_unexercisable", "Value of in-the-money options: unexercisable", MONEY
                ),
            ]
        if awards:
            columns += [
                Column(
                    "stock_unvested",
                    "Number of shares or units of stock that have not vested",
                    SHARES,
                ),
                Column(
                    "stock_value",
                    "Market value of shares or units of stock that have not vested (A)",
                    MONEY,
                ),
            ]
        return columns

    def named(self) -> NamedOfficers:
        """The named executive officers of the fiscal year of the as-of date (kept)."""
        if not hasattr(self, "_named"):
            self._named = NamedOfficers(fiscal.year_of(self.params["as_of"]))
        return self._named

    def officers(self) -> list[int]:
        return self.named().ids

    def grants(self):
        as_of = self.params["as_of"]
        return (
            OptionGrant.objects.filter(optionee__in=self.officers())
            .outstanding(as_of, self.periods())
            .select_related("optionee")
            .with_vesting_totals(as_of, self.periods())
            .order_by("optionee__name", "grant_date", "pk")
        )

    def awards(self) -> list[StockAward]:
        """The named officers' awards made by the year-end with shares or units not vested
        then (not forfeited): one query, kept for the columns and the rows."""
        if not hasattr(self, "_awards"):
            as_of = self.params["as_of"]
            self._awards: list[StockAward] = list(
                StockAward.objects.filter(recipient__in=self.officers(), grant_date__lte=as_of)
                .select_related("recipient")
                .with_vesting_totals(as_of)
                .filter(unvested__gt=0)
                .order_by("recipient__name", "grant_date", "pk")
            )
        return self._awards

    def periods(self) -> list[Period]:
        """The registration periods, read once: the grants' deadlines as of the year-end
        and the deadline footnotes both need them."""
        if not hasattr(self, "_periods"):
            self._periods = RegistrationPeriod.objects.periods()
        return self._periods

    def vesting_after(
        self, grants: list[OptionGrant], awards: list[StockAward]
    ) -> tuple[dict[int, list[tuple[date, int]]], dict[int, list[tuple[date, int]]]]:
        """(vest date, shares) of the installments after the fiscal year-end, per grant
        with unvested shares and per award listed (each has shares not vested, and no end
        of service known at the year-end: one would have forfeited them). One query of
        plain tuples for both (a prefetch built a model instance for every installment of
        every grant, about two thirds of the page's time)."""
        as_of = self.params["as_of"]
        options: dict[int, list[tuple[date, int]]] = defaultdict(list)
        stock: dict[int, list[tuple[date, int]]] = defaultdict(list)
        fields = ("kind", "owner", "vest_date", "shares")
        installments = (
            VestingInstallment.objects.filter(
                grant__in=[grant.pk for grant in grants if grant.unvested], vest_date__gt=as_of
            )
            .annotate(kind=Value(OPTION), owner=F("grant_id"))
            .values_list(*fields)
            .order_by()
        )
        if awards:
            installments = installments.union(
                AwardInstallment.objects.filter(
                    award__in=[award.pk for award in awards], vest_date__gt=as_of
                )
                .annotate(kind=Value(AWARD), owner=F("award_id"))
                .values_list(*fields)
                .order_by(),
                all=True,
            )
        for kind, owner, vest_date, shares in installments.order_by("vest_date"):
            (options if kind == OPTION else stock)[owner].append((vest_date, shares))
        return options, stock

    def _note(self, text: str) -> str:
        self._notes.append(f"({len(self._notes) + 1}) {text}")
        return f"({len(self._notes)})"

    def option_row(self, grant: OptionGrant, vesting_after) -> dict | None:
        price = self.params.get("price")
        # 402(f): vested but unexercised shares are "exercisable" whatever the
        # registration status that day; unvested (not forfeited) are "unexercisable".
        exercisable = max(0, grant.vested - grant.exercised)
        unexercisable = grant.unvested
        if not exercisable and not unexercisable:
            return None
        name = grant.optionee.name
        if unexercisable:
            cutoff = grant.terminated_as_of(self.params["as_of"]) or date.max
            vesting = "; ".join(
                f"{shares:,} on {vest_date:%Y-%m-%d}"
                for vest_date, shares in vesting_after[grant.pk]
                if vest_date <= cutoff
            )
            marker = self._note(
                f"Unexercisable shares of the option granted {grant.grant_date:%Y-%m-%d} "
                f"vest: {vesting}."
            )
            name = f"{name} {marker}"
        expiration = grant.expiration_date
        ended = grant.terminated_as_of(self.params["as_of"])
        if ended is not None:
            # Service ended by the year-end: the option lives until its deadline under
            # paragraph 5, which the column shows instead of the term's end.
            expiration, marker = self.deadline(grant, ended)
            name = f"{name} {marker}"
        row = {
            "name": name,
            "exercisable": exercisable,
            "unexercisable": unexercisable,
            "exercise_price": grant.exercise_price,
            "expiration_date": expiration,
        }
        if self.awards():
            row["kind"] = OPTION
        if price is not None:
            spread = max(Decimal(0), price - grant.exercise_price)
            row["value_exercisable"] = spread * exercisable
            row["value_unexercisable"] = spread * unexercisable
        return row

    def deadline(self, grant: OptionGrant, ended: date) -> tuple[date, str]:
        """The exercise deadline as known at the year-end of a grant whose holder's service
        ended on or before it, and the marker of the footnote that says why."""
        deadline = grant.deadline_on(self.params["as_of"], self.periods())
        reason = ENDED_BY.get(grant.optionee.termination_reason, "")
        if deadline.rule == DeadlineRule.EXPIRATION:
            why = f"its expiration date ({deadline.paragraph})"
        else:
            why = f"{deadline.paragraph} of the option agreement"
            if deadline.capped_by_expiration:
                why += ", capped at its expiration date"
        marker = self._note(
            f"Service of {grant.optionee.name} ended on {ended:%Y-%m-%d}{reason}: the "
            f"option granted {grant.grant_date:%Y-%m-%d}, which expires "
            f"{grant.expiration_date:%Y-%m-%d}, may be exercised until "
            f"{deadline.day:%Y-%m-%d} under {why}, for the shares vested on "
            f"{ended:%Y-%m-%d}; the rest are forfeited. The expiration date column shows "
            "that deadline."
        )
        return deadline.day, marker

    def award_row(self, award: StockAward, vesting_after, closing: Decimal | None) -> dict:
        vesting = "; ".join(
            f"{shares:,} on {vest_date:%Y-%m-%d}" for vest_date, shares in vesting_after[award.pk]
        )
        marker = self._note(
            f"Unvested {award.unit_name} of the {award.get_award_type_display().lower()} "
            f"({award.award_type}) granted {award.grant_date:%Y-%m-%d} vest: {vesting}."
        )
        return {
            "name": f"{award.recipient.name} {marker}",
            "kind": award.award_type,
            "stock_unvested": award.unvested,
            "stock_value": NOT_VALUED if closing is None else award.unvested * closing,
        }

    def compute_rows(self) -> Iterator[dict]:
        self._notes: list[str] = []
        self._price_note = ""
        grants = list(self.grants())  # the named officers' grants: a few dozen
        awards = self.awards()
        vesting_after, award_vesting_after = self.vesting_after(grants, awards)
        rank = {person_id: n for n, person_id in enumerate(self.officers())}
        entries: list[tuple[int, date, int, OptionGrant | StockAward]] = [
            (rank[grant.optionee_id], grant.grant_date, 0, grant) for grant in grants
        ]
        closing = None
        if awards:
            found = StockPrice.on_or_before(self.params["as_of"])
            closing = None if found is None else found[1]
            self._price_note = self.price_note(found)
            entries += [(rank[a.recipient_id], a.grant_date, 1, a) for a in awards]
        # Per officer in the tables' order (PEO, PFO, then by total), by grant date, options
        # before awards granted the same day (a stable sort: the database's order stays
        # within each).
        entries.sort(key=lambda entry: entry[:3])
        for _rank, _granted, _kind, holding in entries:
            if isinstance(holding, StockAward):
                yield self.award_row(holding, award_vesting_after, closing)
            else:
                row = self.option_row(holding, vesting_after)
                if row is not None:
                    yield row

    def price_note(self, found: tuple[date, Decimal] | None) -> str:
        as_of = self.params["as_of"]
        if found is None:
            return (
                f"(A) No closing price is recorded on or before the fiscal year-end "
                f"({as_of:%Y-%m-%d}): the market value of the stock awards is not valued "
                f"until a price is entered."
            )
        day, price = found
        where = (
            "on the fiscal year-end"
            if day == as_of
            else f"of {day:%Y-%m-%d}, the latest recorded before the fiscal year-end "
            f"({as_of:%Y-%m-%d})"
        )
        return (
            f"(A) Market value of stock awards: shares or units not vested x the closing "
            f"price {where}, {format_price(price)}. RSA: restricted stock award; RSU: restricted "
            f"stock unit."
        )

    def compute_footnotes(self) -> list[str]:
        # What compute_rows(), run first (Report.figures()), found.
        notes = list(self._notes)
        if self._price_note:
            notes.append(self._price_note)
        if not self.awards():
            notes.append(
                "Stock awards: these officers hold no restricted stock award or unit not "
                "vested at the date, so those columns are left out (Item 402(a)(5))."
            )
        notes.append(
            self.named().short_footnote(f"the fiscal year of {self.params['as_of']:%Y-%m-%d}")
        )
        return notes
