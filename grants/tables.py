import django_tables2 as tables
from django.utils.html import format_html

from core.templatetags.money import format_price, format_shares

from .models import GrantStatus, OptionGrant

NUMBER = {"td": {"class": "text-end text-nowrap"}, "th": {"class": "text-end"}}


class SharesColumn(tables.Column):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, attrs=NUMBER, **kwargs)

    def render(self, value):
        return format_shares(value)


STATUS_BADGES = {
    GrantStatus.ACTIVE: "text-bg-success",
    GrantStatus.TERMINATED: "text-bg-warning",
    GrantStatus.EXPIRED: "text-bg-secondary",
    GrantStatus.EXERCISED: "text-bg-info",
}


def status_badge(status: str, deadline) -> str:
    label = GrantStatus(status).label
    if status == GrantStatus.TERMINATED:
        label = f"Terminated, window open until {deadline:%Y-%m-%d}"
    return format_html('<span class="badge {}">{}</span>', STATUS_BADGES[status], label)


class GrantTable(tables.Table):
    optionee = tables.Column(
        accessor="optionee__name", order_by="optionee__name", verbose_name="Optionee"
    )
    plan = tables.Column(accessor="plan__name", order_by="plan__name", verbose_name="Plan")
    grant_date = tables.DateColumn(verbose_name="Granted")
    shares = SharesColumn()
    exercise_price = tables.Column(verbose_name="Price", attrs=NUMBER)
    vested = SharesColumn()
    exercisable = SharesColumn()
    unvested = SharesColumn()
    deadline = tables.DateColumn(verbose_name="Deadline")
    status = tables.Column()

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

    def render_optionee(self, record):
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), record.optionee.name)

    def render_exercise_price(self, value):
        return format_price(value)

    def render_status(self, value, record):
        return status_badge(value, record.deadline)
