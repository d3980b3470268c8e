"""Recording what happens to grants: exercises and terminations of service."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date

from compensation.models import Person
from core import submissions
from core.access import get_object_for_user

from ..forms import REFUSAL_FIELDS, ExerciseRequestForm, TerminationForm
from ..models import Exercise, OptionGrant, RegistrationPeriod, StockAward, VestingInstallment
from ..models.service import record_end_of_service


def safe_date(value: str | None):
    """A date from user input, or None when it is missing or not a real date."""
    try:
        return parse_date(value or "")
    except ValueError:
        return None


def exercise_terms(grant: OptionGrant, on) -> dict:
    """What the exercise form shows for a date: all from the grant's own methods. The
    most that can be recorded on the date is what check_exercise allows (rule 4), which
    exercises dated later can reduce below the shares exercisable on that day. The grant
    comes with its installments and exercises prefetched (exercise_grants()), and the
    registration periods are read here once, so the page asks the same few queries
    whichever rule decides the answer."""
    periods = RegistrationPeriod.objects.periods()
    most, why = grant.most_to_record(on, periods)
    claimed = grant.claimed_installment_dates()
    return {
        "date": on.isoformat(),
        "exercisable": most,
        "exercisable_on_day": grant.exercisable_shares(on, periods),
        "why": why,
        "outstanding": grant.outstanding_shares(),
        "minimum": grant.minimum_exercise_shares,
        # Exception (a) is used once per installment: claimed ones are no longer offered.
        "small_installments": sorted(
            {
                s
                for day, s in grant.installment_rows()
                if s < grant.minimum_exercise_shares and day not in claimed
            }
        ),
        "price": str(grant.exercise_price),
    }


def exercise_grants() -> QuerySet[OptionGrant]:
    """Grants with what exercise_terms() reads: the optionee (termination, deadline), the
    installments and every exercise (the reversed ones are skipped in Python)."""
    return OptionGrant.objects.select_related("optionee", "plan").prefetch_related(
        Prefetch("installments", VestingInstallment.objects.order_by()),
        Prefetch("exercises", Exercise.objects.order_by()),
    )


@permission_required("grants.add_exercise", raise_exception=True)
def record_exercise(request, pk: int):
    grant = get_object_for_user(
        request.user,
        exercise_grants(),
        "grants.add_exercise",
        pk=pk,
    )
    # The grant page links here with the date it shows.
    start = safe_date(request.GET.get("on")) or timezone.localdate()
    form = ExerciseRequestForm(request.POST or None, initial={"exercise_date": start})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            # The form's one-time token is claimed with the exercise, or not at all.
            with transaction.atomic():
                submissions.claim(request)
                exercise = grant.exercise(
                    data["shares"], data["exercise_date"], data["payment_method"]
                )
        except ValidationError as error:
            form.add_error(REFUSAL_FIELDS.get(error.code), error)
        else:
            messages.success(
                request,
                f"Recorded the exercise of {exercise.shares:,} shares on "
                f"{exercise.exercise_date:%Y-%m-%d} for ${exercise.aggregate_price:,.2f}.",
            )
            return redirect(f"{grant.get_absolute_url()}?as_of={exercise.exercise_date}")
    on = safe_date(request.POST.get("exercise_date")) or start
    return render(
        request,
        "grants/exercise_form.html",
        {
            "grant": grant,
            "form": form,
            "terms": exercise_terms(grant, on),
            "submission_token": submissions.new_token(),
        },
    )


@permission_required("grants.view_optiongrant", raise_exception=True)
def exercise_terms_json(request, pk: int):
    """Exercisable shares and the minimum for a date, for the exercise form's live hints."""
    grant = get_object_for_user(
        request.user,
        exercise_grants(),
        "grants.view_optiongrant",
        pk=pk,
    )
    on = safe_date(request.GET.get("on"))
    if on is None:
        return JsonResponse({"error": "Enter a date as YYYY-MM-DD."}, status=400)
    return JsonResponse(exercise_terms(grant, on))


def termination_preview(person: Person) -> list[dict]:
    """Each of the person's grants with the deadline and forfeited shares the (unsaved)
    termination would give; computed by the grants' own methods."""
    ended = person.terminated_on
    assert ended is not None  # TerminationForm requires the date
    periods = RegistrationPeriod.objects.periods()
    rows = []
    for grant in person.option_grants.select_related("plan").prefetch_related("installments"):
        grant.optionee = person  # the edited, unsaved termination
        rows.append(
            {
                "grant": grant,
                "deadline": grant.deadline_explained(periods),
                "current_deadline": grant.deadline,
                "vested": grant.vested_shares(ended),
                "forfeited": grant.forfeited_shares(),
            }
        )
    return rows


def termination_award_preview(person: Person) -> list[dict]:
    """Each of the person's restricted stock awards and units with the shares vested on
    the (unsaved) end of service and those it forfeits (DOMAIN.md §4)."""
    ended = person.terminated_on
    assert ended is not None  # TerminationForm requires the date
    rows = []
    for award in StockAward.objects.filter(recipient=person).prefetch_related("installments"):
        award.recipient = person  # the edited, unsaved termination
        rows.append(
            {
                "award": award,
                "vested": award.vested_shares(ended),
                "forfeited": award.forfeited_shares(),
            }
        )
    return rows


@permission_required("compensation.change_person", raise_exception=True)
def record_termination(request, pk: int):
    """Shows each grant's new deadline and the shares forfeited, then saves on confirm."""
    person = get_object_for_user(request.user, Person, "compensation.change_person", pk=pk)
    form = TerminationForm(request.POST or None, instance=person)
    preview = award_preview = None
    if request.method == "POST" and form.is_valid():
        if request.POST.get("action") == "confirm":
            try:
                record_end_of_service(form.instance)
            except ValidationError as error:  # an exercise recorded meanwhile
                form.add_error(None, error)
            else:
                messages.success(request, f"Recorded the end of {person}'s service.")
                return redirect(person)
        preview = termination_preview(form.instance)
        award_preview = termination_award_preview(form.instance)
    return render(
        request,
        "grants/termination_form.html",
        {"person": person, "form": form, "preview": preview, "award_preview": award_preview},
    )
