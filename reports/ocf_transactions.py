"""The Open Cap Format transactions of option grants and restricted stock, as of a date
(issue 18; DOMAIN.md §3): what the records dated on or before the date make true.

Each object's id is derived from the record it comes from ("grant-12", "exercise-40"),
so two exports of the same records carry the same ids. Rules the format has no field for
are written into the objects' comments. Restricted stock: reports/ocf_awards.py."""

from collections import defaultdict
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from pyocf.enums.compensationtype import CompensationType
from pyocf.enums.optiontype import OptionType as OcfOptionType
from pyocf.enums.periodtype import PeriodType
from pyocf.enums.terminationwindowtype import TerminationWindowType as Why
from pyocf.objects.transactions.cancellation.equitycompensationcancellation import (
    EquityCompensationCancellation,
)
from pyocf.objects.transactions.exercise.equitycompensationexercise import (
    EquityCompensationExercise,
)
from pyocf.objects.transactions.issuance.equitycompensationissuance import (
    EquityCompensationIssuance,
)
from pyocf.objects.transactions.issuance.stockissuance import StockIssuance
from pyocf.types.terminationwindow import TerminationWindow

from compensation.models import Person
from grants.models import (
    Exercise,
    OptionGrant,
    OptionType,
    VestingInstallment,
)

from .ocf_awards import AwardTransactions
from .ocf_common import (
    CHUNK,
    COMMON_CLASS_ID,
    Rows,
    approval_comment,
    authorization_comments,
    chunks,
    counted,
    money,
    number,
    person_id,
    plan_id,
    termination_comment,
    vestings,
)
from .ocf_json import dump

# Terminations for "any other reason" (Person.TerminationReason.OTHER) share one window.
OTHER_REASONS = (
    Why.ENUM_VOLUNTARY_OTHER,
    Why.ENUM_VOLUNTARY_GOOD_CAUSE,
    Why.ENUM_VOLUNTARY_RETIREMENT,
    Why.ENUM_INVOLUNTARY_OTHER,
    Why.ENUM_INVOLUNTARY_WITH_CAUSE,
)


class Transactions(AwardTransactions):
    """The transactions as of `on`, in date order; `people` collects every holder."""

    def __init__(self, on: date, stream: Any = None):
        self.on = on
        self.people: dict[int, Person] = {}
        self.stream = stream

    def all(self) -> list[dict]:
        """Every transaction as the format's JSON, in date order (ties by id, so two
        exports of the same records list them alike). Each is validated as it is made."""
        found = [dump(item) for item in self.option_transactions()]
        found += [dump(item) for item in self.award_transactions()]
        return sorted(found, key=lambda item: (item["date"], item["id"]))

    # --- Options ----------------------------------------------------------------------

    def grants(self) -> Iterator[tuple[OptionGrant, Rows, list[Exercise]]]:
        """Each grant made by `on` with its vesting totals as of `on`, its installments and
        its exercises by `on`: three queries a chunk of grants, whatever their number."""
        grants = (
            OptionGrant.objects.filter(grant_date__lte=self.on)
            .with_vesting_totals(self.on)
            .select_related("optionee")
            .order_by("pk")
        )
        for chunk in chunks(grants.iterator(chunk_size=CHUNK)):
            pks = [grant.pk for grant in chunk]
            rows: dict[int, Rows] = defaultdict(list)
            installments = VestingInstallment.objects.filter(grant_id__in=pks)
            for grant_id, day, shares in installments.order_by("grant_id", "vest_date").values_list(
                "grant_id", "vest_date", "shares"
            ):
                rows[grant_id].append((day, shares))
            exercised: dict[int, list[Exercise]] = defaultdict(list)
            exercises = Exercise.objects.in_effect().filter(
                grant_id__in=pks, exercise_date__lte=self.on
            )
            for exercise in exercises.order_by("grant_id", "sequence"):
                exercised[exercise.grant_id].append(exercise)
            for grant in chunk:
                yield grant, rows[grant.pk], exercised[grant.pk]

    def option_transactions(self) -> Iterator:
        made = OptionGrant.objects.filter(grant_date__lte=self.on)
        for grant, rows, exercises in counted(self.grants(), made.count, "grants", self.stream):
            self.people[grant.optionee_id] = grant.optionee
            yield self.option_issuance(grant, rows)
            for exercise in exercises:
                yield from self.exercise(grant, exercise)
            forfeiture = self.option_forfeiture(grant)
            if forfeiture is not None:
                yield forfeiture
            expiration = self.option_expiration(grant)
            if expiration is not None:
                yield expiration

    def option_issuance(self, grant: OptionGrant, rows: Rows) -> EquityCompensationIssuance:
        iso = grant.option_type == OptionType.ISO
        windows = [
            TerminationWindow(
                reason=reason,
                period=grant.post_termination_months,
                period_type=PeriodType.ENUM_MONTHS,
            )
            for reason in OTHER_REASONS
        ] + [
            TerminationWindow(
                reason=Why.ENUM_INVOLUNTARY_DISABILITY,
                period=grant.disability_months,
                period_type=PeriodType.ENUM_MONTHS,
            ),
            TerminationWindow(
                reason=Why.ENUM_INVOLUNTARY_DEATH,
                period=grant.death_months,
                period_type=PeriodType.ENUM_MONTHS,
            ),
        ]
        comments = [
            f"Minimum exercise: {grant.minimum_exercise_shares:,} shares, or a whole smaller "
            f"installment, or every share then exercisable (paragraph 3).",
            "Exercisable only while the shares are registered under the Securities Act or "
            "exempt (paragraph 4); a post-termination window that falls partly outside "
            "registration runs for as many registered days (paragraph 5(b)(iii)).",
            "A termination for any other reason: the window is extended while an exercise "
            "would bring short-swing liability under section 16(b) (paragraph 5(b)(iv)).",
            approval_comment(grant, "grant"),
            *authorization_comments(grant),
        ]
        ended = termination_comment(grant.optionee, self.on)
        if ended:
            comments.append(
                f"{ended} Exercise deadline as of {self.on:%Y-%m-%d}: "
                f"{grant.deadline_as_of:%Y-%m-%d}."
            )
        return EquityCompensationIssuance(
            id=f"grant-{grant.pk}",
            security_id=f"option-{grant.pk}",
            custom_id=f"OPTION-{grant.pk}",
            stakeholder_id=person_id(grant.optionee_id),
            date=grant.grant_date,
            board_approval_date=grant.authorized_on,
            security_law_exemptions=[],
            stock_plan_id=plan_id(grant.plan_id),
            stock_class_id=COMMON_CLASS_ID,
            compensation_type=(
                CompensationType.ENUM_OPTION_ISO if iso else CompensationType.ENUM_OPTION_NSO
            ),
            option_grant_type=OcfOptionType.ENUM_ISO if iso else OcfOptionType.ENUM_NSO,
            quantity=number(grant.shares),
            exercise_price=money(grant.exercise_price),
            early_exercisable=False,
            vestings=vestings(rows),
            expiration_date=grant.expiration_date,
            termination_exercise_windows=windows,
            comments=comments,
        )

    def exercise(self, grant: OptionGrant, exercise: Exercise) -> Iterator:
        stock = f"exercise-stock-{exercise.pk}"
        paid = (
            f"${exercise.aggregate_price:,} paid by {exercise.get_payment_method_display().lower()}"
        )
        comments = [f"Exercise no. {exercise.sequence} of the grant."]
        if exercise.fair_market_value is not None:
            comments.append(
                f"Fair market value on the exercise date: ${exercise.fair_market_value} a "
                f"share; spread ${exercise.spread:,} (recorded for tax withholding)."
            )
        yield EquityCompensationExercise(
            id=f"exercise-{exercise.pk}",
            security_id=f"option-{grant.pk}",
            date=exercise.exercise_date,
            quantity=number(exercise.shares),
            resulting_security_ids=[stock],
            consideration_text=paid,
            comments=comments,
        )
        # The format requires the stock the exercise results in.
        yield StockIssuance(
            id=f"exercise-issuance-{exercise.pk}",
            security_id=stock,
            custom_id=f"EXERCISE-{exercise.pk}",
            stakeholder_id=person_id(grant.optionee_id),
            date=exercise.exercise_date,
            security_law_exemptions=[],
            stock_class_id=COMMON_CLASS_ID,
            stock_plan_id=plan_id(grant.plan_id),
            share_price=money(grant.exercise_price),
            quantity=number(exercise.shares),
            cost_basis=money(exercise.aggregate_price),
            stock_legend_ids=[],
            consideration_text=paid,
            comments=[f"Shares bought by exercise no. {exercise.sequence} of OPTION-{grant.pk}."],
        )

    def option_forfeiture(self, grant: OptionGrant) -> EquityCompensationCancellation | None:
        """The installments after an end of service known on `on` never vest."""
        if not grant.forfeited:
            return None
        ended = grant.optionee.terminated_on
        assert ended is not None  # only a termination forfeits
        return EquityCompensationCancellation(
            id=f"grant-{grant.pk}-forfeiture",
            security_id=f"option-{grant.pk}",
            date=max(ended, grant.grant_date),
            quantity=number(grant.forfeited),
            reason_text=(
                f"Forfeited at the end of service on {ended:%Y-%m-%d}: the installments "
                f"vesting after it never vest."
            ),
        )

    def option_expiration(self, grant: OptionGrant) -> EquityCompensationCancellation | None:
        """Vested shares not exercised by the deadline known on `on` lapse the day after."""
        left = grant.vested - grant.exercised
        if grant.deadline_as_of >= self.on or left <= 0:
            return None
        why = (
            "the end of the option's term"
            if grant.deadline_as_of == grant.expiration_date
            else "the end of the post-termination exercise window"
        )
        return EquityCompensationCancellation(
            id=f"grant-{grant.pk}-expiration",
            security_id=f"option-{grant.pk}",
            date=grant.deadline_as_of + timedelta(days=1),
            quantity=number(left),
            reason_text=(
                f"Expired: vested shares not exercised by {grant.deadline_as_of:%Y-%m-%d}, "
                f"{why} (paragraph 5)."
            ),
        )
