"""pyocf's objects as the Open Cap Format's JSON (issue 18)."""

import functools
import types
import typing

from pydantic import BaseModel
from pydantic_core import to_json


def dump(model: BaseModel) -> dict:
    """The object as the format's JSON: fields left empty are left out, except those the
    schema requires even when empty (an RSU's expiration date is null), at every level."""
    data = model.model_dump(mode="json", exclude_none=True)
    _restore_required_nulls(model, data)
    return data


def file_bytes(data: BaseModel | dict) -> bytes:
    """A file's contents: its JSON, indented, written by pydantic's (compiled) encoder."""
    if isinstance(data, BaseModel):
        data = dump(data)
    return to_json(data, indent=2) + b"\n"


def _restore_required_nulls(model: BaseModel, data: dict) -> None:
    nullable, deeper = _plan(type(model))
    for name in nullable:
        if getattr(model, name) is None:
            data[name] = None
    for name in deeper:
        value = getattr(model, name)
        if isinstance(value, BaseModel):
            _restore_required_nulls(value, data[name])
        elif isinstance(value, list):
            for item, item_data in zip(value, data[name], strict=True):
                if isinstance(item, BaseModel):
                    _restore_required_nulls(item, item_data)


def _mentioned(annotation) -> typing.Iterator:
    """Every type an annotation names (Optional, Union, list, Annotated unwrapped)."""
    yield annotation
    for argument in typing.get_args(annotation):
        yield from _mentioned(argument)


@functools.cache
def _plan(cls: type[BaseModel]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The class's required fields that may be None, and the fields holding objects that
    have such fields somewhere: where the walk must look, worked out once a class."""
    nullable, deeper = [], []
    for name, field in cls.model_fields.items():
        mentioned = list(_mentioned(field.annotation))
        if field.is_required() and types.NoneType in mentioned:
            nullable.append(name)
        models = [t for t in mentioned if isinstance(t, type) and issubclass(t, BaseModel)]
        if any(model is not cls and any(_plan(model)) for model in models):
            deeper.append(name)
    return tuple(nullable), tuple(deeper)
