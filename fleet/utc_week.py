"""When a model version may run, as minutes of the UTC week: clock-free and conservative.

A store's or group's window is written in its local time; CloudWatch metric math (the cost guard)
and the per-account quota on running models count in UTC. The window is therefore taken under
*every* UTC offset its zone uses during a fixed reference year (standard and daylight time) and
projected onto one week, widened after each stop by what the caller allows for the stop's
retries. The result depends on the configuration only, never on the synth date.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from fleet.calendar.weekly import MINUTES_PER_DAY, MINUTES_PER_WEEK
from fleet.settings.store import StoreSettings

# Zone rules are read for a fixed year so that the result does not depend on the synth date.
REFERENCE_YEAR = 2026

Interval = tuple[int, int]  # [start, end) in UTC minutes since Monday 00:00


@cache
def utc_offsets(zone: str) -> list[int]:
    """The distinct UTC offsets (minutes) the zone uses in the reference year."""
    tz = ZoneInfo(zone)
    offsets = set()
    for month in range(1, 13):
        for day in (1, 15):
            offset = datetime(REFERENCE_YEAR, month, day, 12, tzinfo=tz).utcoffset()
            assert offset is not None
            offsets.add(int(offset.total_seconds() // 60))
    return sorted(offsets)


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def store_week(store: StoreSettings, after_stop_minutes: int) -> list[Interval]:
    """A store's weekly window, from start to stop plus `after_stop_minutes`, in UTC minutes of
    the week, under every offset of its zone; closures ignored."""
    pieces: list[Interval] = []
    for offset in utc_offsets(store.timezone):
        for day in store.open_days:
            start = day * MINUTES_PER_DAY + store.start_offset - offset
            end = day * MINUTES_PER_DAY + store.stop_offset + after_stop_minutes - offset
            start, end = start % MINUTES_PER_WEEK, end % MINUTES_PER_WEEK
            if start < end:
                pieces.append((start, end))
            else:  # wraps past Sunday 24:00 UTC
                pieces.extend([(start, MINUTES_PER_WEEK), (0, end)])
    return merge(pieces)


def window_week(
    windows: Iterable[tuple[datetime, datetime]], after_stop_minutes: int
) -> list[Interval]:
    """UTC minutes of the week inside any of these running windows (instants), each widened
    after its stop: a serving group's, from its days over the calendar horizon, which cover
    every UTC offset its members' zones use and runs through the gaps between its members."""
    pieces: list[Interval] = []
    for start, stop in windows:
        utc = start.astimezone(UTC)
        begin = utc.weekday() * MINUTES_PER_DAY + utc.hour * 60 + utc.minute
        length = (stop - start) // timedelta(minutes=1) + after_stop_minutes
        if length >= MINUTES_PER_WEEK:
            return [(0, MINUTES_PER_WEEK)]
        end = begin + length
        if end <= MINUTES_PER_WEEK:
            pieces.append((begin, end))
        else:  # wraps past Sunday 24:00 UTC
            pieces.extend([(begin, MINUTES_PER_WEEK), (0, end - MINUTES_PER_WEEK)])
    return merge(pieces)


def peak(weeks: Sequence[Sequence[Interval]]) -> tuple[int, int, tuple[int, ...]]:
    """The most weeks inside at one minute, a minute when they are (not Monday 00:00 UTC, where
    the week is cut, if another minute has as many), and which weeks (indices)."""
    events: list[tuple[int, int, int]] = []
    for index, week in enumerate(weeks):
        for start, end in week:
            events.append((start, 1, index))
            events.append((end, -1, index))
    # Ends sort before starts at the same minute: [start, end) intervals that touch do not meet.
    events.sort(key=lambda e: (e[0], e[1]))
    inside: set[int] = set()
    found: list[tuple[int, int, tuple[int, ...]]] = []
    for minute, step, index in events:
        if step > 0:
            inside.add(index)
            found.append((len(inside), minute, tuple(sorted(inside))))
        else:
            inside.discard(index)
    if not found:
        return (0, 0, ())
    most = max(count for count, _, _ in found)
    at_most = [f for f in found if f[0] == most]
    return next((f for f in at_most if f[1] > 0), at_most[0])


def weekly_minutes(zone: str, open_days: Iterable[int], offset: int) -> frozenset[int]:
    """The UTC minutes of the week at which a daily time (`offset` minutes from local midnight
    of each open day; negative: the evening before) falls, under every offset of its zone."""
    days = tuple(open_days)
    return frozenset(
        (day * MINUTES_PER_DAY + offset - utc) % MINUTES_PER_WEEK
        for utc in utc_offsets(zone)
        for day in days
    )


def minute_of_week(instant: datetime) -> int:
    utc = instant.astimezone(UTC)
    return utc.weekday() * MINUTES_PER_DAY + utc.hour * 60 + utc.minute
