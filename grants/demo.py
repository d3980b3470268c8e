"""The demo grant: Exhibit 4.1, the non-qualified stock option granted to James R. Akridge
on July 13, 2005. Every figure is the exhibit's."""

from datetime import date, datetime, time
from decimal import Decimal

from django.utils import timezone

PLAN_2000 = "2000 Stock Option Plan"
PLAN_1990 = "1990 Stock Option Plan (as amended October 3, 1997)"

OPTIONEE = "James R. Akridge"
GRANT_DATE = date(2005, 7, 13)
SHARES = 1_000_000
EXERCISE_PRICE = Decimal("2.99")
EXPIRATION = date(2015, 7, 13)
MINIMUM_EXERCISE = 1000
AUTHORIZED_BY = "Kevin W. Mischnick"
# Exhibit 4.1 is the agreement as made; it names no committee meeting. The demo records
# the committee's approval on the grant date, at a meeting it names as illustrative, so
# that the option can be exercised in the demo (an option awaiting approval cannot be)
# and is never approved "today", twenty years after it expired.
APPROVAL_MEETING = "Compensation Committee meeting of 2005-07-13 (illustrative)"


def approved_at() -> datetime:
    return timezone.make_aware(datetime.combine(GRANT_DATE, time(12)))


NOTES = (
    'Exhibit 4.1 names only "the Plan"; the demo records the grant under the 2000 Stock '
    "Option Plan. Granted pursuant to the executed offer letter, in connection with "
    "Valence's compensatory benefit plan."
)
REGISTRATION_BASIS = "Form S-8 (assumed for the demo)"

# The exhibit's installment table, paragraph 1(a).
INSTALLMENTS = [
    (date(2005, 7, 13), 100_000),
    (date(2006, 7, 13), 225_000),
    (date(2006, 10, 13), 56_250),
    (date(2007, 1, 13), 56_250),
    (date(2007, 4, 13), 56_250),
    (date(2007, 7, 13), 56_250),
    (date(2007, 10, 13), 56_250),
    (date(2008, 1, 13), 56_250),
    (date(2008, 4, 13), 56_250),
    (date(2008, 7, 13), 56_250),
    (date(2008, 10, 13), 56_250),
    (date(2009, 1, 13), 56_250),
    (date(2009, 4, 13), 56_250),
    (date(2009, 7, 13), 56_250),
]

# The issuer, for the Open Cap Format export: Valence Technology, Inc., a Delaware
# corporation, as its SEC filings state. The exhibits give no formation date: the demo's
# is a stand-in, marked illustrative, which the export says in its comments.
ISSUER_LEGAL_NAME = "Valence Technology, Inc."
ISSUER_COUNTRY = "US"
ISSUER_STATE = "DE"
ISSUER_FORMATION_DATE = date(1989, 1, 1)
