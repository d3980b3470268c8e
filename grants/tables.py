import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from core.renderers import render_input
from core.tables import PythonRowsTable, escape_cell, pk_url
from core.templatetags.money import format_money, format_price, format_shares

from .forms import VestingConfirmationForm
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


# A figure's cell, right-aligned as the columns' NUMBER attributes align their headers.
NUMBER_TD = '<td class="text-end text-nowrap">'


class GrantTable(PythonRowsTable):
    """Columns for the header, sorting and pagination; the rows themselves are written
    by rows_html() from the annotated records, one string per row (each cell through a
    template cost about 1 ms a row, more than the page's queries)."""

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
        template_name = "django_tables2/python_rows.html"

    def rows_html(self) -> SafeString:
        detail = pk_url("grants:detail")  # OptionGrant.get_absolute_url()
        lines = []
        for row in self.paginated_rows:
            grant = row.record
            deadline = grant.deadline_as_of
            lines.append(
                "<tr>"
                f'<td><a href="{detail(grant.pk)}">{escape_cell(grant.optionee.name)}</a></td>'
                f"<td>{escape_cell(grant.plan.name)}</td>"
                f"<td>{grant.grant_date:%Y-%m-%d}</td>"
                f"{NUMBER_TD}{format_shares(grant.shares)}</td>"
                f"{NUMBER_TD}{escape_cell(format_price(grant.exercise_price))}</td>"
                f"{NUMBER_TD}{format_shares(grant.vested)}</td>"
                f"{NUMBER_TD}{format_shares(grant.exercisable)}</td>"
                f"{NUMBER_TD}{format_shares(grant.unvested)}</td>"
                f"<td>{deadline:%Y-%m-%d}</td>"
                f"<td>{status_badge(grant.status, deadline)}</td>"
                "</tr>"
            )
        return mark_safe("\n".join(lines))


class AwardTable(PythonRowsTable):
    """Restricted stock awards and units; the rows are written by rows_html() from the
    records annotated by StockAwardQuerySet.with_vesting_totals(as_of), as the grants'
    are. Every order ends with the primary key, as the grants' does."""

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
        template_name = "django_tables2/python_rows.html"

    def rows_html(self) -> SafeString:
        detail = pk_url("grants:award")  # StockAward.get_absolute_url()
        lines = []
        for row in self.paginated_rows:
            award = row.record
            if award.approved_at:
                # In the site's time zone, as the template's date filter shows a time.
                approved = f"{timezone.localtime(award.approved_at):%Y-%m-%d}"
                approval = f'<span class="badge text-bg-success">Approved {approved}</span>'
            else:
                approval = '<span class="badge text-bg-warning">Awaiting approval</span>'
            lines.append(
                "<tr>"
                f'<td><a href="{detail(award.pk)}">{escape_cell(award.recipient.name)}</a></td>'
                f"<td>{escape_cell(award.plan.name)}</td>"
                f'<td><abbr title="{escape_cell(award.get_award_type_display())}">'
                f"{escape_cell(award.award_type)}</abbr></td>"
                f"<td>{award.grant_date:%Y-%m-%d}</td>"
                f"{NUMBER_TD}{format_shares(award.shares)} {escape_cell(award.unit_name)}</td>"
                f"{NUMBER_TD}{escape_cell(format_price(award.purchase_price))}</td>"
                f"{NUMBER_TD}{format_shares(award.vested)}</td>"
                f"{NUMBER_TD}{format_shares(award.unvested)}</td>"
                f"{NUMBER_TD}{format_shares(award.forfeited)}</td>"
                f"<td>{approval}</td>"
                "</tr>"
            )
        return mark_safe("\n".join(lines))


# The vestings page's input for the shares withheld: its form field's widget.
WITHHELD = VestingConfirmationForm.base_fields["shares_withheld"].widget


def vestings_rows_html(rows: list[dict], *, csrf_token: str | None) -> SafeString:
    """The rows of the vestings awaiting confirmation (grants.views.awards.vesting_rows),
    each with its own form to confirm it where a `csrf_token` is given (the user may
    confirm), written once per row: the 50 rows' forms through their widgets' templates
    took about 20 ms. The inputs are those VestingConfirmationForm reads."""
    award_url = pk_url("grants:award")  # StockAward.get_absolute_url()
    lines = []
    for row in rows:
        award, installment = row["award"], row["installment"]
        pk, day = int(installment.pk), f"{installment.vest_date:%Y-%m-%d}"
        recipient = escape_cell(award.recipient.name)
        filed = (
            ' <span class="badge text-bg-info">83(b) filed</span>'
            if award.election_83b == "filed"
            else ""
        )
        price, value = row["price"], row["value"]
        withheld, net = row["withheld"], row["net"]
        cells = [
            f"<td>{day}</td>",
            f'<td><a href="{award_url(award.pk)}">{recipient}</a></td>',
            f'<td><abbr title="{escape_cell(award.get_award_type_display())}">'
            f"{escape_cell(award.award_type)}</abbr>{filed}</td>",
            f"{NUMBER_TD}{format_shares(installment.shares)} {award.unit_name}</td>",
            f"{NUMBER_TD}{escape_cell(format_price(price[1]))} ({price[0]:%Y-%m-%d})</td>"
            if price
            else f"{NUMBER_TD}no price recorded</td>",
            f"{NUMBER_TD}{'no price recorded' if value is None else format_money(value)}</td>",
        ]
        net_cell = f"{NUMBER_TD}{'—' if net is None else format_shares(net)}</td>"
        if csrf_token is None:
            typed = "typed at confirmation" if withheld is None else format_shares(withheld)
            cells += [f"<td>{typed}</td>", net_cell]
        else:
            field, hint = f"id_v{pk}_shares_withheld", f"id_v{pk}_no_rate"
            # No rate recorded: the input is empty and the hint under it says so.
            attrs = {**WITHHELD.attrs, "id": field}
            if withheld is None:
                attrs["aria-describedby"] = hint
            shares_input = render_input(
                {
                    "type": WITHHELD.input_type,
                    "name": "shares_withheld",
                    "value": None if withheld is None else str(int(withheld)),
                    "attrs": attrs,
                }
            )
            no_rate = (
                f'<div class="small text-body-secondary" id="{hint}">'
                "No withholding rate recorded: enter it.</div>"
                if withheld is None
                else ""
            )
            cells += [
                f'<td><form method="post" id="confirm-{pk}" '
                'class="d-flex gap-1 align-items-center">'
                f'<input type="hidden" name="csrfmiddlewaretoken" value="{csrf_token}">'
                f'<input type="hidden" name="award" value="{int(award.pk)}" id="id_v{pk}_award">'
                f'<input type="hidden" name="vest_date" value="{day}" id="id_v{pk}_vest_date">'
                f'<label class="visually-hidden" for="{field}">Shares withheld from '
                f"{recipient}'s vesting of {day}</label>"
                f"{shares_input}</form>{no_rate}</td>",
                net_cell,
                '<td><button class="btn btn-sm btn-primary" type="submit" '
                f'form="confirm-{pk}">Confirm</button></td>',
            ]
        lines.append(f'<tr id="vesting-{pk}">{"".join(cells)}</tr>')
    return mark_safe("\n".join(lines))
