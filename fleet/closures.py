"""Closed dates: days a store does not open although its weekday is an open day.

EventBridge Scheduler has no "except on these dates". The recurring schedules are therefore
split into segments with StartDate/EndDate: one segment until the first closed day, one from
the first open day after it, and so on. A segment boundary lies 12 hours before the occurrence
it separates, so it never falls near a firing time (occurrences are 24 hours apart, give or take
an hour of daylight saving), and whether StartDate/EndDate are inclusive does not matter.

Closures that have ended are dropped (the segment before them has ended too), so segments do not
pile up; holidays from a calendar are materialized for a year ahead, and a deploy refreshes them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from fleet.weekly import Weekday

if TYPE_CHECKING:
    import holidays

# How far ahead a holiday calendar is turned into closed days; redeploy within this time.
HOLIDAY_HORIZON = timedelta(days=365)
# A closure that ended longer ago than this is stale configuration: remove it.
PAST_LIMIT = timedelta(days=365)
# A closure further ahead than this is probably a typo (2062 for 2026).
FUTURE_LIMIT = timedelta(days=2 * 365)
BOUNDARY_BEFORE_EVENT = timedelta(hours=12)

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", flags=re.ASCII)


class ClosureError(ValueError):
    """A closed-dates value is wrong; the message says why and how to fix it."""


@dataclass(frozen=True)
class DateRange:
    first: date
    last: date  # inclusive

    def days(self) -> Iterable[date]:
        day = self.first
        while day <= self.last:
            yield day
            day += timedelta(days=1)


def parse_date(text: str) -> date:
    if not isinstance(text, str) or not _DATE.fullmatch(text):
        raise ClosureError(f"{text!r} is not a date; write YYYY-MM-DD, e.g. 2026-12-31")
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise ClosureError(f"{text!r} is not a calendar date ({error})") from error


def parse_range(text: str) -> DateRange:
    """`2026-12-31` or `2026-12-31..2027-01-03` (both ends closed)."""
    if not isinstance(text, str):
        raise ClosureError('a closed date is a string, "YYYY-MM-DD" or "YYYY-MM-DD..YYYY-MM-DD"')
    first_text, sep, last_text = text.partition("..")
    first = parse_date(first_text.strip())
    last = parse_date(last_text.strip()) if sep else first
    if last < first:
        raise ClosureError(f"{text!r} ends before it starts; write the earlier date first")
    return DateRange(first, last)


def parse_closed_dates(items: object) -> list[DateRange]:
    """A list of dates and ranges."""
    if not isinstance(items, list):
        raise ClosureError(
            'must be a list of dates and ranges, e.g. ["2026-12-31..2027-01-03", "2027-05-05"]'
        )
    return [parse_range(item.strip() if isinstance(item, str) else item) for item in items]


def parse_dates(items: object) -> list[date]:
    if not isinstance(items, list):
        raise ClosureError('must be a list of dates, e.g. ["2027-02-11"]')
    return [parse_date(item.strip() if isinstance(item, str) else item) for item in items]


def check_range_is_current(closure: DateRange, today: date) -> None:
    if closure.last < today - PAST_LIMIT:
        raise ClosureError(
            f"{closure.last.isoformat()} ended more than a year ago: remove it from the "
            "configuration (closures that have ended are ignored, old ones only add noise)"
        )
    if closure.first > today + FUTURE_LIMIT:
        raise ClosureError(
            f"{closure.first.isoformat()} is more than two years ahead: a typo in the year?"
        )


def _calendar(calendar: str, years: range | None) -> holidays.HolidayBase:
    # Imported here: it takes about 0.14 s, which only a fleet with a holiday calendar pays.
    import holidays

    country, _, subdivision = calendar.partition("-")
    try:
        return holidays.country_holidays(country, subdiv=subdivision or None, years=years)
    except NotImplementedError as error:
        raise ClosureError(
            f"{calendar!r} is not a holiday calendar the `holidays` package knows ({error}); "
            'use an ISO country code, optionally with a subdivision: "JP", "US-WA", "AU-NSW"'
        ) from error


def check_calendar(calendar: str) -> None:
    """Raise ClosureError unless the `holidays` package knows `calendar`."""
    _calendar(calendar, None)


@cache
def holiday_dates(calendar: str, today: date) -> dict[date, str]:
    """Public holidays of `calendar` ("JP", "US-WA", "AU-NSW") from today, a year ahead."""
    end = today + HOLIDAY_HORIZON
    found = _calendar(calendar, range(today.year, end.year + 1))
    return {day: str(name) for day, name in found.items() if today <= day <= end}


def closed_open_days(
    ranges: Iterable[DateRange],
    holiday_days: Iterable[date],
    open_on: Iterable[date],
    open_days: frozenset[Weekday],
    today: date,
) -> tuple[date, ...]:
    """The days from today on that the store would open by weekday but is closed."""
    closed = {day for closure in ranges for day in closure.days()}
    closed |= set(holiday_days) - set(open_on)
    return tuple(sorted(d for d in closed if d >= today and Weekday(d.weekday()) in open_days))


def prune(found: list[Segment], now: datetime) -> list[Segment]:
    """Drop segments that have ended, and start dates that have passed.

    EventBridge Scheduler refuses a StartDate more than 5 minutes in the past, so a deploy must
    not carry one. Both cuts are safe within the hour after `now` (the synth; a deploy follows
    it): a segment's last occurrence is 12 hours before its end, and its first 12 hours after
    its start.
    """
    cutoff = now + timedelta(hours=1)
    kept = [seg for seg in found if seg.end is None or seg.end > cutoff]
    return [
        Segment(seg.resumes, seg.start if seg.start and seg.start > cutoff else None, seg.end)
        for seg in kept
    ]


@dataclass(frozen=True)
class Segment:
    """A stretch of time in which a recurring schedule may fire.

    `resumes` is the first open day after a closure (None for the first segment); it names the
    segment, so a segment keeps its name, and its schedule is not replaced, as closures come
    and go around it.
    """

    resumes: date | None
    start: datetime | None  # UTC; None: from the beginning
    end: datetime | None  # UTC; None: open-ended

    def describe(self) -> str:
        """Suffix for a schedule's description: when the segment starts and ends, if it does."""
        since = f" from {self.start:%Y-%m-%d %H:%M} UTC" if self.start else ""
        until = f" until {self.end:%Y-%m-%d %H:%M} UTC" if self.end else ""
        return since + until


def segment_id(base: str, segment: Segment) -> str:
    """Construct id: `Start` for the first segment, `StartFrom20270104` after a closure."""
    return base if segment.resumes is None else f"{base}From{segment.resumes:%Y%m%d}"


def segment_name(base: str, segment: Segment) -> str:
    """Schedule name, unique in the group for as long as the segment exists."""
    return base if segment.resumes is None else f"{base}-from-{segment.resumes.isoformat()}"


def describe_days(days: tuple[date, ...]) -> str:
    """`2026-12-31..2027-01-03, 2027-01-12` (runs of consecutive days as ranges)."""
    runs: list[list[date]] = []
    for day in days:
        if runs and (day - runs[-1][-1]).days == 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return ", ".join(
        r[0].isoformat() if len(r) == 1 else f"{r[0].isoformat()}..{r[-1].isoformat()}"
        for r in runs
    )


def _event(day: date, minutes: int, zone: ZoneInfo) -> datetime:
    # Adding to an aware datetime is wall-clock arithmetic in Python: 05:30 stays 05:30 local
    # across a DST change, and the offset is looked up for the result.
    local = datetime(day.year, day.month, day.day, tzinfo=zone) + timedelta(minutes=minutes)
    return local.astimezone(UTC)


def segments(
    closed: tuple[date, ...],
    open_days: frozenset[Weekday],
    timezone: str,
    event_minutes: int,
) -> list[Segment]:
    """Segments of a schedule that fires `event_minutes` after local midnight of each open day
    (negative: the evening before), skipping the closed days."""
    if not closed:
        return [Segment(None, None, None)]
    zone = ZoneInfo(timezone)
    result: list[Segment] = []
    current_start: datetime | None = None
    resumes: date | None = None
    index = 0
    while index < len(closed):
        first = closed[index]
        # Extend the run over closed days with no open day between them.
        last = first
        index += 1
        next_open = _next_open_day(last, open_days)
        while index < len(closed) and closed[index] == next_open:
            last = closed[index]
            index += 1
            next_open = _next_open_day(last, open_days)
        end = _event(first, event_minutes, zone) - BOUNDARY_BEFORE_EVENT
        result.append(Segment(resumes, current_start, end))
        resumes = next_open
        current_start = _event(next_open, event_minutes, zone) - BOUNDARY_BEFORE_EVENT
    result.append(Segment(resumes, current_start, None))
    return result


def _next_open_day(day: date, open_days: frozenset[Weekday]) -> date:
    day += timedelta(days=1)
    while Weekday(day.weekday()) not in open_days:
        day += timedelta(days=1)
    return day
