"""The change log: one row per change to a compensation or equity record, for auditors.

django-simple-history keeps each model's history in its own table; the log indexes them
all in one, with what an auditor searches and reads (whose record it is, who changed it,
the fields before and after) written out when the change is recorded, so that the history
pages read a page of changes in a fixed number of queries (workspace/changes.py).
"""

from django.conf import settings
from django.db import models


class Change(models.Model):
    class Action(models.TextChoices):
        ADDED = "+", "added"
        CHANGED = "~", "changed"
        DELETED = "-", "deleted"

    record_type = models.CharField(max_length=60, help_text='e.g. "grants.exercise"')
    kind = models.CharField(max_length=80, help_text='e.g. "exercise"')
    object_id = models.BigIntegerField()
    history_id = models.BigIntegerField()
    action = models.CharField(max_length=1, choices=Action.choices)
    at = models.DateTimeField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    user_name = models.CharField(max_length=300, blank=True)
    subject = models.CharField(max_length=500, help_text="Whose record, in words.")
    person = models.CharField(max_length=200, blank=True, help_text="The holder or officer.")
    # The record this one belongs to (an exercise's grant), for the owner's history page.
    owner_type = models.CharField(max_length=60, blank=True)
    owner_id = models.BigIntegerField(null=True, blank=True)
    reason = models.TextField(blank=True)
    # [[field, before, after]] for a change; [[field, value]] for an addition or deletion.
    details = models.JSONField(default=list)

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["record_type", "history_id"], name="one_change_per_history_record"
            )
        ]
        indexes = [
            models.Index(fields=["-at", "-id"], name="change_newest_first"),
            models.Index(fields=["record_type", "object_id"], name="change_by_record"),
            models.Index(fields=["owner_type", "owner_id"], name="change_by_owner"),
        ]

    def __str__(self) -> str:
        return f"{self.user_name or '(system)'} {self.get_action_display()} {self.subject}"

    @property
    def model_key(self) -> str:
        """The record type as the history page's address names it ("exercise")."""
        return self.record_type.partition(".")[2]

    @property
    def is_change(self) -> bool:
        return self.action == self.Action.CHANGED


class PendingImport(models.Model):
    """A file uploaded to /imports/ and previewed, kept until its uploader imports it (or
    for PENDING_IMPORT_HOURS), so that "Import" saves what was previewed without a second
    upload."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20)
    filename = models.CharField(max_length=255)
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.kind}), uploaded {self.created_at:%Y-%m-%d %H:%M}"
