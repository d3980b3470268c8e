"""Corrections without deleting: an exercise entered by mistake is reversed, a
registration period is ended, an end of service entered by mistake is withdrawn. Each
keeps the record and says in its history who corrected it and why."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from compensation.models import Person
from core.access import get_object_for_user
from core.forms import add_model_errors

from ..correction_forms import EndPeriodForm, ReasonForm
from ..models import Exercise, RegistrationPeriod
from ..models.service import withdraw_end_of_service
from .market import overlap_warning


@permission_required("grants.change_exercise", raise_exception=True)
def reverse_exercise(request, pk: int):
    """Asks why, then reverses the exercise (Exercise.reverse()); it stays on the grant
    page, struck through, and in the history."""
    exercise = get_object_for_user(
        request.user,
        Exercise.objects.select_related("grant__optionee", "reversed_by"),
        "grants.change_exercise",
        pk=pk,
    )
    grant = exercise.grant
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            exercise.reverse(by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_model_errors(form, error)
        else:
            messages.success(
                request,
                f"Reversed exercise no. {exercise.sequence} ({exercise.shares:,} shares on "
                f"{exercise.exercise_date:%Y-%m-%d}): every figure now leaves it out.",
            )
            return redirect(f"{grant.get_absolute_url()}?as_of={exercise.exercise_date}")
    return render(
        request,
        "grants/exercise_reverse.html",
        {"exercise": exercise, "grant": grant, "form": form},
        status=400 if form.errors else 200,
    )


@require_POST
@permission_required("grants.change_registrationperiod", raise_exception=True)
def end_registration_period(request, pk: int):
    period = get_object_for_user(
        request.user, RegistrationPeriod, "grants.change_registrationperiod", pk=pk
    )
    form = EndPeriodForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError([f"End date: {e}" for e in form.errors.get("end_date", [])])
        period.end(form.cleaned_data["end_date"], by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Ended the registration period on {period.end_date:%Y-%m-%d}.")
        overlap_warning(request, period)
    return redirect("grants:registration")


@permission_required("compensation.change_person", raise_exception=True)
def withdraw_termination(request, pk: int):
    """Asks why, then withdraws the end of service (grants.models.service)."""
    person = get_object_for_user(request.user, Person, "compensation.change_person", pk=pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            withdraw_end_of_service(person, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_model_errors(form, error)
        else:
            messages.success(
                request,
                f"Withdrew the end of {person}'s service: nothing is forfeited and the "
                f"deadlines are the grants' expiration dates again.",
            )
            return redirect(person)
    return render(
        request,
        "grants/termination_withdraw.html",
        {"person": person, "form": form},
        status=400 if form.errors else 200,
    )
