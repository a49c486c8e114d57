"""How the loader says what is wrong: one line per problem, the key the user wrote first,
collected across the whole fleet so that one run shows them all."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails

from fleet.settings.describe import expected
from fleet.settings.fields import INVALID, ContextKeyOnly, suggest
from fleet.settings.store import StoreLayer, StoreSettings

SETTINGS: dict[str, FieldInfo] = {
    field.alias or name: field for name, field in StoreSettings.model_fields.items()
}


def show(value: Any) -> str:
    return json.dumps(value, ensure_ascii=True, default=str)


class Problems:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.count = 0  # reports, including repeats: tells a caller whether its checks failed
        # What looked at the clock: never an error, since templates must not depend on it.
        self.warnings: list[str] = []

    def warn(self, line: str) -> None:
        if line not in self.warnings:
            self.warnings.append(line)

    def add(self, where: str, value: Any, message: str) -> None:
        self._append(f"{where} = {show(value)}: {message}")

    def add_key(self, where: str, message: str) -> None:
        self._append(f"{where}: {message}")

    def _append(self, line: str) -> None:
        self.count += 1
        # A bad default inherited by several stores is one problem, not one per store.
        if line not in self.lines:
            self.lines.append(line)


def as_object(
    value: Any, where: str, problems: Problems, *, from_cli: bool = False
) -> dict[str, Any] | None:
    if from_cli and isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as error:
            problems.add(where, value, f"is not valid JSON ({error.msg}); pass a JSON object")
            return None
    if not isinstance(value, dict):
        problems.add(where, value, "must be a JSON object")
        return None
    return value


def check_keys(
    model: type[BaseModel], obj: Mapping[str, Any], where: str, problems: Problems
) -> None:
    """Let `model` refuse the keys it does not take (its extra="forbid"), and say each one in
    words: the valid keys, a likely meant one, or where a context-key-only setting goes."""
    allowed = [f.alias or name for name, f in model.model_fields.items()]
    try:
        model.model_validate(obj)
    except ValidationError as error:
        for detail in error.errors(include_url=False):
            if detail["type"] != "extra_forbidden" or len(detail["loc"]) != 1:
                continue  # values, and nested objects' keys, are checked where they are read
            key = str(detail["loc"][0])
            field = SETTINGS.get(key) if model is StoreLayer else None
            marker = (
                next((m for m in field.metadata if isinstance(m, ContextKeyOnly)), None)
                if field
                else None
            )
            if marker is not None:
                problems.add_key(
                    f"{where}.{key}",
                    f"is set only as the top-level context key {key}:<store-id>, "
                    f"{marker.reason}; move it there",
                )
            else:
                problems.add_key(
                    f"{where}.{key}",
                    f"unknown setting{suggest(key, allowed)}; valid settings: {', '.join(allowed)}",
                )


def message(error: ErrorDetails, field: FieldInfo) -> str:
    if error["type"] == INVALID:
        return str((error.get("ctx") or {})["message"])
    return f"must be {expected(field)}"
