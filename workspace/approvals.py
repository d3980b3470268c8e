from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.shortcuts import render

from compensation.models import OfficerYear
from grants.models import OptionGrant, StockAward

GRANTS_PER_PAGE = 50
AWARDS_SHOWN = 100


@permission_required("grants.approve_optiongrant", raise_exception=True)
def approvals(request):
    """What waits for the committee: salary proposals and grants' board authorizations,
    the oldest grants first, a page at a time (an import can bring thousands)."""
    grants = (
        OptionGrant.objects.awaiting_approval()
        .select_related("optionee", "plan")
        # Read backwards through the grant_awaiting_approval index.
        .order_by("grant_date", "-pk")
    )
    page = Paginator(grants, GRANTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "workspace/approvals.html",
        {
            "proposals": OfficerYear.objects.filter(status=OfficerYear.Status.PROPOSED)
            .select_related("person")
            .order_by("-fiscal_year", "person__name"),
            "grants": page,
            # Restricted stock: the oldest first, as the grants (awards are few).
            "awards": StockAward.objects.awaiting_approval()
            .select_related("recipient", "plan")
            .order_by("grant_date", "pk")[:AWARDS_SHOWN]
            if request.user.has_perm("grants.approve_stockaward")
            else [],
        },
    )
