"""A setting described in words, from its schema: what a valid value is, and its default.

Error messages ("must be ...") and the settings table of docs/configuration.md both come from
here, so they cannot drift from the schema or from each other.
"""

from __future__ import annotations

import enum
import json
import types
import typing
from typing import Any, TypeVar

from annotated_types import Ge, Le
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from fleet.settings.fields import AddsUp, ContextKeyOnly, Expect

T = TypeVar("T")


def _marker(field: FieldInfo, kind: type[T]) -> T | None:
    return next((m for m in field.metadata if isinstance(m, kind)), None)


def context_key_only(field: FieldInfo) -> bool:
    return _marker(field, ContextKeyOnly) is not None


def adds_up(field: FieldInfo) -> bool:
    return _marker(field, AddsUp) is not None


def _without_none(annotation: Any) -> tuple[Any, bool]:
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) in (typing.Union, types.UnionType) and type(None) in args:
        rest = [a for a in args if a is not type(None)]
        return rest[0], True
    return annotation, False


def _base_type(annotation: Any) -> tuple[Any, list[Any]]:
    """The type under any Annotated layers, and their metadata (a FieldInfo's included)."""
    metadata: list[Any] = []
    while typing.get_origin(annotation) is typing.Annotated:
        annotation, *extra = typing.get_args(annotation)
        for item in extra:
            metadata.extend(item.metadata if isinstance(item, FieldInfo) else [item])
    return annotation, metadata


def expected(field: FieldInfo) -> str:
    """`a whole number from 0 to 720`, `"stop" or "notify"`, `an IANA time zone, ...`."""
    inner, nullable = _without_none(field.annotation)
    inner, nested = _base_type(inner)
    metadata = [*field.metadata, *nested]
    # An optional setting's type carries its words inside the union.
    marker = next((m for m in metadata if isinstance(m, Expect)), None)
    if marker is not None:
        text = marker.text
    elif typing.get_origin(inner) is typing.Literal:
        text = " or ".join(json.dumps(choice) for choice in typing.get_args(inner))
    elif typing.get_origin(inner) in (tuple, list, frozenset):
        # cdk.json writes a list whatever Python holds it in: never "a tuple".
        item = typing.get_args(inner)[0]
        if typing.get_origin(item) is typing.Literal:
            text = "a list of " + ", ".join(json.dumps(c) for c in typing.get_args(item))
        elif isinstance(item, type) and issubclass(item, enum.Enum):
            text = "a list of " + ", ".join(json.dumps(c.value) for c in item)
        else:
            text = f"a list of {getattr(item, '__name__', item)}"
    elif isinstance(inner, type) and issubclass(inner, enum.Enum):
        text = " or ".join(json.dumps(choice.value) for choice in inner)
    elif inner in (int, float):
        low = next((m.ge for m in metadata if isinstance(m, Ge)), None)
        high = next((m.le for m in metadata if isinstance(m, Le)), None)
        kind = "a whole number" if inner is int else "a number"
        if low is not None and high is not None:
            text = f"{kind} from {low} to {high}"
        elif low is not None:
            text = f"{kind} of at least {low}"
        else:
            text = kind
    else:
        text = f"a {getattr(inner, '__name__', inner)}"
    return f"{text}, or null" if nullable else text


def default(field: FieldInfo) -> str | None:
    """The default as it would be written in cdk.json, or None if the setting is required."""
    if field.is_required():
        return None
    value = field.get_default(call_default_factory=True)
    return json.dumps(list(value) if isinstance(value, tuple | frozenset) else value)


def nested_keys(field: FieldInfo) -> list[str]:
    """The keys an object-valued setting takes (its model's aliases), for "it takes ..."."""
    inner, _ = _without_none(field.annotation)
    if not (isinstance(inner, type) and issubclass(inner, BaseModel)):
        raise TypeError(f"{field} is not an object setting")
    return [f.alias or name for name, f in inner.model_fields.items()]


def model_in(annotation: Any) -> type[BaseModel] | None:
    """The settings object a field holds, itself or inside a dict, list or optional."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in typing.get_args(annotation):
        found = model_in(argument)
        if found is not None:
            return found
    return None
