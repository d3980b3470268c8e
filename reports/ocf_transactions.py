"""The Open Cap Format transactions of option grants and restricted stock, as of a date
(issue 18; DOMAIN.md §3): what the records dated on or before the date make true.

Each object's id is derived from the record it comes from ("grant-12", "exercise-40"),
so two exports of the same records carry the same ids. Rules the format has no field for
are written into the objects' comments."""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from decimal import Decimal
from itertools import islice
from typing import NamedTuple

from django.db.models import OuterRef, Subquery
from pyocf.enums.compensationtype import CompensationType
from pyocf.enums.optiontype import OptionType as OcfOptionType
from pyocf.enums.periodtype import PeriodType
from pyocf.enums.stockissuancetype import StockIssuanceType
from pyocf.enums.terminationwindowtype import TerminationWindowType as Why
from pyocf.objects.transactions.cancellation.equitycompensationcancellation import (
    EquityCompensationCancellation,
)
from pyocf.objects.transactions.cancellation.stockcancellation import StockCancellation
from pyocf.objects.transactions.exercise.equitycompensationexercise import (
    EquityCompensationExercise,
)
from pyocf.objects.transactions.issuance.equitycompensationissuance import (
    EquityCompensationIssuance,
)
from pyocf.objects.transactions.issuance.stockissuance import StockIssuance
from pyocf.objects.transactions.release.equitycompensationrelease import (
    EquityCompensationRelease,
)
from pyocf.types.monetary import Monetary
from pyocf.types.terminationwindow import TerminationWindow
from pyocf.types.vesting import Vesting

from compensation.models import Person
from grants.models import (
    AwardInstallment,
    AwardType,
    AwardVesting,
    Exercise,
    OptionGrant,
    OptionType,
    StockAward,
    StockPrice,
    VestingInstallment,
)

from .ocf_json import dump

COMMON_CLASS_ID = "stock-class-common"
CURRENCY = "USD"
# Terminations for "any other reason" (Person.TerminationReason.OTHER) share one window.
OTHER_REASONS = (
    Why.ENUM_VOLUNTARY_OTHER,
    Why.ENUM_VOLUNTARY_GOOD_CAUSE,
    Why.ENUM_VOLUNTARY_RETIREMENT,
    Why.ENUM_INVOLUNTARY_OTHER,
    Why.ENUM_INVOLUNTARY_WITH_CAUSE,
)


CHUNK = 2000
Rows = list[tuple[date, int]]


class Confirmed(NamedTuple):
    """A confirmed vesting of an award, with the closing price its value uses (the price
    on the vest date or the latest before it; None when none is recorded by then)."""

    pk: int
    vest_date: date
    shares: int
    shares_withheld: int
    closing_price: Decimal | None
    closing_date: date | None


def chunks(records: Iterable, size: int = CHUNK) -> Iterator[list]:
    iterator = iter(records)
    while chunk := list(islice(iterator, size)):
        yield chunk


def person_id(pk: int) -> str:
    return f"person-{pk}"


def plan_id(pk: int) -> str:
    return f"plan-{pk}"


def money(amount: Decimal | int) -> Monetary:
    return Monetary(amount=number(amount), currency=CURRENCY)


def number(value: Decimal | int) -> Decimal:
    """A figure as the format's Numeric: a plain decimal, never an exponent (1E+6)."""
    return Decimal(format(Decimal(value), "f"))


def vestings(rows) -> list[Vesting]:
    return [Vesting(date=day, amount=number(shares)) for day, shares in rows]


def approval_comment(record, noun: str) -> str:
    if record.approved_at is None:
        return (
            f"The compensation committee has not yet approved the board authorization of "
            f"this {noun}."
        )
    return (
        f"The compensation committee approved the board authorization of this {noun} on "
        f"{record.approved_at:%Y-%m-%d}."
    )


def authorization_comments(record) -> list[str]:
    comments = []
    if record.authorized_by:
        signed = f" on {record.authorized_on:%Y-%m-%d}" if record.authorized_on else ""
        comments.append(f"Authorized for the Board of Directors by {record.authorized_by}{signed}.")
    if record.notes:
        comments.append(f"Notes: {record.notes}")
    return comments


def termination_comment(person: Person, on: date) -> str | None:
    if person.terminated_on is None or person.terminated_on > on:
        return None
    reason = Person.TerminationReason(person.termination_reason).label.lower()
    return f"Service ended on {person.terminated_on:%Y-%m-%d} (reason: {reason})."


class Transactions:
    """The transactions as of `on`, in date order; `people` collects every holder."""

    def __init__(self, on: date):
        self.on = on
        self.people: dict[int, Person] = {}

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
            exercises = Exercise.objects.filter(grant_id__in=pks, exercise_date__lte=self.on)
            for exercise in exercises.order_by("grant_id", "sequence"):
                exercised[exercise.grant_id].append(exercise)
            for grant in chunk:
                yield grant, rows[grant.pk], exercised[grant.pk]

    def option_transactions(self) -> Iterator:
        for grant, rows, exercises in self.grants():
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

    # --- Restricted stock --------------------------------------------------------------

    def awards(self) -> Iterator[tuple[StockAward, Rows, list[Confirmed]]]:
        """Each award made by `on` with its totals as of `on`, its installments and its
        vestings confirmed by `on` (with the closing price each used)."""
        price = StockPrice.objects.filter(date__lte=OuterRef("vest_date")).order_by("-date")
        awards = (
            StockAward.objects.filter(grant_date__lte=self.on)
            .with_vesting_totals(self.on)
            .select_related("recipient")
            .order_by("pk")
        )
        for chunk in chunks(awards.iterator(chunk_size=CHUNK)):
            pks = [award.pk for award in chunk]
            rows: dict[int, Rows] = defaultdict(list)
            installments = AwardInstallment.objects.filter(award_id__in=pks)
            for award_id, day, shares in installments.order_by("award_id", "vest_date").values_list(
                "award_id", "vest_date", "shares"
            ):
                rows[award_id].append((day, shares))
            confirmed: dict[int, list[Confirmed]] = defaultdict(list)
            vestings = AwardVesting.objects.filter(award_id__in=pks, vest_date__lte=self.on)
            for award_id, *fields in (
                vestings.annotate(
                    closing_price=Subquery(price.values("price")[:1]),
                    closing_date=Subquery(price.values("date")[:1]),
                )
                .order_by("award_id", "vest_date")
                .values_list(
                    "award_id",
                    "pk",
                    "vest_date",
                    "shares",
                    "shares_withheld",
                    "closing_price",
                    "closing_date",
                )
            ):
                confirmed[award_id].append(Confirmed(*fields))
            for award in chunk:
                yield award, rows[award.pk], confirmed[award.pk]

    def award_transactions(self) -> Iterator:
        for award, rows, confirmed in self.awards():
            self.people[award.recipient_id] = award.recipient
            if award.award_type == AwardType.RSU:
                yield self.rsu_issuance(award, rows)
                for vesting in confirmed:
                    yield from self.release(award, vesting)
            else:
                yield self.rsa_issuance(award, rows, confirmed)
            if award.forfeited:
                yield self.award_forfeiture(award)

    def award_comments(self, award: StockAward) -> list[str]:
        comments = [approval_comment(award, "award"), *authorization_comments(award)]
        if award.withholding_rate is not None:
            comments.append(
                f"Shares withheld for taxes at each vesting: {award.withholding_rate * 100:g}%, "
                f"rounded up to whole shares."
            )
        ended = termination_comment(award.recipient, self.on)
        if ended:
            comments.append(f"{ended} The installments vesting after it are forfeited.")
        return comments

    def rsu_issuance(self, award: StockAward, rows: Rows) -> EquityCompensationIssuance:
        comments = self.award_comments(award)
        if award.purchase_price:
            comments.append(f"Purchase price: ${award.purchase_price} a unit.")
        return EquityCompensationIssuance(
            id=f"award-{award.pk}",
            security_id=f"rsu-{award.pk}",
            custom_id=f"RSU-{award.pk}",
            stakeholder_id=person_id(award.recipient_id),
            date=award.grant_date,
            board_approval_date=award.authorized_on,
            security_law_exemptions=[],
            stock_plan_id=plan_id(award.plan_id),
            stock_class_id=COMMON_CLASS_ID,
            compensation_type=CompensationType.ENUM_RSU,
            quantity=number(award.shares),
            vestings=vestings(rows),
            expiration_date=None,
            termination_exercise_windows=[],
            comments=comments,
        )

    def release(self, award: StockAward, vesting: Confirmed) -> Iterator:
        """A confirmed vesting of units: the shares delivered, less those withheld."""
        stock = f"release-stock-{vesting.pk}"
        comments = [
            f"{vesting.shares_withheld:,} of the {vesting.shares:,} shares withheld for taxes."
        ]
        if vesting.closing_price is None:
            price = award.purchase_price
            comments.append(
                "No closing price is recorded on or before the vest date: the release price "
                "is the award's purchase price."
            )
        else:
            price = vesting.closing_price
            if vesting.closing_date != vesting.vest_date:
                comments.append(
                    f"Release price: the closing price of {vesting.closing_date:%Y-%m-%d}."
                )
        yield EquityCompensationRelease(
            id=f"release-{vesting.pk}",
            security_id=f"rsu-{award.pk}",
            date=vesting.vest_date,
            settlement_date=vesting.vest_date,
            quantity=number(vesting.shares),
            release_price=money(price),
            resulting_security_ids=[stock],
            comments=comments,
        )
        yield StockIssuance(
            id=f"release-issuance-{vesting.pk}",
            security_id=stock,
            custom_id=f"RELEASE-{vesting.pk}",
            stakeholder_id=person_id(award.recipient_id),
            date=vesting.vest_date,
            security_law_exemptions=[],
            stock_class_id=COMMON_CLASS_ID,
            stock_plan_id=plan_id(award.plan_id),
            share_price=money(price),
            quantity=number(vesting.shares - vesting.shares_withheld),
            stock_legend_ids=[],
            comments=[f"Net shares delivered on the vesting of RSU-{award.pk}."],
        )

    def rsa_issuance(
        self, award: StockAward, rows: Rows, confirmed: list[Confirmed]
    ) -> StockIssuance:
        """A restricted stock award, as the format models one: a stock issuance with its
        vestings."""
        comments = self.award_comments(award)
        comments.append(f"83(b) election: {award.get_election_83b_display().lower()}.")
        if award.election_83b_on:
            comments[-1] = f"83(b) election filed on {award.election_83b_on:%Y-%m-%d}."
        for vesting in confirmed:
            comments.append(
                f"Vesting of {vesting.shares:,} shares on {vesting.vest_date:%Y-%m-%d} "
                f"confirmed; {vesting.shares_withheld:,} withheld for taxes."
            )
        return StockIssuance(
            id=f"award-{award.pk}",
            security_id=f"rsa-{award.pk}",
            custom_id=f"RSA-{award.pk}",
            stakeholder_id=person_id(award.recipient_id),
            date=award.grant_date,
            board_approval_date=award.authorized_on,
            security_law_exemptions=[],
            stock_class_id=COMMON_CLASS_ID,
            stock_plan_id=plan_id(award.plan_id),
            share_price=money(award.purchase_price),
            quantity=number(award.shares),
            vestings=vestings(rows),
            stock_legend_ids=[],
            issuance_type=StockIssuanceType.ENUM_RSA,
            comments=comments,
        )

    def award_forfeiture(self, award: StockAward):
        ended = award.recipient.terminated_on
        assert ended is not None  # only a termination forfeits
        kind = (
            EquityCompensationCancellation
            if award.award_type == AwardType.RSU
            else StockCancellation
        )
        prefix = "rsu" if award.award_type == AwardType.RSU else "rsa"
        return kind(
            id=f"award-{award.pk}-forfeiture",
            security_id=f"{prefix}-{award.pk}",
            date=max(ended, award.grant_date),
            quantity=number(award.forfeited),
            reason_text=(
                f"Forfeited at the end of service on {ended:%Y-%m-%d}: the installments "
                f"vesting after it never vest."
            ),
        )
