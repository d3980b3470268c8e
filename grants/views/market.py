"""Stock prices and registration periods: company-wide facts the rules read."""

import django_tables2 as tables
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.contrib.messages.views import SuccessMessageMixin
from django.forms import modelform_factory
from django.urls import reverse_lazy
from django.views.generic import CreateView, UpdateView
from django.views.generic.base import TemplateResponseMixin
from django.views.generic.edit import ModelFormMixin
from django_tables2 import SingleTableView

from core.forms import bounded_number_formfield
from core.tables import DateColumn, EditLinkColumn, PythonRowsTable
from core.templatetags.money import format_price

from ..models import RegistrationPeriod, StockPrice


class StockPriceTable(PythonRowsTable):
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
        template_name = "django_tables2/python_rows.html"

    def render_price(self, value):
        return format_price(value)


class RegistrationPeriodTable(tables.Table):
    start_date = DateColumn()
    end_date = tables.TemplateColumn(
        template_name="grants/_registration_end.html", verbose_name="End date", orderable=False
    )
    edit = EditLinkColumn("grants:registration-edit", "grants.change_registrationperiod")

    class Meta:
        model = RegistrationPeriod
        fields = ("start_date", "end_date", "basis")
        attrs = {"class": "table table-sm"}
        row_attrs = {"data-overlaps": lambda record: "yes" if record.overlaps else "no"}


def overlap_warning(request, period: RegistrationPeriod) -> None:
    """Overlapping periods are allowed (a day is registered if any period covers it) but
    are usually a typing slip: say which ones, after the save."""
    overlaps = period.overlaps()
    if overlaps:
        messages.warning(
            request,
            f"This period overlaps {'; '.join(str(other) for other in overlaps)}. Both are "
            f"kept (a day is registered if any period covers it); check that this is not a "
            f"typing slip.",
        )


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
    table_class = RegistrationPeriodTable
    template_name = "grants/registrationperiod_list.html"

    def get_queryset(self):
        return RegistrationPeriod.objects.with_overlaps()


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

    def form_valid(self, form):
        response = super().form_valid(form)
        overlap_warning(self.request, form.instance)
        return response


class RegistrationPeriodCreate(RegistrationPeriodEdit, CreateView):
    permission_required = "grants.add_registrationperiod"


class RegistrationPeriodUpdate(RegistrationPeriodEdit, UpdateView):
    permission_required = "grants.change_registrationperiod"
