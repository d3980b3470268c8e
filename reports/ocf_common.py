"""What the Open Cap Format export's modules share (issue 18): ids derived from the
records, figures as the format writes them, and the comments that carry what it has no
field for."""

from collections.abc import Callable, Iterable, Iterator
from datetime import date
from decimal import Decimal
from itertools import islice
from typing import Any, TypeVar

from django.utils import timezone
from pyocf.types.monetary import Monetary
from pyocf.types.vesting import Vesting

from compensation.models import Person
from core.progress import progress

COMMON_CLASS_ID = "stock-class-common"
CURRENCY = "USD"
# Grants (or awards) read a chunk at a time, three queries a chunk.
CHUNK = 2000
Rows = list[tuple[date, int]]


T = TypeVar("T")


def counted(records: Iterator[T], total: Callable[[], int], desc: str, stream: Any) -> Iterator[T]:
    """`records` counted on `stream` (export_ocf's output) when there is one; `total` is
    asked only then (a query)."""
    if stream is None:
        return records
    return progress(records, total=total(), desc=desc, unit=desc, stream=stream)


def chunks(records: Iterable, size: int = CHUNK) -> Iterator[list]:
    iterator = iter(records)
    while chunk := list(islice(iterator, size)):
        yield chunk


def person_id(pk: int) -> str:
    return f"person-{pk}"


def plan_id(pk: int) -> str:
    return f"plan-{pk}"


def money(amount: Decimal | int) -> Monetary:
    return Monetary(amount=number(amount), currency=CURRENCY)


def number(value: Decimal | int) -> Decimal:
    """A figure as the format's Numeric: a plain decimal, never an exponent (1E+6)."""
    return Decimal(format(Decimal(value), "f"))


def vestings(rows) -> list[Vesting]:
    return [Vesting(date=day, amount=number(shares)) for day, shares in rows]


def approval_comment(record, noun: str) -> str:
    if record.approved_at is None:
        return (
            f"The compensation committee has not yet approved the board authorization of "
            f"this {noun}."
        )
    meeting = getattr(record, "approval_meeting", "")
    return (
        f"The compensation committee approved the board authorization of this {noun} on "
        f"{timezone.localtime(record.approved_at):%Y-%m-%d}"
        + (f" at {meeting}." if meeting else ".")
    )


def authorization_comments(record) -> list[str]:
    comments = []
    if record.authorized_by:
        signed = f" on {record.authorized_on:%Y-%m-%d}" if record.authorized_on else ""
        comments.append(f"Authorized for the Board of Directors by {record.authorized_by}{signed}.")
    if record.notes:
        comments.append(f"Notes: {record.notes}")
    return comments


def termination_comment(person: Person, on: date) -> str | None:
    if person.terminated_on is None or person.terminated_on > on:
        return None
    reason = Person.TerminationReason(person.termination_reason).label.lower()
    return f"Service ended on {person.terminated_on:%Y-%m-%d} (reason: {reason})."
