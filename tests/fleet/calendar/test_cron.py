"""The calendar in the cron fields: every expression is valid AWS cron (an independent
validator agrees), and together an action's schedules fire exactly once on every open day that
is not closed and never on a closed one, across months, years and daylight-saving changes."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aws_cron_expression_validator.validator import AWSCronExpressionValidator

from fleet.calendar.cron import MAX_EXPRESSION, Plan, action_schedules, numbers
from fleet.calendar.weekly import ALL_DAYS, Weekday
from fleet.config import StoreConfig
from fleet.handle import handle_of
from fleet.reading.loader import load_fleet
from report.awscron import occurrences
from tests.synth import TEST_TODAY, cli_context, default_fleet

VERSION = "arn:aws:rekognition:{region}:111122223333:project/p{n}/version/p{n}.v1/1761987600000"
PROJECT = "arn:aws:rekognition:{region}:111122223333:project/p{n}/1761900000000"
REGIONS = {
    "Asia/Tokyo": "ap-northeast-1",
    "America/Los_Angeles": "us-west-2",
    "Australia/Sydney": "ap-southeast-2",
    "Europe/Berlin": "eu-central-1",
}
# Closures across month and year boundaries, holidays, evening-before starts, and starts,
# checks and stops inside the spring-forward gap, north and south.
STORES: dict[str, dict[str, Any]] = {
    "tokyo-new-year": {
        "timezone": "Asia/Tokyo",
        "closedDates": ["2026-12-31..2027-01-03", "2027-04-30..2027-05-05"],
        "holidayCalendar": "JP",
    },
    "sydney-midnight": {
        "timezone": "Australia/Sydney",
        "opens": "00:15",
        "closes": "14:00",
        "openDays": ["MON", "TUE", "WED", "THU", "FRI"],
        "closedDates": ["2027-01-29..2027-02-01", "2027-12-31"],
        "holidayCalendar": "AU-NSW",
    },
    # Opens at the end of the gap: the start (02:30) is in it; 30 min of lead must stay.
    "la-gap-end": {
        "timezone": "America/Los_Angeles",
        "opens": "03:00",
        "closes": "14:00",
        "closedDates": ["2027-02-28..2027-03-01"],
    },
    # Opening (02:30), start (02:00) and start check (02:05) all in the gap.
    "sydney-gap": {
        "timezone": "Australia/Sydney",
        "opens": "02:30",
        "closes": "14:00",
        "holidayCalendar": "AU-NSW",
    },
    # The stop in the gap (closes 01:45 + 30 min lag = 02:15), the start the evening before.
    "berlin-night": {
        "timezone": "Europe/Berlin",
        "opens": "00:30",
        "closes": "01:45",
        "startLeadMinutes": 45,
        "openDays": ["SAT", "SUN"],
    },
}


def context() -> dict[str, Any]:
    fleet = default_fleet()
    fleet["horizon"] = {"firstMonth": "2026-12", "lastMonth": "2027-12"}
    fleet["defaults"]["maximumEventAgeMinutes"] = 30
    fleet.pop("pipeline", None)  # a generated fleet: no pipeline, no canary store
    fleet["stores"] = {}
    keys = {}
    for n, (store, settings) in enumerate(STORES.items()):
        region = REGIONS[settings["timezone"]]
        fleet["stores"][store] = {**settings, "projectArn": PROJECT.format(region=region, n=n)}
        keys[f"modelVersionArn:{store}"] = VERSION.format(region=region, n=n)
    base = {k: v for k, v in cli_context().items() if not k.startswith("modelVersionArn:")}
    return {**base, "fleet": fleet, **keys}


STORE_CONFIGS = {s.store_id: s for s in load_fleet(context(), today=TEST_TODAY).stores} | {
    s.store_id: s for s in load_fleet(cli_context(), today=TEST_TODAY).stores
}


def plans(store: StoreConfig) -> dict[str, tuple[Plan, int, bool]]:
    """Each action: its schedules, its offset from local midnight, whether it skips closures."""
    s = store.settings
    found = {
        "start": (store.start_schedules, s.start_offset, True),
        "stop": (store.stop_schedules, s.stop_offset, True),
        "opening": (store.opening_check_schedules, s.opens, True),
        "closing": (store.closing_check_schedules, s.closing_check_offset, False),
    }
    if store.start_check_schedules is not None and s.start_check_offset is not None:
        found["start check"] = (store.start_check_schedules, s.start_check_offset, True)
    return found


def firings(plan: Plan, zone: str, first: date, last: date) -> list[datetime]:
    start = datetime(first.year, first.month, first.day, tzinfo=UTC) - timedelta(days=2)
    end = datetime(last.year, last.month, last.day, tzinfo=UTC) + timedelta(days=3)
    return sorted(t for entry in plan for t in occurrences(entry.expression, zone, start, end))


def open_day_of(instant: datetime, offset: int, zone: str) -> date:
    """The open day a firing belongs to; a compensation is at most about an hour off its
    regular wall-clock time, so the nearest midnight tells."""
    local = instant.astimezone(ZoneInfo(zone)).replace(tzinfo=None)
    return (local - timedelta(minutes=offset) + timedelta(hours=12)).date()


@pytest.mark.parametrize("store_id", list(STORE_CONFIGS))
def test_exactly_once_on_every_open_day_and_never_on_a_closed_one(store_id: str) -> None:
    """Over the horizon and a month either side (weekly there), by the project's evaluator."""
    store = STORE_CONFIGS[store_id]
    s = store.settings
    first = store.horizon.first - timedelta(days=31)
    last = store.horizon.last + timedelta(days=31)
    closed = set(store.closed_days)
    for action, (plan, offset, skips) in plans(store).items():
        counted = Counter(
            open_day_of(t, offset, s.timezone) for t in firings(plan, s.timezone, first, last)
        )
        day = first
        while day <= last:
            opens = Weekday(day.weekday()) in s.open_days
            expected = 1 if opens and not (skips and day in closed) else 0
            assert counted.get(day, 0) == expected, (store_id, action, day, counted.get(day))
            day += timedelta(days=1)


def test_the_fleets_close_on_both_sides_of_boundaries() -> None:
    """The fleet above has what the test is about: closures across a year and a month boundary,
    closures that move an evening-before start into the previous month, gap days both sides."""
    assert date(2026, 12, 31) in STORE_CONFIGS["tokyo-new-year"].closed_days
    assert date(2027, 2, 1) in STORE_CONFIGS["sydney-midnight"].closed_days  # start on Jan 31
    la = STORE_CONFIGS["la-gap-end"]
    assert [e.key for e in la.start_schedules if e.key.startswith("Dst")] == ["Dst20270314"]


@pytest.mark.parametrize("store_id", list(STORE_CONFIGS))
def test_every_expression_is_valid_aws_cron(store_id: str) -> None:
    """An independent validator accepts each one, and none is longer than AWS allows."""
    for plan, _, _ in plans(STORE_CONFIGS[store_id]).values():
        for entry in plan:
            assert entry.expression.startswith("cron(")
            assert entry.expression.endswith(")")
            assert len(entry.expression) <= MAX_EXPRESSION
            AWSCronExpressionValidator.validate(entry.expression[5:-1])


def test_the_validator_would_catch_a_bad_expression() -> None:
    """The independent check can fail: both day fields given, a minute of 60."""
    with pytest.raises(ValueError, match="One must be a question mark"):
        AWSCronExpressionValidator.validate("30 5 1-23 12 MON 2026")
    with pytest.raises(ValueError, match="minute"):
        AWSCronExpressionValidator.validate("60 5 ? * MON *")


def local(instant: datetime, zone: str) -> datetime:
    return instant.astimezone(ZoneInfo(zone)).replace(tzinfo=None)


def day_firings(store: StoreConfig, action: str, day: date) -> list[datetime]:
    plan = plans(store)[action][0]
    zone = store.settings.timezone
    return [
        t
        for t in firings(plan, zone, day - timedelta(days=1), day + timedelta(days=1))
        if open_day_of(t, plans(store)[action][1], zone) == day
    ]


@pytest.mark.parametrize(
    ("store_id", "day"),
    [("la-gap-end", date(2027, 3, 14)), ("sydney-gap", date(2027, 10, 3))],
)
def test_a_start_in_the_gap_keeps_its_lead_before_the_opening_instant(
    store_id: str, day: date
) -> None:
    """North and south: the start fires 30 real minutes before the opening instant (for a
    store opening in the gap, the first minute after it); the start check follows it by its 5
    minutes; the opening check is at the first minute after the gap."""
    store = STORE_CONFIGS[store_id]
    (opening,) = day_firings(store, "opening", day)
    (start,) = day_firings(store, "start", day)
    (check,) = day_firings(store, "start check", day)
    assert local(opening, store.settings.timezone).time().isoformat() == "03:00:00"
    assert opening - start == timedelta(minutes=30)
    assert check - start == timedelta(minutes=5)


def test_the_gap_end_store_example() -> None:
    """Los Angeles, opens 03:00 on 2027-03-14: 02:30 does not exist; the start fires at 01:30
    PST (09:30 UTC), half an hour before 03:00 PDT (10:00 UTC)."""
    store = STORE_CONFIGS["la-gap-end"]
    entry = next(e for e in store.start_schedules if e.key == "Dst20270314")
    assert entry.expression == "cron(30 1 14 3 ? 2027)"
    assert entry.name_suffix == "-dst-2027-03-14"
    assert entry.describe("start", "America/Los_Angeles") == (
        "start once at 2027-03-14 01:30 (America/Los_Angeles); 02:30 does not exist on "
        "2027-03-14 (daylight saving)"
    )


def test_any_other_occurrence_in_the_gap_fires_at_the_first_minute_after_it() -> None:
    """Berlin's stop at 02:15 on 2027-03-28 (the Sunday the clocks go forward) fires at 03:00."""
    store = STORE_CONFIGS["berlin-night"]
    (stop,) = day_firings(store, "stop", date(2027, 3, 28))
    assert local(stop, "Europe/Berlin") == datetime(2027, 3, 28, 3, 0)


def test_weekly_without_closures_keeps_its_single_schedule() -> None:
    """No closed days and no gap: one weekly schedule, as before this calendar."""
    plan = action_schedules(offset=390, open_days=ALL_DAYS, closed=(), moves={})
    assert [(e.key, e.expression) for e in plan] == [("", "cron(30 6 * * ? *)")]


def test_a_closure_across_the_new_year() -> None:
    """The example of the issue: the month lists the days it fires; the years around it keep
    the weekly cron for their other months, and every other year the plain weekly one."""
    closed = [date(2026, 12, 24), date(2026, 12, 25), date(2026, 12, 26), date(2027, 1, 1)]
    plan = action_schedules(offset=330, open_days=ALL_DAYS, closed=closed, moves={})
    assert [(e.key, e.name_suffix, e.expression) for e in plan] == [
        ("", "", "cron(30 5 * * ? 1970-2025,2028-2199)"),
        ("2026", "-2026", "cron(30 5 * 1-11 ? 2026)"),
        ("2027", "-2027", "cron(30 5 * 2-12 ? 2027)"),
        ("202612", "-2026-12", "cron(30 5 1-23,27-31 12 ? 2026)"),
        ("202701", "-2027-01", "cron(30 5 2-31 1 ? 2027)"),
    ]


def test_an_evening_before_start_shifts_its_closed_days_back() -> None:
    """Opens 00:15 Mon-Fri (start 23:45 Sun-Thu): closed on Friday 2027-01-01, the start on
    Thursday 2026-12-31 does not fire, which is December's and 2026's business."""
    weekdays = frozenset(Weekday(d) for d in range(5))
    plan = action_schedules(offset=-15, open_days=weekdays, closed=[date(2027, 1, 1)], moves={})
    december = next(e for e in plan if e.key == "202612")
    assert december.expression == "cron(45 23 1-3,6-10,13-17,20-24,27-30 12 ? 2026)"
    assert december.note == "closed 2027-01-01"
    assert [e.key for e in plan] == ["", "2026", "202612"]


def test_a_month_closed_on_every_firing_day_has_no_schedule() -> None:
    closed = [date(2027, 2, 1) + timedelta(days=n) for n in range(28)]
    plan = action_schedules(offset=390, open_days=ALL_DAYS, closed=closed, moves={})
    assert [e.key for e in plan] == ["", "2027"]
    assert plan[1].expression == "cron(30 6 * 1,3-12 ? 2027)"


def test_numbers_join_runs_of_three_or_more() -> None:
    assert numbers([1, 2, 3, 5, 7, 8, 10, 11, 12]) == "1-3,5,7,8,10-12"


@pytest.mark.parametrize("store_id", list(STORE_CONFIGS))
def test_the_client_names_the_start_the_schedules_fire(store_id: str) -> None:
    """The other side of the contract: the model handle's running window (what the checkout
    tells a customer) starts when the store's start schedules fire, on every day of the
    horizon, closed days and daylight-saving compensations included."""
    store = STORE_CONFIGS[store_id]
    zone = store.settings.timezone
    first, last = store.horizon.first, store.horizon.last
    handle = handle_of(store)
    named = set()
    day = first
    while day <= last:
        window = handle.running_window(day)
        if window is not None:
            named.add(window[0].astimezone(UTC))
        day += timedelta(days=1)
    offset = store.settings.start_offset
    fired = {
        t
        for t in firings(store.start_schedules, zone, first, last)
        if first <= open_day_of(t, offset, zone) <= last
    }
    assert named == fired


def test_no_cron_year_after_2199_at_the_end_of_the_last_horizon() -> None:
    """A horizon ending 2199-12 and a stop after midnight: the stop of a closed 2199-12-31 would
    fire on 2200-01-01, a cron year AWS refuses; nothing fires after 2199, so it is left out."""
    from fleet.reading.loader import load_fleet
    from tests.synth import TEST_TODAY, cli_context, default_fleet

    fleet = default_fleet()
    fleet["horizon"] = {"firstMonth": "2199-01", "lastMonth": "2199-12"}
    for store in fleet["stores"].values():
        store.pop("closedDates", None)
    fleet["stores"]["tokyo-ginza"].update(
        closes="23:00", stopLagMinutes=120, closedDates=["2199-12-31"]
    )
    store = next(
        s
        for s in load_fleet(cli_context(fleet=fleet), today=TEST_TODAY).stores
        if s.store_id == "tokyo-ginza"
    )
    plans = [store.plan.start, store.plan.stop, *(c.schedules for c in store.plan.checks)]
    for schedule in (s for plan in plans for s in plan):
        year = schedule.expression.removesuffix(")").split()[-1]
        for part in year.split(","):
            assert part == "*" or all(1970 <= int(y) <= 2199 for y in part.split("-")), schedule
