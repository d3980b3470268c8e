"""Recording an exercise (DOMAIN.md §2, "Exercise"): every rule checked, under a lock."""

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from .. import rules
from ..rules import Period
from .exercise import Exercise, PaymentMethod
from .ledger import GrantLedger
from .market import RegistrationPeriod, StockPrice

if TYPE_CHECKING:
    from .grant import OptionGrant


class GrantExercises(GrantLedger):
    """Part of OptionGrant: the exercise rules, which read the ledger."""

    if TYPE_CHECKING:  # provided by OptionGrant, a model
        pk: Any
        approved_at: Any
        _default_manager: ClassVar[models.Manager[OptionGrant]]

    def exercise_room(self, on: date) -> tuple[int, date | None]:
        """Rule 4 of an exercise (DOMAIN.md §2): the most that may be exercised on `on`
        so that no day of the ledger is over-exercised: with the new exercise, the shares
        exercised on or before `on` stay within those vested on `on`, and those exercised
        on or before each later recorded exercise date t within those vested on t.
        Returns the most, and the later exercise date that limits it (None when `on`
        itself does). Vesting here knows every recorded fact (an exercise is recorded
        now)."""
        dated = sorted((e.exercise_date, e.shares) for e in self.exercises_in_effect())

        def room_on(day: date) -> int:
            return self.vested_shares(day) - sum(s for d, s in dated if d <= day)

        room, limited_by = room_on(on), None
        for day in sorted({d for d, _ in dated if d > on}):
            later = room_on(day)
            if later < room:
                room, limited_by = later, day
        return max(0, room), limited_by

    def _date_refusal(
        self, on: date, periods: list[Period] | None = None
    ) -> ValidationError | None:
        """Rules 2 and 3 of an exercise: why nothing at all can be exercised on `on` (before
        the grant, after the deadline, not registered), or None. Before all of them: an
        option the committee has not yet approved is not validly granted, so nothing of it
        can be exercised (README, "Roles"). A caller that has already read the
        registration `periods` passes them, so the page asks for them once."""
        if self.approved_at is None:
            return ValidationError(
                "Not approved: the compensation committee has not yet approved the board's "
                "authorization of this grant, so the option cannot be exercised until it "
                "does.",
                code="not_approved",
            )
        if on < self.grant_date:
            return ValidationError(
                f"Before the grant: the option was granted on {self.grant_date:%Y-%m-%d} and "
                f"cannot be exercised on {on:%Y-%m-%d}.",
                code="before_grant",
            )
        if periods is None:
            periods = RegistrationPeriod.objects.periods()
        deadline = self.deadline_explained(periods)
        if on > deadline.day:
            return ValidationError(
                f"After the deadline: the last day to exercise this option was "
                f"{deadline.day:%Y-%m-%d} ({deadline.paragraph}).",
                code="after_deadline",
            )
        if not rules.is_registered(on, periods):
            return ValidationError(
                f"Not registered: on {on:%Y-%m-%d} the shares are not registered under the "
                f"Securities Act and no exemption is recorded, so nothing is exercisable "
                f"(paragraph 4).",
                code="not_registered",
            )
        return None

    def most_to_record(self, on: date, periods: list[Period] | None = None) -> tuple[int, str]:
        """The most shares an exercise dated `on` could be recorded for now (every rule
        but the minimum and the payment), and why, when something limits it: the same
        rules check_exercise() applies."""
        refusal = self._date_refusal(on, periods)
        if refusal is not None:
            return 0, str(refusal.message)  # a str already: _date_refusal() formats it
        room, limited_by = self.exercise_room(on)
        if limited_by is not None:
            return room, (
                f"Exercises dated up to {limited_by:%Y-%m-%d} already take shares vested by "
                f"then: recording more on {on:%Y-%m-%d} would exercise more than was vested "
                f"on {limited_by:%Y-%m-%d}."
            )
        return room, ""

    def check_exercise(self, shares, on: date, payment_method: str = "cash") -> int:
        """Apply every rule of an exercise (DOMAIN.md "Exercise") without saving anything.
        Returns the whole number of shares; raises ValidationError naming the broken rule."""
        count = _whole_shares(shares)
        refusal = self._date_refusal(on)
        if refusal is not None:
            raise refusal
        available, limited_by = self.exercise_room(on)
        if count > available:
            later = (
                ""
                if limited_by is None
                else f" (the exercises recorded up to {limited_by:%Y-%m-%d} would otherwise "
                f"exceed the shares vested on that day)"
            )
            raise ValidationError(
                f"More than exercisable: at most {available:,} shares can be exercised on "
                f"{on:%Y-%m-%d}{later}; {count:,} {'was' if count == 1 else 'were'} asked for.",
                code="more_than_exercisable",
            )
        minimum = self.minimum_exercise_shares
        is_final = count == self.outstanding_shares()
        if count < minimum and not is_final and self.unclaimed_small_installment(count, on) is None:
            small = any(s == count for _, s in self.installment_rows())
            claimed = (
                " Every vested installment of that size has already been exercised under "
                "that exception."
                if small
                else ""
            )
            raise ValidationError(
                f"Below the minimum: an exercise must be for at least {minimum:,} shares, "
                f"except a whole installment of fewer shares (once per installment) or the "
                f"final exercise of all {self.outstanding_shares():,} shares outstanding "
                f"(paragraph 3).{claimed}",
                code="minimum_exercise",
            )
        if payment_method not in PaymentMethod.values:
            raise ValidationError(
                "Payment: the price is due in full in cash, by check or through a "
                "Regulation T program (paragraph 2(b)).",
                code="payment_method",
            )
        return count

    def exercise(self, shares, on: date, payment_method: str = "cash"):
        """Record an exercise if every rule allows it; otherwise raise ValidationError and
        save nothing. The grant row is locked, so concurrent exercises queue (PostgreSQL),
        and the exercise's sequence number is unique per grant, so two that slipped past
        each other could never both be saved."""
        with transaction.atomic():
            # The grant's row alone (of self): FOR UPDATE over the join would lock its plan
            # and person too, which an edit and an end of service lock before the grant's.
            grant = (
                type(self)
                ._default_manager.select_for_update(of=("self",))
                .select_related("optionee", "plan")
                .get(pk=self.pk)
            )
            count = grant.check_exercise(shares, on, payment_method)
            # Exception (a) of paragraph 3 claims its installment, once.
            claim = None
            if count < grant.minimum_exercise_shares and count != grant.outstanding_shares():
                claim = grant.unclaimed_small_installment(count, on)
            # Numbered after every exercise, reversed ones included: they keep their number.
            last = grant.exercises.aggregate(last=models.Max("sequence"))["last"] or 0
            try:
                exercise = self._record_exercise(grant, last + 1, count, on, payment_method, claim)
            except IntegrityError:
                raise ValidationError(
                    "Another exercise of this grant was recorded at the same moment; nothing "
                    "was saved. Check the exercisable shares and try again.",
                    code="concurrent_exercise",
                ) from None
        return exercise

    @staticmethod
    def _record_exercise(grant, sequence, count, on, payment_method, claim=None):
        fair_value = StockPrice.on(on)
        with transaction.atomic():
            return Exercise.objects.create(
                grant=grant,
                sequence=sequence,
                exercise_date=on,
                shares=count,
                payment_method=payment_method,
                claimed_installment_date=claim,
                aggregate_price=grant.exercise_price * count,
                fair_market_value=fair_value,
                spread=None if fair_value is None else (fair_value - grant.exercise_price) * count,
            )


def _whole_shares(shares) -> int:
    """Parse a share count: a whole, positive number (paragraph 3: "only whole shares") that
    a share column holds. The text's length and the number's size are checked before int():
    int(Decimal("1e999999")) alone builds a million-digit number, and "1e999999999" more
    than a worker's memory."""
    if isinstance(shares, bool | date | datetime):
        raise ValidationError("Shares must be a number.", code="whole_shares")
    try:
        text = str(shares).strip().replace(",", "")
    except ValueError:  # an int past Python's 4,300-digit limit for str()
        text = None
    if text is None or len(text) > 30:
        raise ValidationError(
            "Shares must be a whole number of at most 30 characters.", code="whole_shares"
        )
    try:
        value = Decimal(text)
    except Exception:
        raise ValidationError(
            f"Shares must be a whole number, not {shares!r}.", code="whole_shares"
        ) from None
    if not value.is_finite() or value != value.to_integral_value():
        raise ValidationError(
            "Whole shares only: this option may be exercised for whole shares only (paragraph 3).",
            code="whole_shares",
        )
    if value <= 0:
        raise ValidationError("The number of shares must be positive.", code="positive_shares")
    if value > 2_147_483_647:  # the most a share count (PositiveIntegerField) holds
        raise ValidationError(
            "Too many shares: no grant holds more than 2,147,483,647 shares.",
            code="too_many_shares",
        )
    return int(value)
