from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse

from compensation.models import OfficerYear
from grants.models import OptionGrant, StockAward

from .bulk_approval import Selection, approve_selected

GRANTS_PER_PAGE = 50
AWARDS_SHOWN = 100


@permission_required("grants.approve_optiongrant", raise_exception=True)
def approvals(request):
    """What waits for the committee: salary proposals and bonus proposals (each approved
    on its own), grants' and awards' board authorizations, the oldest grants first, a
    page at a time (an import can bring thousands). A POST approves the chosen ones at
    one meeting, all or none."""
    queue = reverse("workspace:approvals")
    page_number = request.GET.get("page", "")
    if page_number.isascii() and page_number.isdigit():
        queue += f"?page={page_number}"
    if request.method == "POST":
        try:
            chosen = Selection.from_post(request.POST)
            chosen.check_permissions(request.user)
            meeting = request.POST.get("meeting", "")
            count = approve_selected(by=request.user, meeting=meeting, chosen=chosen)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            meeting = " ".join(meeting.split())
            messages.success(request, f"Approved {count} at {meeting}.")
        return redirect(queue)
    grants = (
        OptionGrant.objects.awaiting_approval()
        .select_related("optionee", "plan")
        # Read backwards through the grant_awaiting_approval index.
        .order_by("grant_date", "-pk")
    )
    page = Paginator(grants, GRANTS_PER_PAGE).get_page(page_number)
    can_approve_awards = request.user.has_perm("grants.approve_stockaward")
    return render(
        request,
        "workspace/approvals.html",
        {
            "proposals": OfficerYear.objects.salary_proposals()
            .select_related("person", "returned_by")
            .order_by("-fiscal_year", "person__name"),
            "bonus_proposals": OfficerYear.objects.bonus_proposals()
            .select_related("person", "bonus_returned_by")
            .order_by("-fiscal_year", "person__name"),
            "grants": page,
            # Restricted stock: the oldest first, as the grants (awards are few).
            "awards": StockAward.objects.awaiting_approval()
            .select_related("recipient", "plan")
            .order_by("grant_date", "pk")[:AWARDS_SHOWN]
            if can_approve_awards
            else [],
            "queue": queue,
        },
    )
