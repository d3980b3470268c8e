"""The officer review (DOMAIN.md §1): salaries and bonuses beside the grants."""

from decimal import Decimal

from django.contrib.auth.decorators import permission_required
from django.db.models import F, Prefetch
from django.shortcuts import render
from django.utils import timezone

from compensation.forms import OfficerReviewForm
from compensation.models import OfficerYear
from core import fiscal
from grants.models import OptionGrant, StockAward, StockPrice


@permission_required("compensation.view_officeryear", raise_exception=True)
def officer_review(request):
    """DOMAIN.md §1: for a fiscal year, each officer's salary history and bonus, their
    grants, and the in-the-money value of their outstanding unexercisable options at a
    share price the committee types; beside them their restricted stock awards and units
    not vested as of the date, valued at that price (unvested shares x price, §4)."""
    latest_price = StockPrice.objects.order_by("-date").first()
    form = OfficerReviewForm(request.GET or None)
    valid = form.is_valid() if form.is_bound else False
    year = form.cleaned_data["year"] if valid else OfficerYear.objects.default_year()
    context: dict[str, object] = {
        "form": form,
        "year": year,
        "latest_price": latest_price,
        "officers": [],
    }
    if year is None or (form.is_bound and not valid):
        return render(request, "workspace/officer_review.html", context)
    price = form.cleaned_data.get("price") if valid else None
    if price is None and latest_price is not None:
        price = latest_price.price
    as_of = (form.cleaned_data.get("as_of") if valid else None) or min(
        timezone.localdate(), fiscal.year_end(year)
    )
    if not form.is_bound:
        form = OfficerReviewForm(initial={"year": year, "price": price, "as_of": as_of})
    bonus_year = OfficerYear.objects.default_bonus_year(year)
    records = list(
        OfficerYear.objects.for_year(year)
        .with_bonus_for(bonus_year)
        .select_related("person")
        .order_by(F("base_salary").desc(nulls_last=True), "person__name")
        .prefetch_related(
            Prefetch(
                "person__officer_years",
                queryset=OfficerYear.objects.order_by("fiscal_year"),
                to_attr="salary_history",
            )
        )
    )
    grants = (
        OptionGrant.objects.filter(optionee__in=[r.person_id for r in records])
        .select_related("plan")
        .outstanding(as_of)
        .with_vesting_totals(as_of)
        .with_in_the_money_value(price or Decimal(0))
        .order_by("grant_date")
    )
    # Awards made by the date with shares or units not vested then (none forfeited).
    awards = (
        StockAward.objects.filter(
            recipient__in=[r.person_id for r in records], grant_date__lte=as_of
        )
        .select_related("plan")
        .with_vesting_totals(as_of)
        .filter(unvested__gt=0)
        .order_by("grant_date", "pk")
    )
    by_person: dict[int, list] = {}
    for grant in grants:
        by_person.setdefault(grant.optionee_id, []).append(grant)
    awards_of: dict[int, list[dict]] = {}
    for award in awards:
        # No price recorded or typed: the awards' value is unknown, never $0.
        awards_of.setdefault(award.recipient_id, []).append(
            {"award": award, "value": None if price is None else award.unvested * price}
        )
    officers = []
    for record in records:
        own = by_person.get(record.person_id, [])
        held = awards_of.get(record.person_id, [])
        value = sum((g.unvested_value for g in own), Decimal(0))
        award_value = None if price is None else sum((a["value"] for a in held), Decimal(0))
        officers.append(
            {
                "record": record,
                "grants": own,
                "unvested": sum(g.unvested for g in own),
                "value": value,  # the options' in-the-money value
                "awards": held,
                "award_unvested": sum(a["award"].unvested for a in held),
                "award_value": award_value,
                "total": value + (award_value or 0),
            }
        )
    context.update(
        form=form,
        price=price,
        as_of=as_of,
        bonus_year=bonus_year,
        officers=officers,
        total_value=sum((o["total"] for o in officers), Decimal(0)),
        awards_unpriced=price is None and any(o["awards"] for o in officers),
    )
    return render(request, "workspace/officer_review.html", context)
