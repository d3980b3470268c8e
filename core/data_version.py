"""The company's data version: a token the database itself replaces on every write to the
tables of the apps that keep the company's data, so a figure computed from those tables
can be kept and served again until any of them changes, and never after.

The token is changed by triggers, not by Python: a save, a queryset update, a bulk insert,
a deadline refresh, an import, a migration's data step and a change made in psql all
change it alike. Each app whose AppConfig sets `tracks_writes = True` has a trigger on
every table of its models (their history tables aside: they are written with them);
they are (re)installed after every migrate, as a migration on SQLite rebuilds a table
without its triggers.

The token is a random value, never a counter: a transaction that wrote and then rolled
back leaves no token behind that a later write could bring back, so a figure kept under
it can never be served for other data. Read it before the figures it keys: what is read
after it is as new as it, or newer (every reader then holds a newer token).

On PostgreSQL the token changes at commit (a deferred constraint trigger on every row,
which acts once a transaction): the token's row is locked only while a writing
transaction commits, after the row locks it took: writers wait for one another only while
one commits, never for a whole transaction, and take the token last. SQLite
writes one transaction at a time; its row triggers change the token as the rows change."""

import functools
import hashlib
import re
import uuid
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from itertools import chain
from typing import TypeVar

from django.apps import apps
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django.utils.functional import cached_property

from . import fiscal
from .models import DataVersion

T = TypeVar("T")

TABLE = DataVersion._meta.db_table
TRIGGER = "tranche_data_version"
# How long a kept figure lasts at most, in seconds (a changed token retires it at once).
TIMEOUT = 6 * 60 * 60

_PG_NEW_TOKEN = (
    f"INSERT INTO {TABLE} (id, token) VALUES (1, gen_random_uuid()::text) "
    "ON CONFLICT (id) DO UPDATE SET token = EXCLUDED.token"
)
# Run at commit, once a transaction: the first of its deferred row events changes the
# token and marks the transaction (a setting local to it), the others find the mark.
_PG_FUNCTION = (
    f"CREATE OR REPLACE FUNCTION {TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$ "
    f"BEGIN IF current_setting('{TRIGGER}.changed', true) IS DISTINCT FROM 'yes' THEN "
    f"PERFORM set_config('{TRIGGER}.changed', 'yes', true); {_PG_NEW_TOKEN}; "
    "END IF; RETURN NULL; END $$"
)
# And at once, a statement: mark the transaction as one that has written, so that it keeps
# no figure of its own (the token it reads is the one before its writes).
_PG_WRITTEN = (
    f"CREATE OR REPLACE FUNCTION {TRIGGER}_written() RETURNS trigger LANGUAGE plpgsql AS $$ "
    f"BEGIN PERFORM set_config('{TRIGGER}.written', 'yes', true); RETURN NULL; END $$"
)
# SQLite writes one transaction at a time: an UPDATE a row, with no lock to wait for. (An
# UPDATE alone: in a trigger, SQLite applies the firing statement's conflict clause to
# the trigger's own statements, and an INSERT could conflict.)
_SQLITE_NEW_TOKEN = f"UPDATE {TABLE} SET token = lower(hex(randomblob(16))) WHERE id = 1"


@functools.cache
def tracked_tables() -> frozenset[str]:
    """The tables whose writes change the token: those of every model (their
    auto-created many-to-many tables too) of the apps that track writes, less the
    history tables."""
    tables = set()
    for config in apps.get_app_configs():
        if not getattr(config, "tracks_writes", False):
            continue
        for model in config.get_models(include_auto_created=True):
            meta = model._meta
            if meta.proxy or not meta.managed or model.__name__.startswith("Historical"):
                continue
            tables.add(meta.db_table)
    return frozenset(tables)


def _statements(db: BaseDatabaseWrapper, table: str) -> Iterator[str]:
    quoted = db.ops.quote_name(table)
    if db.vendor == "postgresql":
        # A constraint trigger may not be replaced in place.
        yield f"DROP TRIGGER IF EXISTS {TRIGGER} ON {quoted}"
        yield (
            f"CREATE CONSTRAINT TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE ON {quoted} "
            f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {TRIGGER}()"
        )
        yield (
            f"CREATE OR REPLACE TRIGGER {TRIGGER}_written AFTER INSERT OR UPDATE OR DELETE "
            f"ON {quoted} FOR EACH STATEMENT EXECUTE FUNCTION {TRIGGER}_written()"
        )
        yield (
            f"CREATE OR REPLACE TRIGGER {TRIGGER}_truncate AFTER TRUNCATE ON {quoted} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {TRIGGER}()"
        )
    else:
        for event in ("INSERT", "UPDATE", "DELETE"):
            name = f"{TRIGGER}_{table}_{event.lower()}"
            yield f"DROP TRIGGER IF EXISTS {name}"  # replaced, as PostgreSQL's are
            yield f"CREATE TRIGGER {name} AFTER {event} ON {quoted} BEGIN {_SQLITE_NEW_TOKEN}; END"


def install_triggers(db: BaseDatabaseWrapper) -> None:
    """Create (or replace) the trigger on every tracked table, then make a new token: the
    migration that just ran may have changed data without one. Where the token's table
    is missing (core migrated back before it), remove the triggers instead: each would
    fail every write."""
    if db.vendor not in ("postgresql", "sqlite"):
        return
    with db.cursor() as cursor:
        existing = set(db.introspection.table_names(cursor))
        if TABLE not in existing:
            remove_triggers(db)
            return
        if db.vendor == "postgresql":
            cursor.execute(_PG_FUNCTION)
            cursor.execute(_PG_WRITTEN)
        for table in sorted(tracked_tables() & existing):
            for statement in _statements(db, table):
                cursor.execute(statement)
        if db.vendor == "postgresql":
            cursor.execute(_PG_NEW_TOKEN)
        else:
            cursor.execute(
                f"INSERT OR REPLACE INTO {TABLE} (id, token) VALUES (1, lower(hex(randomblob(16))))"
            )


def remove_triggers(db: BaseDatabaseWrapper) -> None:
    with db.cursor() as cursor:
        if db.vendor == "postgresql":
            for function in (TRIGGER, f"{TRIGGER}_written"):  # and their triggers
                cursor.execute(f"DROP FUNCTION IF EXISTS {function}() CASCADE")
        elif db.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
                [f"{TRIGGER}_%"],
            )
            for (name,) in cursor.fetchall():
                cursor.execute(f"DROP TRIGGER {name}")


def new_token() -> None:
    """Retire every kept figure, as a write would (the benchmark's first requests)."""
    DataVersion.objects.update_or_create(pk=1, defaults={"token": uuid.uuid4().hex})


def current_token() -> str | None:
    """The token now; None where there is none to keep figures under: before any write
    has made one (after a flush), and on PostgreSQL in a transaction that has written, as
    its token changes only when it commits."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"SELECT token, current_setting('{TRIGGER}.written', true) FROM {TABLE} "
                "WHERE id = 1"
            )
            row = cursor.fetchone()
            return None if row is None or row[1] == "yes" else row[0]
        cursor.execute(f"SELECT token FROM {TABLE} WHERE id = 1")
        row = cursor.fetchone()
        return None if row is None else row[0]


_MISSING = object()
# The token under which a kept figure is being computed in this thread or task ("" for
# none: nothing is kept), or None outside such a computation.
_computing: ContextVar[str | None] = ContextVar("data_version_computing", default=None)


def kept(key: str, compute: Callable[[], T]) -> T:
    """`compute()`, kept in the cache under `key` for as long as the company's data (and
    the fiscal year-end setting) is unchanged. One query (the token) when kept; computed
    each time where there is no token."""
    token = _computing.get()
    if token is None:  # not inside another kept figure's computation
        token = current_token() or ""
    if not token:
        return _computed_under(token, compute)
    # The fiscal year-end is a setting the figures may depend on (the years they group by).
    scope = f"{token}\n{fiscal.year_end_month_day()}\n{key}"
    name = "data-version:" + hashlib.sha256(scope.encode()).hexdigest()
    value = cache.get(name, _MISSING)
    if value is _MISSING:
        value = _computed_under(token, compute)
        cache.set(name, value, TIMEOUT)
    return value


def _computed_under(token: str, compute: Callable[[], T]) -> T:
    """compute(), in which a figure kept while computing this one (a table's count) is
    read after the same token: kept under it (or, with none, "", computed) without reading
    the token again."""
    computing = _computing.set(token)
    try:
        return compute()
    finally:
        _computing.reset(computing)


def kept_count(queryset: QuerySet) -> int:
    """queryset.count(), kept under the data version when every table its SQL names (its
    subqueries' too) is one whose writes change the version; otherwise counted each
    time."""
    unordered = queryset.order_by()  # one key whatever the order the rows are shown in
    try:
        sql, params = unordered.query.sql_with_params()
    except EmptyResultSet:
        return 0
    # Every table the SQL names (the ORM quotes them), in subqueries too. A query with raw
    # SQL in it is counted each time: the tables it reads cannot be told.
    named = set(re.findall(r'"([^"]+)"', sql)) & model_tables()
    query = unordered.query
    expressions = chain(_nested(query.where), *map(_nested, query.annotations.values()))
    raw = query.extra or query.extra_tables or any(isinstance(e, RawSQL) for e in expressions)
    if raw or not named or not named <= tracked_tables():
        return queryset.count()
    return kept(f"count\n{queryset.db}\n{sql}\n{params!r}", unordered.count)


def _nested(node) -> Iterator:
    """An expression (a WHERE clause, a lookup, an annotation) and all it is made of."""
    yield node
    for part in node.get_source_expressions():
        if part is not None:
            yield from _nested(part)


@functools.cache
def model_tables() -> frozenset[str]:
    """Every model's table, of every app."""
    return frozenset(model._meta.db_table for model in apps.get_models(include_auto_created=True))


class KeptCountPaginator(Paginator):
    """Django's Paginator, its count kept under the data version (kept_count()). The
    objects may be a queryset, or a django-tables2 table's rows over one."""

    @cached_property
    def count(self) -> int:
        rows = self.object_list
        # A queryset, or a table's rows (BoundRows -> TableQuerysetData -> the queryset).
        queryset = (
            rows
            if isinstance(rows, QuerySet)
            else getattr(getattr(rows, "data", None), "data", None)
        )
        if isinstance(queryset, QuerySet):
            return kept_count(queryset)
        return super().count
