"""Approving several proposals at one committee meeting: all of them or none.

The approvals page sends the chosen salary proposals, bonus proposals, grants and awards
with the meeting's name. Every chosen row is locked first (select_for_update), so that a
proposal approved meanwhile by someone else is found and named, and nothing is approved
unless everything chosen can be."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from compensation.approval import BonusStatus, SalaryStatus, clean_meeting
from compensation.models import OfficerYear
from grants.models import OptionGrant, StockAward

# More than a page of the queue holds: a longer list is not a form this page sent.
MOST_AT_ONCE = 500
PERMISSIONS = {
    "salary": "compensation.approve_officeryear",
    "bonus": "compensation.approve_officeryear",
    "grant": "grants.approve_optiongrant",
    "award": "grants.approve_stockaward",
}


@dataclass
class Selection:
    """The primary keys chosen on the page, by kind."""

    salary: list[int] = field(default_factory=list)
    bonus: list[int] = field(default_factory=list)
    grant: list[int] = field(default_factory=list)
    award: list[int] = field(default_factory=list)

    @classmethod
    def from_post(cls, data) -> "Selection":
        chosen = cls()
        for kind in PERMISSIONS:
            values = data.getlist(kind)
            if len(values) > MOST_AT_ONCE:
                raise ValidationError(f"At most {MOST_AT_ONCE} proposals can be approved at once.")
            # Ids are whole numbers a database key holds; anything else was not sent by the page.
            ids = {int(v) for v in values if v.isascii() and v.isdigit() and len(v) < 19}
            setattr(chosen, kind, sorted(ids))
        return chosen

    def count(self) -> int:
        return len(self.salary) + len(self.bonus) + len(self.grant) + len(self.award)

    def check_permissions(self, user) -> None:
        for kind, perm in PERMISSIONS.items():
            if getattr(self, kind) and not user.has_perm(perm):
                raise PermissionDenied


def approve_selected(*, by, meeting: str, chosen: Selection) -> int:
    """Approve everything chosen at `meeting`, or nothing: raises ValidationError naming
    every proposal that cannot be approved (gone, already approved, no longer
    approvable). Returns how many were approved."""
    try:
        meeting = clean_meeting(meeting, "meeting")
    except ValidationError as error:
        raise ValidationError(
            ["Nothing was approved: " + m for m in error.message_dict["meeting"]]
        ) from None
    if not chosen.count():
        raise ValidationError("Nothing was approved: select at least one proposal.")
    problems: list[str] = []
    with transaction.atomic():
        records = {
            r.pk: r
            for r in OfficerYear.objects.select_for_update(of=("self",))
            .select_related("person")
            .filter(pk__in={*chosen.salary, *chosen.bonus})
            .order_by("pk")  # locked in one order: two approvals never deadlock
        }
        grants = {
            g.pk: g
            for g in OptionGrant.objects.select_for_update(of=("self",))
            .select_related("optionee")
            .filter(pk__in=chosen.grant)
            .order_by("pk")  # locked in one order: two approvals never deadlock
        }
        awards = {
            a.pk: a
            for a in StockAward.objects.select_for_update(of=("self",))
            .select_related("recipient")
            .filter(pk__in=chosen.award)
            .order_by("pk")  # locked in one order: two approvals never deadlock
        }
        for pk in chosen.salary:
            record = records.get(pk)
            if record is None:
                problems.append("a salary proposal no longer on record")
            elif record.status != SalaryStatus.PROPOSED:
                problems.append(f"{record}: the salary was already approved (by someone else)")
        for pk in chosen.bonus:
            record = records.get(pk)
            if record is None:
                problems.append("a bonus proposal no longer on record")
            elif record.bonus_status == BonusStatus.APPROVED:
                problems.append(f"{record}: the bonus was already approved (by someone else)")
            elif record.bonus_status != BonusStatus.PROPOSED:
                problems.append(f'{record}: the bonus is now "n/a"; there is nothing to approve')
        for pk in chosen.grant:
            grant = grants.get(pk)
            if grant is None:
                problems.append("a grant no longer on record")
            elif grant.approved_at is not None:
                problems.append(f"{grant}: already approved (by someone else)")
        for pk in chosen.award:
            award = awards.get(pk)
            if award is None:
                problems.append("an award no longer on record")
            elif award.approved_at is not None:
                problems.append(f"{award}: already approved (by someone else)")
        if not problems:
            approvals: list[Callable[..., None]] = [records[pk].approve for pk in chosen.salary]
            approvals += [records[pk].approve_bonus for pk in chosen.bonus]
            approvals += [grants[pk].approve for pk in chosen.grant]
            approvals += [awards[pk].approve for pk in chosen.award]
            for approve in approvals:
                try:
                    approve(by=by, meeting=meeting)
                except ValidationError as error:
                    problems.extend(error.messages)
        if problems:
            # Raised inside the transaction: whatever was approved above is undone.
            raise ValidationError(
                "Nothing was approved: "
                + "; ".join(problems)
                + ". Refresh the list and choose again."
            )
    return chosen.count()
