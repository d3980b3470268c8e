"""The in-app entry pages of compensation admins: add and rename people, add an officer
with the first yearly record, propose a person's next year from the latest one, and
change a proposed record. Approved records are effective: they change only after being
returned to proposed (views.reopen_officer_year)."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.contrib.messages.views import SuccessMessageMixin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.views.generic import CreateView, ListView, UpdateView
from django.views.generic.base import TemplateResponseMixin
from django.views.generic.edit import ModelFormMixin

from core.access import get_object_for_user
from core.forms import add_model_errors

from .entry_forms import (
    APPROVED_MESSAGE,
    BonusProposalForm,
    FootnoteForm,
    OfficerYearForm,
    PersonForm,
    salaries_by_year,
)
from .forms import ReopenForm
from .models import FIRST_FISCAL_YEAR, LAST_FISCAL_YEAR, Footnote, OfficerYear, Person


def _year_from(request) -> int | None:
    text = request.GET.get("year", "")
    if (
        text.isascii()
        and text.isdigit()
        and len(text) == 4
        and FIRST_FISCAL_YEAR <= int(text) <= LAST_FISCAL_YEAR
    ):
        return int(text)
    return None


def _saved(form, request) -> bool:
    """Save a valid form; a refusal at save time (the record approved meanwhile) lands
    on the form instead."""
    try:
        form.save()
    except ValidationError as error:
        add_model_errors(form, error)
        return False
    return True


@permission_required("compensation.add_person", raise_exception=True)
def person_create(request):
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and _saved(form, request):
        messages.success(request, f"Added {form.instance}.")
        return redirect(form.instance)
    return render(request, "compensation/person_form.html", {"form": form, "person": None})


@permission_required("compensation.change_person", raise_exception=True)
def person_edit(request, pk: int):
    person = get_object_or_404(Person, pk=pk)
    stored_name = person.name  # the form writes what is typed onto the instance
    form = PersonForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid() and _saved(form, request):
        messages.success(request, f"Saved the name: {person}.")
        return redirect(person)
    return render(
        request,
        "compensation/person_form.html",
        {"form": form, "person": person, "stored_name": stored_name},
    )


def _record_page(request, form: OfficerYearForm, **context):
    return render(
        request,
        "compensation/officer_year_form.html",
        {
            "form": form,
            "comparison": form.comparison(),
            "salaries": salaries_by_year(form.person),
            **context,
        },
    )


@permission_required(
    ["compensation.add_person", "compensation.add_officeryear"], raise_exception=True
)
def officer_create(request):
    """A new officer: the person and the first yearly record, saved together."""
    data = request.POST or None
    year = _year_from(request) or OfficerYear.objects.default_year() or timezone.localdate().year
    person_form = PersonForm(data)
    form = OfficerYearForm(data, initial={"fiscal_year": year})
    if request.method == "POST" and person_form.is_valid() and form.is_valid():
        with transaction.atomic():
            person = person_form.save()
            form.instance.person = form.person = person
            form.save()
        messages.success(
            request, f"Added {person}, {form.instance.title}, for {form.instance.fiscal_year}."
        )
        return redirect(f"{reverse('compensation:roster')}?year={form.instance.fiscal_year}")
    return _record_page(request, form, person_form=person_form, heading="Add an officer")


@permission_required("compensation.add_officeryear", raise_exception=True)
def record_create(request, pk: int):
    """A new yearly record for a person: by default the year after the latest one,
    pre-filled with its title, footnotes and PEO/PFO ("Propose next year")."""
    person = get_object_or_404(Person, pk=pk)
    records = person.officer_years.prefetch_related("footnotes").order_by("-fiscal_year")
    year = _year_from(request)
    if year is not None:
        existing = records.filter(fiscal_year=year).first()
        if existing is not None and request.method != "POST":
            return redirect("compensation:record-edit", existing.pk)
        latest = records.filter(fiscal_year__lt=year).first()
    else:
        latest = records.first()
        year = latest.fiscal_year + 1 if latest else timezone.localdate().year
    initial: dict = {"fiscal_year": min(year, LAST_FISCAL_YEAR)}
    if latest is not None:
        initial.update(
            title=latest.title,
            is_peo=latest.is_peo,
            is_pfo=latest.is_pfo,
            footnotes=[f.pk for f in latest.footnotes.all()],
        )
    form = OfficerYearForm(request.POST or None, person=person, initial=initial)
    if request.method == "POST" and form.is_valid() and _saved(form, request):
        record = form.instance
        messages.success(
            request, f"Proposed {person}'s {record.fiscal_year} record; the committee approves it."
        )
        return redirect(f"{reverse('compensation:roster')}?year={record.fiscal_year}")
    return _record_page(
        request,
        form,
        person=person,
        latest=latest,
        heading=f"Propose {initial['fiscal_year']} for {person}"
        if latest
        else f"Add a yearly record for {person}",
    )


@permission_required("compensation.change_officeryear", raise_exception=True)
def record_edit(request, pk: int):
    record = get_object_for_user(
        request.user,
        OfficerYear.objects.select_related("person"),
        "compensation.change_officeryear",
        pk=pk,
    )
    heading = f"{record.person}: {record.fiscal_year} record"
    if record.status != OfficerYear.Status.PROPOSED:
        # The salary is effective: the page says how to reopen it, and takes the bonus
        # on its own while the bonus is not approved.
        bonus_form = None
        if not record.is_bonus_approved:
            bonus_form = BonusProposalForm(request.POST or None, instance=record)
            if request.method == "POST" and bonus_form.is_valid() and _saved(bonus_form, request):
                messages.success(
                    request,
                    f"Saved {record.person}'s {record.fiscal_year} bonus: "
                    f"{record.get_bonus_status_display().lower()}.",
                )
                return redirect(f"{reverse('compensation:roster')}?year={record.fiscal_year}")
        return render(
            request,
            "compensation/officer_year_approved.html",
            {
                "record": record,
                "message": APPROVED_MESSAGE,
                "reopen": ReopenForm(),
                "bonus_form": bonus_form,
                "heading": heading,
            },
        )
    form = OfficerYearForm(request.POST or None, instance=record)
    if request.method == "POST" and form.is_valid() and _saved(form, request):
        messages.success(request, f"Saved {record.person}'s {record.fiscal_year} record.")
        return redirect(f"{reverse('compensation:roster')}?year={record.fiscal_year}")
    return _record_page(request, form, person=record.person, record=record, heading=heading)


class FootnoteList(PermissionRequiredMixin, ListView):
    """The footnotes, few and shared by the officers' rows; admins add one here or from
    a yearly record's form."""

    permission_required = "compensation.view_footnote"
    raise_exception = True
    model = Footnote
    template_name = "compensation/footnote_list.html"


class FootnoteEdit(
    PermissionRequiredMixin, SuccessMessageMixin, TemplateResponseMixin, ModelFormMixin
):
    raise_exception = True
    model = Footnote
    form_class = FootnoteForm
    template_name = "compensation/footnote_form.html"
    success_url = reverse_lazy("compensation:footnotes")
    success_message = "Saved footnote (%(marker)s)."


class FootnoteCreate(FootnoteEdit, CreateView):
    permission_required = "compensation.add_footnote"


class FootnoteUpdate(FootnoteEdit, UpdateView):
    permission_required = "compensation.change_footnote"
