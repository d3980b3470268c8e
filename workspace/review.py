"""The officer review (DOMAIN.md §1): salaries and bonuses beside the grants."""

from datetime import date
from decimal import Decimal

from django.contrib.auth.decorators import permission_required
from django.db.models import F, Prefetch
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone

from compensation.forms import OfficerReviewForm
from compensation.models import OfficerYear
from core import fiscal
from core.data_version import kept
from grants.models import OptionGrant, StockAward, StockPrice


@permission_required("compensation.view_officeryear", raise_exception=True)
def officer_review(request):
    """DOMAIN.md §1: for a fiscal year, each officer's salary history and bonus, their
    grants, and the in-the-money value of their outstanding unexercisable options at a
    share price the committee types; beside them their restricted stock awards and units
    not vested as of the date, valued at that price (unvested shares x price, §4).

    The review is rendered once for each year, price, as-of date and day, and kept until
    the company's data changes (core.data_version.kept)."""
    form = OfficerReviewForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        context: dict[str, object] = {
            "form": form,
            "year": OfficerYear.objects.default_year(),
            "officers": [],
        }
        return render(request, "workspace/officer_review.html", context)
    typed = form.cleaned_data if form.is_bound else {}
    year, price, as_of = typed.get("year"), typed.get("price"), typed.get("as_of")
    today = timezone.localdate()
    key = f"officer-review\n{today.isoformat()}\n{year}\n{price}\n{as_of}"
    review = kept(key, lambda: review_figures(today, year, price, as_of))
    if not form.is_bound and review["year"] is not None:
        # The year only: the default price and date follow the year and the date chosen,
        # and a default written into its box would be sent back as if typed (a later
        # day's price for an earlier date). The page says which it used.
        form = OfficerReviewForm(initial={"year": review["year"]})
    return render(request, "workspace/officer_review.html", {"form": form, **review})


def review_figures(
    today: date, year: int | None, price: Decimal | None, as_of: date | None
) -> dict:
    """The review of a fiscal year (default: the roster's) as of a date (default: the
    year's end, or today if earlier) at a share price (default: the latest recorded on or
    before that date): the officers' figures, and the table showing them as HTML."""
    if year is None:
        year = OfficerYear.objects.default_year()
        if year is None:
            return {"year": None, "officers": [], "table": ""}
    as_of = as_of or min(today, fiscal.year_end(year))
    price_date = None  # the recorded price's date, where the price is the default
    if price is None:
        # A price is a fact of its date (DOMAIN.md §3): one recorded for a later day is
        # not known as of this one.
        known = StockPrice.on_or_before(as_of)
        if known is not None:
            price_date, price = known
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
    review = {
        "year": year,
        "price": price,
        "price_date": price_date,
        "as_of": as_of,
        "bonus_year": bonus_year,
        "officers": officers,
        "total_value": sum((o["total"] for o in officers), Decimal(0)),
        "awards_unpriced": price is None and any(o["awards"] for o in officers),
    }
    review["table"] = render_to_string("workspace/_officer_review_table.html", review)
    return review
