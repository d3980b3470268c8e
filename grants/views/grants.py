from django.contrib.auth.decorators import permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.db.models import Prefetch
from django.utils import timezone
from django.views.generic import DetailView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from core.access import get_object_for_user
from core.charts import step_chart
from core.data_version import kept
from core.forms import as_of_date
from core.templatetags.money import format_shares

from ..explain import explain_deadline
from ..filters import GrantFilter
from ..forms import GrantForm
from ..models import (
    Exercise,
    GrantStatus,
    OptionGrant,
    OptionGrantQuerySet,
    RegistrationPeriod,
    StockAward,
    VestingInstallment,
)
from ..models.ledger import VestingLedger
from ..tables import GrantTable, status_badge
from .entry import approve_and_return, enter_with_installments
from .paging import FiguresPerPagePaginator
from .valuation import fair_value_context, value_after_entry


class GrantListView(PermissionRequiredMixin, SingleTableMixin, FilterView):
    """Every grant with its vesting figures as of a date, computed in SQL."""

    permission_required = "grants.view_optiongrant"
    raise_exception = True
    table_class = GrantTable
    filterset_class = GrantFilter
    template_name = "grants/grant_list.html"
    # Only the table paginates: ListView's own paginate_by would run the page twice.
    table_pagination = {"per_page": 25}

    def get(self, request, *args, **kwargs):
        self.as_of, _ = as_of_date(request)
        return super().get(request, *args, **kwargs)

    # Columns computed per grant: sorting or filtering on them needs every row computed.
    COMPUTED = {"vested", "exercisable", "unvested", "status"}

    def get_queryset(self):
        # A grant exists from its grant date (DOMAIN.md §3).
        granted = OptionGrant.objects.filter(grant_date__lte=self.as_of)
        sort = self.request.GET.get("sort", "").lstrip("-")
        status = self.request.GET.get("status")
        self.figures_per_page = False
        if status in GrantStatus.values or sort in self.COMPUTED or status:
            base = granted.select_related("optionee", "plan").with_deadline_as_of(self.as_of)
            if status in GrantStatus.values:
                # The filter's own status = X then holds for every row.
                return base.with_status_of(status, self.as_of)
            return self.figures(base)
        # Otherwise page through plain rows and compute the figures for the shown page
        # only: with OFFSET, PostgreSQL would compute them for every skipped row too. The
        # rows paged through are the grants' own, with no join nor computed column unless
        # the order needs one, so that the count and the page's ids read the
        # grant_list_order index alone (the person's join cost 40 ms at 112,000 grants).
        self.figures_per_page = True
        return granted.with_deadline_as_of(self.as_of) if sort == "deadline" else granted

    def figures(self, queryset: OptionGrantQuerySet) -> OptionGrantQuerySet:
        return (
            queryset.select_related("optionee", "plan")
            .with_vesting_totals(self.as_of)
            .with_status(self.as_of)
        )

    def get_table_pagination(self, table):
        options = super().get_table_pagination(table)
        if self.figures_per_page:
            options.update(paginator_class=FiguresPerPagePaginator, figures=self.figures)
        return options

    # The newest restricted stock awards and units as of the date, under the options; the
    # awards list pages through all of them.
    AWARDS_SHOWN = 10

    def get_context_data(self, **kwargs):
        # The table is rendered here rather than by SingleTableMixin's get_context_data:
        # its HTML (header, rows and pagination) and the newest awards are kept for each
        # address and as-of date until the company's data changes (core.data_version.kept);
        # building the table pages through the grants.
        context = super(SingleTableMixin, self).get_context_data(as_of=self.as_of, **kwargs)
        request = self.request
        awards = request.user.has_perm("grants.view_stockaward")
        key = f"grants-list\n{self.as_of.isoformat()}\n{awards}\n{request.get_full_path()}"
        context["table_html"], context["awards"] = kept(
            key,
            lambda: (
                self.get_table(**self.get_table_kwargs()).as_html(request),
                self.newest_awards() if awards else None,
            ),
        )
        context["awards_shown"] = self.AWARDS_SHOWN
        return context

    def newest_awards(self) -> list[StockAward]:
        """The newest AWARDS_SHOWN awards as of the date that match the person and plan
        filters, with their figures."""
        awards = StockAward.objects.filter(grant_date__lte=self.as_of)
        name = self.request.GET.get("optionee", "").strip().replace("\x00", "")
        if name:
            awards = awards.filter(recipient__name__icontains=name[:200])
        plan = self.request.GET.get("plan", "")
        if plan.isascii() and plan.isdigit() and len(plan) < 19:
            awards = awards.filter(plan_id=int(plan))
        # The newest picked from the awards' own rows first, then read with the person and
        # the figures: joined before the LIMIT, PostgreSQL hashed every person (23 ms at
        # 50,000 optionees).
        newest = awards.order_by("-grant_date", "pk").values("pk")[: self.AWARDS_SHOWN]
        return list(
            StockAward.objects.filter(pk__in=newest)
            .select_related("recipient", "plan")
            .order_by("-grant_date", "pk")
            .with_vesting_totals(self.as_of)
        )


def installment_states(holding: VestingLedger, as_of) -> list[dict]:
    """Each installment of a grant or award with its state as of the date and the running
    total of the shares that vest (a forfeited installment is marked and not added)."""
    rows, running = [], 0
    for day, shares, state in holding.installment_states(as_of):
        if state != "Forfeited":
            running += shares
        rows.append(
            {
                "vest_date": day,
                "shares": shares,
                "running": None if state == "Forfeited" else running,
                "state": state,
            }
        )
    return rows


def vesting_chart(grant: OptionGrant, as_of, deadline_day, today):
    vested, running = [], 0
    for day, shares in grant.installment_rows():
        if not grant.terminated_on or day <= grant.terminated_on:
            running += shares
            vested.append((day, running))
    exercised, total = [], 0
    for exercise in grant.exercises_in_effect():
        total += exercise.shares
        exercised.append((exercise.exercise_date, total))
    markers = [(deadline_day, "Deadline", "deadline"), (as_of, "As of", "as-of")]
    if today != as_of:
        markers.append((today, "Today", "today"))
    return step_chart(
        {"vested": vested, "exercised": exercised},
        start=grant.grant_date,
        end=grant.expiration_date,
        y_max=grant.shares,
        y_format=format_shares,
        markers=markers,
        dots=[(day, value, "exercise") for day, value in exercised],
    )


class GrantDetailView(PermissionRequiredMixin, DetailView):
    permission_required = "grants.view_optiongrant"
    raise_exception = True
    template_name = "grants/grant_detail.html"
    context_object_name = "grant"
    queryset = OptionGrant.objects.select_related(
        "optionee", "plan", "approved_by"
    ).prefetch_related(
        Prefetch("installments", queryset=VestingInstallment.objects.order_by("vest_date")),
        # Every exercise, reversed ones too (shown struck through); the figures count
        # only those in effect (OptionGrant.exercises_in_effect()).
        Prefetch(
            "exercises",
            queryset=Exercise.objects.select_related("reversed_by").order_by(
                "exercise_date", "sequence"
            ),
        ),
    )

    def get_context_data(self, **kwargs):
        grant = self.object
        as_of, as_of_form = as_of_date(self.request)
        periods = RegistrationPeriod.objects.periods()
        deadline = grant.deadline_explained(periods)
        deadline_then = grant.deadline_on(as_of, periods)
        return super().get_context_data(
            as_of=as_of,
            as_of_form=as_of_form,
            granted=grant.grant_date <= as_of,
            figures={
                "Vested": grant.vested_shares(as_of),
                "Exercised": grant.exercised_shares(as_of),
                "Exercisable": grant.exercisable_shares(as_of, periods),
                "Unvested": grant.unvested_shares(as_of),
                "Forfeited": grant.forfeited_shares(as_of),
            },
            status=status_badge(grant.status_on(as_of, periods), deadline_then.day),
            # The deadline as known on the as-of date, where the records now say otherwise.
            deadline_then=deadline_then if deadline_then.day != deadline.day else None,
            # Offered while something is left to exercise on the shown date: not on a
            # grant fully exercised, nor as of a day after its deadline.
            can_exercise=grant.grant_date <= as_of <= deadline.day
            and grant.outstanding_shares() > 0
            and grant.approved_at is not None,
            approval_refusal="" if grant.approved_at else grant.approval_refusal(),
            deadline=deadline,
            deadline_text=explain_deadline(grant, deadline, periods),
            installments=installment_states(grant, as_of),
            chart=vesting_chart(grant, as_of, deadline.day, timezone.localdate()),
            **fair_value_context(grant),
            **kwargs,
        )


@permission_required("grants.add_optiongrant", raise_exception=True)
def create_grant(request):
    """New grant: terms, then installments typed as the exhibit's table or generated from
    a schedule and edited; nothing is saved until every rule holds."""
    return enter_with_installments(
        request,
        form_class=GrantForm,
        template="grants/grant_form.html",
        missing_shares="Enter the total shares before generating a schedule.",
        after_save=value_after_entry,
    )


@permission_required("grants.approve_optiongrant", raise_exception=True)
def approve_grant(request, pk: int):
    grant = get_object_for_user(
        request.user,
        OptionGrant.objects.select_related("optionee", "plan", "approved_by").prefetch_related(
            "installments", "exercises"
        ),
        "grants.approve_optiongrant",
        pk=pk,
    )
    refusal = "" if grant.approved_at else grant.approval_refusal()
    return approve_and_return(request, grant, refusal)
