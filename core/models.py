from django.conf import settings
from django.db import models


class Submission(models.Model):
    """A create form submitted once: its one-time token, claimed in the same transaction
    as the record it creates, so a double click or a resent request creates nothing
    more (core/submissions.py)."""

    token = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.token} ({self.submitted_at:%Y-%m-%d %H:%M})"


class DataVersion(models.Model):
    """One row (id 1) whose token the database replaces on every write to the company's
    data (core/data_version.py), so figures kept under it are dropped as soon as anything
    they were computed from changes."""

    id = models.PositiveSmallIntegerField(primary_key=True)
    token = models.CharField(max_length=64)

    def __str__(self) -> str:
        return self.token
