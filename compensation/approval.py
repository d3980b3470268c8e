"""The committee's approvals of an officer's yearly record (DOMAIN.md §1 and §3).

The salary (with the title and the other terms of the record) and the bonus are approved
apart: a bonus decided after the year's salary was approved is proposed and approved on
its own, and never returns the approved salary to "Proposed". The committee may also
return a proposal to the admins with a comment; the proposal stays proposed, and the
comment stays on the record until the proposal is changed or approved.
"""

from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

MEETING_LENGTH = 200
COMMENT_LENGTH = 1000


class SalaryStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    APPROVED = "approved", "Approved"


class BonusStatus(models.TextChoices):
    # An empty bonus ("n/a": none awarded or not eligible) has nothing to approve.
    NONE = "none", "n/a"
    PROPOSED = "proposed", "Proposed"
    APPROVED = "approved", "Approved"


class Part(models.TextChoices):
    """Which proposal of a record an approval or a return is about."""

    SALARY = "salary", "Salary"
    BONUS = "bonus", "Bonus"


def clean_meeting(meeting: str, field: str) -> str:
    meeting = " ".join(str(meeting or "").split())
    if not meeting:
        raise ValidationError({field: "Name the meeting that approved it."})
    if len(meeting) > MEETING_LENGTH:
        raise ValidationError(
            {field: f"The meeting's name can be at most {MEETING_LENGTH} characters."}
        )
    if "\x00" in meeting:
        raise ValidationError({field: "Null characters are not allowed."})
    return meeting


def _user_field() -> models.ForeignKey:
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )


class BonusApproval(models.Model):
    """Part of OfficerYear: the bonus's own approval and the committee's returns with a
    comment. save() keeps the bonus status in step with the bonus: "n/a" has nothing to
    approve, and a bonus entered where there was none is a proposal."""

    bonus_status = models.CharField(
        max_length=10, choices=BonusStatus.choices, default=BonusStatus.NONE, editable=False
    )
    bonus_approved_by = _user_field()
    bonus_approved_at = models.DateTimeField(null=True, blank=True, editable=False)
    bonus_approval_meeting = models.CharField(
        max_length=MEETING_LENGTH,
        blank=True,
        editable=False,
        help_text="The committee meeting that approved the bonus.",
    )
    # The committee's comment on a salary proposal it sent back, and on a bonus proposal.
    returned_comment = models.TextField(blank=True, editable=False)
    returned_by = _user_field()
    returned_at = models.DateTimeField(null=True, blank=True, editable=False)
    bonus_returned_comment = models.TextField(blank=True, editable=False)
    bonus_returned_by = _user_field()
    bonus_returned_at = models.DateTimeField(null=True, blank=True, editable=False)

    if TYPE_CHECKING:  # provided by OfficerYear
        pk: Any
        bonus: Any
        status: str
        approved_by: Any
        approved_at: Any
        approval_meeting: str
        _change_reason: str
        _default_manager: ClassVar[models.Manager]
        SALARY_FIELDS: tuple[str, ...]

        def refresh_from_db(self, *args, **kwargs) -> None: ...

    class Meta:
        abstract = True

    # --- Kept in step on every save ----------------------------------------------------

    def sync_bonus_status(self, stored: dict | None) -> None:
        """The bonus status follows the bonus: none for "n/a"; a bonus entered where there
        was none is proposed. A record entered already approved (restored, or the demo's
        exhibit) carries its bonus approved with it, by the same meeting. A proposal
        that changes loses the committee's comment on it: the admins have acted on it."""
        if self.bonus is None:
            self.bonus_status = BonusStatus.NONE
            self.bonus_approved_by, self.bonus_approved_at = None, None
            self.bonus_approval_meeting = ""
        elif self.bonus_status == BonusStatus.NONE:
            if self.pk is None and self.status == SalaryStatus.APPROVED:
                self.bonus_status = BonusStatus.APPROVED
                self.bonus_approved_by = self.approved_by
                self.bonus_approved_at = self.approved_at
                self.bonus_approval_meeting = self.approval_meeting
            else:
                self.bonus_status = BonusStatus.PROPOSED
        if stored is None:
            return
        if self.returned_comment and any(stored[f] != getattr(self, f) for f in self.SALARY_FIELDS):
            self.returned_comment, self.returned_by, self.returned_at = "", None, None
        if self.bonus_returned_comment and stored["bonus"] != self.bonus:
            self._clear_bonus_return()

    def _clear_bonus_return(self) -> None:
        self.bonus_returned_comment, self.bonus_returned_by = "", None
        self.bonus_returned_at = None

    # --- The committee's actions -------------------------------------------------------

    def _locked(self):
        return type(self)._default_manager.select_for_update().get(pk=self.pk)

    def approve(self, *, by, meeting: str, at=None) -> None:
        """Make the proposed salary, title and terms of the record effective, naming the
        meeting. Only a proposal can be approved, once. The bonus is approved apart."""
        meeting = clean_meeting(meeting, "approval_meeting")
        with transaction.atomic():
            # Lock the row: two committee members clicking at once approve it once.
            current = self._locked()
            if current.status != SalaryStatus.PROPOSED:
                raise ValidationError(f"{self}: the salary is already approved.")
            current.status = SalaryStatus.APPROVED
            current.approved_by = by
            current.approved_at = at or timezone.now()
            current.approval_meeting = meeting
            current.returned_comment, current.returned_by, current.returned_at = "", None, None
            current._change_reason = f"Approved at {meeting}"
            current.save(
                update_fields=[
                    "status",
                    "approved_by",
                    "approved_at",
                    "approval_meeting",
                    "returned_comment",
                    "returned_by",
                    "returned_at",
                ]
            )
        self.refresh_from_db()

    def approve_bonus(self, *, by, meeting: str, at=None) -> None:
        """Make the proposed bonus effective, naming the meeting; the salary's approval
        is its own."""
        meeting = clean_meeting(meeting, "bonus_approval_meeting")
        with transaction.atomic():
            current = self._locked()
            if current.bonus_status == BonusStatus.NONE:
                raise ValidationError(f'{self}: the bonus is "n/a"; there is nothing to approve.')
            if current.bonus_status == BonusStatus.APPROVED:
                raise ValidationError(f"{self}: the bonus is already approved.")
            current.bonus_status = BonusStatus.APPROVED
            current.bonus_approved_by = by
            current.bonus_approved_at = at or timezone.now()
            current.bonus_approval_meeting = meeting
            current._clear_bonus_return()
            current._change_reason = f"Bonus approved at {meeting}"
            current.save(
                update_fields=[
                    "bonus_status",
                    "bonus_approved_by",
                    "bonus_approved_at",
                    "bonus_approval_meeting",
                    "bonus_returned_comment",
                    "bonus_returned_by",
                    "bonus_returned_at",
                ]
            )
        self.refresh_from_db()

    def return_proposal(self, *, by, part: str, comment: str) -> None:
        """The committee sends a proposal (the salary or the bonus) back to the admins
        with a comment: it stays proposed, and the comment stays on the record until the
        proposal is changed or approved. The change history keeps the comment too."""
        comment = str(comment or "").strip()
        if not comment:
            raise ValidationError({"comment": "Say what the admins should change."})
        if len(comment) > COMMENT_LENGTH:
            raise ValidationError(
                {"comment": f"The comment can be at most {COMMENT_LENGTH:,} characters."}
            )
        if "\x00" in comment:
            raise ValidationError({"comment": "Null characters are not allowed."})
        with transaction.atomic():
            current = self._locked()
            now = timezone.now()
            if part == Part.BONUS:
                if current.bonus_status != BonusStatus.PROPOSED:
                    raise ValidationError(f"{self}: the bonus is not a proposal.")
                current.bonus_returned_comment = comment
                current.bonus_returned_by, current.bonus_returned_at = by, now
                fields = ["bonus_returned_comment", "bonus_returned_by", "bonus_returned_at"]
            elif part == Part.SALARY:
                if current.status != SalaryStatus.PROPOSED:
                    raise ValidationError(f"{self}: the salary is not a proposal.")
                current.returned_comment = comment
                current.returned_by, current.returned_at = by, now
                fields = ["returned_comment", "returned_by", "returned_at"]
            else:
                raise ValidationError("Choose the salary or the bonus.")
            current._change_reason = f"{Part(part).label} returned by {by}: {comment}"
            current.save(update_fields=fields)
        self.refresh_from_db()

    # --- The admins reopen an approved part -----------------------------------------------

    def return_to_proposed(self, *, by, reason: str) -> None:
        """Reopen an approved salary for changes; the history records who and why. The
        bonus keeps its own approval."""
        reason = _reason(reason)
        with transaction.atomic():
            current = self._locked()
            if current.status != SalaryStatus.APPROVED:
                raise ValidationError(f"{self}: the salary is not approved.")
            current.status = SalaryStatus.PROPOSED
            current.approved_by, current.approved_at, current.approval_meeting = None, None, ""
            current._change_reason = f"Returned to proposed by {by}: {reason}"
            current.save(update_fields=["status", "approved_by", "approved_at", "approval_meeting"])
        self.refresh_from_db()

    def return_bonus_to_proposed(self, *, by, reason: str) -> None:
        """Reopen an approved bonus for changes; the salary keeps its approval."""
        reason = _reason(reason)
        with transaction.atomic():
            current = self._locked()
            if current.bonus_status != BonusStatus.APPROVED:
                raise ValidationError(f"{self}: the bonus is not approved.")
            current.bonus_status = BonusStatus.PROPOSED
            current.bonus_approved_by, current.bonus_approved_at = None, None
            current.bonus_approval_meeting = ""
            current._change_reason = f"Bonus returned to proposed by {by}: {reason}"
            current.save(
                update_fields=[
                    "bonus_status",
                    "bonus_approved_by",
                    "bonus_approved_at",
                    "bonus_approval_meeting",
                ]
            )
        self.refresh_from_db()

    @property
    def is_bonus_approved(self) -> bool:
        return self.bonus_status == BonusStatus.APPROVED

    @property
    def is_bonus_proposed(self) -> bool:
        return self.bonus_status == BonusStatus.PROPOSED


def _reason(reason: str) -> str:
    reason = str(reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the approved record is reopened."})
    return reason
