"""A whole year, minute by minute, driven by the synthesized schedules.

The model follows the start and stop calls the templates' schedules make (their cron, zone,
StartDate and EndDate), taking `start_minutes` to start. The store's intent comes from the
configuration. The simulation checks that the two agree every minute of 2027: RUNNING whenever
the store is open, and neither running nor starting outside the start lead and the stop lag,
on closed weekdays, closed dates and public holidays, and across daylight-saving changes.
Its billed hours must equal the cost report's for the same year.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from fleet.calendar.dst import after_gap, wall_time
from fleet.config import FleetConfig, StoreConfig
from report.cost import Period, store_cost
from report.running import LOOKBACK, fire_times
from report.templates import StoreSchedules
from tests.report.fixtures import fleet_schedules

YEAR = Period(date(2027, 1, 1), date(2027, 12, 31))
MINUTE = timedelta(minutes=1)
DST_CHANGES = {
    "seattle-pike-place": [date(2027, 3, 14), date(2027, 11, 7)],
    "sydney-central": [date(2027, 4, 4), date(2027, 10, 3)],
}


@cache
def opening_instant(zone_name: str, day: date, opens: int) -> datetime:
    """The UTC instant the store opens on `day` (the first minute after a gap that swallows the
    opening time). Once per day, not once per simulated minute."""
    zone = ZoneInfo(zone_name)
    return after_gap(wall_time(day, opens), zone).replace(tzinfo=zone).astimezone(UTC)


def intended_window(store: StoreConfig, local: datetime) -> tuple[bool, bool]:
    """(the store is open now, the model may run now) from the configuration alone."""
    s = store.settings
    minute = local.hour * 60 + local.minute
    today, instant = local.date(), local.astimezone(UTC)
    lead = timedelta(minutes=s.start_lead_minutes)
    open_now = may_run = False
    for shift in (-1, 0, 1):  # a window may begin the evening before or end after midnight
        day = today - timedelta(days=shift)
        if day.weekday() not in s.open_days or day in store.closed_days:
            continue
        at = minute + shift * 1440
        if s.opens - s.start_lead_minutes <= at < s.closes + s.stop_lag_minutes:
            may_run = True
            open_now = open_now or s.opens <= at < s.closes
        # The lead is real minutes before the opening instant, also when a spring-forward gap
        # swallows the start's wall-clock time (fleet/calendar/dst.py).
        opening = opening_instant(s.timezone, day, s.opens)
        if opening - lead <= instant < opening:
            may_run = True
    return open_now, may_run


def simulate(store: StoreConfig, schedules: StoreSchedules, start_minutes: int) -> dict[str, Any]:
    zone = ZoneInfo(store.settings.timezone)
    begin, end = YEAR.bounds(store.settings.timezone)
    starts = set(fire_times(schedules.starts, begin - LOOKBACK, end))
    stops = set(fire_times(schedules.stops, begin - LOOKBACK, end))
    state, ready_at = "STOPPED", begin
    now = begin - LOOKBACK
    billed = 0
    open_minutes: dict[date, int] = {}
    problems: list[str] = []
    while now < end:
        if now in stops:
            state = "STOPPED"
        if now in starts and state == "STOPPED":
            state, ready_at = "STARTING", now + timedelta(minutes=start_minutes)
        if state == "STARTING" and now >= ready_at:
            state = "RUNNING"
        if now >= begin:
            local = now.astimezone(zone)
            open_now, may_run = intended_window(store, local)
            if open_now:
                open_minutes[local.date()] = open_minutes.get(local.date(), 0) + 1
                if state != "RUNNING" and len(problems) < 5:
                    problems.append(f"{local:%Y-%m-%d %H:%M %Z}: open, model {state}")
            if state != "STOPPED" and not may_run and len(problems) < 5:
                problems.append(f"{local:%Y-%m-%d %H:%M %Z}: outside the window, model {state}")
            billed += state == "RUNNING"
        now += MINUTE
    return {"billed_hours": billed / 60, "problems": problems, "open_minutes": open_minutes}


@pytest.fixture(scope="module")
def schedules(fleet_templates: dict[str, dict[str, Any]]) -> dict[str, StoreSchedules]:
    return fleet_schedules(fleet_templates)


@pytest.mark.parametrize("start_minutes", [0, 30])
@pytest.mark.parametrize("store_id", ["tokyo-ginza", "seattle-pike-place", "sydney-central"])
def test_a_year_of_schedules_matches_the_intent(
    fleet: FleetConfig,
    schedules: dict[str, StoreSchedules],
    store_id: str,
    start_minutes: int,
) -> None:
    """Every minute of 2027 for each store of the default fleet, with an instant start and
    with a 30-minute start (the whole lead)."""
    store = next(s for s in fleet.stores if s.store_id == store_id)
    result = simulate(store, schedules[store_id], start_minutes)
    assert result["problems"] == []
    # Closed days from the configuration really had no opening hours...
    for day in store.closed_days:
        if YEAR.first <= day <= YEAR.last:
            assert day not in result["open_minutes"]
    # ...and DST days were simulated with their full opening hours.
    for day in DST_CHANGES.get(store_id, []):
        s = store.settings
        if day.weekday() in s.open_days and day not in store.closed_days:
            assert result["open_minutes"][day] == s.closes - s.opens
    # The simulation's billed hours are the cost report's for the same year.
    cost, _ = store_cost(schedules[store_id], YEAR, 4.0, timedelta(minutes=start_minutes))
    assert result["billed_hours"] == pytest.approx(cost.running_hours, abs=1e-6)
    print(f"{store_id} start {start_minutes} min: {result['billed_hours']:.2f} h billed in 2027")


def test_the_simulation_catches_a_wrong_schedule(
    fleet: FleetConfig, schedules: dict[str, StoreSchedules]
) -> None:
    """Shift Tokyo's stop an hour early: the simulation reports the open store without model."""
    tokyo = schedules["tokyo-ginza"]
    early = tuple(replace(s, expression="cron(30 18 * * ? *)") for s in tokyo.stops)
    store = next(s for s in fleet.stores if s.store_id == "tokyo-ginza")
    result = simulate(store, replace(tokyo, stops=early), 0)
    assert result["problems"]
    assert "open, model STOPPED" in result["problems"][0]
