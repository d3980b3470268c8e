"""New records written in bulk, for the imports: on PostgreSQL by COPY, elsewhere by
bulk_create().

For a 20,000-row grants file (about 90,000 records with their history and change log),
Django preparing INSERT statements, and psycopg quoting their parameters as arrays, took a
third of the import. COPY takes each row's values as they are. The ids are drawn first
from the table's own sequence (one query), so that the records come back with their ids
as bulk_create() gives them on PostgreSQL, and what refers to them can be written next.
"""

from collections.abc import Sequence
from functools import cache
from operator import attrgetter
from typing import Any, TypeVar

from django.db import connection, models
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init

BATCH = 1000

M = TypeVar("M", bound=models.Model)

# Fields whose value psycopg writes as it is (on PostgreSQL, Django's own conversion of
# these returns the value unchanged). Any other field goes through that conversion,
# pre_save() then get_db_prep_save(), as bulk_create() does: a JSON field's value, a time
# set on save.
PLAIN = (
    models.IntegerField,  # and the auto fields
    models.CharField,
    models.TextField,
    models.BooleanField,
    models.DecimalField,
    models.ForeignKey,
)


def _plain(field) -> bool:
    if isinstance(field, models.DateField):  # DateTimeField too
        return not (field.auto_now or field.auto_now_add)
    return isinstance(field, PLAIN)


def insert(objs: Sequence[M], batch_size: int = BATCH) -> Sequence[M]:
    """Save new records of one model, with their ids set, as bulk_create() does (no save()
    or signals). For records built by the project's own code: an id already set is
    replaced by the sequence's, and a plain field's value is written as it is (a Decimal
    for a decimal field, an aware datetime), without the conversion a form would have
    made."""
    if not objs:
        return objs
    model = type(objs[0])
    if connection.vendor != "postgresql":
        return model._default_manager.bulk_create(objs, batch_size=batch_size)
    meta = model._meta
    pk = meta.pk
    assert pk is not None
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, pk.column, len(objs)],
        )
        for obj, (new_id,) in zip(objs, cursor.fetchall(), strict=True):
            setattr(obj, pk.attname, new_id)
        # The plain columns first (the id among them), read together, then the others.
        plain = [f for f in meta.concrete_fields if _plain(f)]
        prepared = [f for f in meta.concrete_fields if not _plain(f)]
        columns = ", ".join(quote(str(f.column)) for f in plain + prepared)
        read = attrgetter(*[f.attname for f in plain])
        with cursor.cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
            for obj in objs:
                values = read(obj)
                if len(plain) == 1:
                    values = (values,)
                if prepared:
                    values += tuple(
                        f.get_db_prep_save(f.pre_save(obj, True), connection) for f in prepared
                    )
                copy.write_row(values)
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias
    return objs


def build(model: type[M], values: dict) -> M:
    """A new record of `model` from its fields' values, each by attname (user_id) or, for a
    link, by name with the related record (user=...), which the record then holds loaded;
    the others their defaults. Built from positional values, as Django builds a record
    read from the database: Model(**values) matches each keyword against the model's
    fields, which for the history and change log of a large import cost as much as
    writing them."""
    unknown = values.keys() - _names(model)
    if unknown:
        raise TypeError(f"{model.__name__} has no field {', '.join(sorted(unknown))}")
    args: list = []
    related: list[tuple[Any, models.Model | None]] = []  # (a link, its record)
    for field in model._meta.concrete_fields:
        if field.attname in values:
            args.append(values[field.attname])
        elif field.is_relation and field.name in values:
            linked = values[field.name]
            args.append(None if linked is None else linked.pk)
            related.append((field, linked))
        else:
            args.append(field.get_default())
    record = _new(model, args)
    for field, linked in related:
        field.set_cached_value(record, linked)
    return record


def _new(model: type[M], args: list) -> M:
    """model(*args), without its __init__ where no receiver listens to its signals: the
    values go straight into the record, as __init__ would set them (by attname, every
    concrete field given) but without setting each through its descriptor."""
    if pre_init.has_listeners(model) or post_init.has_listeners(model):
        return model(*args)
    record = model.__new__(model)
    record._state = ModelState()
    record.__dict__.update(zip(_attnames(model), args, strict=True))
    return record


@cache
def _attnames(model) -> tuple[str, ...]:
    return tuple(f.attname for f in model._meta.concrete_fields)


@cache
def _names(model) -> frozenset[str]:
    fields = model._meta.concrete_fields
    return frozenset(f.attname for f in fields) | frozenset(f.name for f in fields)
