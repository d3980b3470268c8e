"""Item 402(g): Option Exercises and Stock Vested: per named executive officer, the shares
acquired on exercise and the value realized, and the shares acquired on vesting (gross)
and the value realized on vesting (DOMAIN.md §4 and §6). Both values are computed from the
price table when the report is produced (§3)."""

from collections.abc import Iterator
from decimal import Decimal

from django.db.models import (
    CharField,
    DateField,
    DecimalField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.utils import timezone

from core import fiscal
from core.templatetags.money import format_price
from grants.models import AwardInstallment, Exercise, StockPrice

from . import forms
from .base import MONEY, NOT_RECORDED, SHARES, Column, Report
from .neo import NamedOfficers

AMOUNT = DecimalField(max_digits=18, decimal_places=4)
# The columns both parts of the query select, in this order.
FIELDS = ("person", "part", "shares", "value", "unpriced", "vest_date", "price_date", "price")
EXERCISE, VESTING = "exercise", "vesting"


class OptionExercises(Report):
    name = "option-exercises"
    title = "Option Exercises and Stock Vested (Item 402(g))"
    description = (
        "Executive officers' shares acquired on exercise and on vesting, and the value "
        "realized, in a year."
    )
    form_class = forms.YearForm

    # A few rows for the named officers, from many annotated queries: kept (Report.figures()).
    keeps_figures = True

    def compute_columns(self) -> list[Column]:
        columns = [
            Column("name", "Name"),
            Column("shares", "Number of shares acquired on exercise", SHARES),
            Column("value_realized", "Value realized on exercise", MONEY),
        ]
        # The stock-vested columns appear when a named officer has a vesting in the year
        # (Item 402(a)(5): a column with nothing to report may be left out).
        if self.has_vestings():
            columns += [
                Column("vested_shares", "Number of shares acquired on vesting", SHARES),
                Column("vested_value", "Value realized on vesting (2)", MONEY),
            ]
        return columns

    def data(self) -> list[tuple]:
        """The year's exercise totals per officer and award vestings, read in one query
        (a union) ordered by name, and kept for the columns and the rows."""
        if not hasattr(self, "_data"):
            self._data = self._read()
        return self._data

    def has_vestings(self) -> bool:
        return any(row[1] == VESTING for row in self.data())

    def named(self) -> NamedOfficers:
        if not hasattr(self, "_named"):
            self._named = NamedOfficers(self.params["year"])
        return self._named

    def _read(self) -> list[tuple]:
        year = self.params["year"]
        officers = self.named().ids
        # Value realized on exercise, in the same query (DOMAIN.md §3): a closing price
        # entered or corrected after the exercise counts. The spread stored with the
        # exercise is what tax was withheld on then and is not used here. The price is the
        # closing price on the exercise date itself, as at recording.
        closing = StockPrice.objects.filter(date=OuterRef("exercise_date")).values("price")[:1]
        value = ExpressionWrapper(
            (F("closing_price") - F("grant__exercise_price")) * F("shares"), output_field=AMOUNT
        )
        no_date = Value(None, output_field=DateField())
        exercises = (
            Exercise.objects.in_effect()
            .filter(exercise_date__range=fiscal.bounds(year), grant__optionee__in=officers)
            .annotate(closing_price=Subquery(closing))
            .values(person=F("grant__optionee__name"))
            .annotate(
                part=Value(EXERCISE, output_field=CharField()),
                total=Sum("shares"),
                value=Sum(value),  # exercises without a price add nothing, not $0
                unpriced=Sum("shares", filter=Q(closing_price__isnull=True), default=0),
                vest_date=no_date,
                price_date=no_date,
                price=Value(None, output_field=AMOUNT),
            )
            .values_list(*FIELDS[:2], "total", *FIELDS[3:])
            .order_by()
        )
        # Value realized on vesting: gross shares x the closing price on the vest date or
        # the latest recorded before it (DOMAIN.md §4), with the date used; one row per
        # installment that vested in the year, not forfeited, whether or not an admin has
        # confirmed its vesting yet (the confirmation records the shares withheld, which
        # the table, gross, does not need). Installments dated after today have not vested.
        latest = StockPrice.objects.filter(date__lte=OuterRef("vest_date")).order_by("-date")
        vestings = (
            AwardInstallment.objects.filter(
                vest_date__range=fiscal.bounds(year),
                vest_date__lte=timezone.localdate(),
                award__recipient__in=officers,
            )
            .exclude(award__recipient__terminated_on__lt=F("vest_date"))
            .annotate(
                person=F("award__recipient__name"),
                part=Value(VESTING, output_field=CharField()),
                value=Value(None, output_field=AMOUNT),
                unpriced=Value(0, output_field=IntegerField()),
                price_date=Subquery(latest.values("date")[:1], output_field=DateField()),
                price=Subquery(latest.values("price")[:1], output_field=AMOUNT),
            )
            .values_list(*FIELDS)
            .order_by()
        )
        # The union's own columns (the first part's names), not a model's fields.
        order = ("person", "part", "vest_date")
        return list(exercises.union(vestings, all=True).order_by(*order))

    def compute_rows(self) -> Iterator[dict]:
        self._unpriced = 0
        self._vesting_notes: list[str] = []
        self._unpriced_vestings = False
        # One row per officer, in the query's order of names.
        people: dict[str, dict] = {}
        vested: dict[str, list[tuple]] = {}
        for person, part, shares, value, unpriced, vest_date, price_date, price in self.data():
            row = people.setdefault(person, {"name": person})
            if part == EXERCISE:
                self._unpriced += unpriced
                row.update(
                    name=f"{person} (1)" if unpriced else person,
                    shares=shares,
                    value_realized=NOT_RECORDED if unpriced == shares else value,
                )
            else:
                vested.setdefault(person, []).append((vest_date, shares, price_date, price))
        # In the tables' order of the named officers (PEO, PFO, then by total).
        order = {officer.name: n for n, officer in enumerate(self.named())}
        for person, row in sorted(people.items(), key=lambda item: order[item[0]]):
            if person in vested:
                row.update(self._vested(person, vested[person]))
            yield row

    def _vested(self, person: str, vestings: list[tuple]) -> dict:
        shares = sum(s for _, s, _, _ in vestings)
        priced = [(s, p) for _, s, _, p in vestings if p is not None]
        value: Decimal | str = sum((s * p for s, p in priced), Decimal(0))
        if len(priced) < len(vestings):
            self._unpriced_vestings = True
            if not priced:
                value = NOT_RECORDED
        used = "; ".join(
            f"{s:,} on {d:%Y-%m-%d} at "
            + (
                "no price recorded"
                if p is None
                else f"{format_price(p)}"
                + ("" if pd == d else f" (closing price of {pd:%Y-%m-%d})")
            )
            for d, s, pd, p in vestings
        )
        self._vesting_notes.append(f"{person}: {used}.")
        return {"vested_shares": shares, "vested_value": value}

    def compute_footnotes(self) -> list[str]:
        notes = ["Value realized: (fair market value at exercise - exercise price) x shares."]
        # What compute_rows(), run first (Report.figures()), found.
        if self._unpriced:
            notes.append(
                "(1) No closing price is recorded for the date of some exercises; their value "
                "is left out until the price is entered."
            )
        if self._vesting_notes:
            notes.append(
                "(2) Value realized on vesting: shares vesting (gross, before any shares "
                "withheld for taxes) x the closing price on the vest date, or the latest "
                "recorded before it where none is recorded that day, for every installment "
                "that vested in the year and was not forfeited (confirmed or not). The prices "
                "used:"
            )
            notes += self._vesting_notes
            if self._unpriced_vestings:
                notes.append(
                    "No closing price is recorded on or before the date of some vestings; "
                    "their value is left out until a price is entered."
                )
        if not self.has_vestings():
            notes.append(
                "Stock vested: no restricted stock award or unit of these officers vested in "
                "the year, so those columns are left out (Item 402(a)(5))."
            )
        year = self.params["year"]
        span = f"{fiscal.year_start(year):%Y-%m-%d} to {fiscal.year_end(year):%Y-%m-%d}"
        notes.append(self.named().short_footnote(span))
        return notes
