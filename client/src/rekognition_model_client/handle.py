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
from datetime import date, datetime, time, timedelta
from functools import cache
from importlib import resources
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
            },
            separators=(",", ":"),
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str) -> ModelHandle:
        try:
            body = json.loads(text)
            if not isinstance(body, dict):
                raise TypeError("not a JSON object")
            if body.get("version") != VERSION:
                raise ValueError(
                    f"version {body.get('version')!r}; this package reads version {VERSION}: "
                    "update rekognition-model-client"
                )
            confidence = body["minConfidence"]
            handle = cls(
                store=str(body["store"]),
                model_version_arn=str(body["modelVersionArn"]),
                project_arn=str(body["projectArn"]),
                min_confidence=None if confidence is None else float(confidence),
                timezone=str(body["timezone"]),
                opens=str(body["opens"]),
                closes=str(body["closes"]),
                open_days=tuple(str(d) for d in body["openDays"]),
                start_lead_minutes=int(body["startLeadMinutes"]),
                closed_days=tuple(str(d) for d in body.get("closedDays", [])),
            )
            handle.zone()  # an unknown zone is a broken handle, not a later surprise
            return handle
        except (KeyError, TypeError, ValueError, ZoneInfoNotFoundError) as error:
            raise HandleError(f"not a model handle ({error!r}): {text[:200]!r}") from error

    def zone(self) -> ZoneInfo:
        return pinned_zone(self.timezone)

    def _is_open_on(self, day: date) -> bool:
        return WEEKDAYS[day.weekday()] in self.open_days and day.isoformat() not in self.closed_days

    def _at(self, day: date, hhmm: str) -> datetime:
        hour, minute = (int(part) for part in hhmm.split(":"))
        return datetime.combine(day, time(hour, minute), tzinfo=self.zone())

    def running_window(self, day: date) -> tuple[datetime, datetime] | None:
        """When the model is scheduled to run for the store's opening on `day`: from the start
        (before opening, possibly the evening before) to closing; None on a closed day."""
        if not self._is_open_on(day):
            return None
        # Adding to an aware datetime is wall-clock arithmetic: the lead stays in local time.
        start = self._at(day, self.opens) - timedelta(minutes=self.start_lead_minutes)
        return start, self._at(day, self.closes)

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
