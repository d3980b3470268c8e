"""The Item 402 tables of Regulation S-K that the proxy statement carries: (c) summary
compensation, (d) grants of plan-based awards, (f) outstanding equity awards at the
fiscal year-end (reports/item402_f.py) and (g) option exercises and stock vested
(reports/item402_g.py) (DOMAIN.md §3, §4 and §6)."""

from collections.abc import Iterator
from decimal import Decimal

from django.db.models import OuterRef, Subquery

from compensation.models import OfficerYear
from core.templatetags.money import format_proposed
from grants import fair_value
from grants.models import OptionGrant, StockAward, StockPrice

from . import forms
from .base import (
    DATE,
    MONEY,
    NA,
    NOT_APPROVED,
    NOT_RECORDED,
    NOT_VALUED,
    PRICE,
    PROPOSED_NOTE,
    SHARES,
    Column,
    Report,
)
from .item402_f import OPTION, OutstandingEquityAwards
from .item402_g import OptionExercises

__all__ = ["OptionExercises", "OutstandingEquityAwards", "PlanBasedAwards", "SummaryCompensation"]

DOLLAR = Decimal(1)


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


class PlanBasedAwards(Report):
    name = "plan-based-awards"
    title = "Grants of Plan-Based Awards (Item 402(d))"
    description = (
        "Options and stock awards granted to executive officers in a year, with the closing "
        "price where it differs from an option's exercise price."
    )
    form_class = forms.YearForm

    @property
    def columns(self):
        # The stock-award columns (and the kind of each row) appear when a named officer
        # received an award in the year (Item 402(a)(5)).
        awards = bool(self.awards())
        columns = [Column("name", "Name")]
        if awards:
            columns.append(Column("kind", "Kind of award"))
        columns.append(Column("grant_date", "Grant date", DATE))
        if awards:
            columns.append(Column("stock_shares", "Number of shares of stock or units", SHARES))
        columns += [
            Column("shares", "Number of securities underlying options", SHARES),
            Column("exercise_price", "Exercise price of option awards ($/sh)", PRICE),
            Column(
                "closing_price", "Closing market price on the grant date, where different", PRICE
            ),
        ]
        if awards:
            columns.append(Column("purchase_price", "Purchase price of stock awards ($/sh)", PRICE))
        return columns

    def officers(self):
        if not hasattr(self, "_officers"):
            self._officers = OfficerYear.objects.named_officers(self.params["year"])
        return self._officers

    def awards(self) -> list[StockAward]:
        """The named officers' awards made in the year: one query, kept."""
        if not hasattr(self, "_awards"):
            self._awards: list[StockAward] = list(
                StockAward.objects.filter(
                    grant_date__year=self.params["year"], recipient__in=self.officers()
                )
                .select_related("recipient")
                .order_by("recipient__name", "grant_date", "pk")
            )
        return self._awards

    def rows(self) -> Iterator[dict]:
        grants = (
            OptionGrant.objects.filter(
                grant_date__year=self.params["year"], optionee__in=self.officers()
            )
            .select_related("optionee")
            .annotate(closing_price=closing_on_grant_date())
            .order_by("optionee__name", "grant_date")
        )
        awards = self.awards()
        rows = []
        for grant in grants:
            differs = (
                grant.closing_price is not None and grant.closing_price != grant.exercise_price
            )
            row = {
                "name": grant.optionee.name,
                "grant_date": grant.grant_date,
                "shares": grant.shares,
                "exercise_price": grant.exercise_price,
                "closing_price": grant.closing_price if differs else None,
            }
            if awards:
                row["kind"] = OPTION
            rows.append(row)
        rows += [
            {
                "name": award.recipient.name,
                "kind": award.award_type,
                "grant_date": award.grant_date,
                "stock_shares": award.shares,
                "purchase_price": award.purchase_price,
            }
            for award in awards
        ]
        if awards:
            # Per officer by grant date, options first on a day (a stable sort).
            rows.sort(key=lambda row: (row["name"], row["grant_date"], row["kind"] != OPTION))
        yield from rows

    def footnotes(self) -> list[str]:
        if not getattr(self, "_awards", None):
            return []
        return ["RSA: restricted stock award; RSU: restricted stock unit."]


class SummaryCompensation(Report):
    name = "summary-compensation"
    title = "Summary Compensation Table (Item 402(c))"
    description = "Salary, bonus, stock and option awards for a year and the two before it."
    form_class = forms.YearForm

    @property
    def columns(self):
        columns = [
            Column("name", "Name and principal position"),
            Column("year", "Year"),
            Column("salary", "Salary", MONEY),
            Column("bonus", "Bonus", MONEY),
        ]
        # The stock awards column appears when an officer received an award in the three
        # years (Item 402(a)(5)).
        if self.stock_awards():
            columns.append(Column("stock_awards", "Stock awards (2)", MONEY))
        columns += [
            Column("option_awards", "Option awards (1)", MONEY),
            Column("total", "Total (1)", MONEY),
        ]
        return columns

    def officers(self):
        year = self.params["year"]
        return OfficerYear.objects.for_year(year).values_list("person_id", flat=True)

    def stock_awards(self) -> dict[tuple[int, int], Decimal | None]:
        """(person, fiscal year) -> the grant-date fair value of the stock awards granted
        to the person in that year, or None (not valued) when any of them has no closing
        price recorded on its grant date. One query, kept."""
        if not hasattr(self, "_stock_awards"):
            year = self.params["year"]
            awards = (
                StockAward.objects.filter(
                    recipient_id__in=self.officers(), grant_date__year__range=(year - 2, year)
                )
                .annotate(closing_price=closing_on_grant_date())
                .values_list(
                    "recipient_id", "grant_date__year", "shares", "closing_price", "purchase_price"
                )
            )
            values: dict[tuple[int, int], Decimal | None] = {}
            for person, granted, shares, closing, purchase in awards:
                key = (person, granted)
                value = stock_award_value(shares, closing, purchase)
                so_far = values.get(key, Decimal(0))
                # One award not valued leaves the year's stock awards not valued.
                values[key] = None if value is None or so_far is None else so_far + value
            self._stock_awards = values
        return self._stock_awards

    def rows(self) -> Iterator[dict]:
        year = self.params["year"]
        officers = self.officers()
        records = (
            OfficerYear.objects.filter(person_id__in=officers, fiscal_year__range=(year - 2, year))
            .select_related("person")
            .order_by("person__name", "-fiscal_year")
        )
        granted = set(
            OptionGrant.objects.filter(
                optionee_id__in=officers, grant_date__year__range=(year - 2, year)
            ).values_list("optionee_id", "grant_date__year")
        )
        stock_awards = self.stock_awards()
        self._proposed = False
        for record in records:
            key = (record.person_id, record.fiscal_year)
            salary = record.base_salary if record.base_salary is not None else NOT_RECORDED
            bonus = NA if record.bonus is None else record.bonus
            stock = stock_awards.get(key)
            amounts = [a for a in (record.base_salary, record.bonus, stock) if a is not None]
            # Nothing recorded is not $0. Stock awards not valued make the total "not
            # recorded" (DOMAIN.md §6); option awards are still left out of it until they
            # are valued (issue 16).
            total = sum(amounts, Decimal(0)) if amounts else NOT_RECORDED
            if key in stock_awards and stock is None:
                total = NOT_RECORDED
            if not record.is_approved:
                # A proposal is not compensation yet: marked as text, and never totalled.
                self._proposed = True
                if record.base_salary is not None:
                    salary = format_proposed(record.base_salary)
                bonus, total = format_proposed(record.bonus), NOT_APPROVED
            row = {
                "name": f"{record.person.name}, {record.title}",
                "year": record.fiscal_year,
                "salary": salary,
                "bonus": bonus,
                "option_awards": NOT_VALUED if key in granted else None,
                "total": total,
            }
            if key in stock_awards:
                row["stock_awards"] = NOT_VALUED if stock is None else stock
            yield row

    def footnotes(self) -> list[str]:
        notes = [
            "(1) The grant-date fair value of option awards needs a valuation model that "
            'Tranche does not have yet: option awards are shown as "not valued" and left '
            "out of the total, never counted as $0.",
        ]
        if self.stock_awards():
            notes += [
                "(2) Stock awards: the grant-date fair value of the restricted stock awards and "
                "units granted in the year: shares x (closing price on the grant date - "
                "purchase price per share), each award rounded half up to whole dollars. "
                "Where no closing price is recorded on an award's grant date, the year's "
                'stock awards are "not valued" and left out of the total, never counted as '
                "$0, until the price is entered.",
                "n/a: no bonus awarded or not eligible. Totals add the salary, bonus and stock "
                "awards shown.",
            ]
        else:
            notes.append(
                "n/a: no bonus awarded or not eligible. Totals add the salary and bonus shown."
            )
        if getattr(self, "_proposed", False):
            notes.append(f'{PROPOSED_NOTE} A row with a proposal has no total: "{NOT_APPROVED}".')
        return notes
