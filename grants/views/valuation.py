"""Grant-date fair value in the app (DOMAIN.md §5): a grant's valuation card and its
"Value now" action, and the fiscal years' default assumptions, which admins enter, the
committee approves, and admins then apply to the year's grants not valued."""

from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from django.views.generic import CreateView, UpdateView
from django.views.generic.base import TemplateResponseMixin
from django.views.generic.edit import ModelFormMixin

from compensation.forms import ApprovalForm, ReopenForm
from core import fiscal
from core.access import get_object_for_user
from core.data_version import kept
from core.dates import EARLIEST_DATE, LATEST_DATE
from core.templatetags.money import format_money

from ..forms import ValuationDefaultsForm
from ..models import (
    GrantValuation,
    OptionGrant,
    ValuationDefaults,
    VestingInstallment,
    not_valued_reason,
    value_grant,
)
from ..templatetags.valuation import format_per_option


def try_to_value(grant: OptionGrant, by) -> tuple[GrantValuation | None, str]:
    """Value the grant now; (None, the reason) when it cannot be valued, which is not an
    error: the grant is kept and its page says what valuing it needs."""
    try:
        return value_grant(grant, by=by), ""
    except ValidationError as error:
        return None, " ".join(error.messages)


def describe(valuation: GrantValuation) -> str:
    return (
        f"{format_per_option(valuation.value_per_option)} per option, "
        f"{format_money(valuation.fair_value)} for {valuation.shares:,} options"
    )


def value_after_entry(request, grant: OptionGrant) -> None:
    """After the new-grant page saves a grant: value it, or say why it is not valued."""
    valuation, reason = try_to_value(grant, request.user)
    if valuation is not None:
        messages.success(request, f"Grant-date fair value: {describe(valuation)}.")
    else:
        messages.info(request, f"{reason} The grant is saved; its page says what is missing.")


def fair_value_context(grant: OptionGrant) -> dict:
    """The grant page's fair-value card: the current valuation with its inputs, or why the
    grant is not valued, and every earlier valuation, newest first."""
    valuations = list(
        grant.valuations.select_related("defaults", "valued_by").order_by("-valued_at", "-pk")
    )
    current = valuations[0] if valuations and valuations[0].is_current() else None
    return {
        "valuation": current,
        "earlier_valuations": valuations[1:] if current else valuations,
        "not_valued": "" if current else not_valued_reason(grant),
    }


@require_POST
@permission_required("grants.add_grantvaluation", raise_exception=True)
def value_one_grant(request, pk: int):
    """Value the grant now, with the assumptions in effect now; earlier valuations stay."""
    grant = get_object_for_user(request.user, OptionGrant, "grants.add_grantvaluation", pk=pk)
    valuation, reason = try_to_value(grant, request.user)
    if valuation is None:
        messages.error(request, reason)
    else:
        messages.success(request, f"Valued {grant}: {describe(valuation)}.")
    return redirect(grant)


# --- A fiscal year's default assumptions ------------------------------------------------------


def defaults_url(defaults: ValuationDefaults) -> str:
    return reverse("grants:valuation", args=[defaults.pk])


def valued_grants() -> Exists:
    return Exists(GrantValuation.objects.current_for())


def counts_by_year() -> dict[int, dict[str, int]]:
    """{fiscal year: {"valued": n, "not_valued": m}} over every option grant, in one query
    grouped by grant date (the fiscal year-end is a setting, applied here). Kept until the
    company's data changes (or the year-end setting): 150,000 grants took 30 ms to count,
    and their 2,600 grant dates 5 ms to add up by year."""

    def count() -> dict[int, dict[str, int]]:
        counts: dict[int, dict[str, int]] = {}
        # The valued grants as one set, looked up by id: an EXISTS per grant ran a
        # subquery for each of 150,000 grants (101 ms at 50,000 optionees).
        valued_ids = GrantValuation.objects.current().values("grant_id")
        by_date = (
            OptionGrant.objects.order_by()
            .values("grant_date")
            .annotate(total=Count("pk"), valued=Count("pk", filter=Q(pk__in=valued_ids)))
            .values_list("grant_date", "total", "valued")
        )
        for day, total, valued in by_date:
            year = counts.setdefault(fiscal.year_of(day), {"valued": 0, "not_valued": 0})
            year["valued"] += valued
            year["not_valued"] += total - valued
        return counts

    return kept("valuation-counts-by-year", count)


def grants_of_year(year: int):
    return OptionGrant.objects.filter(grant_date__range=fiscal.bounds(year))


@permission_required("grants.view_valuationdefaults", raise_exception=True)
def defaults_list(request):
    """Each fiscal year's defaults, and each year with grants but no defaults."""
    counts = counts_by_year()
    sets = {d.fiscal_year: d for d in ValuationDefaults.objects.select_related("approved_by")}
    rows = [
        {
            "year": year,
            "defaults": sets.get(year),
            "valued": counts.get(year, {}).get("valued", 0),
            "not_valued": counts.get(year, {}).get("not_valued", 0),
        }
        for year in sorted(set(sets) | set(counts), reverse=True)
    ]
    return render(
        request,
        "grants/valuation_list.html",
        {"rows": rows, "year_end": fiscal.describe()},
    )


def defaults_detail(request, pk: int, approve_form=None, reopen_form=None, status: int = 200):
    """One year's defaults: the figures, their approval and history, the year's grants
    valued and not, and the actions each role may take."""
    defaults = get_object_for_user(
        request.user,
        ValuationDefaults.objects.select_related("approved_by"),
        "grants.view_valuationdefaults",
        pk=pk,
    )
    grants = grants_of_year(defaults.fiscal_year).annotate(valued=valued_grants())

    def year_figures() -> tuple[int, int, list[OptionGrant]]:
        not_valued = grants.filter(valued=False)
        return (
            grants.filter(valued=True).count(),
            not_valued.count(),
            list(
                not_valued.select_related("optionee").order_by("grant_date", "pk")[
                    :NOT_VALUED_SHOWN
                ]
            ),
        )

    # Kept until the company's data changes (the year's bounds follow the year-end
    # setting, under which kept figures are kept too).
    valued, not_valued_count, not_valued = kept(
        f"valuation-year\n{defaults.fiscal_year}", year_figures
    )
    context = {
        "defaults": defaults,
        "start": fiscal.year_start(defaults.fiscal_year),
        "end": fiscal.year_end(defaults.fiscal_year),
        "valued_count": valued,
        "not_valued_count": not_valued_count,
        "not_valued": not_valued,
        "not_valued_shown": NOT_VALUED_SHOWN,
        "history": defaults.history.select_related("history_user").order_by("-history_date")[
            :HISTORY_SHOWN
        ],
        "approve_form": approve_form or ApprovalForm(),
        "reopen_form": reopen_form or ReopenForm(),
    }
    return render(request, "grants/valuation_detail.html", context, status=status)


NOT_VALUED_SHOWN = 25
HISTORY_SHOWN = 20


# The create and update views' common part; its bases after the mixin are those of
# CreateView and UpdateView that it configures (as grants/views/market.py does).
class DefaultsEdit(PermissionRequiredMixin, TemplateResponseMixin, ModelFormMixin):
    raise_exception = True
    model = ValuationDefaults
    form_class = ValuationDefaultsForm
    template_name = "grants/valuation_form.html"

    saved_message = "Saved {}."

    def form_valid(self, form):
        saved = form.save()
        messages.success(self.request, self.saved_message.format(saved))
        return redirect(defaults_url(saved))


class DefaultsCreate(DefaultsEdit, CreateView):
    permission_required = "grants.add_valuationdefaults"

    def get_initial(self):
        year = self.request.GET.get("fiscal_year", "")
        if (
            year.isascii()
            and year.isdigit()
            and len(year) == 4
            and EARLIEST_DATE.year <= int(year) <= LATEST_DATE.year
        ):
            return {"fiscal_year": int(year)}
        return {"fiscal_year": fiscal.year_of(timezone.localdate())}

    saved_message = "Saved {}, proposed for the committee's approval."


class DefaultsUpdate(DefaultsEdit, UpdateView):
    """Proposed defaults only: approved ones are effective and change only after being
    returned to proposed (ValuationDefaults.clean() refuses too)."""

    permission_required = "grants.change_valuationdefaults"

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():
            return self.handle_no_permission()
        defaults = get_object_or_404(ValuationDefaults, pk=kwargs["pk"])
        if defaults.is_approved:
            messages.error(
                request, f"{defaults} are approved. Return them to proposed before changing them."
            )
            return redirect(defaults_url(defaults))
        return super().dispatch(request, *args, **kwargs)


@require_POST
@permission_required("grants.approve_valuationdefaults", raise_exception=True)
def approve_defaults(request, pk: int):
    defaults = get_object_for_user(
        request.user, ValuationDefaults, "grants.approve_valuationdefaults", pk=pk
    )
    form = ApprovalForm(request.POST)
    if form.is_valid():
        try:
            defaults.approve(by=request.user, meeting=form.cleaned_data["meeting"])
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                form.add_error("meeting", error.message_dict.get("approval_meeting", []))
            else:
                messages.error(request, " ".join(error.messages))
                return redirect(defaults_url(defaults))
        else:
            messages.success(request, f"Approved {defaults}.")
            return redirect(defaults_url(defaults))
    return defaults_detail(request, pk, approve_form=form)


@require_POST
@permission_required("grants.change_valuationdefaults", raise_exception=True)
def reopen_defaults(request, pk: int):
    """Return approved defaults to proposed, with the reason kept in their history. Grants
    valued with them keep their valuations until valued again."""
    defaults = get_object_for_user(
        request.user, ValuationDefaults, "grants.change_valuationdefaults", pk=pk
    )
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            defaults.return_to_proposed(by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                form.add_error("reason", error.message_dict.get("reason", []))
            else:
                messages.error(request, " ".join(error.messages))
                return redirect(defaults_url(defaults))
        else:
            messages.success(request, f"{defaults} are proposed again and can be changed.")
            return redirect(defaults_url(defaults))
    return defaults_detail(request, pk, reopen_form=form)


@require_POST
@permission_required("grants.add_grantvaluation", raise_exception=True)
def value_year(request, pk: int):
    """Value each grant of the defaults' fiscal year that has no current valuation; say
    how many were valued and why the others were not."""
    defaults = get_object_for_user(
        request.user, ValuationDefaults, "grants.add_grantvaluation", pk=pk
    )
    if not defaults.is_approved:
        messages.error(request, f"{defaults} are not approved: nothing was valued.")
        return redirect(defaults_url(defaults))
    grants = (
        grants_of_year(defaults.fiscal_year)
        .annotate(valued=valued_grants())
        .filter(valued=False)
        .prefetch_related(
            Prefetch("installments", queryset=VestingInstallment.objects.order_by("vest_date"))
        )
        .order_by("grant_date", "pk")
    )
    valued, reasons = 0, Counter[str]()
    with transaction.atomic():
        for grant in grants:
            valuation, reason = try_to_value(grant, request.user)
            if valuation is None:
                reasons[reason] += 1
            else:
                valued += 1
    plural = "" if valued == 1 else "s"
    messages.success(request, f"Valued {valued} grant{plural} of fiscal {defaults.fiscal_year}.")
    if reasons:
        left = sum(reasons.values())
        why = "; ".join(
            f"{reason.rstrip('.')} ({count})" for reason, count in reasons.most_common()
        )
        messages.warning(request, f"{left} not valued: {why}.")
    return redirect(defaults_url(defaults))
