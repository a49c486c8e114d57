"""The cost guard's allowed hours: when a store's model may bill, in UTC.

CloudWatch metric math can read the time of a data point (DAY, HOUR, MINUTE) but only in UTC.
The guard therefore allows, in UTC minutes of the week, every minute that is inside the store's
running window under *any* UTC offset its zone uses during the year (standard and daylight
time), widened after the stop by the stop's retry window and a grace period. Billing outside
that set means something is running that no schedule, retry or check explains.

The price of a fixed UTC expression: in a zone with daylight saving time the guard is up to an
hour more lenient at the edges of the window for part of the year.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from fleet.calendar.weekly import MINUTES_PER_DAY, MINUTES_PER_WEEK
from fleet.settings.store import StoreSettings

# Zone rules are read for a fixed year so that the template does not depend on the synth date.
REFERENCE_YEAR = 2026
# After the last moment a stop could land (its retries), allow this long for STOPPING.
GRACE_MINUTES = 30

Interval = tuple[int, int]  # [start, end) in UTC minutes since Monday 00:00


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


def _merge(intervals: list[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def allowed_intervals(store: StoreSettings) -> list[Interval]:
    """UTC minutes of the week in which the store's model may bill."""
    after_stop = store.maximum_event_age_minutes + GRACE_MINUTES
    pieces: list[Interval] = []
    for offset in utc_offsets(store.timezone):
        for day in store.open_days:
            start = day * MINUTES_PER_DAY + store.start_offset - offset
            end = day * MINUTES_PER_DAY + store.stop_offset + after_stop - offset
            start, end = start % MINUTES_PER_WEEK, end % MINUTES_PER_WEEK
            if start < end:
                pieces.append((start, end))
            else:  # wraps past Sunday 24:00 UTC
                pieces.extend([(start, MINUTES_PER_WEEK), (0, end)])
    return _merge(pieces)


def window_intervals(
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
    return _merge(pieces)


def billing_outside_hours_expression(intervals: list[Interval], units: str, minute: str) -> str:
    """Metric math: the inference units where `minute` (of the UTC week) is outside every
    interval, else 0."""
    inside = " OR ".join(f"({minute} >= {a} AND {minute} < {b})" for a, b in intervals)
    return f"IF({inside}, 0, {units})"


def minute_of_week_expression(units: str) -> str:
    """Metric math: a data point's minute of the UTC week; DAY() counts Monday as 1."""
    return f"(DAY({units}) - 1) * 1440 + HOUR({units}) * 60 + MINUTE({units})"
