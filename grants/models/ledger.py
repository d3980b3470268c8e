"""What a grant's installments, exercises and deadlines make of it on a date: vested,
unvested, forfeited and exercisable shares, status and exercise deadline (DOMAIN.md §2 and
§3). Per grant, in Python; the grant querysets compute the same in SQL."""

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .. import rules
from ..rules import FAR_FUTURE, Deadline, Period
from .market import RegistrationPeriod
from .querysets import GrantStatus

if TYPE_CHECKING:
    from django.db.models.fields.related_descriptors import RelatedManager

    from compensation.models import Person

    from .exercise import Exercise
    from .installment import VestingInstallment

Rows = list[tuple[date, int]]


class VestingLedger:
    """Vesting by installments as of a date, for option grants and stock awards alike
    (DOMAIN.md §2, §3 and §4): installments dated on or before the date vest; after an end
    of service known on the date, the later ones are forfeited."""

    if TYPE_CHECKING:  # provided by the model
        grant_date: date
        installments: RelatedManager[Any]

    @property
    def terminated_on(self) -> date | None:
        """The holder's end of service, as the records stand."""
        raise NotImplementedError

    def installment_rows(self) -> Rows:
        """(vest date, shares) in date order; uses prefetched installments when present."""
        return sorted((i.vest_date, i.shares) for i in self.installments.all())

    def terminated_as_of(self, on: date) -> date | None:
        """The end of service as known on `on`: a termination dated after `on` is not."""
        ended = self.terminated_on
        return ended if ended is not None and ended <= on else None

    def vesting_cutoff(self, on: date) -> date:
        """Only installments dated on or before the termination date ever vest."""
        ended = self.terminated_as_of(on)
        return min(on, ended) if ended else on

    def vested_shares(self, on: date) -> int:
        cutoff = self.vesting_cutoff(on)
        return sum(shares for day, shares in self.installment_rows() if day <= cutoff)

    def unvested_shares(self, on: date) -> int:
        """Shares of installments after `on` that can still vest as of `on` (not forfeited
        by a termination on or before `on`); none before the grant date."""
        if on < self.grant_date:
            return 0
        end = self.terminated_as_of(on) or FAR_FUTURE
        return sum(shares for day, shares in self.installment_rows() if on < day <= end)

    def forfeited_shares(self, on: date | None = None) -> int:
        """Shares of installments dated after the termination of service, as of `on`
        (nothing is forfeited before the termination date); None: as the records stand."""
        ended = self.terminated_on if on is None else self.terminated_as_of(on)
        if not ended:
            return 0
        return sum(shares for day, shares in self.installment_rows() if day > ended)

    def installment_states(self, on: date) -> list[tuple[date, int, str]]:
        """(vest date, shares, "Vested" / "Unvested" / "Forfeited") of each installment as
        of `on`."""
        cutoff, ended = self.vesting_cutoff(on), self.terminated_as_of(on)
        states = []
        for day, shares in self.installment_rows():
            if ended and day > ended:
                state = "Forfeited"
            elif day <= cutoff:
                state = "Vested"
            else:
                state = "Unvested"
            states.append((day, shares, state))
        return states


class GrantLedger(VestingLedger):
    """Part of OptionGrant: the methods that read its vesting and exercise ledger."""

    if TYPE_CHECKING:  # provided by OptionGrant
        optionee: Person
        shares: int
        exercise_price: Decimal
        expiration_date: date
        minimum_exercise_shares: int
        post_termination_months: int
        disability_months: int
        death_months: int
        installments: RelatedManager[VestingInstallment]
        exercises: RelatedManager[Exercise]

    @property
    def terminated_on(self) -> date | None:
        return self.optionee.terminated_on

    def exercises_in_effect(self) -> "list[Exercise]":
        """The grant's exercises that every figure counts: a reversed exercise (entered by
        mistake) counts as if it had never happened, for every date. Uses prefetched
        exercises when present; the grant page prefetches them all, reversed included."""
        return [e for e in self.exercises.all() if e.reversed_at is None]

    def claimed_installment_dates(self) -> set[date]:
        return {
            e.claimed_installment_date
            for e in self.exercises_in_effect()
            if e.claimed_installment_date is not None
        }

    def unclaimed_small_installment(self, shares: int, on: date) -> date | None:
        """Exception (a) of paragraph 3: the vest date of a vested installment of exactly
        `shares`, fewer than the minimum, that no exercise has claimed yet; None if none."""
        cutoff, claimed = self.vesting_cutoff(on), self.claimed_installment_dates()
        for day, installment in self.installment_rows():
            if (
                day <= cutoff
                and installment == shares < self.minimum_exercise_shares
                and day not in claimed
            ):
                return day
        return None

    def exercised_shares(self, on: date | None = None) -> int:
        return sum(
            e.shares for e in self.exercises_in_effect() if on is None or e.exercise_date <= on
        )

    def outstanding_shares(self) -> int:
        """Shares still outstanding under the option: those not forfeited, less those
        exercised. A final exercise takes all of them (paragraph 3(b))."""
        return self.shares - self.forfeited_shares() - self.exercised_shares()

    def status_on(self, on: date, periods: list[Period] | None = None) -> str:
        """Active, terminated (window open), expired, fully exercised, or closed (every
        vested share exercised, the rest forfeited), as of `on`. A grant whose shares
        were all forfeited, with none exercised, is not "fully exercised"."""
        exercised, forfeited = self.exercised_shares(on), self.forfeited_shares(on)
        if exercised and exercised >= self.shares - forfeited:
            return GrantStatus.CLOSED if forfeited else GrantStatus.EXERCISED
        if self.deadline_on(on, periods).day < on:
            return GrantStatus.EXPIRED
        if self.terminated_as_of(on):
            return GrantStatus.TERMINATED
        return GrantStatus.ACTIVE

    def unvested_in_the_money_value(self, price: Decimal, on: date) -> Decimal:
        """DOMAIN.md §1: the in-the-money value of the outstanding unexercisable shares."""
        return max(Decimal(0), price - self.exercise_price) * self.unvested_shares(on)

    def deadline_explained(self, periods: list[Period] | None = None) -> Deadline:
        """The exercise deadline from every fact recorded (the stored `deadline`)."""
        person = self.optionee
        return rules.exercise_deadline(
            expiration=self.expiration_date,
            terminated_on=person.terminated_on,
            reason=person.termination_reason or None,
            post_termination_months=self.post_termination_months,
            disability_months=self.disability_months,
            death_months=self.death_months,
            short_swing_until=person.short_swing_liability_until,
            periods=RegistrationPeriod.objects.periods() if periods is None else periods,
        )

    def deadline_on(self, on: date, periods: list[Period] | None = None) -> Deadline:
        """The exercise deadline as known on `on` (DOMAIN.md §3): a termination after `on`
        is not known yet, so the deadline is the expiration date; registration is as
        known on `on` (the period in force then continues)."""
        ended = self.terminated_as_of(on)
        if ended is None:
            return Deadline(self.expiration_date, rules.DeadlineRule.EXPIRATION)
        person = self.optionee
        return rules.exercise_deadline(
            expiration=self.expiration_date,
            terminated_on=ended,
            reason=person.termination_reason or None,
            post_termination_months=self.post_termination_months,
            disability_months=self.disability_months,
            death_months=self.death_months,
            short_swing_until=person.short_swing_liability_until,
            periods=rules.known_on(
                RegistrationPeriod.objects.periods() if periods is None else periods, on
            ),
        )

    def exercise_deadline(self) -> date:
        """The last day on which an exercise is allowed (paragraph 5)."""
        return self.deadline_explained().day

    def exercisable_shares(self, on: date, periods: list[Period] | None = None) -> int:
        """Vested minus exercised on `on`, as of `on`; 0 before the grant date, after the
        deadline known on `on`, or on a day the shares are not registered. A caller that
        has already read the registration `periods` passes them."""
        if on < self.grant_date:
            return 0
        if periods is None:
            periods = RegistrationPeriod.objects.periods()
        if on > self.deadline_on(on, periods).day or not rules.is_registered(on, periods):
            return 0
        return max(0, self.vested_shares(on) - self.exercised_shares(on))
