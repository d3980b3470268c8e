from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.views.decorators.http import require_POST
from django.views.generic import DetailView
from django_tables2.views import SingleTableMixin, SingleTableView

from core.access import get_object_for_user, safe_next
from core.charts import line_chart
from core.data_version import kept
from core.templatetags.money import format_money

from .approval import Part
from .forms import ApprovalForm, ReopenForm, ReturnForm, RosterYearForm
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
        # The table is rendered here rather than by SingleTableMixin's get_context_data:
        # its HTML and the footnotes its rows carry are kept for each address, the actions
        # the user may take and the day until the company's data changes
        # (core.data_version.kept): reading and writing the officers' rows took about four
        # times the page's SQL.
        context = super(SingleTableMixin, self).get_context_data(**kwargs)
        request = self.request
        user = request.user
        may = [
            a
            for a in ("approve", "add", "change")
            if user.has_perm(f"compensation.{a}_officeryear")
        ]
        day = timezone.localdate().isoformat()
        key = f"roster\n{day}\n{' '.join(may)}\n{request.get_full_path()}"
        context["table_html"], context["footnotes"] = kept(key, self.table_and_footnotes)
        context.update(form=self.form, year=self.year, bonus_year=self.bonus_year, years=self.years)
        return context

    def table_and_footnotes(self) -> tuple[SafeString, list[Footnote]]:
        table = self.get_table(**self.get_table_kwargs())
        html = table.as_html(self.request)
        return html, Footnote.of(list(table.data))


class PersonDetailView(PermissionRequiredMixin, DetailView):
    permission_required = "compensation.view_person"
    raise_exception = True
    model = Person
    template_name = "compensation/person_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        years = list(
            self.object.officer_years.with_salary_change()
            .select_related("approved_by", "bonus_approved_by", "returned_by", "bonus_returned_by")
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


def roster_url(record: OfficerYear) -> str:
    return f"{reverse('compensation:roster')}?year={record.fiscal_year}"


def _approve(request, pk: int, part: str):
    """Committee members make a proposed salary (with the record's title and terms) or a
    proposed bonus effective, naming the meeting; then back where they came from (the
    approvals queue), or to the roster."""
    record = get_object_for_user(
        request.user,
        OfficerYear.objects.select_related("person", "approved_by", "bonus_approved_by"),
        "compensation.approve_officeryear",
        pk=pk,
    )
    form = ApprovalForm(request.POST or None)
    approve = record.approve_bonus if part == Part.BONUS else record.approve
    what = "bonus" if part == Part.BONUS else "base salary"
    if request.method == "POST" and form.is_valid():
        try:
            approve(by=request.user, meeting=form.cleaned_data["meeting"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                f"Approved {record.person}'s {record.fiscal_year} {what} at "
                f"{form.cleaned_data['meeting']}.",
            )
        return redirect(safe_next(request, roster_url(record)))
    return render(
        request,
        "compensation/approve.html",
        {
            "record": record,
            "form": form,
            "part": part,
            "next": safe_next(request, ""),
        },
    )


@permission_required("compensation.approve_officeryear", raise_exception=True)
def approve_officer_year(request, pk: int):
    return _approve(request, pk, Part.SALARY)


@permission_required("compensation.approve_officeryear", raise_exception=True)
def approve_bonus(request, pk: int):
    return _approve(request, pk, Part.BONUS)


@require_POST
@permission_required("compensation.approve_officeryear", raise_exception=True)
def return_proposal(request, pk: int):
    """The committee sends a salary or bonus proposal back with a comment; it stays
    proposed, and the admins see the comment on the roster, the person's page and the
    approvals page until they change the proposal."""
    record = get_object_for_user(
        request.user,
        OfficerYear.objects.select_related("person"),
        "compensation.approve_officeryear",
        pk=pk,
    )
    form = ReturnForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(
                [
                    f"{form.fields[name].label or name.capitalize()}: {problem}"
                    for name, problems in form.errors.items()
                    for problem in problems
                ]
            )
        part = form.cleaned_data["part"]
        record.return_proposal(by=request.user, part=part, comment=form.cleaned_data["comment"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"Returned {record.person}'s {record.fiscal_year} {Part(part).label.lower()} "
            f"proposal to the admins with your comment.",
        )
    return redirect(safe_next(request, roster_url(record)))


@require_POST
@permission_required("compensation.change_officeryear", raise_exception=True)
def reopen_officer_year(request):
    """Return an approved salary or bonus to proposed so it can be changed; history keeps
    why."""
    record = get_object_for_user(
        request.user,
        OfficerYear.objects.select_related("person"),
        "compensation.change_officeryear",
        pk=request.POST.get("record")
        if str(request.POST.get("record", "")).isascii()
        and str(request.POST.get("record", "")).isdigit()
        else 0,
    )
    form = ReopenForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(
                [f"{name.capitalize()}: {e}" for name, es in form.errors.items() for e in es]
            )
        if form.cleaned_data["part"] == Part.BONUS:
            record.return_bonus_to_proposed(by=request.user, reason=form.cleaned_data["reason"])
            what = "bonus"
        else:
            record.return_to_proposed(by=request.user, reason=form.cleaned_data["reason"])
            what = "salary"
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{record}: the {what} is a proposal again and can be changed.")
    return redirect(record.person)
