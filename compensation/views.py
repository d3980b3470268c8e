from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django.views.generic import DetailView
from django_tables2.views import SingleTableView

from core.access import get_object_for_user
from core.charts import line_chart
from core.templatetags.money import format_money

from .forms import ApprovalForm, ReopenForm, RosterYearForm
from .models import Footnote, OfficerYear, Person
from .tables import RosterTable


class RosterView(PermissionRequiredMixin, SingleTableView):
    """The officers' roster for a fiscal year, with the bonuses of a chosen bonus year."""

    permission_required = "compensation.view_officeryear"
    raise_exception = True
    table_class = RosterTable
    template_name = "compensation/roster.html"
    table_pagination = False

    def get(self, request, *args, **kwargs):
        self.years = OfficerYear.objects.filter(base_salary__isnull=False).fiscal_years()
        self.year = self.bonus_year = None
        # The table's sort links keep the query string as it is: from the default roster
        # they carry only "sort", which chooses no year and so binds no form.
        chosen = any(name in request.GET for name in RosterYearForm.base_fields)
        self.form = RosterYearForm(request.GET if chosen else None)
        if self.form.is_bound:
            # Bad input shows the form's errors over an empty table.
            if self.form.is_valid():
                self.year = self.form.cleaned_data["year"]
                self.bonus_year = self.form.cleaned_data["bonus_year"]
        else:
            # The latest approved year: a later year's proposals are one choice away.
            self.year = OfficerYear.objects.default_year()
        if self.year is not None and self.bonus_year is None:
            self.bonus_year = OfficerYear.objects.default_bonus_year(self.year)
        if not self.form.is_bound:
            self.form = RosterYearForm(initial={"year": self.year, "bonus_year": self.bonus_year})
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if self.year is None:
            # Empty, but with the roster's annotations: the table sorts on them.
            return OfficerYear.objects.for_roster(0, 0).none()
        assert self.bonus_year is not None  # get() chooses one whenever there is a year
        return OfficerYear.objects.for_roster(self.year, self.bonus_year)

    def get_table_kwargs(self):
        return {"bonus_year": self.bonus_year}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        records = list(context["table"].data)
        context.update(
            form=self.form,
            year=self.year,
            bonus_year=self.bonus_year,
            years=self.years,
            footnotes=Footnote.of(records),
        )
        return context


class PersonDetailView(PermissionRequiredMixin, DetailView):
    permission_required = "compensation.view_person"
    raise_exception = True
    model = Person
    template_name = "compensation/person_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        years = list(
            self.object.officer_years.with_salary_change()
            .select_related("approved_by")
            .prefetch_related("footnotes")
            .order_by("fiscal_year")
        )
        salaries = [(str(r.fiscal_year), r.base_salary) for r in years if r.base_salary is not None]
        context.update(
            years=years,
            grants=self.object.option_grants.select_related("plan").order_by("grant_date"),
            chart=line_chart(salaries, y_format=format_money),
            footnotes=Footnote.of(years),
        )
        return context


@permission_required("compensation.view_person", raise_exception=True)
def person_names(request):
    """Up to 20 names containing the typed text, for the name boxes' suggestions."""
    text = " ".join(request.GET.get("q", "").split())[:200]
    # No name holds a NUL (the forms refuse one), and PostgreSQL refuses it in a query.
    if not text or "\x00" in text:
        return JsonResponse({"names": []})
    names = Person.objects.filter(name__icontains=text).order_by("name")
    return JsonResponse({"names": list(names.values_list("name", flat=True)[:20])})


@permission_required("compensation.approve_officeryear", raise_exception=True)
def approve_officer_year(request, pk: int):
    """Committee members make a proposed salary effective, naming the meeting."""
    record = get_object_for_user(
        request.user,
        OfficerYear.objects.select_related("person"),
        "compensation.approve_officeryear",
        pk=pk,
    )
    form = ApprovalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            record.approve(by=request.user, meeting=form.cleaned_data["meeting"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, f"Approved {record.person}'s {record.fiscal_year} base salary."
            )
        return redirect(f"{reverse('compensation:roster')}?year={record.fiscal_year}")
    return render(request, "compensation/approve.html", {"record": record, "form": form})


@require_POST
@permission_required("compensation.change_officeryear", raise_exception=True)
def reopen_officer_year(request):
    """Return an approved record to proposed so it can be changed; history keeps why."""
    record = get_object_for_user(
        request.user,
        OfficerYear.objects.select_related("person"),
        "compensation.change_officeryear",
        pk=request.POST.get("record") if str(request.POST.get("record", "")).isdigit() else 0,
    )
    form = ReopenForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError([f"Reason: {e}" for e in form.errors["reason"]])
        record.return_to_proposed(by=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{record} is a proposal again and can be changed.")
    return redirect(record.person)
