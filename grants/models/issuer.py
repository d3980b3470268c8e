"""The company itself: the facts of its formation that the Open Cap Format export needs
(issue 18) and nothing else in the app reads. One record."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q

from core.dates import validate_date_in_range
from core.history import TrackedHistory

# The one row's key: the table holds at most one issuer.
ISSUER_PK = 1


class Issuer(models.Model):
    """The issuer of the shares the plans grant: its legal name, where and when it was
    formed, and its common stock's authorized shares when recorded."""

    legal_name = models.CharField(max_length=200)
    country_of_formation = models.CharField(
        max_length=2,
        default="US",
        validators=[
            RegexValidator(
                r"^[A-Z]{2}\Z",
                "Enter the country as its two-letter ISO 3166-1 code in capitals, e.g. US.",
            )
        ],
        help_text="Two-letter ISO 3166-1 code, e.g. US.",
    )
    state_of_formation = models.CharField(
        "state or province of formation",
        max_length=3,
        blank=True,
        validators=[
            RegexValidator(
                r"^[A-Z0-9]{1,3}\Z",
                "Enter the state as the code after the country in ISO 3166-2, in capitals, "
                "e.g. DE for Delaware (US-DE).",
            )
        ],
        help_text="The ISO 3166-2 code after the country, e.g. DE for Delaware.",
    )
    formation_date = models.DateField(validators=[validate_date_in_range])
    formation_date_illustrative = models.BooleanField(
        "formation date is illustrative",
        default=False,
        help_text="Checked: the date is a stand-in, not taken from the company's filings; "
        "the export says so.",
    )
    common_shares_authorized = models.PositiveBigIntegerField(
        null=True,
        blank=True,
        validators=[
            MinValueValidator(1, "Enter at least one share, or leave it empty."),
            MaxValueValidator(10**15, "Enter at most 1,000,000,000,000,000 shares."),
        ],
        help_text="Shares of common stock the charter authorizes. Empty: not recorded "
        '(exported as "NOT APPLICABLE").',
    )
    history = TrackedHistory()

    class Meta:
        verbose_name = "issuer"
        constraints = [
            models.CheckConstraint(
                condition=Q(id=ISSUER_PK),
                name="issuer_one_record",
                violation_error_message="The company is recorded once: edit its record.",
            ),
        ]

    def __str__(self) -> str:
        return self.legal_name

    def save(self, *args, **kwargs) -> None:
        self.pk = ISSUER_PK
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.country_of_formation == "US" and not self.state_of_formation:
            raise ValidationError(
                {"state_of_formation": "A company formed in the United States has a state."}
            )

    @classmethod
    def recorded(cls) -> "Issuer | None":
        return cls.objects.filter(pk=ISSUER_PK).first()
