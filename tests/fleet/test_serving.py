"""A serving group's running window (fleet/serving.py): on each day a member opens, from the
earliest member start to the latest member stop; written into cron expressions that fire exactly
those instants, as the project's evaluator (report/awscron.py, on croniter) reads them."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from fleet.config import StoreConfig
from fleet.reading.errors import ConfigError
from fleet.reading.loader import load_fleet
from fleet.serving import GroupPlan, group_plan
from report.awscron import occurrences
from tests.synth import TEST_TODAY, cli_context, default_fleet

WEEK = ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"]
PROJECT = "arn:aws:rekognition:us-east-1:111122223333:project/bread/1761900000000"
# Two zones a group's members may be in, both hemispheres, with and without daylight saving.
ZONES = [
    ("America/New_York", "America/Chicago", "US"),
    ("Australia/Sydney", "Australia/Brisbane", "AU"),
    ("Europe/Berlin", "Europe/London", "DE"),
    ("Asia/Tokyo", "Asia/Tokyo", "JP"),
]


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def members_of(stores: dict[str, dict[str, Any]]) -> list[StoreConfig]:
    fleet = default_fleet()
    fleet.pop("pipeline")
    fleet["stores"] = {sid: {"projectArn": PROJECT, **body} for sid, body in stores.items()}
    context = {k: v for k, v in cli_context(fleet=fleet).items() if ":" not in k or "@" in k}
    context.update(
        {
            f"modelVersionArn:{sid}": PROJECT.replace(
                "/1761900000000", f"/version/v{n}/17619000000{n:02d}"
            )
            for n, sid in enumerate(stores)
        }
    )
    return list(load_fleet(context, today=TEST_TODAY).stores)


def generated_group(rng: random.Random) -> list[StoreConfig]:
    """2 to 10 members in two zones, with their own hours, days, closures, holidays, leads and
    lags; now and then a start the evening before."""
    first, second, country = rng.choice(ZONES)
    while True:
        stores = {}
        for n in range(rng.randint(2, 10)):
            opens = rng.randrange(0, 11 * 60, 15)
            closes = rng.randrange(opens + 4 * 60, min(opens + 14 * 60, 23 * 60 + 45), 15)
            body: dict[str, Any] = {
                "timezone": rng.choice([first, second]),
                "opens": _clock(opens),
                "closes": _clock(closes),
                "openDays": sorted(rng.sample(WEEK, rng.randint(4, 7)), key=WEEK.index),
                "startLeadMinutes": rng.choice([15, 30, 45, 60]),
                "stopLagMinutes": rng.choice([0, 15, 30, 60]),
            }
            if rng.random() < 0.4:
                body["closedDates"] = [f"2027-{rng.randint(1, 11):02d}-{rng.randint(1, 28):02d}"]
            if rng.random() < 0.3:
                body["holidayCalendar"] = country
            stores[f"s{n}"] = body
        try:
            return members_of(stores)
        except ConfigError:
            continue  # a member the settings refuse: draw again


def fired(plan: GroupPlan, schedules: Any, begin: datetime, end: datetime) -> list[datetime]:
    return sorted(
        instant
        for schedule in schedules
        for instant in occurrences(schedule.expression, plan.time_zone, begin, end)
    )


def check(members: list[StoreConfig]) -> GroupPlan:
    plan = group_plan(
        members, members[0].settings.timezone, start_check_minutes=5, closing_check_minutes=15
    )
    horizon = members[0].horizon
    # Away from the horizon's edges, where the weekly crons of the years around it take over.
    begin = datetime.combine(horizon.first + timedelta(days=2), datetime.min.time(), UTC)
    end = datetime.combine(horizon.last - timedelta(days=2), datetime.min.time(), UTC)
    starts = sorted(d.start for d in plan.days.values() if begin <= d.start < end)
    stops = sorted(d.stop for d in plan.days.values() if begin <= d.stop < end)
    assert fired(plan, plan.start, begin, end) == starts
    assert fired(plan, plan.stop, begin, end) == stops
    # The verifier's checks: at the first opening of each day the group runs, and 15 minutes
    # after the stop of every day a member would open by weekday.
    openings = sorted(d.opens for d in plan.days.values() if begin <= d.opens < end)
    assert fired(plan, plan.opening_check, begin, end) == openings
    closings = sorted(
        c
        for d in plan.ordinary.values()
        if begin <= (c := d.stop + timedelta(minutes=15)) < end
        and c.astimezone(ZoneInfo(plan.time_zone)).dst()
        == d.stop.astimezone(ZoneInfo(plan.time_zone)).dst()
    )
    assert set(closings) <= set(fired(plan, plan.closing_check, begin, end))
    # Every member's window lies inside the group's on each day it opens, and the group runs on
    # no day none opens.
    for day, group in plan.days.items():
        for member in members:
            window = member.running_window(day)
            if window is not None:
                assert group.start <= window[0], (day, member)
                assert window[1] <= group.stop, (day, member)
        assert any(m.running_window(day) for m in members), day
    return plan


def test_two_tokyo_stores_run_from_the_first_start_to_the_last_stop() -> None:
    """Ginza 07:00-19:00 and a station store 06:00-21:00 (both with a 30-minute lead and lag):
    05:30 to 21:30 every day, one weekly cron each."""
    members = members_of(
        {
            "ginza": {"timezone": "Asia/Tokyo"},
            "station": {"timezone": "Asia/Tokyo", "opens": "06:00", "closes": "21:00"},
        }
    )
    plan = check(members)
    assert [s.expression for s in plan.start] == ["cron(30 5 * * ? *)"]
    assert [s.expression for s in plan.stop] == ["cron(30 21 * * ? *)"]


def test_a_day_every_member_is_closed_has_no_start() -> None:
    members = members_of(
        {
            "a": {"timezone": "Asia/Tokyo", "closedDates": ["2027-05-03..2027-05-05"]},
            "b": {"timezone": "Asia/Tokyo", "closedDates": ["2027-05-04"], "opens": "08:00"},
        }
    )
    plan = check(members)
    assert date(2027, 5, 4) not in plan.days
    assert plan.days[date(2027, 5, 3)].members == ("b",)


@pytest.mark.parametrize("seed", range(6))
def test_generated_groups_fire_exactly_their_windows(seed: int) -> None:
    check(generated_group(random.Random(20261207 + seed)))


def test_members_in_two_zones_across_daylight_saving_with_an_evening_before_start() -> None:
    """Sydney opens 00:15 (its start the evening before) and Brisbane, which keeps no daylight
    saving, 07:00: in the group's zone (Sydney's) the stop, Brisbane's, is an hour earlier while
    Sydney keeps standard time: a cron a month for that season, not a cron a day."""
    members = members_of(
        {
            "sydney": {"timezone": "Australia/Sydney", "opens": "00:15", "closes": "14:00"},
            "brisbane": {"timezone": "Australia/Brisbane", "opens": "07:00", "closes": "20:00"},
        }
    )
    plan = check(members)
    day = plan.days[date(2027, 1, 15)]
    assert f"{day.start.astimezone(ZoneInfo('Australia/Sydney')):%Y-%m-%d %H:%M}" == (
        "2027-01-14 23:45"
    )
    assert f"{day.stop.astimezone(ZoneInfo('Australia/Brisbane')):%H:%M}" == "20:30"
    assert [s.expression for s in plan.start] == ["cron(45 23 * * ? *)"]
    assert len(plan.stop) == 11  # 21:30 weekly (4 for the horizon's months), 20:30 April-October
