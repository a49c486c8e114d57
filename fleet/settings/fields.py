"""The value types of a store's settings: how each is read, what it says when it is wrong, and
how it appears in the JSON Schema.

Values given with `-c` arrive as strings, so the list types also take a comma-separated string
and whole numbers take their digits. A validator that refuses a value raises `invalid(...)` with
a message that says what is wrong and how to fix it; the loader puts the key and the value the
user wrote in front of it.
"""

from __future__ import annotations

import difflib
import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    WithJsonSchema,
    model_validator,
)
from pydantic.alias_generators import to_camel
from pydantic_core import PydanticCustomError

import verifier_contract
from fleet.calendar.closures import (
    ClosureError,
    DateRange,
    check_calendar,
    check_within,
    parse_closed_dates,
    parse_dates,
)
from fleet.calendar.horizon import Horizon
from fleet.calendar.weekly import Weekday
from fleet.settings.arn import (
    EXAMPLE,
    EXAMPLE_PROJECT,
    PROJECT_ARN,
    VERSION_ARN,
    ModelVersion,
    parse_project_arn,
    parse_version_arn,
)

INVALID = "invalid_setting"

# Every settings object: read by the camelCase keys users write in cdk.json (never by the Python
# names), unknown keys refused so a typo is an error rather than a silent default, and frozen.
SETTINGS_MODEL_CONFIG = ConfigDict(
    frozen=True,
    extra="forbid",
    alias_generator=to_camel,
    validate_by_alias=True,
    validate_by_name=False,
)


def invalid(message: str) -> PydanticCustomError:
    """The error a validator raises: `message` becomes the text after the key and value."""
    return PydanticCustomError(INVALID, "{message}", {"message": message})


@dataclass(frozen=True)
class Expect:
    """What a valid value looks like, in words: errors say "must be <text>", and the
    settings table shows it. Whole numbers and choices describe themselves (describe.py)."""

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
        # Any type error becomes "must be a whole number <bounds>" (fleet/settings/describe.py).
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


def _invisible(text: str) -> str | None:
    """The first space or invisible character that is not a plain ASCII one, named."""
    for char in text:
        if ord(char) > 127 and unicodedata.category(char) in ("Zs", "Zl", "Zp", "Cf", "Cc"):
            return f"U+{ord(char):04X} {unicodedata.name(char, 'a control character')}"
    return None


def _emails(value: Any) -> tuple[str, ...]:
    # Only ASCII blanks are trimmed from the -c form: a no-break space copied from a document
    # must be seen, not silently dropped from one form and kept in the other.
    addresses = [a.strip(" \t") for a in value.split(",")] if isinstance(value, str) else value
    if isinstance(value, str):
        addresses = [a for a in addresses if a]
    if not isinstance(addresses, list) or not all(isinstance(a, str) for a in addresses):
        raise invalid('must be a list of e-mail addresses, e.g. ["oncall@bakery.example"]')
    for address in addresses:
        hidden = _invisible(address)
        if hidden:
            raise invalid(
                f"{address!r} contains {hidden} (copied from a document?): type the address "
                "again with plain characters"
            )
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


def horizon_of(info: ValidationInfo) -> Horizon:
    context = info.context or {}
    horizon = context.get("horizon")
    if not isinstance(horizon, Horizon):
        raise RuntimeError("settings are validated with context={'horizon': <fleet.horizon>}")
    return horizon


def _closed_dates(value: Any, info: ValidationInfo) -> tuple[DateRange, ...]:
    items = _listed(value)
    if isinstance(items, list) and all(isinstance(i, DateRange) for i in items):
        return tuple(items)  # already parsed: the loader reads the layers one by one first
    try:
        ranges = parse_closed_dates(items)
        for closure in ranges:
            check_within(closure, horizon_of(info))
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


def json_pattern(pattern: re.Pattern[str]) -> str:
    """The JSON Schema form of a pattern the settings enforce with re.fullmatch: anchored, and
    without Python's named groups, which JSON Schema's (ECMA-262) regular expressions lack."""
    return "^" + re.sub(r"\(\?P<\w+>", "(", pattern.pattern) + "$"


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
    WithJsonSchema({"type": "string", "pattern": json_pattern(VERSION_ARN)}),
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
    WithJsonSchema({"type": "string", "pattern": json_pattern(PROJECT_ARN)}),
]


# S3 general purpose bucket names: 3-63 lowercase letters, digits, dots and hyphens, starting
# and ending with a letter or digit, no "..", not an IP address, none of S3's reserved affixes.
_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]", flags=re.ASCII)
_IP_ADDRESS = re.compile(r"[0-9]+(\.[0-9]+){3}", flags=re.ASCII)
_RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
_RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")
_CANARY_EXAMPLE = (
    '{"image": "s3://bakery-canary-apne1/ginza/tray.jpg", '
    '"expectLabels": ["メロンパン", "あんぱん"]}'
)


def _bucket_problem(bucket: str) -> str | None:
    if not _BUCKET.fullmatch(bucket) or ".." in bucket:
        return (
            f"bucket {bucket!r} is not an S3 bucket name (3 to 63 lowercase letters, digits, dots "
            "and hyphens, beginning and ending with a letter or digit)"
        )
    if (
        _IP_ADDRESS.fullmatch(bucket)
        or bucket.startswith(_RESERVED_PREFIXES)
        or bucket.endswith(_RESERVED_SUFFIXES)
    ):
        return (
            f"bucket {bucket!r} is not an S3 bucket name (it is an IP address, or uses a prefix "
            "or suffix S3 reserves)"
        )
    return None


def _image(value: Any) -> str:
    if not isinstance(value, str) or not value.startswith("s3://"):
        raise invalid(f'image must be an "s3://bucket/key" URI, e.g. {_CANARY_EXAMPLE}')
    bucket, _, key = value.removeprefix("s3://").partition("/")
    problem = _bucket_problem(bucket)
    if problem:
        raise invalid(problem)
    if not key or key.endswith("/"):
        raise invalid(f"image {value!r} names no object: add the key after the bucket")
    if "*" in key or "?" in key:
        # The verifier's s3:GetObject names exactly this object; IAM reads * and ? as wildcards.
        raise invalid(f"image key {key!r} contains * or ?, which IAM would read as a wildcard")
    if "${" in key:
        raise invalid(
            f"image key {key!r} contains ${{, which IAM would read as a policy variable "
            "(like ${aws:username}): rename the object"
        )
    if len(key.encode()) > 1024:
        raise invalid("image key is longer than S3's 1024 bytes")
    return value


def _canary_schema(schema: dict[str, Any]) -> None:
    """Both keys required, as the validators require them (their defaults only carry the
    message for a missing key), and an example."""
    for field in schema["properties"].values():
        field.pop("default", None)
    schema["required"] = ["image", "expectLabels"]
    schema["examples"] = [json.loads(_CANARY_EXAMPLE)]


def _labels(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise invalid("expectLabels must be a non-empty list of label names")
    normalized: list[str] = []
    for label in value:
        if not isinstance(label, str) or not label.strip():
            raise invalid(f"expectLabels has {label!r}: each must be a non-empty label name")
        name = unicodedata.normalize("NFC", label)
        if name in normalized:
            raise invalid(f"expectLabels lists {label!r} twice")
        normalized.append(name)
    return tuple(normalized)


class CanarySetting(BaseModel):
    """An image the model must recognise at opening, and the labels it must find in it (compared
    after Unicode NFC normalisation, as the verifier compares them)."""

    model_config = ConfigDict(**SETTINGS_MODEL_CONFIG, json_schema_extra=_canary_schema)

    # Defaults only so that a missing key gets the same words as a wrong one.
    image: Annotated[
        str,
        BeforeValidator(_image),
        WithJsonSchema(
            {"type": "string", "pattern": "^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/[^*?]+$"}
        ),
    ] = Field(default=None, validate_default=True)
    expect_labels: Annotated[
        tuple[str, ...],
        BeforeValidator(_labels),
        WithJsonSchema(
            {
                "type": "array",
                "items": {"type": "string", "minLength": 1},
                "minItems": 1,
                "uniqueItems": True,
            }
        ),
    ] = Field(default=None, validate_default=True)

    @model_validator(mode="before")
    @classmethod
    def _an_object(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            raise invalid(f"must be an object like {_CANARY_EXAMPLE}, or null")
        return value

    @property
    def bucket(self) -> str:
        return self.image.removeprefix("s3://").partition("/")[0]

    @property
    def key(self) -> str:
        return self.image.removeprefix("s3://").partition("/")[2]

    def for_check(self, min_confidence: float | None) -> verifier_contract.Canary:
        """The contract's canary, which the verifier's event carries."""
        return verifier_contract.Canary(
            bucket=self.bucket,
            key=self.key,
            expect_labels=self.expect_labels,
            min_confidence=min_confidence,
        )


Canary = Annotated[
    CanarySetting | None,
    Expect(
        'an object {"image": "s3://<bucket>/<key>", "expectLabels": [<label>, ...]} '
        "(the bucket in the model's region)"
    ),
]
