from collections.abc import Callable
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from compensation.models import OfficerYear
from core.data_version import kept
from grants.models import OptionGrant, StockAward

from .bulk_approval import Selection, approve_selected

GRANTS_PER_PAGE = 50
AWARDS_PER_PAGE = 50


def digits(text: str) -> str:
    """A page number as asked for, or "" for anything else (the first page)."""
    return text if text.isascii() and text.isdigit() and len(text) < 12 else ""


def pages_query(grants_page: int, awards_page: int | None) -> str:
    """The query string of a page of grants beside a page of awards (None without the
    power to approve awards)."""
    if awards_page is None:
        return f"?page={grants_page}"
    return f"?page={grants_page}&awards_page={awards_page}"


def page_links(page: Page, query: Callable[[int], str]) -> dict[str, str]:
    """The previous and next pages' links ("" where there is none) for _pages.html."""
    return {
        "previous": query(page.previous_page_number()) if page.has_previous() else "",
        "next": query(page.next_page_number()) if page.has_next() else "",
    }


@permission_required("grants.approve_optiongrant", raise_exception=True)
def approvals(request):
    """What waits for the committee: salary proposals and bonus proposals (each approved
    on its own), grants' and awards' board authorizations, the oldest grants first, a
    page at a time (an import can bring thousands). A POST approves the chosen ones at
    one meeting, all or none."""
    page_number = digits(request.GET.get("page", ""))
    awards_page_number = digits(request.GET.get("awards_page", ""))
    # Where a POST returns to: the same pages of grants and awards.
    shown = {"page": page_number, "awards_page": awards_page_number}
    query = "&".join(f"{name}={number}" for name, number in shown.items() if number)
    queue = reverse("workspace:approvals") + (f"?{query}" if query else "")
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
    approves_awards = request.user.has_perm("grants.approve_stockaward")
    # The pages of grants and awards waiting, kept until the company's data changes, for
    # the day (a grant whose window has closed is no longer listed): at ten times the
    # company, counting what waits took most of the page's SQL.
    today = timezone.localdate()
    pages = f"{page_number}\n{awards_page_number}\n{approves_awards}\n{queue}"
    key = f"approvals\n{today.isoformat()}\n{pages}"
    holdings = kept(
        key,
        lambda: holdings_waiting(
            today, page_number, awards_page_number, queue, awards=approves_awards
        ),
    )
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
            "holdings": holdings,
            "queue": queue,
        },
    )


def holdings_waiting(
    today: date, page_number: str, awards_page_number: str, queue: str, *, awards: bool
):
    """The page of grants and (with `awards`) the page of restricted stock awards and units
    waiting for the committee's authorization on the day, as HTML: the oldest first."""
    grants = (
        OptionGrant.objects.awaiting_approval(today)
        .select_related("optionee", "plan")
        # Read backwards through the grant_awaiting_approval index.
        .order_by("grant_date", "-pk")
    )
    page = Paginator(grants, GRANTS_PER_PAGE).get_page(page_number)
    waiting = None
    if awards:
        # Restricted stock: the oldest first, as the grants, a page at a time of its own.
        waiting = Paginator(
            StockAward.objects.awaiting_approval()
            .select_related("recipient", "plan")
            .order_by("grant_date", "pk"),
            AWARDS_PER_PAGE,
        ).get_page(awards_page_number)
    context = {
        "grants": page,
        "grants_links": page_links(
            page, lambda n: pages_query(n, None if waiting is None else waiting.number)
        ),
        "awards": waiting,
        "awards_links": None
        if waiting is None
        else page_links(waiting, lambda n: pages_query(page.number, n) + "#awards-h"),
        "queue": queue,
    }
    return render_to_string("workspace/_approvals_holdings.html", context)
