"""The company's fiscal year (DOMAIN.md §6).

The fiscal year-end is a setting, FISCAL_YEAR_END ("MM-DD", December 31 unless set; from
the environment variable TRANCHE_FISCAL_YEAR_END). Fiscal year Y is the year that ends in
calendar year Y: with a June 30 year-end, fiscal 2006 runs from July 1, 2005 to June 30,
2006. Every default date, every "fiscal year Y" and every Item 402 table goes through here.
"""

from datetime import date, timedelta

from django.conf import settings
from django.core.checks import Error, register

# A year-end every year has: February 29 would move in three years out of four.
_SAMPLE_YEAR = 2001


def parse_year_end(text: str) -> tuple[int, int]:
    """("MM-DD") -> (month, day); ValueError with a message saying what is wrong."""
    month_text, _, day_text = text.strip().partition("-")
    try:
        month, day = int(month_text), int(day_text)
        date(_SAMPLE_YEAR, month, day)
    except ValueError:
        raise ValueError(
            f"The fiscal year-end {text!r} is not a month and day such as 12-31 or 06-30 "
            "(February 29 is not allowed: most years have none)."
        ) from None
    return month, day


def year_end_month_day() -> tuple[int, int]:
    return parse_year_end(getattr(settings, "FISCAL_YEAR_END", "12-31"))


def year_end(fiscal_year: int) -> date:
    """The last day of a fiscal year."""
    month, day = year_end_month_day()
    return date(fiscal_year, month, day)


def year_start(fiscal_year: int) -> date:
    """The first day of a fiscal year: the day after the previous year's end."""
    month, day = year_end_month_day()
    return date(fiscal_year - 1, month, day) + timedelta(days=1)


def bounds(fiscal_year: int) -> tuple[date, date]:
    """(first day, last day) of a fiscal year, for a `__range` lookup."""
    return year_start(fiscal_year), year_end(fiscal_year)


def span(first_year: int, last_year: int) -> tuple[date, date]:
    """(first day of first_year, last day of last_year)."""
    return year_start(first_year), year_end(last_year)


def year_of(day: date) -> int:
    """The fiscal year a date falls in."""
    month, d = year_end_month_day()
    return day.year + 1 if (day.month, day.day) > (month, d) else day.year


def describe() -> str:
    """The year-end in words, e.g. "December 31"."""
    return f"{year_end(_SAMPLE_YEAR):%B} {year_end(_SAMPLE_YEAR).day}"


@register()
def check_fiscal_year_end(app_configs, **kwargs) -> list[Error]:
    try:
        year_end_month_day()
    except ValueError as problem:
        return [Error(str(problem), hint="Set TRANCHE_FISCAL_YEAR_END to MM-DD.", id="core.E001")]
    return []
