"""A whole year, minute by minute, driven by the synthesized schedules.

The model follows the start and stop calls the templates' schedules make (their cron, zone,
StartDate and EndDate), taking `start_minutes` to start. The store's intent comes from the
configuration. The simulation checks that the two agree every minute of 2027: RUNNING whenever
the store is open, and neither running nor starting outside the start lead and the stop lag,
on closed weekdays, closed dates and public holidays, and across daylight-saving changes.
Its billed hours must equal the cost report's for the same year.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
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


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
EPOCH_DAY = date(1970, 1, 1).toordinal()
DAY = 1440


def minutes(instant: datetime) -> int:
    """Whole minutes since 1970-01-01 00:00 UTC: the simulation counts in integers, which is
    what makes a year of minutes take a second, not ten."""
    return (instant - EPOCH) // MINUTE


def offsets(zone: ZoneInfo, first: int, last: int) -> dict[int, int]:
    """{UTC minute: the zone's offset in minutes from then on} over [first, last): the offset
    at `first` and at every change, found hour by hour and then to the minute."""

    def offset(minute: int) -> int:
        shift = (EPOCH + minute * MINUTE).astimezone(zone).utcoffset()
        assert shift is not None
        return shift // MINUTE

    changes = {first: offset(first)}
    current = changes[first]
    for hour in range(first, last, 60):
        if offset(min(hour + 60, last)) != current:
            minute = next(m for m in range(hour, hour + 61) if offset(m) != current)
            current = changes[minute] = offset(minute)
    return changes


@dataclass(frozen=True)
class Intent:
    """What the configuration alone says of each local day: whether the store opens, and the
    UTC minute it opens (the first minute after a gap that swallows the opening time)."""

    store: StoreConfig
    opens_on: dict[int, bool]  # by local day number (days since 1970-01-01)
    opening: dict[int, int]

    @classmethod
    def of(cls, store: StoreConfig, first_day: int, last_day: int) -> Intent:
        s = store.settings
        zone = ZoneInfo(s.timezone)
        opens_on, opening = {}, {}
        for number in range(first_day, last_day + 1):
            day = date.fromordinal(EPOCH_DAY + number)
            opens_on[number] = day.weekday() in s.open_days and day not in store.closed_days
            local = after_gap(wall_time(day, s.opens), zone).replace(tzinfo=zone)
            opening[number] = minutes(local.astimezone(UTC))
        return cls(store, opens_on, opening)

    def window(self, local: int, instant: int) -> tuple[bool, bool]:
        """(the store is open now, the model may run now) at local wall-clock minute `local`
        (minutes since 1970-01-01 00:00 on the zone's clock), UTC minute `instant`."""
        s = self.store.settings
        opens, closes, lead = s.opens, s.closes, s.start_lead_minutes
        ends = closes + s.stop_lag_minutes
        opens_on, opening = self.opens_on, self.opening
        today, minute = divmod(local, DAY)
        open_now = may_run = False
        # A window may begin the evening before or end after midnight: tomorrow's (counted on
        # its clock, this minute is a day earlier), today's and yesterday's.
        for day, at in ((today + 1, minute - DAY), (today, minute), (today - 1, minute + DAY)):
            if not opens_on[day]:
                continue
            if opens - lead <= at < ends:
                may_run = True
                if opens <= at < closes:
                    open_now = True
            # The lead is real minutes before the opening instant, also when a spring-forward
            # gap swallows the start's wall-clock time (fleet/calendar/dst.py).
            elif opening[day] - lead <= instant < opening[day]:
                may_run = True
        return open_now, may_run


def simulate(store: StoreConfig, schedules: StoreSchedules, start_minutes: int) -> dict[str, Any]:
    zone = ZoneInfo(store.settings.timezone)
    bounds = YEAR.bounds(store.settings.timezone)
    begin, end = minutes(bounds[0]), minutes(bounds[1])
    lookback = LOOKBACK // MINUTE
    starts = {minutes(t) for t in fire_times(schedules.starts, bounds[0] - LOOKBACK, bounds[1])}
    stops = {minutes(t) for t in fire_times(schedules.stops, bounds[0] - LOOKBACK, bounds[1])}
    changes = offsets(zone, begin, end)
    intent = Intent.of(store, begin // DAY - 2, end // DAY + 2)
    state, ready_at = "STOPPED", begin
    offset = 0
    billed = 0
    open_minutes: dict[int, int] = {}
    problems: list[str] = []

    def at(minute: int) -> str:
        return f"{(EPOCH + minute * MINUTE).astimezone(zone):%Y-%m-%d %H:%M %Z}"

    for now in range(begin - lookback, end):
        if now in stops:
            state = "STOPPED"
        if now in starts and state == "STOPPED":
            state, ready_at = "STARTING", now + start_minutes
        if state == "STARTING" and now >= ready_at:
            state = "RUNNING"
        if now >= begin:
            offset = changes.get(now, offset)
            local = now + offset
            open_now, may_run = intent.window(local, now)
            if open_now:
                open_minutes[local // DAY] = open_minutes.get(local // DAY, 0) + 1
                if state != "RUNNING" and len(problems) < 5:
                    problems.append(f"{at(now)}: open, model {state}")
            if state != "STOPPED" and not may_run and len(problems) < 5:
                problems.append(f"{at(now)}: outside the window, model {state}")
            billed += state == "RUNNING"
    return {
        "billed_hours": billed / 60,
        "problems": problems,
        "open_minutes": {date.fromordinal(EPOCH_DAY + d): n for d, n in open_minutes.items()},
    }


@pytest.fixture(scope="session")
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
