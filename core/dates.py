"""The range of dates the app accepts.

A company's grants, terminations and prices fall in a few decades; a date near year 9999
is a typing slip, and the option terms would carry it past the calendar's end (a 10-year
term from 9990-01-01 ends in year 10000, which does not exist). Every date a person
enters is checked against this range, the fiscal years use the same one, and the date
arithmetic in grants/rules.py still stops at date.max for anything stored before.
"""

from datetime import date

from django.core.exceptions import ValidationError

EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2200, 12, 31)


def validate_date_in_range(value: date) -> None:
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValidationError(
            "Enter a date between %(earliest)s and %(latest)s.",
            code="date_out_of_range",
            params={"earliest": f"{EARLIEST_DATE:%Y-%m-%d}", "latest": f"{LATEST_DATE:%Y-%m-%d}"},
        )
