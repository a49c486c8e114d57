"""Daylight-saving gaps: local times that do not exist on the day the clocks go forward.

EventBridge Scheduler skips a cron occurrence whose local time does not exist that day (and fires
once in a repeated hour). Each occurrence a gap swallows within the calendar horizon gets a
compensation instead, a cron for that one date and year (fleet/calendar/cron.py):

- the start fires as many real minutes before the opening instant as its lead (firing at the end
  of the gap would, for a store opening at the gap's end, start the model at opening);
- the start check follows a compensated start by its usual minutes;
- any other occurrence fires at the first minute after the gap.

The opening instant of a day whose opening time is in the gap is the first minute after it, as
for the opening check.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from fleet.calendar.weekly import MINUTES_PER_DAY

MINUTE = timedelta(minutes=1)

# The open day an occurrence belongs to -> the local wall-clock time it fires at instead (naive).
Moves = Mapping[date, datetime]


def exists(local: datetime, zone: ZoneInfo) -> bool:
    """Whether the naive wall-clock time `local` occurs in `zone` (it does not in a gap)."""
    round_trip = local.replace(tzinfo=zone).astimezone(UTC).astimezone(zone)
    return round_trip.replace(tzinfo=None) == local


def after_gap(local: datetime, zone: ZoneInfo) -> datetime:
    """`local` if it exists, else the first minute after the gap it falls in."""
    while not exists(local, zone):
        local = local.replace(second=0, microsecond=0) + MINUTE
    return local


@cache
def wall_time(day: date, offset: int) -> datetime:
    """The naive local time `offset` minutes after midnight of `day` (negative: the day before)."""
    return datetime(day.year, day.month, day.day) + timedelta(minutes=offset)


def _instant(local: datetime, zone: ZoneInfo) -> datetime:
    return local.replace(tzinfo=zone).astimezone(UTC)


def _local(instant: datetime, zone: ZoneInfo) -> datetime:
    return instant.astimezone(zone).replace(tzinfo=None)


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


def swallowed(
    zone_name: str, days: Callable[[date], bool], offset: int, first: date, last: date
) -> list[date]:
    """The days in [first, last] for which `days` holds whose occurrence `offset` minutes after
    local midnight falls in a gap."""
    zone = ZoneInfo(zone_name)
    shift = offset // MINUTES_PER_DAY  # -1: the evening before, +1: after midnight
    gaps = gap_days(zone_name, first + timedelta(days=shift), last + timedelta(days=shift))
    found = []
    for gap_day in gaps:
        day = gap_day - timedelta(days=shift)
        if first <= day <= last and days(day) and not exists(wall_time(day, offset), zone):
            found.append(day)
    return found


def moved_after_gap(zone_name: str, offset: int, days: Iterable[date]) -> dict[date, datetime]:
    """Each of `days`' occurrence at the first minute after its gap."""
    zone = ZoneInfo(zone_name)
    return {day: after_gap(wall_time(day, offset), zone) for day in days}


def moved_before(
    zone_name: str,
    offset: int,
    days: Iterable[date],
    anchor_offset: int,
    anchor_moves: Moves,
) -> dict[date, datetime]:
    """Each of `days`' occurrence as many real minutes from its anchor's instant that day (the
    opening, or a compensated start) as `offset` is from `anchor_offset` on the wall clock."""
    zone = ZoneInfo(zone_name)
    found = {}
    for day in days:
        anchor = anchor_moves.get(day) or after_gap(wall_time(day, anchor_offset), zone)
        instant = _instant(anchor, zone) + timedelta(minutes=offset - anchor_offset)
        found[day] = _local(instant, zone)
    return found
