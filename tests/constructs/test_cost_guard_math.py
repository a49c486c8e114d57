"""The cost guard's allowed UTC hours, and the metric math that applies them."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from functools import cache
from types import CodeType
from zoneinfo import ZoneInfo

import pytest

from fleet.reading.loader import load_fleet
from fleet.settings.store import StoreSettings
from fleet.utc_week import utc_offsets
from scheduler_constructs.cost_guard_math import (
    allowed_intervals,
    billing_outside_hours_expression,
    minute_of_week_expression,
)
from tests.synth import TEST_TODAY, cli_context

FLEET = load_fleet(cli_context(), today=TEST_TODAY)
SETTINGS = [s.settings for s in FLEET.stores]


def store(store_id: str) -> StoreSettings:
    return next(s.settings for s in FLEET.stores if s.store_id == store_id)


def evaluate(expression: str, units: float, when: datetime) -> float:
    """Evaluate the alarm's metric math the way CloudWatch does, for one UTC data point."""
    values = {
        "DAY": lambda _: when.isoweekday(),  # 1 = Monday, as CloudWatch's DAY()
        "HOUR": lambda _: when.hour,
        "MINUTE": lambda _: when.minute,
        "IF": lambda condition, yes, no: yes if condition else no,
        "units": units,
    }
    minute = eval(_compiled(minute_of_week_expression("units")), {}, values)
    return float(eval(_compiled(expression), {}, {**values, "minute": minute}))


@cache
def _compiled(expression: str) -> CodeType:
    """Metric math as Python, compiled once: a year of minutes evaluates it tens of thousands
    of times."""
    python = re.sub(r"\bAND\b", "and", re.sub(r"\bOR\b", "or", expression))
    return compile(python, "<metric math>", "eval")


def billed_outside(store_id: str, local: str) -> bool:
    s = store(store_id)
    when = datetime.fromisoformat(local).replace(tzinfo=ZoneInfo(s.timezone)).astimezone(UTC)
    expression = billing_outside_hours_expression(allowed_intervals(s), "units", "minute")
    return evaluate(expression, 1.0, when) > 0


def test_offsets_cover_standard_and_daylight_time() -> None:
    """Tokyo has one offset; Los Angeles and Sydney two (opposite seasons)."""
    assert utc_offsets("Asia/Tokyo") == [540]
    assert utc_offsets("America/Los_Angeles") == [-480, -420]
    assert utc_offsets("Australia/Sydney") == [600, 660]


@pytest.mark.parametrize(
    ("store_id", "local", "outside"),
    [
        # Tokyo: start 06:30, stop 19:30, stop retries 60 min, grace 30 min -> allowed to 21:00.
        ("tokyo-ginza", "2026-12-01T06:29", True),
        ("tokyo-ginza", "2026-12-01T06:30", False),
        ("tokyo-ginza", "2026-12-01T12:00", False),
        ("tokyo-ginza", "2026-12-01T20:59", False),
        ("tokyo-ginza", "2026-12-01T21:00", True),
        ("tokyo-ginza", "2026-12-02T03:00", True),
        # Seattle is closed on Mondays: noon on a Monday is outside, in winter and in summer.
        ("seattle-pike-place", "2026-12-07T12:00", True),
        ("seattle-pike-place", "2026-07-06T12:00", True),
        ("seattle-pike-place", "2026-12-08T12:00", False),
        ("seattle-pike-place", "2026-07-07T12:00", False),
        # Sydney starts Sunday 23:45 for Monday; Saturday is outside.
        ("sydney-central", "2026-12-06T23:50", False),
        ("sydney-central", "2026-12-05T12:00", True),
        ("sydney-central", "2026-06-14T23:50", False),
    ],
)
def test_guard_fires_only_outside_the_running_window(
    store_id: str, local: str, outside: bool
) -> None:
    """Evaluated at local times on both sides of each edge, in both DST seasons."""
    assert billed_outside(store_id, local) is outside


def test_no_units_never_alarms() -> None:
    """A stopped model (0 units) is fine at any hour."""
    s = store("tokyo-ginza")
    expression = billing_outside_hours_expression(allowed_intervals(s), "units", "minute")
    when = datetime(2026, 12, 2, 3, tzinfo=UTC)
    assert evaluate(expression, 0.0, when) == 0


def test_every_open_minute_of_the_year_is_allowed() -> None:
    """Whatever the date and DST, the guard never fires while a store's model should run."""
    for s in SETTINGS:
        expression = billing_outside_hours_expression(allowed_intervals(s), "units", "minute")
        zone = ZoneInfo(s.timezone)
        day = datetime(2026, 1, 1, tzinfo=zone)
        while day.year == 2026:
            if day.weekday() in s.open_days:
                for minute in range(s.opens, s.closes, 15):
                    local = day + timedelta(minutes=minute)
                    assert evaluate(expression, 1.0, local.astimezone(UTC)) == 0, (s, local)
            day += timedelta(days=1)


def test_expression_fits_cloudwatch_limits() -> None:
    """Alarm metric math expressions are limited to 2048 characters."""
    for s in SETTINGS:
        assert len(billing_outside_hours_expression(allowed_intervals(s), "units", "minute")) < 2048
