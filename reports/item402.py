"""The Item 402 tables of Regulation S-K that the proxy statement carries: (c) summary
compensation, (d) grants of plan-based awards, (f) outstanding equity awards at the
fiscal year-end and (g) option exercises (DOMAIN.md §3)."""

from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

from django.db.models import DecimalField, ExpressionWrapper, F, OuterRef, Q, Subquery, Sum

from compensation.models import OfficerYear
from core.templatetags.money import format_proposed
from grants.models import Exercise, OptionGrant, StockPrice, VestingInstallment

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


class OutstandingEquityAwards(Report):
    name = "outstanding-equity-awards"
    title = "Outstanding Equity Awards at Fiscal Year-End (Item 402(f))"
    description = (
        "The executive officers' unexercised options, exercisable and unexercisable, at a "
        "fiscal year-end."
    )
    form_class = forms.FiscalYearEndForm

    @property
    def columns(self):
        columns = [
            Column("name", "Name"),
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
        return columns

    def grants(self):
        as_of = self.params["as_of"]
        officers = OfficerYear.objects.named_officers(as_of.year)
        return (
            OptionGrant.objects.filter(optionee__in=officers)
            .outstanding(as_of)
            .select_related("optionee")
            .with_vesting_totals(as_of)
            .order_by("optionee__name", "grant_date", "pk")
        )

    def vesting_after(self, grants: list[OptionGrant]) -> dict[int, list[tuple[date, int]]]:
        """(vest date, shares) of the installments after the fiscal year-end, per grant, for
        the grants with unvested shares: one query of plain tuples (a prefetch built a
        model instance for every installment of every grant, about two thirds of the
        page's time)."""
        after: dict[int, list[tuple[date, int]]] = defaultdict(list)
        installments = VestingInstallment.objects.filter(
            grant__in=[grant.pk for grant in grants if grant.unvested],
            vest_date__gt=self.params["as_of"],
        )
        for grant_id, vest_date, shares in installments.order_by("vest_date").values_list(
            "grant_id", "vest_date", "shares"
        ):
            after[grant_id].append((vest_date, shares))
        return after

    def rows(self) -> Iterator[dict]:
        price = self.params.get("price")
        self._notes: list[str] = []
        grants = list(self.grants())  # the named officers' grants: a few dozen
        vesting_after = self.vesting_after(grants)
        for grant in grants:
            # 402(f): vested but unexercised shares are "exercisable" whatever the
            # registration status that day; unvested (not forfeited) are "unexercisable".
            exercisable = max(0, grant.vested - grant.exercised)
            unexercisable = grant.unvested
            if not exercisable and not unexercisable:
                continue
            name = grant.optionee.name
            if unexercisable:
                cutoff = grant.terminated_as_of(self.params["as_of"]) or date.max
                vesting = "; ".join(
                    f"{shares:,} on {vest_date:%Y-%m-%d}"
                    for vest_date, shares in vesting_after[grant.pk]
                    if vest_date <= cutoff
                )
                self._notes.append(
                    f"({len(self._notes) + 1}) Unexercisable shares of the option granted "
                    f"{grant.grant_date:%Y-%m-%d} vest: {vesting}."
                )
                name = f"{name} ({len(self._notes)})"
            row = {
                "name": name,
                "exercisable": exercisable,
                "unexercisable": unexercisable,
                "exercise_price": grant.exercise_price,
                "expiration_date": grant.expiration_date,
            }
            if price is not None:
                spread = max(Decimal(0), price - grant.exercise_price)
                row["value_exercisable"] = spread * exercisable
                row["value_unexercisable"] = spread * unexercisable
            yield row

    def footnotes(self) -> list[str]:
        return getattr(self, "_notes", [])


class OptionExercises(Report):
    name = "option-exercises"
    title = "Option Exercises (Item 402(g))"
    description = "Executive officers' shares acquired on exercise and value realized in a year."
    form_class = forms.YearForm
    columns = [
        Column("name", "Name"),
        Column("shares", "Number of shares acquired on exercise", SHARES),
        Column("value_realized", "Value realized on exercise", MONEY),
    ]

    def rows(self) -> Iterator[dict]:
        year = self.params["year"]
        # Value realized is computed from the price table now, in the same query (DOMAIN.md
        # §3): a closing price entered or corrected after the exercise counts. The spread
        # stored with the exercise is what tax was withheld on then and is not used here.
        # The price is the closing price on the exercise date itself, as at recording.
        closing = StockPrice.objects.filter(date=OuterRef("exercise_date")).values("price")[:1]
        value = ExpressionWrapper(
            (F("closing_price") - F("grant__exercise_price")) * F("shares"),
            output_field=DecimalField(max_digits=18, decimal_places=4),
        )
        totals = (
            Exercise.objects.filter(
                exercise_date__year=year,
                grant__optionee__in=OfficerYear.objects.named_officers(year),
            )
            .annotate(closing_price=Subquery(closing))
            .values("grant__optionee__name")
            .annotate(
                total_shares=Sum("shares"),
                value=Sum(value),  # exercises without a price add nothing, not $0
                unpriced=Sum("shares", filter=Q(closing_price__isnull=True), default=0),
            )
            .order_by("grant__optionee__name")
        )
        self._unpriced = 0
        for total in totals:
            name, shares = total["grant__optionee__name"], total["total_shares"]
            unpriced = total["unpriced"]
            self._unpriced += unpriced
            yield {
                "name": f"{name} (1)" if unpriced else name,
                "shares": shares,
                "value_realized": NOT_RECORDED if unpriced == shares else total["value"],
            }

    def footnotes(self) -> list[str]:
        notes = ["Value realized: (fair market value at exercise - exercise price) x shares."]
        if getattr(self, "_unpriced", 0):
            notes.append(
                "(1) No closing price is recorded for the date of some exercises; their value "
                "is left out until the price is entered."
            )
        return notes


class PlanBasedAwards(Report):
    name = "plan-based-awards"
    title = "Grants of Plan-Based Awards (Item 402(d))"
    description = (
        "Options granted to executive officers in a year, with the closing price where it differs."
    )
    form_class = forms.YearForm
    columns = [
        Column("name", "Name"),
        Column("grant_date", "Grant date", DATE),
        Column("shares", "Number of securities underlying options", SHARES),
        Column("exercise_price", "Exercise price of option awards ($/sh)", PRICE),
        Column("closing_price", "Closing market price on the grant date, where different", PRICE),
    ]

    def rows(self) -> Iterator[dict]:
        closing = StockPrice.objects.filter(date=OuterRef("grant_date")).values("price")[:1]
        grants = (
            OptionGrant.objects.filter(
                grant_date__year=self.params["year"],
                optionee__in=OfficerYear.objects.named_officers(self.params["year"]),
            )
            .select_related("optionee")
            .annotate(closing_price=Subquery(closing))
            .order_by("optionee__name", "grant_date")
        )
        for grant in grants:
            differs = (
                grant.closing_price is not None and grant.closing_price != grant.exercise_price
            )
            yield {
                "name": grant.optionee.name,
                "grant_date": grant.grant_date,
                "shares": grant.shares,
                "exercise_price": grant.exercise_price,
                "closing_price": grant.closing_price if differs else None,
            }


class SummaryCompensation(Report):
    name = "summary-compensation"
    title = "Summary Compensation Table (Item 402(c))"
    description = "Salary, bonus and option awards for a year and the two before it."
    form_class = forms.YearForm
    columns = [
        Column("name", "Name and principal position"),
        Column("year", "Year"),
        Column("salary", "Salary", MONEY),
        Column("bonus", "Bonus", MONEY),
        Column("option_awards", "Option awards (1)", MONEY),
        Column("total", "Total (1)", MONEY),
    ]

    def rows(self) -> Iterator[dict]:
        year = self.params["year"]
        officers = OfficerYear.objects.for_year(year).values_list("person_id", flat=True)
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
        self._proposed = False
        for record in records:
            salary = record.base_salary if record.base_salary is not None else NOT_RECORDED
            bonus = NA if record.bonus is None else record.bonus
            amounts = [a for a in (record.base_salary, record.bonus) if a is not None]
            # Nothing recorded is not $0.
            total = sum(amounts, Decimal(0)) if amounts else NOT_RECORDED
            if not record.is_approved:
                # A proposal is not compensation yet: marked as text, and never totalled.
                self._proposed = True
                if record.base_salary is not None:
                    salary = format_proposed(record.base_salary)
                bonus, total = format_proposed(record.bonus), NOT_APPROVED
            yield {
                "name": f"{record.person.name}, {record.title}",
                "year": record.fiscal_year,
                "salary": salary,
                "bonus": bonus,
                "option_awards": NOT_VALUED
                if (record.person_id, record.fiscal_year) in granted
                else None,
                "total": total,
            }

    def footnotes(self) -> list[str]:
        notes = [
            "(1) The grant-date fair value of option awards needs a valuation model that "
            'Tranche does not have yet: option awards are shown as "not valued" and left '
            "out of the total, never counted as $0.",
            "n/a: no bonus awarded or not eligible. Totals add the salary and bonus shown.",
        ]
        if getattr(self, "_proposed", False):
            notes.append(f'{PROPOSED_NOTE} A row with a proposal has no total: "{NOT_APPROVED}".')
        return notes
