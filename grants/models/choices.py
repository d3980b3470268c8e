"""Kinds and statuses of restricted stock (DOMAIN.md §4)."""

from django.db import models

# Section 83(b): the election is filed within 30 days after the grant.
ELECTION_DAYS = 30


class AwardType(models.TextChoices):
    RSA = "RSA", "Restricted stock award"
    RSU = "RSU", "Restricted stock unit"


class Election83b(models.TextChoices):
    NOT_ELECTING = "none", "Not electing"
    INTENDS = "intends", "Intends to elect"
    FILED = "filed", "Filed"
