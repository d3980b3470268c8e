import django_tables2 as tables
from django.utils.html import format_html

from .models import GrantStatus, OptionGrant, StockAward

NUMBER = {"td": {"class": "text-end text-nowrap"}, "th": {"class": "text-end"}}


STATUS_BADGES: dict[str, str] = {
    GrantStatus.ACTIVE: "text-bg-success",
    GrantStatus.TERMINATED: "text-bg-warning",
    GrantStatus.EXPIRED: "text-bg-secondary",
    GrantStatus.EXERCISED: "text-bg-info",
    GrantStatus.CLOSED: "text-bg-info",
}


def status_badge(status: str, deadline) -> str:
    label = GrantStatus(status).label
    if status == GrantStatus.TERMINATED:
        label = f"Terminated, window open until {deadline:%Y-%m-%d}"
    return format_html('<span class="badge {}">{}</span>', STATUS_BADGES[status], label)


class GrantTable(tables.Table):
    """Columns for the header, sorting and pagination; the rows themselves are written
    by grants/_grant_table.html from the annotated records."""

    # Many grants share a date (or a name, a price...): every order ends with the primary
    # key, so that a grant never shows on two pages, or on none. The grant date's is
    # descending with the date ascending, so that newest first ("-grant_date", "pk") reads
    # the grant_list_order index.
    optionee = tables.Column(
        accessor="optionee__name", order_by=("optionee__name", "pk"), verbose_name="Optionee"
    )
    plan = tables.Column(accessor="plan__name", order_by=("plan__name", "pk"), verbose_name="Plan")
    grant_date = tables.Column(verbose_name="Granted", order_by=("grant_date", "-pk"))
    shares = tables.Column(attrs=NUMBER, order_by=("shares", "pk"))
    exercise_price = tables.Column(
        verbose_name="Price", attrs=NUMBER, order_by=("exercise_price", "pk")
    )
    vested = tables.Column(attrs=NUMBER, order_by=("vested", "pk"))
    exercisable = tables.Column(attrs=NUMBER, order_by=("exercisable", "pk"))
    unvested = tables.Column(attrs=NUMBER, order_by=("unvested", "pk"))
    # The deadline as known on the as-of date (a later termination is not known yet).
    deadline = tables.Column(verbose_name="Deadline", order_by=("deadline_as_of", "pk"))
    status = tables.Column(order_by=("status", "pk"))

    class Meta:
        model = OptionGrant
        fields = ()
        sequence = (
            "optionee",
            "plan",
            "grant_date",
            "shares",
            "exercise_price",
            "vested",
            "exercisable",
            "unvested",
            "deadline",
            "status",
        )
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = "No grants match."
        order_by = ("-grant_date",)
        template_name = "grants/_grant_table.html"


class AwardTable(tables.Table):
    """Restricted stock awards and units; the rows are written by grants/_award_table.html
    from the records annotated by StockAwardQuerySet.with_vesting_totals(as_of). Every
    order ends with the primary key, as the grants' does."""

    recipient = tables.Column(
        accessor="recipient__name", order_by=("recipient__name", "pk"), verbose_name="Recipient"
    )
    plan = tables.Column(accessor="plan__name", order_by=("plan__name", "pk"), verbose_name="Plan")
    award_type = tables.Column(verbose_name="Kind", order_by=("award_type", "pk"))
    grant_date = tables.Column(verbose_name="Granted", order_by=("grant_date", "-pk"))
    shares = tables.Column(verbose_name="Shares or units", attrs=NUMBER, order_by=("shares", "pk"))
    purchase_price = tables.Column(
        verbose_name="Purchase price", attrs=NUMBER, order_by=("purchase_price", "pk")
    )
    vested = tables.Column(attrs=NUMBER, order_by=("vested", "pk"))
    unvested = tables.Column(attrs=NUMBER, order_by=("unvested", "pk"))
    forfeited = tables.Column(attrs=NUMBER, order_by=("forfeited", "pk"))
    approval = tables.Column(
        accessor="approved_at", verbose_name="Approval", order_by=("approved_at", "pk")
    )

    class Meta:
        model = StockAward
        fields = ()
        sequence = (
            "recipient",
            "plan",
            "award_type",
            "grant_date",
            "shares",
            "purchase_price",
            "vested",
            "unvested",
            "forfeited",
            "approval",
        )
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = "No awards match."
        order_by = ("-grant_date",)
        template_name = "grants/_award_table.html"
