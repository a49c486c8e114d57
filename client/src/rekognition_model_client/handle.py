"""The model handle: what a store's stack publishes for the checkout application.

One SSM Parameter Store `String` parameter per store,
`/rekognition-model-scheduler/<store-id>/model`, whose value is this compact JSON object. It is
defined once, here: the CDK app loads this file to write the parameter, and this package reads
it. Standard library and the `tzdata` package only.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

PARAMETER_PREFIX = "/rekognition-model-scheduler"
VERSION = 1
# SSM Parameter Store's standard tier holds values up to 4 KB.
MAX_BYTES = 4096
WEEKDAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")


# An IANA zone name: no empty segment, no "..", so it cannot leave the package's folder.
_ZONE_NAME = re.compile(r"[A-Za-z0-9_+-]+(?:/[A-Za-z0-9_+-]+)*", flags=re.ASCII)


@cache
def pinned_zone(name: str) -> ZoneInfo:
    """The zone as the `tzdata` package has it, the data the store's schedules were made with.

    Read from the package directly: `ZoneInfo(name)` would prefer the machine's zone files, and
    changing zoneinfo's search path would change it for the whole checkout application."""
    if not _ZONE_NAME.fullmatch(name):
        raise ZoneInfoNotFoundError(f"not a time zone name: {name!r}")
    try:
        with resources.files("tzdata.zoneinfo").joinpath(*name.split("/")).open("rb") as data:
            return ZoneInfo.from_file(data, key=name)
    except (OSError, ValueError) as error:  # not found, a folder, not a zone file
        raise ZoneInfoNotFoundError(f"no time zone {name!r} in tzdata") from error


# Field formats. The ARN patterns are the verifier contract's (a test keeps them equal): this
# package cannot import it.
_NAME = r"[a-zA-Z0-9_.\-]{1,255}"
_ACCOUNT_PREFIX = (
    r"arn:(?P<partition>aws|aws-cn|aws-us-gov):rekognition:"
    r"(?P<region>[a-z]{2}(?:-[a-z]+)+-\d{1,2}):(?P<account>\d{12}):"
)
VERSION_ARN = re.compile(
    rf"{_ACCOUNT_PREFIX}project/(?P<project>{_NAME})/version/(?P<version>{_NAME})/"
    r"(?P<timestamp>\d{13})",
    flags=re.ASCII,
)
PROJECT_ARN = re.compile(
    rf"{_ACCOUNT_PREFIX}project/(?P<project>{_NAME})/(?P<timestamp>\d{{13}})", flags=re.ASCII
)
_STORE = re.compile(r"[a-z](?:[a-z0-9-]{0,38}[a-z0-9])?", flags=re.ASCII)
_CLOCK = re.compile(r"(?:[01][0-9]|2[0-3]):[0-5][0-9]", flags=re.ASCII)
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", flags=re.ASCII)


def _matching(body: dict[str, Any], key: str, pattern: re.Pattern[str]) -> str:
    value = body[key]
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise ValueError(f"{key} is not valid: {value!r}")
    return value


def _confidence(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 100:
        raise ValueError(f"minConfidence is not null or a number from 0 to 100: {value!r}")
    return float(value)


def _zone_name(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"timezone is not a string: {value!r}")
    try:
        pinned_zone(value)
    except ZoneInfoNotFoundError:
        raise ValueError(f"timezone is not a time zone tzdata knows: {value!r}") from None
    return value


def _days(value: Any) -> tuple[str, ...]:
    if (
        not isinstance(value, list)
        or not value
        or not all(day in WEEKDAYS for day in value)
        or len(set(value)) != len(value)
    ):
        raise ValueError(f"openDays is not a list of distinct MON ... SUN: {value!r}")
    return tuple(value)


def _lead(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 720:
        raise ValueError(f"startLeadMinutes is not whole minutes from 0 to 720: {value!r}")
    return value


def _dates(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(d, str) for d in value):
        raise ValueError(f"closedDays is not a list of dates: {value!r}")
    for day in value:
        try:
            date.fromisoformat(day if _DAY.fullmatch(day) else "")
        except ValueError:
            raise ValueError(f"closedDays has {day!r}, not a YYYY-MM-DD date") from None
    return tuple(value)


def _horizon_last(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not _DAY.fullmatch(value):
        raise ValueError(f"horizonLast is not a YYYY-MM-DD date: {value!r}")
    date.fromisoformat(value)
    return value


def _moved_starts(value: Any) -> tuple[tuple[str, str], ...]:
    """{"YYYY-MM-DD": "<ISO 8601 instant with its offset>"}, by the open day a start is for."""
    if not isinstance(value, dict):
        raise ValueError(f"movedStarts is not an object: {value!r}")
    found = []
    for day, instant in value.items():
        try:
            date.fromisoformat(day if _DAY.fullmatch(day) else "")
            when = datetime.fromisoformat(instant) if isinstance(instant, str) else None
        except ValueError:
            when = None
        if when is None or when.tzinfo is None:
            raise ValueError(f"movedStarts has {day!r}: {instant!r}, not a day and an instant")
        found.append((day, instant))
    return tuple(sorted(found))


def _aware(local: datetime, zone: ZoneInfo) -> datetime:
    return local.replace(tzinfo=zone)


def _exists(local: datetime, zone: ZoneInfo) -> bool:
    """Whether the naive wall-clock time occurs in `zone` (it does not in a spring-forward gap)."""
    back = local.replace(tzinfo=zone).astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    return back == local


def _after_gap(local: datetime, zone: ZoneInfo) -> datetime:
    while not _exists(local, zone):
        local += timedelta(minutes=1)
    return local


def parameter_name(store_id: str) -> str:
    return f"{PARAMETER_PREFIX}/{store_id}/model"


class HandleError(ValueError):
    """The parameter's value is not a model handle this package understands."""


@dataclass(frozen=True)
class ModelHandle:
    """A store's current model version and when it runs."""

    store: str
    model_version_arn: str
    project_arn: str
    # The checkout's DetectCustomLabels MinConfidence; None: the model's own thresholds.
    min_confidence: float | None
    timezone: str
    opens: str  # "HH:MM", local
    closes: str
    open_days: tuple[str, ...]  # MON ... SUN
    start_lead_minutes: int
    # Days the store would open by weekday but is closed ("YYYY-MM-DD"), from the deployment on.
    closed_days: tuple[str, ...] = ()
    # The calendar the store's schedules carry, written by the stack so that this package does
    # not compute the schedules' rule again (optional keys of version 1: a handle without them
    # is read by the rule below). The last day of the calendar horizon: after it the schedules
    # fire weekly and compensate nothing, so a start in a spring-forward gap does not fire.
    horizon_last: str | None = None
    # Within the horizon, each start a gap moved: the open day, and the instant it fires.
    moved_starts: tuple[tuple[str, str], ...] = ()

    def to_json(self) -> str:
        return json.dumps(
            {
                "version": VERSION,
                "store": self.store,
                "modelVersionArn": self.model_version_arn,
                "projectArn": self.project_arn,
                "minConfidence": self.min_confidence,
                "timezone": self.timezone,
                "opens": self.opens,
                "closes": self.closes,
                "openDays": list(self.open_days),
                "startLeadMinutes": self.start_lead_minutes,
                "closedDays": list(self.closed_days),
                **(
                    {"horizonLast": self.horizon_last, "movedStarts": dict(self.moved_starts)}
                    if self.horizon_last is not None
                    else {}
                ),
            },
            separators=(",", ":"),
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str) -> ModelHandle:
        """Parse and check every field; HandleError names the first that is wrong."""
        try:
            body = json.loads(text)
            if not isinstance(body, dict):
                raise TypeError("not a JSON object")
            if body.get("version") != VERSION:
                raise ValueError(
                    f"version {body.get('version')!r}; this package reads version {VERSION}: "
                    "update rekognition-model-client"
                )
            handle = cls(
                store=_matching(body, "store", _STORE),
                model_version_arn=_matching(body, "modelVersionArn", VERSION_ARN),
                project_arn=_matching(body, "projectArn", PROJECT_ARN),
                min_confidence=_confidence(body["minConfidence"]),
                timezone=_zone_name(body["timezone"]),
                opens=_matching(body, "opens", _CLOCK),
                closes=_matching(body, "closes", _CLOCK),
                open_days=_days(body["openDays"]),
                start_lead_minutes=_lead(body["startLeadMinutes"]),
                closed_days=_dates(body.get("closedDays", [])),
                horizon_last=_horizon_last(body.get("horizonLast")),
                moved_starts=_moved_starts(body.get("movedStarts", {})),
            )
            if handle.closes <= handle.opens:
                raise ValueError(f"closes {handle.closes} is not after opens {handle.opens}")
            return handle
        except KeyError as missing:
            raise HandleError(
                f"not a model handle ({missing} is missing): {text[:200]!r}"
            ) from None
        except (TypeError, ValueError) as error:
            raise HandleError(f"not a model handle ({error}): {text[:200]!r}") from error

    def zone(self) -> ZoneInfo:
        return pinned_zone(self.timezone)

    def _is_open_on(self, day: date) -> bool:
        return WEEKDAYS[day.weekday()] in self.open_days and day.isoformat() not in self.closed_days

    def _wall(self, day: date, hhmm: str) -> datetime:
        hour, minute = (int(part) for part in hhmm.split(":"))
        return datetime.combine(day, time(hour, minute))

    def running_window(self, day: date) -> tuple[datetime, datetime] | None:
        """When the model is scheduled to run for the store's opening on `day`: from the start
        (before opening, possibly the evening before) to closing; None on a closed day, and on
        a day whose start does not fire (in a spring-forward gap after the calendar horizon).

        On a spring-forward day the start is the one the stack wrote into the handle (a start
        whose wall-clock time is in the gap fires its lead in real minutes before the opening);
        an opening or closing in the gap is at the first minute after it. Both ends exist."""
        if not self._is_open_on(day):
            return None
        zone = self.zone()
        opening_wall = self._wall(day, self.opens)
        opening = _aware(_after_gap(opening_wall, zone), zone)
        closing = _aware(_after_gap(self._wall(day, self.closes), zone), zone)
        start_wall = opening_wall - timedelta(minutes=self.start_lead_minutes)
        if self.horizon_last is not None:
            moved = dict(self.moved_starts).get(day.isoformat())
            if moved is not None:
                return datetime.fromisoformat(moved).astimezone(zone), closing
            if _exists(start_wall, zone):
                return _aware(start_wall, zone), closing
            # Scheduler skips a time the day does not have, and nothing compensates it here.
            return None
        # A handle without the calendar (an older stack): the schedules' rule, computed here.
        if _exists(start_wall, zone):
            start = _aware(start_wall, zone)
        else:
            # In UTC: arithmetic on an aware datetime in `zone` would be wall-clock again.
            lead = timedelta(minutes=self.start_lead_minutes)
            start = (opening.astimezone(UTC) - lead).astimezone(zone)
        return start, closing

    def next_start(self, now: datetime) -> datetime | None:
        """The next scheduled start after `now`, in the store's zone (None within 60 days)."""
        today = now.astimezone(self.zone()).date()
        for offset in range(-1, 60):
            window = self.running_window(today + timedelta(days=offset))
            if window is not None and window[0] > now:
                return window[0]
        return None

    def should_be_running(self, now: datetime) -> bool:
        """Whether `now` lies in a scheduled window (after the start, before closing)."""
        today = now.astimezone(self.zone()).date()
        for offset in (-1, 0, 1):
            window = self.running_window(today + timedelta(days=offset))
            if window is not None and window[0] <= now < window[1]:
                return True
        return False
