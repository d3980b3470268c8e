"""The seven reports committees and auditors expect (DOMAIN.md §3)."""

from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

from django.db.models import OuterRef, Q, Subquery, Sum

from compensation.models import Footnote, OfficerYear
from grants.models import Exercise, OptionGrant, StockPlan, StockPrice, VestingInstallment

from . import forms
from .base import DATE, MONEY, PRICE, SHARES, Column, Report

NA = "n/a"
NOT_VALUED = "not valued"
NOT_RECORDED = "not recorded"


class OfficerCompensation(Report):
    name = "officer-compensation"
    title = "Executive Officers' Compensation"
    description = (
        "The annual exhibit: base salaries effective for a year, bonuses for a bonus year."
    )
    form_class = forms.OfficerCompensationForm

    @property
    def columns(self):
        return [
            Column("name", "Name"),
            Column("title", "Title"),
            Column("base_salary", f"Base salary {self.params['year']}", MONEY),
            Column("bonus", f"{self.params['bonus_year']} bonus", MONEY),
        ]

    def records(self):
        if not hasattr(self, "_records"):
            self._records = list(
                OfficerYear.objects.for_roster(self.params["year"], self.params["bonus_year"])
            )
        return self._records

    def rows(self) -> Iterator[dict]:
        for record in self.records():
            markers = record.footnote_markers
            if not record.has_bonus_record:
                bonus = NOT_RECORDED
            else:
                bonus = NA if record.year_bonus is None else record.year_bonus
            yield {
                "name": f"{record.person.name} {markers}".strip(),
                "title": record.title,
                "base_salary": record.base_salary,
                "bonus": bonus,
            }

    def footnotes(self) -> list[str]:
        notes = [f"({f.marker}) {f.text}" for f in Footnote.of(self.records())]
        return [*notes, "n/a: no bonus awarded or not eligible (not the same as $0)."]


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
            OptionGrant.objects.filter(grant_date__lte=as_of, optionee__in=officers)
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
        self._notes = []
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
                cutoff = grant.terminated_on or date.max
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
        totals: dict[str, list] = defaultdict(lambda: [0, Decimal(0), 0])
        exercises = Exercise.objects.filter(
            exercise_date__year=year,
            grant__optionee__in=OfficerYear.objects.named_officers(year),
        ).select_related("grant__optionee")
        for exercise in exercises.order_by("grant__optionee__name"):
            total = totals[exercise.grant.optionee.name]
            total[0] += exercise.shares
            if exercise.spread is None:
                total[2] += exercise.shares
            else:
                total[1] += exercise.spread
        self._unpriced = sum(t[2] for t in totals.values())
        for name, (shares, value, unpriced) in totals.items():
            yield {
                "name": f"{name} (1)" if unpriced else name,
                "shares": shares,
                "value_realized": NOT_RECORDED if unpriced == shares else value,
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
        for record in records:
            amounts = [a for a in (record.base_salary, record.bonus) if a is not None]
            yield {
                "name": f"{record.person.name}, {record.title}",
                "year": record.fiscal_year,
                "salary": record.base_salary if record.base_salary is not None else NOT_RECORDED,
                "bonus": NA if record.bonus is None else record.bonus,
                "option_awards": NOT_VALUED
                if (record.person_id, record.fiscal_year) in granted
                else None,
                # Nothing recorded is not $0.
                "total": sum(amounts, Decimal(0)) if amounts else NOT_RECORDED,
            }

    def footnotes(self) -> list[str]:
        return [
            "(1) The grant-date fair value of option awards needs a valuation model that "
            'Tranche does not have yet: option awards are shown as "not valued" and left '
            "out of the total, never counted as $0.",
            "n/a: no bonus awarded or not eligible. Totals add the salary and bonus shown.",
        ]


class VestingScheduleReport(Report):
    name = "vesting-schedule"
    title = "Vesting Schedule"
    description = "Every installment of one grant or of all grants, with running totals."
    form_class = forms.VestingScheduleForm
    columns = [
        Column("name", "Optionee"),
        Column("grant_date", "Grant date", DATE),
        Column("vest_date", "Vest date", DATE),
        Column("shares", "Shares", SHARES),
        Column("running_total", "Running total for the grant", SHARES),
        Column("grant_shares", "Grant total", SHARES),
    ]

    def rows(self) -> Iterator[dict]:
        installments = VestingInstallment.objects.order_by("grant_id", "vest_date").values_list(
            "grant_id",
            "grant__optionee__name",
            "grant__grant_date",
            "grant__shares",
            "vest_date",
            "shares",
        )
        if self.params.get("grant"):
            installments = installments.filter(grant=self.params["grant"])
        start, end = self.params.get("start"), self.params.get("end")
        if end:
            installments = installments.filter(vest_date__lte=end)
        current, running = None, 0
        # Running totals count every installment of the grant, also those before `start`;
        # the iterator keeps memory flat for hundreds of thousands of installments.
        for grant_id, name, granted, total, vest_date, shares in installments.iterator(
            chunk_size=5000
        ):
            if grant_id != current:
                current, running = grant_id, 0
            running += shares
            if start and vest_date < start:
                continue
            yield {
                "name": name,
                "grant_date": granted,
                "vest_date": vest_date,
                "shares": shares,
                "running_total": running,
                "grant_shares": total,
            }


class PlanPool(Report):
    name = "plan-pool"
    title = "Plan Share Pool"
    description = (
        "Per plan: reserved, granted, exercised, forfeited and expired, outstanding, available."
    )
    form_class = forms.AsOfForm
    columns = [
        Column("plan", "Plan"),
        Column("reserved", "Shares reserved", SHARES),
        Column("granted", "Granted", SHARES),
        Column("exercised", "Exercised", SHARES),
        Column("forfeited", "Forfeited", SHARES),
        Column("expired", "Expired", SHARES),
        Column("outstanding", "Outstanding", SHARES),
        Column("available", "Available for grant", SHARES),
    ]

    def rows(self) -> Iterator[dict]:
        as_of = self.params["as_of"]
        totals = {
            plan.pk: {
                "plan": plan.name,
                "reserved": plan.shares_reserved,
                "granted": 0,
                "exercised": 0,
                "forfeited": 0,
                "expired": 0,
            }
            for plan in StockPlan.objects.order_by("name")
        }
        granted = OptionGrant.objects.filter(grant_date__lte=as_of)
        for plan_id, shares in (
            granted.values("plan").annotate(total=Sum("shares")).values_list("plan", "total")
        ):
            totals[plan_id]["granted"] = shares
        exercises = Exercise.objects.filter(exercise_date__lte=as_of, grant__grant_date__lte=as_of)
        for plan_id, shares in (
            exercises.values("grant__plan")
            .annotate(total=Sum("shares"))
            .values_list("grant__plan", "total")
        ):
            totals[plan_id]["exercised"] = shares
        # Shares return to the pool only from grants whose holder's service has ended or
        # whose window has closed: compute vesting for those grants alone (about one in
        # ten at company scale), not for every grant.
        returning = (
            granted.filter(Q(optionee__terminated_on__lte=as_of) | Q(deadline__lt=as_of))
            .with_vesting_totals(as_of)
            .values_list(
                "plan_id", "vested", "exercised", "forfeited", "deadline", "optionee__terminated_on"
            )
        )
        for plan_id, vested, exercised, forfeited, deadline, terminated in returning.iterator():
            pool = totals[plan_id]
            if terminated and terminated <= as_of:
                pool["forfeited"] += forfeited
            if deadline < as_of:
                pool["expired"] += max(0, vested - exercised)
        for pool in totals.values():
            returned = pool["forfeited"] + pool["expired"]
            pool["outstanding"] = pool["granted"] - pool["exercised"] - returned
            # Granted minus forfeited and expired shares count against the reserve.
            pool["available"] = (
                NOT_RECORDED
                if pool["reserved"] is None
                else pool["reserved"] - (pool["granted"] - returned)
            )
            if pool["reserved"] is None:
                pool["reserved"] = NOT_RECORDED
            yield pool

    def footnotes(self) -> list[str]:
        return [
            "Forfeited: installments after a termination of service. Expired: vested shares "
            "left unexercised when the exercise window closed. Both return to the pool."
        ]


REPORTS: dict[str, type[Report]] = {
    report.name: report
    for report in (
        OfficerCompensation,
        OutstandingEquityAwards,
        OptionExercises,
        PlanBasedAwards,
        SummaryCompensation,
        VestingScheduleReport,
        PlanPool,
    )
}
