"""The equity plans: their share reserve and the defaults new grants take."""

import django_tables2 as tables
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.contrib.messages.views import SuccessMessageMixin
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.views.generic import CreateView, UpdateView
from django.views.generic.base import TemplateResponseMixin
from django.views.generic.edit import ModelFormMixin
from django_tables2 import SingleTableView

from core.forms import add_model_errors
from core.tables import EditLinkColumn
from core.templatetags.money import format_shares

from ..models import StockPlan
from ..plan_forms import PlanForm

NUMBER = {"td": {"class": "text-end"}, "th": {"class": "text-end"}}


class PlanTable(tables.Table):
    shares_reserved = tables.Column(verbose_name="Shares reserved", attrs=NUMBER, default="—")
    minimum_exercise_shares = tables.Column(verbose_name="Minimum exercise", attrs=NUMBER)
    windows = tables.Column(
        verbose_name="After service ends: other / disability / death (months)",
        accessor="pk",
        orderable=False,
    )
    edit = EditLinkColumn("grants:plan-edit", "grants.change_stockplan")

    class Meta:
        model = StockPlan
        fields = ("name", "shares_reserved", "minimum_exercise_shares")
        attrs = {"class": "table table-sm"}

    def render_shares_reserved(self, value):
        return format_shares(value)

    def render_minimum_exercise_shares(self, value):
        return format_shares(value)

    def render_windows(self, record):
        return (
            f"{record.post_termination_months} / {record.disability_months} / {record.death_months}"
        )


class PlanList(PermissionRequiredMixin, SingleTableView):
    permission_required = "grants.view_stockplan"
    raise_exception = True
    model = StockPlan
    table_class = PlanTable
    table_pagination = {"per_page": 50}
    template_name = "grants/plan_list.html"


class PlanEdit(PermissionRequiredMixin, SuccessMessageMixin, TemplateResponseMixin, ModelFormMixin):
    raise_exception = True
    model = StockPlan
    form_class = PlanForm
    template_name = "grants/plan_form.html"
    success_url = reverse_lazy("grants:plans")
    success_message = "Saved the %(name)s."

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as error:
            # The reserve checked again under the plan's lock: a grant made meanwhile.
            add_model_errors(form, error)
            return self.form_invalid(form)


class PlanCreate(PlanEdit, CreateView):
    permission_required = "grants.add_stockplan"


class PlanUpdate(PlanEdit, UpdateView):
    permission_required = "grants.change_stockplan"
