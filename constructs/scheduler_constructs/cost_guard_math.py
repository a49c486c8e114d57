"""The cost guard's allowed hours: when a store's model may bill, in UTC.

CloudWatch metric math can read the time of a data point (DAY, HOUR, MINUTE) but only in UTC.
The guard therefore allows, in UTC minutes of the week, every minute that is inside the store's
running window under *any* UTC offset its zone uses during the year (standard and daylight
time), widened after the stop by the stop's retry window and a grace period. Billing outside
that set means something is running that no schedule, retry or check explains (fleet/utc_week.py
computes the set).

The price of a fixed UTC expression: in a zone with daylight saving time the guard is up to an
hour more lenient at the edges of the window for part of the year.
"""

from __future__ import annotations

from fleet.settings.store import StoreSettings
from fleet.utc_week import Interval, store_week

# After the last moment a stop could land (its retries), allow this long for STOPPING.
GRACE_MINUTES = 30


def allowed_intervals(store: StoreSettings) -> list[Interval]:
    """UTC minutes of the week in which the store's model may bill."""
    return store_week(store, store.maximum_event_age_minutes + GRACE_MINUTES)


def billing_outside_hours_expression(intervals: list[Interval], units: str, minute: str) -> str:
    """Metric math: the inference units where `minute` (of the UTC week) is outside every
    interval, else 0."""
    inside = " OR ".join(f"({minute} >= {a} AND {minute} < {b})" for a, b in intervals)
    return f"IF({inside}, 0, {units})"


def minute_of_week_expression(units: str) -> str:
    """Metric math: a data point's minute of the UTC week; DAY() counts Monday as 1."""
    return f"(DAY({units}) - 1) * 1440 + HOUR({units}) * 60 + MINUTE({units})"
