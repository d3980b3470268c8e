"""The company's records as Open Cap Format 1.2.0 files (issue 18), built with pyocf's
objects, which validate every field as they are made.

The package as of a date D (DOMAIN.md §3): the manifest (the issuer, D, the file list
with each file's MD5), the stakeholders (every person holding a grant or award made by D),
the common stock class, the stock plans and the transactions (reports/ocf_transactions.py).
Every file but the manifest (which says when it was generated) is the same, byte for
byte, in two exports of the same records as of the same date."""

import hashlib
import io
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils import timezone
from pydantic import BaseModel
from pyocf.enums.authorizedshares import AuthorizedShares
from pyocf.enums.stakeholdertype import StakeholderType
from pyocf.enums.stockclasstype import StockClassType
from pyocf.enums.stockplancancellationbehaviortype import StockPlanCancellationBehaviorType
from pyocf.files.ocfmanifestfile import OCFManifestFile
from pyocf.files.stakeholdersfile import StakeholdersFile
from pyocf.files.stockclassesfile import StockClassesFile
from pyocf.files.stockplansfile import StockPlansFile
from pyocf.files.transactionsfile import TransactionsFile
from pyocf.objects.issuer import Issuer as OcfIssuer
from pyocf.objects.stakeholder import Stakeholder
from pyocf.objects.stockclass import StockClass
from pyocf.objects.stockplan import StockPlan as OcfStockPlan
from pyocf.types.file import File
from pyocf.types.name import Name

from grants.models import Issuer, OptionGrant, StockAward, StockPlan

from .ocf_common import COMMON_CLASS_ID, number, person_id, plan_id
from .ocf_json import file_bytes
from .ocf_transactions import Transactions

MANIFEST = "manifest.ocf.json"
STAKEHOLDERS = "stakeholders.ocf.json"
STOCK_CLASSES = "stock_classes.ocf.json"
STOCK_PLANS = "stock_plans.ocf.json"
TRANSACTIONS = "transactions.ocf.json"
# The pyocf file class each file validates against.
FILE_TYPES: dict[str, type[BaseModel]] = {
    MANIFEST: OCFManifestFile,
    STAKEHOLDERS: StakeholdersFile,
    STOCK_CLASSES: StockClassesFile,
    STOCK_PLANS: StockPlansFile,
    TRANSACTIONS: TransactionsFile,
}

NO_ISSUER = (
    "The issuer's legal name, country, state and date of formation are not recorded: the "
    "Open Cap Format requires them. A compensation admin records them at /grants/issuer/."
)


@dataclass
class OcfPackage:
    """The OCF files of the whole company as of `as_of`: file name -> contents."""

    as_of: date
    # Where export_ocf counts the grants and awards as they are read; None: not counted.
    stream: Any = None

    def files(self) -> dict[str, bytes]:
        issuer = Issuer.recorded()
        if issuer is None:
            raise ValidationError(NO_ISSUER)
        transactions = Transactions(self.as_of, stream=self.stream)
        items = transactions.all()
        listed = {"file_type": TransactionsFile.model_fields["file_type"].default, "items": items}
        files = {
            STAKEHOLDERS: file_bytes(StakeholdersFile(items=self.stakeholders(transactions))),
            STOCK_CLASSES: file_bytes(StockClassesFile(items=[self.common_stock(issuer)])),
            STOCK_PLANS: file_bytes(StockPlansFile(items=self.plans())),
            # Each transaction was validated as it was made (ocf_transactions.py).
            TRANSACTIONS: file_bytes(listed),
        }
        return {MANIFEST: self.manifest(issuer, files), **files}

    def file_name(self) -> str:
        return f"ocf-{self.as_of:%Y-%m-%d}.zip"

    def write_zip(self, target) -> None:
        with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, content in self.files().items():
                archive.writestr(name, content)

    def zip_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.write_zip(buffer)
        return buffer.getvalue()

    # --- The files --------------------------------------------------------------------

    def manifest(self, issuer: Issuer, files: Mapping[str, bytes]) -> bytes:
        def listed(name: str) -> list[File]:
            return [File(filepath=name, md5=hashlib.md5(files[name]).hexdigest())]  # noqa: S324 - the format's checksum

        return file_bytes(
            OCFManifestFile(
                issuer=self.issuer(issuer),
                as_of=self.as_of,
                generated_at=timezone.now().isoformat(timespec="seconds"),
                comments=[
                    f"Exported by Tranche: the records as of {self.as_of:%Y-%m-%d} (events dated "
                    f"on or before it; approvals as they stand when exported)."
                ],
                stock_plans_files=listed(STOCK_PLANS),
                stock_legend_templates_files=[],
                stock_classes_files=listed(STOCK_CLASSES),
                vesting_terms_files=[],
                valuations_files=[],
                transactions_files=listed(TRANSACTIONS),
                stakeholders_files=listed(STAKEHOLDERS),
            )
        )

    @staticmethod
    def issuer(issuer: Issuer) -> OcfIssuer:
        comments = []
        if issuer.formation_date_illustrative:
            comments.append(
                "The formation date is illustrative: it is not taken from the company's filings."
            )
        return OcfIssuer(
            id="issuer",
            legal_name=issuer.legal_name,
            formation_date=issuer.formation_date,
            country_of_formation=issuer.country_of_formation,
            country_subdivision_of_formation=issuer.state_of_formation or None,
            comments=comments or None,
        )

    @staticmethod
    def common_stock(issuer: Issuer) -> StockClass:
        authorized = issuer.common_shares_authorized
        comments = ["Votes per share and seniority are not recorded in Tranche: 1 and 1 are shown."]
        if authorized is None:
            comments.append("The authorized shares of common stock are not recorded.")
        return StockClass(
            id=COMMON_CLASS_ID,
            name="Common Stock",
            class_type=StockClassType.ENUM_COMMON,
            default_id_prefix="CS-",
            initial_shares_authorized=(
                AuthorizedShares.ENUM_NOTAPPLICABLE if authorized is None else number(authorized)
            ),
            votes_per_share=number(1),
            seniority=number(1),
            comments=comments,
        )

    def plans(self) -> list[OcfStockPlan]:
        on = self.as_of
        taken: dict[int, int] = {}
        for records in (OptionGrant.objects, StockAward.objects):
            made_by_then = records.filter(grant_date__lte=on).order_by().values("plan")
            for row in made_by_then.annotate(total=Sum("shares")):
                taken[row["plan"]] = taken.get(row["plan"], 0) + row["total"]
        made = []
        for plan in StockPlan.objects.order_by("pk"):
            comments = [
                f"Terms new grants start from: minimum exercise {plan.minimum_exercise_shares:,} "
                f"shares; after the end of service {plan.post_termination_months} months to "
                f"exercise, {plan.disability_months} after disability, {plan.death_months} "
                f"after death.",
                "Shares forfeited at the end of service and vested shares that expire "
                "unexercised return to the reserve.",
            ]
            reserve = plan.shares_reserved
            if reserve is None:
                reserve = taken.get(plan.pk, 0)
                comments.insert(
                    0,
                    f"The plan's reserve is not recorded in Tranche: the shares granted under "
                    f"it by {on:%Y-%m-%d} ({reserve:,}) are shown as its reserve.",
                )
            if plan.notes:
                comments.append(f"Notes: {plan.notes}")
            made.append(
                OcfStockPlan(
                    id=plan_id(plan.pk),
                    plan_name=plan.name,
                    initial_shares_reserved=number(reserve),
                    default_cancellation_behavior=StockPlanCancellationBehaviorType.ENUM_RETURN_TO_POOL,
                    stock_class_ids=[COMMON_CLASS_ID],
                    comments=comments,
                )
            )
        return made

    def stakeholders(self, transactions: Transactions) -> list[Stakeholder]:
        """Every person holding a grant or award made by the date."""
        made = []
        for pk, person in sorted(transactions.people.items()):
            comments = []
            if person.terminated_on is not None and person.terminated_on <= self.as_of:
                reason = person.get_termination_reason_display().lower()
                comments.append(f"Service ended on {person.terminated_on:%Y-%m-%d} ({reason}).")
            made.append(
                Stakeholder(
                    id=person_id(pk),
                    name=Name(legal_name=person.name),
                    stakeholder_type=StakeholderType.ENUM_INDIVIDUAL,
                    comments=comments or None,
                )
            )
        return made
