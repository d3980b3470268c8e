from django.contrib.auth.decorators import permission_required
from django.shortcuts import render

from compensation.models import OfficerYear

from ..models import OptionGrant


@permission_required("grants.approve_optiongrant", raise_exception=True)
def approvals(request):
    """What waits for the committee: salary proposals and grants' board authorizations."""
    return render(
        request,
        "grants/approvals.html",
        {
            "proposals": OfficerYear.objects.filter(status=OfficerYear.Status.PROPOSED)
            .select_related("person")
            .order_by("-fiscal_year", "person__name"),
            "grants": OptionGrant.objects.awaiting_approval()
            .select_related("optionee", "plan")
            .order_by("grant_date"),
        },
    )
