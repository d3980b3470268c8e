from collections.abc import Callable
from functools import cached_property

import django_tables2 as tables
from django.db.models import F
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from core.tables import PythonRowsTable, pk_url
from core.templatetags.money import (
    NOT_AWARDED,
    format_money,
    format_proposed,
    percent,
    signed_money,
)

from .models import OfficerYear

NUMBER = {"td": {"class": "text-end text-nowrap"}, "th": {"class": "text-end"}}


def order_amount(name: str):
    """A table's order_<column> method for a nullable amount: the unknowns ("—", "n/a")
    after the known amounts in both directions (SQLite and PostgreSQL put NULL at opposite
    ends), and officers with the same amount by name."""

    def order(table, queryset, is_descending: bool):
        amount = F(name).desc(nulls_last=True) if is_descending else F(name).asc(nulls_last=True)
        return queryset.order_by(amount, "person__name"), True

    return order


class RosterTable(PythonRowsTable):
    """The officers' roster for a fiscal year, laid out as the compensation exhibit."""

    name = tables.Column(accessor="person__name", verbose_name="Name", order_by="person__name")
    title = tables.Column()
    base_salary = tables.Column(verbose_name="Base salary", attrs=NUMBER)
    salary_change = tables.Column(verbose_name="Change ($)", attrs=NUMBER)
    salary_change_pct = tables.Column(verbose_name="Change (%)", attrs=NUMBER)
    # empty_values=(): an empty bonus is "n/a", so the renderer must see it.
    year_bonus = tables.Column(verbose_name="Bonus", attrs=NUMBER, empty_values=())
    status = tables.Column()
    # empty_values=(): every row has its actions, whatever the record's pk.
    actions = tables.Column(
        accessor="pk",
        verbose_name="",
        orderable=False,
        empty_values=(),
        attrs={"td": {"class": "d-print-none text-end"}, "th": {"class": "d-print-none"}},
    )

    class Meta:
        model = OfficerYear
        fields = ()
        sequence = (
            "name",
            "title",
            "base_salary",
            "salary_change",
            "salary_change_pct",
            "year_bonus",
            "status",
            "actions",
        )
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = "No officer records for this fiscal year."
        template_name = "django_tables2/python_rows.html"

    def __init__(self, *args, bonus_year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.columns["year_bonus"].column.verbose_name = f"{bonus_year} bonus"

    def render_name(self, record):
        return format_html(
            '<a href="{}">{}</a> {}',
            self.urls["person"](record.person_id),  # Person.get_absolute_url()
            record.person.name,
            record.footnote_markers,
        )

    # salary_change, salary_change_pct and year_bonus are annotations of
    # OfficerYear.objects.for_roster(), which the view's queryset always carries.
    order_base_salary = order_amount("base_salary")
    order_salary_change = order_amount("salary_change")
    order_salary_change_pct = order_amount("salary_change_pct")
    order_year_bonus = order_amount("year_bonus")

    def render_base_salary(self, value):
        return format_money(value)

    def render_salary_change(self, value):
        return signed_money(value)

    def render_salary_change_pct(self, value):
        return percent(value)

    def render_year_bonus(self, value, record):
        # Three different facts: no record for the bonus year, "n/a", and an amount.
        if not record.has_bonus_record:
            return "—"
        # The bonus year's record may be a proposal even where this year's is approved.
        if record.year_bonus_status == OfficerYear.BonusStatus.PROPOSED:
            return format_proposed(value)
        return format_money(value, none=NOT_AWARDED)

    def value_year_bonus(self, value, record):
        if not record.has_bonus_record:
            return ""
        if record.year_bonus_status == OfficerYear.BonusStatus.PROPOSED:
            return format_proposed(value)
        return NOT_AWARDED if value is None else value

    def render_status(self, record):
        """The salary's status; the committee's comment on a returned proposal (the
        salary's, and the shown bonus's) until the admins change it."""
        css = "text-bg-success" if record.is_approved else "text-bg-warning"
        html = format_html('<span class="badge {}">{}</span>', css, record.get_status_display())
        if record.returned_comment:
            html += format_html(
                '<div class="small text-danger returned">Salary returned: {}</div>',
                record.returned_comment,
            )
        if record.year_bonus_returned:
            html += format_html(
                '<div class="small text-danger returned">Bonus returned: {}</div>',
                record.year_bonus_returned,
            )
        return html

    @cached_property
    def urls(self) -> dict[str, Callable[[int], str]]:
        return {
            name: pk_url(f"compensation:{name}")
            for name in ("person", "approve", "approve-bonus", "record-add", "record-edit")
        }

    @cached_property
    def allowed(self) -> dict[str, bool]:
        """The user's permissions the actions depend on, read once per page."""
        user = self.request.user
        return {
            action: user.has_perm(f"compensation.{action}_officeryear")
            for action in ("approve", "add", "change")
        }

    def render_actions(self, record) -> SafeString:
        """Approve the salary or the shown bonus where proposed, propose next year, edit:
        each for the users allowed to."""
        allowed, urls, links = self.allowed, self.urls, []
        if allowed["approve"]:
            approvals = []
            if record.status == OfficerYear.Status.PROPOSED:
                approvals.append(
                    format_html(
                        '<a class="btn btn-sm btn-outline-success" href="{}">Approve salary</a>',
                        urls["approve"](record.pk),
                    )
                )
            if record.year_bonus_status == OfficerYear.BonusStatus.PROPOSED:
                approvals.append(
                    format_html(
                        '<a class="btn btn-sm btn-outline-success" href="{}">Approve bonus</a>',
                        urls["approve-bonus"](record.year_bonus_record),
                    )
                )
            links.append(
                format_html(
                    '<div class="d-flex flex-wrap gap-1 justify-content-end">{}</div>',
                    mark_safe("".join(approvals)),
                )
            )
        if allowed["add"]:
            next_year = record.fiscal_year + 1
            links.append(
                format_html(
                    '<a class="btn btn-sm btn-outline-primary" href="{}?year={}">Propose {}</a>',
                    urls["record-add"](record.person_id),
                    next_year,
                    next_year,
                )
            )
        if allowed["change"]:
            links.append(
                format_html(
                    '<a class="btn btn-sm btn-outline-secondary" href="{}">Edit</a>',
                    urls["record-edit"](record.pk),
                )
            )
        return mark_safe("\n".join(links))
