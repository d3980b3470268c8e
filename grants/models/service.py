"""The end of a holder's service (DOMAIN.md §2, paragraph 5): recorded here, in the grants
layer, because it is checked against the holder's exercises and moves the stored exercise
deadlines of their grants. The person's record (compensation) keeps the facts only."""

from django.core.exceptions import ValidationError
from django.db import transaction

from compensation.models import Person

from .award import StockAward
from .grant import OptionGrant

# The facts of a person that the exercise deadlines of their grants depend on.
DEADLINE_FIELDS = frozenset({"terminated_on", "termination_reason", "short_swing_liability_until"})


def check_end_of_service(person: Person) -> None:
    """An end of service may not leave any grant with more shares exercised than had
    vested by the exercise dates, nor an award with a vesting confirmed after it (the
    installments after it never vest)."""
    if person.pk is None or person.terminated_on is None:
        return
    problems = []
    holdings = OptionGrant.objects.filter(optionee=person).prefetch_related(
        "installments", "exercises"
    )
    for grant in holdings.order_by("grant_date", "pk"):
        for problem in grant.ledger_problems(terminated_on=person.terminated_on):
            problems.append(f"Grant of {grant.grant_date:%Y-%m-%d}: {problem}")
    # A vesting confirmed after the end of service would be of shares it forfeits.
    confirmed = StockAward.objects.filter(
        recipient=person, vestings__vest_date__gt=person.terminated_on
    ).values_list("grant_date", "award_type", "vestings__vest_date")
    for granted, kind, vested_on in confirmed.order_by("grant_date", "vestings__vest_date"):
        problems.append(
            f"{kind} of {granted:%Y-%m-%d}: the vesting of {vested_on:%Y-%m-%d} is confirmed."
        )
    if problems:
        raise ValidationError(
            {
                "terminated_on": [
                    f"Service cannot end on {person.terminated_on:%Y-%m-%d}: shares already "
                    f"exercised or delivered were not all vested by then.",
                    *problems,
                ]
            }
        )


def record_end_of_service(person: Person) -> None:
    """Save the person's end of service (or its change) and refresh the stored exercise
    deadlines of their grants, in one transaction. The grants are locked first, so an
    exercise recorded meanwhile is checked with the new end of service or refuses it."""
    with transaction.atomic():
        # The person's row, which confirm_vesting() locks too, and the grants, which an
        # exercise locks: what is checked below cannot change until this commits.
        Person.objects.select_for_update().filter(pk=person.pk).values("pk").first()
        list(OptionGrant.objects.select_for_update().filter(optionee=person).values("pk"))
        check_end_of_service(person)
        person.save()
        OptionGrant.objects.filter(optionee=person).refresh_deadlines()


def update_people(people, **fields) -> int:
    """QuerySet.update() of people, refreshing the stored deadlines of their grants when
    it changes what those depend on, in the same transaction."""
    if not DEADLINE_FIELDS.intersection(fields):
        return people.update(**fields)
    with transaction.atomic(using=people.db):
        # Read the people first: the filter may name a field the update changes.
        pks = list(people.values_list("pk", flat=True))
        count = people.update(**fields)
        refresh_deadlines_of(pks)
    return count


def refresh_deadlines_of(person_pks: list[int], chunk: int = 500) -> None:
    """Refresh the stored exercise deadlines of these people's grants."""
    for start in range(0, len(person_pks), chunk):
        OptionGrant.objects.filter(
            optionee__in=person_pks[start : start + chunk]
        ).refresh_deadlines()


def withdraw_end_of_service(person: Person, *, by, reason: str) -> None:
    """Withdraw an end of service entered by mistake: the person's termination date and
    reason are cleared (the short-swing date is kept: it counts only with an end of
    service, and a corrected one may need it again), the history keeps the withdrawal
    and why, and the stored exercise deadlines of the person's grants are
    refreshed. Forfeitures are not stored (they are read from the termination date), so
    with the date gone nothing is forfeited, as if the termination had never been entered.
    A withdrawal cannot leave a grant over-exercised: without an end of service more
    shares vest, never fewer."""
    reason = reason.strip() if isinstance(reason, str) else ""
    if not reason:
        raise ValidationError({"reason": "Say why the end of service is withdrawn."})
    if len(reason) > 500 or "\x00" in reason:
        raise ValidationError(
            {"reason": "The reason is kept as text of at most 500 characters, without NUL."}
        )
    with transaction.atomic():
        current = Person.objects.select_for_update().get(pk=person.pk)
        list(OptionGrant.objects.select_for_update().filter(optionee=current).values("pk"))
        if current.terminated_on is None:
            raise ValidationError(
                f"{current}'s service has no recorded end: there is nothing to withdraw.",
                code="nothing_to_withdraw",
            )
        current.terminated_on, current.termination_reason = None, ""
        current._change_reason = f"Termination withdrawn by {by}: {reason}"
        current.save()
        OptionGrant.objects.filter(optionee=current).refresh_deadlines()
    person.refresh_from_db()
