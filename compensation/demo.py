"""The demo data: the facts of Exhibit 10.26, Executive Officers' Compensation for 2006
(Valence Technology, Inc.). Names, titles and amounts are the exhibit's, to the letter."""

from datetime import datetime, time
from decimal import Decimal

from django.utils import timezone

from core import fiscal

EMPLOYMENT_AGREEMENT_FOOTNOTE = (
    "Please refer to the employment agreements of these executive officers, each of which "
    "has been filed with the Securities and Exchange Commission, for the other terms and "
    "conditions of their employment."
)
SALARY_YEAR = 2006
BONUS_YEAR = 2004
# The exhibit states no meeting date. Salaries "effective for 2006" were approved by the
# year's first day, so the demo dates their approval then; a bonus "awarded for 2004" is
# decided once the year is over, so the 2004 bonuses are dated on the first day of fiscal
# 2005. Never the day the demo is loaded: the roster of 2006 would then say the salaries
# were approved twenty years late.
SALARY_APPROVAL_MEETING = (
    "Compensation Committee meeting setting the base salaries effective for 2006 "
    "(Exhibit 10.26; the exhibit gives no date: dated the first day of fiscal 2006)"
)
BONUS_APPROVAL_MEETING = (
    "Compensation Committee meeting awarding the 2004 bonuses "
    "(Exhibit 10.26; the exhibit gives no date: dated the first day of fiscal 2005)"
)

# name, title, 2006 base salary, 2004 bonus (None: "n/a"), carries footnote (1)
OFFICERS = [
    (
        "James R. Akridge",
        "Chief Executive Officer and President",
        Decimal("250000"),
        Decimal("95625"),
        True,
    ),
    (
        "Dean Bogues",
        "President of the Americas and Europe",
        Decimal("200000"),
        Decimal("120000"),
        True,
    ),
    ("Dr. ChunTai Guo", "President of Asia-Pacific Operations", Decimal("200000"), None, True),
    (
        "Thomas F. Mezger",
        "Chief Financial Officer and Assistant Secretary",
        Decimal("185000"),
        None,
        True,
    ),
    (
        "Roger A. Williams",
        "General Counsel and Assistant Secretary",
        Decimal("180000"),
        None,
        False,
    ),
]

# Item 402's principal executive and financial officers for 2006, from the exhibit's titles
# (DOMAIN.md §6 marks them on the yearly record, never guesses them from a title at run time).
PRINCIPAL_OFFICERS_2006 = {
    "James R. Akridge": "is_peo",  # Chief Executive Officer and President
    "Thomas F. Mezger": "is_pfo",  # Chief Financial Officer and Assistant Secretary
}


def principal_officer_flags(name: str, fiscal_year: int) -> dict[str, bool]:
    """The PEO / PFO marks of the demo officer's record for the year."""
    if fiscal_year != SALARY_YEAR or name not in PRINCIPAL_OFFICERS_2006:
        return {}
    return {PRINCIPAL_OFFICERS_2006[name]: True}


def approval_time(fiscal_year: int) -> datetime:
    """The start of the first day of a fiscal year, in the site's time zone."""
    return timezone.make_aware(datetime.combine(fiscal.year_start(fiscal_year), time.min))


def salary_approved_at() -> datetime:
    return approval_time(SALARY_YEAR)


def bonus_approved_at() -> datetime:
    return approval_time(BONUS_YEAR + 1)
