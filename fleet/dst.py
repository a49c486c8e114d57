"""Daylight-saving gaps: local times that do not exist on the day the clocks go forward.

EventBridge Scheduler skips a cron occurrence whose local time does not exist that day (and fires
once in a repeated hour). A store whose start, stop or check falls in the spring-forward gap
(opens 02:45 America/Los_Angeles with a 30-minute lead: start 02:15 on the second Sunday in
March) would lose it that day. For each such occurrence within the horizon the templates cover
(a year ahead, as for holidays), the stack adds a one-off `at()` schedule at the first minute
after the gap.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from fleet.weekly import MINUTES_PER_DAY, Weekday

MINUTE = timedelta(minutes=1)


@dataclass(frozen=True)
class GapOccurrence:
    """An occurrence that falls in a gap, and when its one-off fires instead."""

    day: date  # the open day the occurrence belongs to (names the one-off)
    skipped: datetime  # the local wall-clock time that does not exist (naive)
    fires: datetime  # the first local minute after the gap (naive, in the store's zone)

    def instant(self, zone: str) -> datetime:
        return self.fires.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)


def exists(local: datetime, zone: ZoneInfo) -> bool:
    """Whether the naive wall-clock time `local` occurs in `zone` (it does not in a gap)."""
    round_trip = local.replace(tzinfo=zone).astimezone(UTC).astimezone(zone)
    return round_trip.replace(tzinfo=None) == local


@cache
def gap_days(zone_name: str, first: date, last: date) -> tuple[date, ...]:
    """Days in [first, last] on which the zone's clocks go forward (its UTC offset grows)."""
    zone = ZoneInfo(zone_name)
    found = []
    day = first
    while day <= last:
        start = datetime(day.year, day.month, day.day, tzinfo=zone)
        following = day + timedelta(days=1)
        end = datetime(following.year, following.month, following.day, tzinfo=zone)
        before, after = start.utcoffset(), end.utcoffset()
        if before is not None and after is not None and after > before:
            found.append(day)
        day = following
    return tuple(found)


def gap_occurrences(
    zone_name: str,
    open_days: frozenset[Weekday],
    event_minutes: int,
    first: date,
    last: date,
    skip: frozenset[date] = frozenset(),
) -> list[GapOccurrence]:
    """Occurrences of a schedule firing `event_minutes` after local midnight of each open day
    (negative: the evening before) whose local time falls in a gap, for open days in
    [first, last] not in `skip` (closed days, for schedules that skip them)."""
    zone = ZoneInfo(zone_name)
    shift = event_minutes // MINUTES_PER_DAY  # -1: the evening before, +1: after midnight
    found = []
    for gap_day in gap_days(zone_name, first + timedelta(days=shift), last + timedelta(days=shift)):
        day = gap_day - timedelta(days=shift)
        if Weekday(day.weekday()) not in open_days or day in skip or not first <= day <= last:
            continue
        local = datetime(day.year, day.month, day.day) + timedelta(minutes=event_minutes)
        if exists(local, zone):
            continue
        fires = local + MINUTE
        while not exists(fires, zone):
            fires += MINUTE
        found.append(GapOccurrence(day, local, fires))
    return found
