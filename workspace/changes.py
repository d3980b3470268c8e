"""Writes the change log (workspace.models.Change) from django-simple-history's records.

Every historical record becomes one Change when it is written: by a save
(simple-history's `post_create_historical_record`) or in bulk (`core.history`'s
`history_rows_created`). What an auditor reads is written out then: whose record it is
("James R. Akridge's option grant of 2005-07-13: exercise no. 2"), the user's name, choices
by their labels, related records by name, and the fields before and after (or, for a
record added or deleted, its values). `index_missing()` indexes any record written
before the log existed (after `migrate`, and from `manage.py index_history`).
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Model, prefetch_related_objects
from django.utils import timezone

from core.bulk import build, insert
from core.templatetags.money import format_money, format_price, format_shares
from grants.templatetags.valuation import format_rate

from .models import Change

# Decimals kept as rates (0.35 is 35%), shown as percentages.
RATES = {"volatility", "risk_free_rate", "dividend_yield", "withholding_rate"}

BATCH = 1000


def _follow(row, path: str):
    """row.a.b for the path "a__b"; None where a link is empty or the record is gone."""
    value = row
    for name in path.split("__"):
        try:
            value = getattr(value, name)
        except ObjectDoesNotExist:
            return None
        if value is None:
            return None
    return value


def _grant(grant) -> str:
    if grant is None:
        return "a deleted option grant"
    return f"{grant.optionee}'s option grant of {grant.grant_date:%Y-%m-%d}"


def _award(award) -> str:
    if award is None:
        return "a deleted stock award"
    return f"{award.recipient}'s {award.award_type} of {award.grant_date:%Y-%m-%d}"


def _name(value) -> str:
    return "" if value is None else str(value)


@dataclass(frozen=True)
class Kind:
    """How to say whose record a historical record is about."""

    prefetch: tuple[str, ...]
    subject: Callable[[Any], str]
    person: str = ""  # the path to the person, e.g. "grant__optionee"
    owner: tuple[str, str] | None = None  # (owner's record type, the link's attname)


KINDS: dict[str, Kind] = {
    "compensation.person": Kind((), lambda r: r.name),
    "compensation.officeryear": Kind(
        ("person",), lambda r: f"{_name(r.person)}: record for fiscal {r.fiscal_year}", "person"
    ),
    "compensation.footnote": Kind((), lambda r: f"Footnote ({r.marker})"),
    "grants.stockplan": Kind((), lambda r: r.name),
    "grants.optiongrant": Kind(
        ("optionee",),
        lambda r: f"{r.optionee}'s option grant of {r.grant_date:%Y-%m-%d} ({r.shares:,} shares)",
        "optionee",
    ),
    "grants.vestinginstallment": Kind(
        ("grant__optionee",),
        lambda r: (
            f"{_grant(r.grant)}: installment of {r.shares:,} shares vesting {r.vest_date:%Y-%m-%d}"
        ),
        "grant__optionee",
        ("grants.optiongrant", "grant_id"),
    ),
    "grants.exercise": Kind(
        ("grant__optionee",),
        lambda r: (
            f"{_grant(r.grant)}: exercise no. {r.sequence} ({r.shares:,} shares on "
            f"{r.exercise_date:%Y-%m-%d}){', reversed' if r.reversed_at else ''}"
        ),
        "grant__optionee",
        ("grants.optiongrant", "grant_id"),
    ),
    "grants.grantvaluation": Kind(
        ("grant__optionee",),
        lambda r: f"{_grant(r.grant)}: valuation (${r.fair_value:,})",
        "grant__optionee",
        ("grants.optiongrant", "grant_id"),
    ),
    "grants.stockaward": Kind(
        ("recipient",),
        lambda r: (
            f"{r.recipient}'s {r.award_type} of {r.grant_date:%Y-%m-%d} ({r.shares:,} shares)"
        ),
        "recipient",
    ),
    "grants.awardinstallment": Kind(
        ("award__recipient",),
        lambda r: f"{_award(r.award)}: installment of {r.shares:,} vesting {r.vest_date:%Y-%m-%d}",
        "award__recipient",
        ("grants.stockaward", "award_id"),
    ),
    "grants.awardvesting": Kind(
        ("award__recipient",),
        lambda r: (
            f"{_award(r.award)}: vesting of {r.shares:,} confirmed for {r.vest_date:%Y-%m-%d}"
        ),
        "award__recipient",
        ("grants.stockaward", "award_id"),
    ),
    "grants.stockprice": Kind((), lambda r: f"Closing price of {r.date:%Y-%m-%d}"),
    "grants.registrationperiod": Kind(
        (), lambda r: f"Registration period from {r.start_date:%Y-%m-%d}"
    ),
    "grants.valuationdefaults": Kind(
        (), lambda r: f"Valuation defaults for fiscal {r.fiscal_year}"
    ),
    "grants.issuer": Kind((), lambda r: f"The issuer, {r.legal_name}"),
}


def user_name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _value_text(field) -> Callable[[Any], str]:
    """How a value of a field that is not a link reads, chosen once per field."""
    if field.choices:
        labels = {str(k): str(v) for k, v in field.flatchoices}
        return lambda value: labels.get(str(value), str(value))
    if isinstance(field, models.BooleanField):
        return lambda value: "Yes" if value else "No"
    if isinstance(field, models.DateTimeField):
        return lambda value: f"{timezone.localtime(value):%Y-%m-%d %H:%M %Z}"
    if isinstance(field, models.DateField):
        return lambda value: f"{value:%Y-%m-%d}"
    if isinstance(field, models.DecimalField):
        if field.name in RATES:
            return format_rate
        if field.decimal_places == 2:
            return format_money  # salaries, bonuses, amounts
        if field.decimal_places == 4:
            return format_price  # prices per share
        if field.decimal_places == 0:
            return lambda value: f"${value:,}"  # whole-dollar values (a grant's fair value)
        return lambda value: format(value, "f")
    if isinstance(field, models.IntegerField) and "shares" in field.name:
        return format_shares
    return str


def _link_text(field) -> Callable[[Any], str]:
    users = field.related_model is get_user_model()

    def text(row) -> str:
        related = _follow(row, field.name)
        if related is None:
            return f"#{getattr(row, field.attname)} (deleted)"
        return user_name(related) if users else str(related)

    return text


def _reader(field) -> Callable[[Any], str]:
    """A field's value, as a person reads it, from a record. Made for one batch of records
    (record()), it writes each value once: a large import's records repeat most of their
    values (a grant's date and price on each installment, the plan, the grant itself),
    and its change log formats a few hundred thousand of them."""
    attname = field.attname
    if field.is_relation:
        linked = _link_text(field)
        links: dict = {}  # the link's id -> its text

        def read_link(row) -> str:
            key = getattr(row, attname)
            if key is None or key == "":
                return ""
            if key not in links:
                links[key] = linked(row)
            return links[key]

        return read_link
    value_text = _value_text(field)
    texts: dict = {}  # value -> its text

    def read(row) -> str:
        value = getattr(row, attname)
        if value is None or value == "":
            return ""
        # 1.0 and 1.00 are equal Decimals, written differently.
        key = str(value) if isinstance(value, Decimal) else value
        try:
            if key not in texts:
                texts[key] = value_text(value)
            return texts[key]
        except TypeError:  # a value that cannot be a key
            return value_text(value)

    return read


def _fields(historical_model) -> list:
    pk = historical_model.instance_type._meta.pk.attname
    return [f for f in historical_model.tracked_fields if f.attname != pk]


def _details(row, previous, fields, readers) -> list[list[str]]:
    """`readers`: (name, reader) of each of `fields`, as _readers() gives them."""
    if row.history_type == "~":
        if previous is None:
            return []
        return [
            [name, read(previous), read(row)]
            for f, (name, read) in zip(fields, readers, strict=True)
            if getattr(previous, f.attname) != getattr(row, f.attname)
        ]
    return [[name, text] for name, read in readers if (text := read(row))]


def _readers(fields) -> list[tuple[str, Callable[[Any], str]]]:
    return [(str(f.verbose_name), _reader(f)) for f in fields]


def _previous(historical_model, rows: list) -> dict[int, Model]:
    """history_id -> the same record's history just before it, for changed rows."""
    changed = [row for row in rows if row.history_type == "~"]
    if not changed:
        return {}
    if len(changed) == 1:
        row = changed[0]
        earlier = historical_model.objects.filter(id=row.id, history_id__lt=row.history_id)
        found = earlier.order_by("-history_id").first()
        return {row.history_id: found} if found is not None else {}
    latest = max(row.history_id for row in changed)
    by_record = defaultdict(list)
    for earlier in historical_model.objects.filter(
        id__in={row.id for row in changed}, history_id__lt=latest
    ).order_by("history_id"):
        by_record[earlier.id].append(earlier)
    found = {}
    for row in changed:
        before = [e for e in by_record[row.id] if e.history_id < row.history_id]
        if before:
            found[row.history_id] = before[-1]
    return found


def _many_to_many(historical_model, rows: list, previous: dict) -> dict[int, dict[str, str]]:
    """history_id -> {field: the linked records, as read} for the many-to-many fields the
    history keeps (a yearly record's footnotes), in one query per field."""
    found: dict[int, dict[str, str]] = defaultdict(dict)
    ids = {row.history_id for row in rows} | {p.history_id for p in previous.values()}
    for field in getattr(historical_model, "_history_m2m_fields", ()):
        through = next(
            rel.related_model
            for rel in historical_model._meta.related_objects
            if rel.related_model.__name__ == f"{historical_model.__name__}_{field.name}"
        )
        target = field.related_model._meta.model_name
        linked = defaultdict(list)
        for link in through.objects.filter(history_id__in=ids).select_related(target):
            linked[link.history_id].append(str(getattr(link, target)))
        for history_id in ids:
            found[history_id][str(field.verbose_name)] = "; ".join(sorted(linked[history_id]))
    return found


def _m2m_details(row, before, linked: dict[int, dict[str, str]]) -> list[list[str]]:
    now = linked.get(row.history_id, {})
    if row.history_type != "~":
        return [[name, text] for name, text in now.items() if text]
    if before is None:
        return []
    then = linked.get(before.history_id, {})
    return [
        [name, then.get(name, ""), text] for name, text in now.items() if then.get(name, "") != text
    ]


def record(historical_model, rows: Iterable, *, new: bool = False) -> None:
    """Write the changes of these historical records (of one model) to the log. `new`:
    records written by this transaction, which no one else can have logged yet (written
    by COPY on PostgreSQL, core.bulk.insert); otherwise one logged already is skipped."""
    label = historical_model.instance_type._meta.label_lower
    kind = KINDS.get(label)
    rows = [row for row in rows if row.history_id is not None]
    if kind is None or not rows:
        return
    fields = _fields(historical_model)
    links = [f.name for f in fields if f.is_relation]
    previous = _previous(historical_model, rows)
    prefetch_related_objects(rows, "history_user", *kind.prefetch, *links)
    if previous:
        prefetch_related_objects(list(previous.values()), *links)
    verbose = str(historical_model.instance_type._meta.verbose_name)
    # A change to a many-to-many field (a yearly record's footnotes) writes a history record
    # whose own fields did not change: it shows the linked records before and after.
    many_to_many = bool(getattr(historical_model, "_history_m2m_fields", ()))
    linked = _many_to_many(historical_model, rows, previous) if many_to_many else {}
    readers = _readers(fields)
    users: dict[int | None, str] = {}  # a user's name, once per user
    changes = []
    for row in rows:
        before = previous.get(row.history_id)
        details = _details(row, before, fields, readers)
        if many_to_many:
            details += _m2m_details(row, before, linked)
        unchanged = row.history_type == "~" and not details and not row.history_change_reason
        if unchanged and row.history_id in previous:
            continue  # saved without a change: nothing to audit
        person = _follow(row, kind.person) if kind.person else None
        if label == "compensation.person":
            person = row.name
        changes.append(
            build(
                Change,
                {
                    "record_type": label,
                    "kind": verbose,
                    "object_id": row.id,
                    "history_id": row.history_id,
                    "action": row.history_type,
                    "at": row.history_date,
                    "user_id": row.history_user_id,
                    "user_name": users.get(row.history_user_id)
                    or users.setdefault(row.history_user_id, user_name(row.history_user)[:300]),
                    "subject": kind.subject(row)[:500],
                    "person": _name(person)[:200],
                    "owner_type": kind.owner[0] if kind.owner else "",
                    "owner_id": getattr(row, kind.owner[1]) if kind.owner else None,
                    "reason": row.history_change_reason or "",
                    "details": details,
                },
            )
        )
    if new:
        insert(changes, BATCH)
    else:
        Change.objects.bulk_create(changes, batch_size=BATCH, ignore_conflicts=True)


def on_save(sender, instance, history_instance, **kwargs) -> None:
    """A record saved: its history record is logged in the same transaction. The saved
    instance's related records, already loaded, spare the queries for them."""
    for field in _fields(sender):
        if field.is_relation and field.is_cached(instance):
            field.set_cached_value(history_instance, field.get_cached_value(instance))
    record(sender, [history_instance])


def on_bulk(sender, rows, **kwargs) -> None:
    if any(row.history_id is None for row in rows):
        # A database that does not return the new rows' ids: index them by what is missing.
        index_missing([sender])
        return
    record(sender, rows, new=True)


def history_models() -> list:
    return [apps.get_model(label).history.model for label in KINDS]


def index_missing(models: Iterable | None = None) -> int:
    """Log every historical record not logged yet; the number logged."""
    count = 0
    for historical_model in models or history_models():
        label = historical_model.instance_type._meta.label_lower
        logged = Change.objects.filter(record_type=label).values("history_id")
        missing = historical_model.objects.exclude(history_id__in=logged).order_by("history_id")
        while batch := list(missing[:BATCH]):
            record(historical_model, batch)
            count += len(batch)
    return count
