"""Stock prices and registration periods: company-wide facts the rules read."""

import django_tables2 as tables
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.contrib.messages.views import SuccessMessageMixin
from django.forms import modelform_factory
from django.urls import reverse_lazy
from django.views.generic import CreateView, UpdateView
from django.views.generic.base import TemplateResponseMixin
from django.views.generic.edit import ModelFormMixin
from django_tables2 import SingleTableView

from core.forms import bounded_number_formfield
from core.tables import DateColumn, EditLinkColumn
from core.templatetags.money import format_price

from ..models import RegistrationPeriod, StockPrice


class StockPriceTable(tables.Table):
    date = DateColumn()
    price = tables.Column(
        verbose_name="Closing price",
        attrs={"td": {"class": "text-end"}, "th": {"class": "text-end"}},
    )
    edit = EditLinkColumn("grants:price-edit", "grants.change_stockprice")

    class Meta:
        model = StockPrice
        fields = ("date", "price")
        attrs = {"class": "table table-sm"}

    def render_price(self, value):
        return format_price(value)


class RegistrationPeriodTable(tables.Table):
    start_date = DateColumn()
    end_date = DateColumn(default="in effect")
    edit = EditLinkColumn("grants:registration-edit", "grants.change_registrationperiod")

    class Meta:
        model = RegistrationPeriod
        fields = ("start_date", "end_date", "basis")
        attrs = {"class": "table table-sm"}


class StockPriceList(PermissionRequiredMixin, SingleTableView):
    permission_required = "grants.view_stockprice"
    raise_exception = True
    model = StockPrice
    table_class = StockPriceTable
    # Only the table paginates: ListView's own paginate_by would count the rows twice.
    table_pagination = {"per_page": 50}
    template_name = "grants/stockprice_list.html"


# The create and update views' common part. Its bases after the mixins are those of
# CreateView and UpdateView that it configures and extends: the views' order of
# classes (MRO) is the same as without them.
class StockPriceEdit(
    PermissionRequiredMixin, SuccessMessageMixin, TemplateResponseMixin, ModelFormMixin
):
    raise_exception = True
    model = StockPrice
    fields = ["date", "price"]
    template_name = "grants/market_form.html"
    success_url = reverse_lazy("grants:prices")
    success_message = "Saved the price of %(date)s."
    extra_context = {"kind": "stock price"}

    def get_form_class(self):
        # The price reads as people type it ("$5.00", "1,000"), bounded in length.
        return modelform_factory(
            StockPrice, fields=self.fields, formfield_callback=bounded_number_formfield
        )

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.fields["date"].widget.input_type = "date"
        return form


class StockPriceCreate(StockPriceEdit, CreateView):
    permission_required = "grants.add_stockprice"


class StockPriceUpdate(StockPriceEdit, UpdateView):
    permission_required = "grants.change_stockprice"


class RegistrationPeriodList(PermissionRequiredMixin, SingleTableView):
    permission_required = "grants.view_registrationperiod"
    raise_exception = True
    model = RegistrationPeriod
    table_class = RegistrationPeriodTable
    template_name = "grants/registrationperiod_list.html"


class RegistrationPeriodEdit(
    PermissionRequiredMixin, SuccessMessageMixin, TemplateResponseMixin, ModelFormMixin
):
    raise_exception = True
    model = RegistrationPeriod
    fields = ["start_date", "end_date", "basis"]
    template_name = "grants/market_form.html"
    success_url = reverse_lazy("grants:registration")
    success_message = "Saved the registration period."
    extra_context = {"kind": "registration period"}

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        for name in ("start_date", "end_date"):
            form.fields[name].widget.input_type = "date"
        return form


class RegistrationPeriodCreate(RegistrationPeriodEdit, CreateView):
    permission_required = "grants.add_registrationperiod"


class RegistrationPeriodUpdate(RegistrationPeriodEdit, UpdateView):
    permission_required = "grants.change_registrationperiod"
