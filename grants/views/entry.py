"""Entering a new grant or award: terms, then installments typed as the exhibit's table
or generated from a schedule and edited; nothing is saved until every rule holds."""

from collections.abc import Callable
from datetime import date

from django import forms
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.shortcuts import redirect, render

from core import submissions
from core.access import safe_next

from ..forms import (
    HoldingApprovalForm,
    InstallmentRowFormSet,
    VestingScheduleForm,
    installment_rows,
)

# Rows "More rows" adds to the installment table.
MORE_ROWS = 5


def enter_with_installments(
    request,
    *,
    form_class: type[forms.ModelForm],
    template: str,
    missing_shares: str,
    after_save: Callable | None = None,
    instance=None,
    context: dict | None = None,
):
    """The new-grant and new-award pages, and with `instance` their edit pages: "generate"
    fills the installments from the schedule, "more" adds rows, and saving goes through
    the model's create_with_installments() (change_with_installments() for an edit),
    whose refusals land on their fields. `after_save(request, saved)` runs once the
    record is saved (a grant is then valued)."""
    data = request.POST if request.method == "POST" else None
    form = form_class(data, instance=instance)
    action = request.POST.get("action", "save") if data is not None else None
    grant_date = typed_grant_date(form) or getattr(instance, "grant_date", None)
    if action == "generate":
        schedule = VestingScheduleForm(
            data, prefix="schedule", total_shares=None, grant_date=grant_date
        )
    else:
        schedule = VestingScheduleForm.as_typed(data, prefix="schedule", grant_date=grant_date)
    if instance is not None and data is None:
        # An edit starts from the record's installments, with two empty rows to add one.
        rows = [{"vest_date": day, "shares": shares} for day, shares in instance.installment_rows()]
        formset = installment_rows(rows, prefix="installments", empty=2)
    else:
        formset = InstallmentRowFormSet(data, prefix="installments")
    if request.method == "POST":
        if action == "generate":
            formset = generated_installments(form, schedule, missing_shares) or formset
        elif action == "more":
            # Every row as typed, half-filled ones too, then five empty ones.
            formset = installment_rows(formset.typed(), prefix="installments", empty=MORE_ROWS)
        elif form.is_valid() and formset.is_valid():
            model = form._meta.model
            try:
                # The form's one-time token is claimed with the record, or not at all.
                with transaction.atomic():
                    if instance is None:
                        submissions.claim(request)
                        saved = model.create_with_installments(formset.rows(), **form.cleaned_data)
                    else:
                        # An edit saves the same terms again harmlessly: no one-time token.
                        instance.change_with_installments(formset.rows(), **form.cleaned_data)
                        saved = instance
            except ValidationError as error:
                if not hasattr(error, "error_dict"):
                    error = ValidationError({NON_FIELD_ERRORS: error.messages})
                for field, problems in error.message_dict.items():
                    if field == "installments":
                        formset.problems = problems
                    else:
                        form.add_error(field if field in form.fields else None, problems)
            else:
                noun = str(model._meta.verbose_name).split()[-1].capitalize()
                messages.success(request, f"{noun} saved: {saved}.")
                if after_save is not None:
                    after_save(request, saved)
                return redirect(saved)
    return render(
        request,
        template,
        {
            "form": form,
            "schedule": schedule,
            "formset": formset,
            "submission_token": request.POST.get(submissions.FIELD) or submissions.new_token(),
            **(context or {}),
        },
    )


def generated_installments(form, schedule: VestingScheduleForm, missing_shares: str):
    """Fill the installment table from the schedule; the user edits it before saving."""
    form.is_valid()
    total = form.cleaned_data.get("shares")
    if not total:
        form.add_error("shares", missing_shares)
        return None
    schedule.total_shares = total
    if not schedule.is_valid():
        return None
    rows = [{"vest_date": day, "shares": shares} for day, shares in schedule.rows()]
    return installment_rows(rows, prefix="installments", empty=0)


def typed_grant_date(form) -> date | None:
    """The grant date as typed on the form, if it is a date: the schedule's default start."""
    if not form.is_bound:
        return None
    field = form.fields["grant_date"]
    try:
        return field.clean(
            field.widget.value_from_datadict(form.data, form.files, form.add_prefix("grant_date"))
        )
    except ValidationError:
        return None


def approve_and_return(request, holding, refusal: str = ""):
    """The committee approves the board's authorization of a grant or an award: the page
    shows the terms and asks for the meeting and a confirmation; after approving, back
    to the page the approval came from (the approvals queue, if on this site) or to the
    record's own page, with a message either way. `refusal`: why the record can no longer
    be approved (an expired grant), which the page says instead of offering the form."""
    back = safe_next(request, holding.get_absolute_url())
    form = HoldingApprovalForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and not refusal and form.is_valid():
        try:
            holding.approve(by=request.user, meeting=form.cleaned_data["meeting"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                f"Approved the board's authorization of {holding} at "
                f"{form.cleaned_data['meeting']}.",
            )
        return redirect(back)
    if request.method == "POST" and refusal:
        messages.error(request, refusal)
        return redirect(back)
    return render(
        request,
        "grants/approve.html",
        {
            "holding": holding,
            "form": form,
            "refusal": refusal,
            "next": safe_next(request, ""),
            "back": back,
            "is_award": not hasattr(holding, "exercise_price"),
        },
    )
