"""The model handle names the starts the schedules fire: the client reads the calendar the stack
wrote (the starts a gap moved within the horizon, the horizon's last day) instead of computing
the schedules' rule again; both sides are held to the schedules' own firings."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from fleet.config import StoreConfig
from fleet.handle import handle_of
from fleet.reading.loader import load_fleet
from rekognition_model_client.handle import ModelHandle
from report.awscron import occurrences
from tests.synth import TEST_TODAY, cli_context, default_fleet

INSIDE = date(2027, 3, 14)  # Los Angeles springs forward, within the horizon 2026-12..2027-12
AFTER = date(2028, 3, 12)  # and after it


def gap_store() -> StoreConfig:
    """Opens 03:00 with a 30-minute lead: its start, 02:30, does not exist on the gap days."""
    fleet = default_fleet()
    fleet["stores"]["seattle-pike-place"].update(
        opens="03:00", closes="14:00", openDays=["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"]
    )
    loaded = load_fleet(cli_context(fleet=fleet), today=TEST_TODAY)
    return next(s for s in loaded.stores if s.store_id == "seattle-pike-place")


def scheduled_starts(store: StoreConfig, day: date) -> list[datetime]:
    """What the start schedules fire from the evening before `day` to the day after."""
    begin = datetime(day.year, day.month, day.day, tzinfo=UTC) - timedelta(days=1)
    end = begin + timedelta(days=3)
    return sorted(
        instant
        for schedule in store.plan.start
        for instant in occurrences(schedule.expression, store.settings.timezone, begin, end)
    )


def client_start(handle: ModelHandle, day: date) -> datetime | None:
    midnight = datetime(day.year, day.month, day.day, tzinfo=handle.zone())
    return handle.next_start(midnight)


def test_the_clients_starts_are_the_schedules_inside_and_after_the_horizon() -> None:
    store = gap_store()
    handle = ModelHandle.from_json(handle_of(store).to_json())
    for day in (INSIDE, AFTER):
        midnight = datetime(day.year, day.month, day.day, tzinfo=handle.zone())
        fired = [s for s in scheduled_starts(store, day) if s > midnight]
        assert client_start(handle, day) == fired[0], day
    # Inside: moved to 30 real minutes before 03:00 PDT. After: skipped, the next day's start.
    assert f"{client_start(handle, INSIDE):%Y-%m-%d %H:%M %Z}" == "2027-03-14 01:30 PST"
    assert f"{client_start(handle, AFTER):%Y-%m-%d %H:%M %Z}" == "2028-03-13 02:30 PDT"


def test_the_handle_carries_the_calendar_as_optional_keys_of_version_1() -> None:
    body = handle_of(gap_store()).to_json()
    assert '"version":1' in body
    assert '"horizonLast":"2027-12-31","movedStarts":{"2027-03-14":"2027-03-14T01:30-08:00"}' in (
        body
    )


def test_a_handle_without_the_calendar_is_read_by_the_rule_as_before() -> None:
    """An older stack's handle: the client computes the compensation itself (and, knowing no
    horizon, names a start after it too)."""
    store = gap_store()
    old = ModelHandle.from_json(handle_of(store).to_json().split(',"horizonLast"')[0] + "}")
    assert old.horizon_last is None
    assert f"{client_start(old, INSIDE):%Y-%m-%d %H:%M %Z}" == "2027-03-14 01:30 PST"
    assert f"{client_start(old, AFTER):%Y-%m-%d %H:%M %Z}" == "2028-03-12 01:30 PST"
