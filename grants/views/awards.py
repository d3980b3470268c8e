"""Restricted stock awards and units (DOMAIN.md §4): the list and page of an award, a new
award, the committee's approval, and the vestings awaiting an admin's confirmation."""

import django_filters
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.generic import DetailView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from core.access import get_object_for_user
from core.data_version import KeptCountPaginator
from core.forms import DateInput, as_of_date

from ..forms import AwardForm, VestingConfirmationForm
from ..models import (
    AwardInstallment,
    AwardType,
    AwardVesting,
    Election83b,
    StockAward,
    StockPlan,
    StockPrice,
)
from ..tables import AwardTable, vestings_rows_html
from .entry import approve_and_return, enter_with_installments
from .grants import installment_states
from .paging import FiguresPerPagePaginator, kept_table_html


class AwardFilter(django_filters.FilterSet):
    award_type = django_filters.ChoiceFilter(choices=AwardType.choices, label="Kind")
    plan = django_filters.ModelChoiceFilter(queryset=StockPlan.objects.all())
    recipient = django_filters.CharFilter(
        field_name="recipient__name", lookup_expr="icontains", label="Person"
    )
    as_of = django_filters.DateFilter(
        label="As of",
        method="keep",
        widget=DateInput(),
        help_text="Vesting figures on this date (default: today).",
    )

    class Meta:
        model = StockAward
        fields = ["award_type", "plan", "recipient"]

    def keep(self, queryset, name, value):
        # The view reads the date and annotates the queryset with it.
        return queryset


class AwardListView(PermissionRequiredMixin, SingleTableMixin, FilterView):
    """Every award with its vested, unvested and forfeited shares as of a date (SQL)."""

    permission_required = "grants.view_stockaward"
    raise_exception = True
    table_class = AwardTable
    filterset_class = AwardFilter
    template_name = "grants/award_list.html"
    table_pagination = {"per_page": 25}
    # Columns computed per award: sorting on them needs every row computed.
    COMPUTED = {"vested", "unvested", "forfeited"}

    def get(self, request, *args, **kwargs):
        self.as_of, _ = as_of_date(request)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        # An award exists from its grant date (DOMAIN.md §3).
        base = StockAward.objects.filter(grant_date__lte=self.as_of).select_related(
            "recipient", "plan"
        )
        self.figures_per_page = self.request.GET.get("sort", "").lstrip("-") not in self.COMPUTED
        # Otherwise the figures are computed for the shown page only (see the grants list).
        return base if self.figures_per_page else base.with_vesting_totals(self.as_of)

    def figures(self, queryset):
        return queryset.select_related("recipient", "plan").with_vesting_totals(self.as_of)

    def get_table_pagination(self, table):
        options = super().get_table_pagination(table)
        if self.figures_per_page:
            options.update(paginator_class=FiguresPerPagePaginator, figures=self.figures)
        return options

    def get_context_data(self, **kwargs):
        # The table kept until the company's data changes (kept_table_html), rather than
        # built by SingleTableMixin's get_context_data.
        context = super(SingleTableMixin, self).get_context_data(as_of=self.as_of, **kwargs)
        context["table_html"] = kept_table_html(self, "awards-list", self.as_of)
        return context


def election_status(award: StockAward) -> str:
    """The 83(b) status in words: none for a unit, the last day for an intended one."""
    if award.award_type == AwardType.RSU:
        return "Not applicable: a unit delivers no shares at grant."
    if award.election_83b == Election83b.FILED:
        assert award.election_83b_on is not None  # a filed election has its date
        return (
            f"Filed on {award.election_83b_on:%Y-%m-%d}: taxed at grant; vestings withhold nothing."
        )
    if award.election_83b == Election83b.INTENDS:
        if award.election_last_day < timezone.localdate():
            return (
                f"Intended, not filed: the last day to file was "
                f"{award.election_last_day:%Y-%m-%d}. Record the filing date if it was "
                f"filed, or set it to not electing."
            )
        return f"Intends to elect: the last day to file is {award.election_last_day:%Y-%m-%d}."
    return "Not electing."


def withholding_text(award: StockAward) -> str:
    rate = award.withholding_rate
    if rate is None:
        return "None recorded: typed at each vesting."
    return f"{(rate * 100).normalize():f}% of each vesting, rounded up to whole shares."


class AwardDetailView(PermissionRequiredMixin, DetailView):
    permission_required = "grants.view_stockaward"
    raise_exception = True
    template_name = "grants/award_detail.html"
    context_object_name = "award"
    queryset = StockAward.objects.select_related(
        "recipient", "plan", "approved_by"
    ).prefetch_related(
        Prefetch("installments", queryset=AwardInstallment.objects.order_by("vest_date")),
        Prefetch(
            "vestings",
            queryset=AwardVesting.objects.annotate(
                **StockPrice.on_or_before_annotations()
            ).order_by("vest_date"),
        ),
    )

    def get_context_data(self, **kwargs):
        award = self.object
        as_of, as_of_form = as_of_date(self.request)
        today = timezone.localdate()
        vestings = []
        for vesting in award.vestings.all():
            # vesting.price_used(), annotated in the prefetch.
            price = (
                None if vesting.price_date is None else (vesting.price_date, vesting.price_amount)
            )
            vestings.append(
                {
                    "vesting": vesting,
                    "price": price,
                    # Computed when shown (DOMAIN.md §4), as vesting.value_realized().
                    "value": None if price is None else vesting.shares * price[1],
                }
            )
        return super().get_context_data(
            as_of=as_of,
            as_of_form=as_of_form,
            granted=award.grant_date <= as_of,
            figures={
                "Vested": award.vested_shares(as_of),
                "Unvested": award.unvested_shares(as_of),
                "Forfeited": award.forfeited_shares(as_of),
            },
            election=election_status(award),
            withholding=withholding_text(award),
            installments=installment_states(award, as_of),
            vestings=vestings,
            to_confirm=award.vestings_to_confirm(today),
            **kwargs,
        )


@permission_required("grants.add_stockaward", raise_exception=True)
def create_award(request):
    """New award: terms, then installments typed or generated from a schedule and edited;
    nothing is saved until every rule holds."""
    return enter_with_installments(
        request,
        form_class=AwardForm,
        template="grants/award_form.html",
        missing_shares="Enter the shares or units before generating a schedule.",
    )


@permission_required("grants.approve_stockaward", raise_exception=True)
def approve_award(request, pk: int):
    award = get_object_for_user(
        request.user,
        StockAward.objects.select_related("recipient", "plan", "approved_by").prefetch_related(
            "installments"
        ),
        "grants.approve_stockaward",
        pk=pk,
    )
    return approve_and_return(request, award)


# --- Vestings awaiting confirmation ---------------------------------------------------------


def vesting_rows(installments) -> list[dict]:
    """What each vesting's row shows: the shares withheld proposed (withholding_for), the
    price used and its date (annotated by with_price_used()), the value (gross shares x
    price) and the net shares."""
    rows = []
    for installment in installments:
        award = installment.award
        withheld = award.withholding_for(installment.shares)
        price = (
            None
            if installment.price_date is None
            else (installment.price_date, installment.price_amount)
        )
        rows.append(
            {
                "installment": installment,
                "award": award,
                "withheld": withheld,
                "net": None if withheld is None else installment.shares - withheld,
                "price": price,
                "value": None if price is None else installment.shares * price[1],
            }
        )
    return rows


@permission_required("grants.view_awardvesting", raise_exception=True)
def vestings_to_confirm(request):
    """The vestings that have happened and wait for an admin's confirmation; a POST
    confirms one through StockAward.confirm_vesting()."""
    if request.method == "POST":
        return confirm_vesting(request)
    today = timezone.localdate()
    pending = AwardInstallment.objects.awaiting_confirmation(today).with_price_used()
    award_pk = request.GET.get("award", "")
    if award_pk.isascii() and award_pk.isdigit() and len(award_pk) < 12:
        pending = pending.filter(award_id=int(award_pk))
    else:
        award_pk = ""
    # The count (a backlog of 68,508 at ten times the company) is kept until a write.
    page = KeptCountPaginator(pending, 50).get_page(request.GET.get("page"))
    can_confirm = request.user.has_perm("grants.add_awardvesting")
    return render(
        request,
        "grants/vestings_to_confirm.html",
        {
            "today": today,
            "page": page,
            "rows_html": vestings_rows_html(
                vesting_rows(page.object_list),
                # Asked once for the page, not once a row.
                csrf_token=get_token(request) if can_confirm else None,
            ),
            "award_pk": award_pk,
            "can_confirm": can_confirm,
        },
    )


def confirm_vesting(request):
    if not request.user.has_perm("grants.add_awardvesting"):
        raise PermissionDenied
    form = VestingConfirmationForm(request.POST)
    target = reverse("grants:vestings")
    if not form.is_valid():
        problems = [
            f"{form[name].label}: {' '.join(map(str, e))}" for name, e in form.errors.items()
        ]
        messages.error(request, "The vesting was not confirmed. " + " ".join(problems))
        return redirect(target)
    data = form.cleaned_data
    award = StockAward.objects.select_related("recipient").filter(pk=data["award"]).first()
    if award is None:
        messages.error(request, "No such award: the vesting was not confirmed.")
        return redirect(target)
    try:
        vesting = award.confirm_vesting(
            data["vest_date"], withheld=data["shares_withheld"], by=request.user
        )
    except ValidationError as error:
        messages.error(request, f"{award.recipient}: " + " ".join(error.messages))
    else:
        messages.success(
            request,
            f"Confirmed the vesting of {vesting.shares:,} {award.unit_name} of "
            f"{award.recipient} on {vesting.vest_date:%Y-%m-%d}: {vesting.shares_withheld:,} "
            f"withheld for taxes, {vesting.net_shares:,} delivered.",
        )
    return redirect(target)
