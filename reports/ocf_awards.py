"""The Open Cap Format transactions of restricted stock awards and units as of a date
(issue 18; DOMAIN.md §4): part of reports.ocf_transactions.Transactions."""

from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

from django.db.models import OuterRef, Subquery
from pyocf.enums.compensationtype import CompensationType
from pyocf.enums.stockissuancetype import StockIssuanceType
from pyocf.objects.transactions.cancellation.equitycompensationcancellation import (
    EquityCompensationCancellation,
)
from pyocf.objects.transactions.cancellation.stockcancellation import StockCancellation
from pyocf.objects.transactions.issuance.equitycompensationissuance import (
    EquityCompensationIssuance,
)
from pyocf.objects.transactions.issuance.stockissuance import StockIssuance
from pyocf.objects.transactions.release.equitycompensationrelease import (
    EquityCompensationRelease,
)

from compensation.models import Person
from grants.models import (
    AwardInstallment,
    AwardType,
    AwardVesting,
    StockAward,
    StockPrice,
)

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


class Confirmed(NamedTuple):
    """A confirmed vesting of an award, with the closing price its value uses (the price
    on the vest date or the latest before it; None when none is recorded by then)."""

    pk: int
    vest_date: date
    shares: int
    shares_withheld: int
    closing_price: Decimal | None
    closing_date: date | None


class AwardTransactions:
    """Restricted stock as of `on`; `people` collects every holder."""

    on: date
    people: dict[int, Person]
    stream: Any  # where the awards are counted as they are read (export_ocf), or None

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
        made = StockAward.objects.filter(grant_date__lte=self.on)
        for award, rows, confirmed in counted(self.awards(), made.count, "awards", self.stream):
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
