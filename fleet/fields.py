"""The value types of a store's settings: how each is read, what it says when it is wrong, and
how it appears in the JSON Schema.

Values given with `-c` arrive as strings, so the list types also take a comma-separated string
and whole numbers take their digits. A validator that refuses a value raises `invalid(...)` with
a message that says what is wrong and how to fix it; the loader puts the key and the value the
user wrote in front of it.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Annotated, Any

from pydantic import BeforeValidator, ValidationInfo, WithJsonSchema
from pydantic_core import PydanticCustomError

from fleet.arn import EXAMPLE, EXAMPLE_PROJECT, ModelVersion, parse_project_arn, parse_version_arn
from fleet.closures import (
    ClosureError,
    DateRange,
    check_calendar,
    check_range_is_current,
    parse_closed_dates,
    parse_dates,
)
from fleet.weekly import Weekday

INVALID = "invalid_setting"


def invalid(message: str) -> PydanticCustomError:
    """The error a validator raises: `message` becomes the text after the key and value."""
    return PydanticCustomError(INVALID, "{message}", {"message": message})


@dataclass(frozen=True)
class Expect:
    """What a valid value looks like, in words: errors say "must be <text>", and the README's
    settings table shows it. Whole numbers and choices describe themselves (fleet/describe.py)."""

    text: str


@dataclass(frozen=True)
class ContextKeyOnly:
    """A setting given only as the top-level key `<setting>:<store-id>`, never in `fleet`."""

    reason: str


@dataclass(frozen=True)
class AddsUp:
    """A list setting whose values from every layer add up instead of overriding each other."""


def suggest(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _listed(value: Any) -> Any:
    """`-c` gives lists as comma-separated strings."""
    return [item.strip() for item in value.split(",")] if isinstance(value, str) else value


_DIGITS = re.compile(r"[0-9]+", flags=re.ASCII)


def _whole_number(value: Any) -> Any:
    if isinstance(value, str) and _DIGITS.fullmatch(value):
        return int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        # Any type error becomes "must be a whole number <bounds>" (fleet/describe.py).
        raise PydanticCustomError("whole_number", "not a whole number")
    return value


# Put after the bounds, `Annotated[int, Field(ge=0, le=720), WHOLE_NUMBER]`: the bounds then
# apply to the int itself and appear in the JSON Schema as minimum and maximum.
WHOLE_NUMBER = BeforeValidator(_whole_number)

_DECIMAL = re.compile(r"[0-9]+(\.[0-9]+)?", flags=re.ASCII)


def _number(value: Any) -> Any:
    if isinstance(value, str) and _DECIMAL.fullmatch(value):
        return float(value)
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        raise PydanticCustomError("number", "not a number")  # "must be a number <bounds>"
    return float(value)


# As WHOLE_NUMBER, for decimals: `Annotated[float, Field(ge=0, le=100), NUMBER]`.
NUMBER = BeforeValidator(_number)


@cache
def _zones() -> list[str]:
    from zoneinfo import available_timezones

    return sorted(available_timezones())


def _zone(value: Any) -> str:
    if not isinstance(value, str) or value not in _zones():
        hint = suggest(value, _zones()) if isinstance(value, str) else ""
        raise invalid(
            f"is not an IANA time zone{hint}; use a name such as Asia/Tokyo or America/Los_Angeles"
        )
    return value


ZoneName = Annotated[
    str,
    BeforeValidator(_zone),
    Expect("an IANA time zone, e.g. Asia/Tokyo or America/Los_Angeles"),
    WithJsonSchema({"type": "string", "examples": ["Asia/Tokyo", "America/Los_Angeles"]}),
]

_HHMM = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])", flags=re.ASCII)


def _clock(value: Any) -> int:
    match = _HHMM.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise invalid('must be a 24-hour local time "HH:MM", e.g. "07:00" or "19:30"')
    return int(match[1]) * 60 + int(match[2])


# Minutes after local midnight.
ClockTime = Annotated[
    int,
    BeforeValidator(_clock),
    Expect('a local time "HH:MM" (24-hour)'),
    WithJsonSchema({"type": "string", "pattern": f"^{_HHMM.pattern}$", "examples": ["07:00"]}),
]


def _weekdays(value: Any) -> frozenset[Weekday]:
    names = _listed(value)
    valid = ", ".join(d.name for d in Weekday)
    if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
        raise invalid(f"must be a non-empty list of weekday names from {valid}")
    days: list[Weekday] = []
    for name in names:
        if name.upper() not in Weekday.__members__:
            raise invalid(f"{name!r} is not a weekday; use {valid}")
        day = Weekday[name.upper()]
        if day in days:
            raise invalid(f"{name!r} is listed twice")
        days.append(day)
    return frozenset(days)


Weekdays = Annotated[
    frozenset[Weekday],
    BeforeValidator(_weekdays),
    Expect("a list of MON ... SUN (or a comma-separated string)"),
    WithJsonSchema(
        {
            "type": "array",
            "items": {"enum": [d.name for d in Weekday]},
            "minItems": 1,
            "uniqueItems": True,
        }
    ),
]

_EMAIL = re.compile(r"[^@\s,]+@[^@\s,]+\.[^@\s,]+", flags=re.ASCII)


def _emails(value: Any) -> tuple[str, ...]:
    addresses = [a for a in _listed(value) if a] if isinstance(value, str) else value
    if not isinstance(addresses, list) or not all(isinstance(a, str) for a in addresses):
        raise invalid('must be a list of e-mail addresses, e.g. ["oncall@bakery.example"]')
    for address in addresses:
        if not _EMAIL.fullmatch(address):
            raise invalid(f"{address!r} is not an e-mail address")
    if len(set(addresses)) != len(addresses):
        raise invalid("lists an address twice")
    return tuple(addresses)


Emails = Annotated[
    tuple[str, ...],
    BeforeValidator(_emails),
    Expect("a list of e-mail addresses (or a comma-separated string)"),
    WithJsonSchema(
        {"type": "array", "items": {"type": "string", "format": "email"}, "uniqueItems": True}
    ),
]

_CALENDAR = re.compile(r"[A-Z]{2}(-[A-Za-z0-9 ]+)?", flags=re.ASCII)


def _calendar(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not _CALENDAR.fullmatch(value):
        raise invalid(
            'must be an ISO country code, optionally with a subdivision ("JP", "US-WA", '
            '"AU-NSW"), or null'
        )
    try:
        check_calendar(value)
    except ClosureError as error:
        raise invalid(str(error)) from error
    return value


HolidayCalendar = Annotated[
    str | None,
    BeforeValidator(_calendar),
    Expect('an ISO country code with an optional subdivision ("JP", "US-WA", "AU-NSW")'),
    WithJsonSchema(
        {
            "anyOf": [{"type": "string", "pattern": f"^{_CALENDAR.pattern}$"}, {"type": "null"}],
            "examples": ["JP", "US-WA", "AU-NSW"],
        }
    ),
]


def _today(info: ValidationInfo) -> date:
    context = info.context or {}
    today = context.get("today")
    if not isinstance(today, date):
        raise RuntimeError("settings are validated with context={'today': <synth date>}")
    return today


def _closed_dates(value: Any, info: ValidationInfo) -> tuple[DateRange, ...]:
    items = _listed(value)
    if isinstance(items, list) and all(isinstance(i, DateRange) for i in items):
        return tuple(items)  # already parsed: the loader reads the layers one by one first
    try:
        ranges = parse_closed_dates(items)
        for closure in ranges:
            check_range_is_current(closure, _today(info))
    except ClosureError as error:
        raise invalid(str(error)) from error
    return tuple(ranges)


_DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"

ClosedDates = Annotated[
    tuple[DateRange, ...],
    BeforeValidator(_closed_dates),
    AddsUp(),
    Expect('a list of "YYYY-MM-DD" days and "YYYY-MM-DD..YYYY-MM-DD" ranges (inclusive)'),
    WithJsonSchema(
        {
            "type": "array",
            "items": {"type": "string", "pattern": f"^{_DATE}(\\.\\.{_DATE})?$"},
            "examples": [["2026-12-31..2027-01-03", "2027-05-05"]],
        }
    ),
]


def _dates(value: Any) -> tuple[date, ...]:
    try:
        return tuple(parse_dates(_listed(value)))
    except ClosureError as error:
        raise invalid(str(error)) from error


Dates = Annotated[
    tuple[date, ...],
    BeforeValidator(_dates),
    Expect('a list of "YYYY-MM-DD" days'),
    WithJsonSchema({"type": "array", "items": {"type": "string", "format": "date"}}),
]


def _version_arn(value: Any) -> ModelVersion:
    if not isinstance(value, str):
        raise invalid("must be a string")
    try:
        return parse_version_arn(value)
    except ValueError as error:
        raise invalid(f"{error}; e.g. {EXAMPLE}") from error


VersionArn = Annotated[
    ModelVersion,
    BeforeValidator(_version_arn),
    ContextKeyOnly("so that rotating a model is one value"),
    Expect("a Rekognition Custom Labels model version ARN"),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": (
                "^arn:[-a-z]+:rekognition:[-a-z0-9]+:[0-9]{12}:"
                "project/[^/]+/version/[^/]+/[0-9]{13}$"
            ),
        }
    ),
]


def _project_arn(value: Any) -> str:
    try:
        return parse_project_arn(value)
    except ValueError as error:
        raise invalid(f"{error}; e.g. {EXAMPLE_PROJECT}") from error


ProjectArn = Annotated[
    str,
    BeforeValidator(_project_arn),
    Expect("a Rekognition Custom Labels project ARN"),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": "^arn:[-a-z]+:rekognition:[-a-z0-9]+:[0-9]{12}:project/[^/]+/[0-9]{13}$",
        }
    ),
]
