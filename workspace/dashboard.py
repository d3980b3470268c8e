from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connections
from django.db.models import (
    CharField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    Window,
)
from django.db.models.functions import RowNumber
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString

from compensation.models import OfficerYear
from core.data_version import kept
from grants import rules
from grants.models import (
    AwardInstallment,
    AwardType,
    OptionGrant,
    RegistrationPeriod,
    StockAward,
    VestingInstallment,
)

from .history import can_view_history
from .models import Change

# How many vestings awaiting confirmation the dashboard names (the page lists them all).
VESTINGS_SHOWN = 5
VESTINGS_COUNTED = 1000  # beyond it the dashboard says "more than 1,000"
UPCOMING_SHOWN = 15
AWARDS_TO_APPROVE = 20
CLOSING_SHOWN = 30
# The grants whose window closes first, worked out to find the first CLOSING_SHOWN with
# shares still exercisable (see closing_soon()).
CLOSING_CANDIDATES = 120


class CountOf(Subquery):
    """The number of rows of a queryset, as a subquery in another query's SELECT: for a
    sliced queryset, the rows up to its limit."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) AS counted)"
    output_field = IntegerField()


@dataclass(frozen=True)
class UpcomingVest:
    """An installment of an option grant or of a restricted stock award or unit."""

    vest_date: date
    holder: str
    url: str
    shares: int
    kind: str  # "Option", "RSA" or "RSU"
    kind_name: str


def upcoming_vests(today: date, soon: date, *, awards: bool) -> list[UpcomingVest]:
    """The installments of option grants and (with `awards`) of restricted stock awards
    and units that vest from today to `soon`, in one query: the first UPCOMING_SHOWN.

    The first few of the whole are among the first few of each part, so where the
    database allows (PostgreSQL) each part is ordered and cut first: it then reads its
    installments in vest_date order from the index and stops after the first few dates,
    where sorting the union joined and sorted every installment of the window (22,000
    at 50,000 optionees) to show 15."""
    order = ("vest_date", "holder")
    columns = ("vest_date", "shares", "holder", "record", "kind")
    rows = (
        VestingInstallment.objects.filter(vest_date__range=(today, soon))
        # Installments after a termination date never vest.
        .exclude(grant__optionee__terminated_on__lt=F("vest_date"))
        .annotate(
            holder=F("grant__optionee__name"),
            record=F("grant_id"),
            kind=Value("Option", output_field=CharField()),
        )
        .values_list(*columns)
        .order_by()
    )
    parts: list[QuerySet] = [rows]
    if awards:
        parts.append(
            # An award exists from its grant date (DOMAIN.md §3).
            AwardInstallment.objects.filter(
                vest_date__range=(today, soon), award__grant_date__lte=today
            )
            .exclude(award__recipient__terminated_on__lt=F("vest_date"))
            .annotate(
                holder=F("award__recipient__name"),
                record=F("award_id"),
                kind=F("award__award_type"),
            )
            .values_list(*columns)
            .order_by(),
        )
        if connections[rows.db].features.supports_slicing_ordering_in_compound:
            parts = [part.order_by(*order)[:UPCOMING_SHOWN] for part in parts]
        rows = parts[0].union(*parts[1:], all=True)
    return [
        UpcomingVest(
            vest_date,
            holder,
            reverse("grants:detail" if kind == "Option" else "grants:award", args=[record]),
            shares,
            kind,
            "Stock option" if kind == "Option" else AwardType(kind).label,
        )
        for vest_date, shares, holder, record, kind in rows.order_by(*order)[:UPCOMING_SHOWN]
    ]


def closing_soon(today: date, soon: date) -> list[OptionGrant]:
    """The first CLOSING_SHOWN grants with shares exercisable today whose exercise window
    closes from today to `soon`, by the deadline as known today (a termination dated later
    is not known yet: DOMAIN.md §3), in one query.

    Whether a grant still has shares to exercise takes its installments and exercises:
    worked out for every grant in the window, that was 3,244 grants at 50,000 optionees
    to show 30. So it is worked out for the first CLOSING_CANDIDATES by deadline only; in
    the rare case that fewer than CLOSING_SHOWN of those have shares left and the window
    holds more, a second query works out the whole window, so the list is always the
    one the whole window gives."""
    periods = RegistrationPeriod.objects.periods()
    if not rules.is_registered(today, periods):
        return []  # nothing is exercisable while the shares are not registered
    # The deadline known today is the stored deadline or the expiration date: their
    # indexes narrow the grants to those first.
    window = (
        OptionGrant.objects.filter(
            Q(deadline__range=(today, soon)) | Q(expiration_date__range=(today, soon)),
            grant_date__lte=today,
        )
        .with_deadline_as_of(today, periods)
        .filter(deadline_as_of__range=(today, soon))
    )
    order = ("deadline_as_of", "pk")
    first = window.order_by(*order).values("pk")[:CLOSING_CANDIDATES]
    with_figures = window.select_related("optionee").with_vesting_totals(today, periods)
    candidates = list(with_figures.filter(pk__in=first).order_by(*order))
    closing = [grant for grant in candidates if grant.exercisable > 0][:CLOSING_SHOWN]
    if len(closing) < CLOSING_SHOWN and len(candidates) == CLOSING_CANDIDATES:
        closing = list(with_figures.filter(exercisable__gt=0).order_by(*order)[:CLOSING_SHOWN])
    return closing


def award_reminders(
    today: date, *, approvals: bool
) -> tuple[Sequence[StockAward], Sequence[StockAward] | None]:
    """The awards whose 83(b) election is due (StockAward.objects.election_due), and with
    `approvals` the first AWARDS_TO_APPROVE awaiting the committee's approval: both in one
    query, so that the dashboard's count stays fixed."""
    due = StockAward.objects.election_due(today)
    if not approvals:
        return list(due.select_related("recipient").order_by("grant_date", "pk")), None
    due_ids = due.values("pk")
    awards = list(
        StockAward.objects.filter(Q(pk__in=due_ids) | Q(approved_at__isnull=True))
        .select_related("recipient")
        .annotate(
            election_is_due=Exists(due_ids.filter(pk=OuterRef("pk"))),
            # The place among the awards awaiting approval, in the awards' own order.
            waiting_place=Window(
                RowNumber(),
                partition_by=[F("approved_at")],
                order_by=[F("grant_date").desc(), F("pk").asc()],
            ),
        )
        .filter(
            Q(election_is_due=True)
            | Q(approved_at__isnull=True, waiting_place__lte=AWARDS_TO_APPROVE)
        )
        .order_by("-grant_date", "pk")
    )
    waiting = [a for a in awards if a.approved_at is None and a.waiting_place <= AWARDS_TO_APPROVE]
    due_list = sorted((a for a in awards if a.election_is_due), key=lambda a: (a.grant_date, a.pk))
    return due_list, waiting


# The permissions that decide what the dashboard's figures show, in the order home() asks.
FIGURE_PERMISSIONS = (
    "grants.view_optiongrant",
    "grants.view_stockaward",
    "grants.view_awardvesting",
    "grants.add_awardvesting",
    "grants.approve_stockaward",
    "compensation.view_officeryear",
    "compensation.approve_officeryear",
    "grants.approve_optiongrant",
)


def home(request):
    """The dashboard: what is coming up and what waits, by role. Its figures are rendered
    once for each data version, day and set of permissions, and kept until the next write
    (core.data_version.kept): one query then, the token. Computed, they take a fixed
    number of queries whatever the number of grants (but for closing_soon()'s rare second
    one). The recent changes are read on every request: the change log is not company data
    whose writes move the data version."""
    user, today = request.user, timezone.localdate()
    allowed = frozenset(p for p in FIGURE_PERMISSIONS if user.has_perm(p))
    key = f"dashboard\n{today.isoformat()}\n{','.join(sorted(allowed))}"
    figures, latest_year = kept(key, lambda: dashboard_figures(today, allowed))
    context: dict[str, object] = {"today": today, "figures": figures, "latest_year": latest_year}
    # Change history, from the same log as the History pages: for committee members and
    # auditors.
    if can_view_history(user):
        context["recent_changes"] = list(Change.objects.order_by("-at", "-id")[:10])
    return render(request, "workspace/home.html", context)


def dashboard_figures(today: date, allowed: frozenset[str]) -> tuple[SafeString, int | None]:
    """The dashboard's figures for a user with the `allowed` permissions, as HTML, and the
    year the roster opens on."""
    context: dict[str, object] = {
        "today": today,
        "can_confirm_vestings": "grants.add_awardvesting" in allowed,
    }
    if "grants.view_optiongrant" in allowed:
        soon = today + timedelta(days=90)
        context["upcoming_vests"] = upcoming_vests(
            today, soon, awards="grants.view_stockaward" in allowed
        )
        closing = closing_soon(today, soon)
        month = today + timedelta(days=30)
        context["closing_30"] = [g for g in closing if g.deadline_as_of <= month]
        context["closing_90"] = [g for g in closing if g.deadline_as_of > month]
    if "grants.view_awardvesting" in allowed:
        # The first few with the count, in one query: the count as a subquery that the
        # database runs once (a window count sorted the whole backlog to find the first
        # few: 836 ms at 50,000 optionees). Counted up to VESTINGS_COUNTED and said to be
        # more beyond it: counting a backlog of 68,508 took 35 ms at 50,000 optionees, to
        # print a number the vestings page gives exactly.
        unconfirmed = AwardInstallment.objects.awaiting_confirmation(today)
        counted = unconfirmed.order_by().values("pk")[: VESTINGS_COUNTED + 1]
        pending = list(unconfirmed.annotate(total=CountOf(counted))[:VESTINGS_SHOWN])
        total = pending[0].total if pending else 0
        context["vestings_count"] = min(total, VESTINGS_COUNTED)
        context["vestings_more"] = total > VESTINGS_COUNTED
        context["vestings_to_confirm"] = pending
    if "grants.view_stockaward" in allowed:
        due, waiting = award_reminders(today, approvals="grants.approve_stockaward" in allowed)
        context["elections_due"] = due
        if waiting is not None:
            context["awards_to_approve"] = waiting
    latest_year = None
    if "compensation.view_officeryear" in allowed:
        # The year the roster opens on: the latest approved one, not a later proposal's.
        latest_year = OfficerYear.objects.default_year()
    if "compensation.approve_officeryear" in allowed:
        # Salaries and bonuses are approved apart (a bonus decided after the salary):
        # both lists from one query, the first few of each.
        proposed = list(
            OfficerYear.objects.filter(
                Q(status=OfficerYear.Status.PROPOSED)
                | Q(bonus_status=OfficerYear.BonusStatus.PROPOSED)
            )
            .select_related("person")
            .order_by("-fiscal_year", "person__name")[:40]
        )
        context["proposals"] = [r for r in proposed if not r.is_approved][:20]
        context["bonus_proposals"] = [r for r in proposed if r.is_bonus_proposed][:20]
    if "grants.approve_optiongrant" in allowed:
        context["grants_to_approve"] = list(
            OptionGrant.objects.awaiting_approval(today).select_related("optionee")[:20]
        )
    return render_to_string("workspace/_dashboard_figures.html", context), latest_year
