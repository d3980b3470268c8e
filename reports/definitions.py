"""The seven reports committees and auditors expect (DOMAIN.md §3): the Item 402 tables
(reports/item402.py) and the officers' compensation, vesting schedule and plan pool."""

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from itertools import chain
from typing import TypedDict

from django.db.models import CharField, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Greatest

from compensation.models import Footnote, OfficerYear
from core.templatetags.money import format_proposed
from grants.models import (
    AwardInstallment,
    Exercise,
    OptionGrant,
    StockAward,
    StockPlan,
    VestingInstallment,
)

from . import forms
from .assumptions import FairValueAssumptions
from .base import (
    DATE,
    MONEY,
    NA,
    NOT_RECORDED,
    PROPOSED_NOTE,
    SHARES,
    Column,
    Report,
)
from .item402 import (
    OptionExercises,
    OutstandingEquityAwards,
    PlanBasedAwards,
    SummaryCompensation,
)
from .item402_f import OPTION

__all__ = [
    "REPORTS",
    "OfficerCompensation",
    "OptionExercises",
    "OutstandingEquityAwards",
    "PlanBasedAwards",
    "PlanPool",
    "SummaryCompensation",
    "VestingScheduleReport",
]


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

    @staticmethod
    def amounts(record: OfficerYear) -> tuple:
        """The salary and bonus cells, and whether either is a proposal. Only approved
        records are effective; a proposal prints as marked text, never as an amount. The
        bonus comes from the bonus year's record and has its own status."""
        salary: Decimal | str | None  # an amount, or its proposal as marked text
        bonus: Decimal | str
        salary, proposed = record.base_salary, False
        if salary is not None and not record.is_approved:
            salary, proposed = format_proposed(salary), True
        if not record.has_bonus_record:
            bonus = NOT_RECORDED
        elif record.year_bonus_status == OfficerYear.BonusStatus.PROPOSED:
            bonus, proposed = format_proposed(record.year_bonus), True
        else:
            bonus = NA if record.year_bonus is None else record.year_bonus
        return salary, bonus, proposed

    def rows(self) -> Iterator[dict]:
        for record in self.records():
            markers = record.footnote_markers
            salary, bonus, _ = self.amounts(record)
            yield {
                "name": f"{record.person.name} {markers}".strip(),
                "title": record.title,
                "base_salary": salary,
                "bonus": bonus,
            }

    def footnotes(self) -> list[str]:
        notes = [f"({f.marker}) {f.text}" for f in Footnote.of(self.records())]
        notes.append("n/a: no bonus awarded or not eligible (not the same as $0).")
        if any(self.amounts(record)[2] for record in self.records()):
            notes.append(PROPOSED_NOTE)
        return notes


class VestingScheduleReport(Report):
    name = "vesting-schedule"
    title = "Vesting Schedule"
    description = (
        "Every installment of one grant or of all grants and stock awards, with running "
        "totals; installments forfeited at an end of service are marked and not added."
    )
    form_class = forms.VestingScheduleForm
    columns = [
        Column("name", "Holder"),
        Column("grant_date", "Grant date", DATE),
        Column("vest_date", "Vest date", DATE),
        Column("shares", "Shares", SHARES),
        Column("state", "Forfeited"),
        Column("running_total", "Running total vesting for the grant or award", SHARES),
        Column("grant_shares", "Grant or award total", SHARES),
        Column("kind", "Kind of award"),
    ]

    def installments(self, since: date | None = None) -> list[QuerySet]:
        """Querysets of (kind, grant or award id, holder, end of service, grant date, its
        shares, vest date, shares) of every installment (vesting on or after `since`, if
        given): the options', then, unless one grant is chosen, the stock awards' (an
        award's kind is RSA or RSU), each grant's or award's installments by date.

        Two queries read one after the other, not one UNION ALL: ordered by a constant
        "options first" column, the union had PostgreSQL sort every installment of the
        company before the first row (about 100 ms at 1,500 optionees, growing with the
        company). Each query alone is ordered as its (grant, vest date) unique index is,
        so a server-side cursor reads the first rows without sorting anything."""
        fields = (
            "kind",
            "parent",
            "holder",
            "ended",
            "granted",
            "total",
            "vest_date",
            "shares",
        )
        options = VestingInstallment.objects.annotate(
            kind=Value(OPTION, output_field=CharField()),
            parent=F("grant_id"),
            holder=F("grant__optionee__name"),
            ended=F("grant__optionee__terminated_on"),
            granted=F("grant__grant_date"),
            total=F("grant__shares"),
        )
        awards = AwardInstallment.objects.annotate(
            kind=F("award__award_type"),
            parent=F("award_id"),
            holder=F("award__recipient__name"),
            ended=F("award__recipient__terminated_on"),
            granted=F("award__grant_date"),
            total=F("award__shares"),
        )
        end = self.params.get("end")
        if end:
            options, awards = options.filter(vest_date__lte=end), awards.filter(vest_date__lte=end)
        if since:
            options = options.filter(vest_date__gte=since)
            awards = awards.filter(vest_date__gte=since)
        if self.params.get("grant"):
            chosen = options.filter(grant=self.params["grant"])
            return [chosen.order_by("vest_date").values_list(*fields)]
        if self.params.get("award"):
            award = awards.filter(award=self.params["award"])
            return [award.order_by("vest_date").values_list(*fields)]
        return [
            options.order_by("grant_id", "vest_date").values_list(*fields),
            awards.order_by("award_id", "vest_date").values_list(*fields),
        ]

    def row_count(self) -> int:
        # rows() reads the installments before `start` for the running totals, but
        # yields only those from `start` on.
        return sum(part.count() for part in self.installments(since=self.params.get("start")))

    def rows(self) -> Iterator[dict]:
        start = self.params.get("start")
        # Running totals count every installment of the grant or award that vests, also
        # those before `start`; an installment after the holder's end of service is
        # forfeited (marked, and not added). The iterator keeps memory flat for hundreds of
        # thousands of installments.
        # Each query runs now, also the awards' where the page's rows are all options:
        # the page then issues the same queries whatever the number of grants.
        cursors = [part.iterator(chunk_size=5000) for part in self.installments()]
        firsts = [next(cursor, None) for cursor in cursors]
        for first, cursor in zip(firsts, cursors, strict=True):
            # A new part (the awards after the options) starts new totals: a grant and an
            # award may have the same id.
            current, running = None, 0
            for (
                kind,
                parent,
                name,
                ended,
                granted,
                total,
                vest_date,
                shares,
            ) in chain([first] if first is not None else [], cursor):
                if parent != current:
                    current, running = parent, 0
                forfeited = ended is not None and vest_date > ended
                if not forfeited:
                    running += shares
                if start and vest_date < start:
                    continue
                yield {
                    "name": name,
                    "grant_date": granted,
                    "vest_date": vest_date,
                    "shares": shares,
                    "state": f"Forfeited (service ended {ended:%Y-%m-%d})" if forfeited else "",
                    "running_total": None if forfeited else running,
                    "grant_shares": total,
                    "kind": kind,
                }


class _PoolTotals(TypedDict):
    """One plan's shares as PlanPool adds them up."""

    plan: str
    reserved: int | None
    granted: int
    exercised: int
    forfeited: int
    expired: int


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
        Column("exercised", "Exercised or vested (A)", SHARES),
        Column("forfeited", "Forfeited", SHARES),
        Column("expired", "Expired", SHARES),
        Column("outstanding", "Outstanding", SHARES),
        Column("available", "Available for grant", SHARES),
    ]

    # Whole-company totals (about 250 ms at 50,000 optionees), kept (Report.figures()):
    # the plans are few, the reads many and the writes rare.
    keeps_figures = True

    def compute_rows(self) -> Iterator[dict]:
        as_of = self.params["as_of"]
        totals: dict[int, _PoolTotals] = {
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
        exercises = Exercise.objects.in_effect().filter(
            exercise_date__lte=as_of, grant__grant_date__lte=as_of
        )
        for plan_id, shares in (
            exercises.values("grant__plan")
            .annotate(total=Sum("shares"))
            .values_list("grant__plan", "total")
        ):
            totals[plan_id]["exercised"] = shares
        # Shares return to the pool only from grants whose holder's service has ended or
        # whose window has closed: compute vesting for those grants alone (about one in
        # ten at company scale), not for every grant.
        # As of the date: a termination after it returns nothing yet, and a window counts
        # as closed by the deadline known then (deadline_as_of, never after the expiration).
        # Added up per plan in SQL: a few rows come back, where reading every returning
        # grant through a cursor took 490 ms at 50,000 optionees (11,573 grants as of
        # 2020-12-31) and the cursor's plan, made for its first rows, was slower still.
        returning = (
            granted.filter(Q(optionee__terminated_on__lte=as_of) | Q(expiration_date__lt=as_of))
            .with_vesting_totals(as_of)
            .filter(Q(optionee__terminated_on__lte=as_of) | Q(deadline_as_of__lt=as_of))
            .order_by()
            .values("plan")
            .annotate(
                total_forfeited=Sum("forfeited", filter=Q(optionee__terminated_on__lte=as_of)),
                total_expired=Sum(
                    Greatest(F("vested") - F("exercised"), Value(0)),
                    filter=Q(deadline_as_of__lt=as_of),
                ),
            )
            .values_list("plan", "total_forfeited", "total_expired")
        )
        for plan_id, forfeited, expired in returning:
            totals[plan_id]["forfeited"] += forfeited or 0
            totals[plan_id]["expired"] += expired or 0
        self.add_stock_awards(totals, as_of)
        for pool in totals.values():
            returned = pool["forfeited"] + pool["expired"]
            reserved = pool["reserved"]
            yield {
                **pool,
                "reserved": NOT_RECORDED if reserved is None else reserved,
                "outstanding": pool["granted"] - pool["exercised"] - returned,
                # Granted minus forfeited and expired shares count against the reserve.
                "available": (
                    NOT_RECORDED if reserved is None else reserved - (pool["granted"] - returned)
                ),
            }

    @staticmethod
    def add_stock_awards(totals: dict[int, "_PoolTotals"], as_of) -> None:
        """Restricted stock awards and units count against the reserve as option shares do
        (DOMAIN.md §4): granted by the date, less what an end of service on or before it
        forfeits. Their shares vested by then (not forfeited) are counted with the exercised
        option shares: no longer outstanding. One query, whatever the number of awards."""
        awards = (
            StockAward.objects.filter(grant_date__lte=as_of)
            .with_vesting_totals(as_of)
            .values("plan")
            .annotate(
                total_granted=Sum("shares"),
                total_vested=Sum("vested"),
                total_forfeited=Sum("forfeited"),
            )
            .values_list("plan", "total_granted", "total_vested", "total_forfeited")
            .order_by()
        )
        for plan_id, granted, vested, forfeited in awards:
            totals[plan_id]["granted"] += granted
            totals[plan_id]["exercised"] += vested or 0
            totals[plan_id]["forfeited"] += forfeited or 0

    def compute_footnotes(self) -> list[str]:
        return [
            "Forfeited: installments after a termination of service. Expired: vested shares "
            "left unexercised when the exercise window closed. Both return to the pool.",
            "Granted counts option shares and restricted stock awards and units granted by "
            "the date. (A) Option shares exercised, and shares or units of stock awards vested "
            "(installments dated on or before the date, not forfeited).",
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
        FairValueAssumptions,
    )
}
