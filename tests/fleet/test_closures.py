"""Closed dates: parsing, holidays, and the StartDate/EndDate segments that skip them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from fleet.closures import (
    DateRange,
    Segment,
    closed_open_days,
    describe_days,
    holiday_dates,
    parse_closed_dates,
    prune,
    segments,
)
from fleet.loader import load_fleet
from fleet.weekly import ALL_DAYS, Weekday
from tests.synth import TEST_NOW, cli_context, default_fleet

WEEKDAYS = frozenset({Weekday.MON, Weekday.TUE, Weekday.WED, Weekday.THU, Weekday.FRI})
TODAY = TEST_NOW.date()


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_dates_and_ranges_parse() -> None:
    """Single days and inclusive ranges, with surrounding spaces as a comma list leaves them."""
    assert parse_closed_dates(["2026-12-31..2027-01-03", " 2027-05-05"]) == [
        DateRange(date(2026, 12, 31), date(2027, 1, 3)),
        DateRange(date(2027, 5, 5), date(2027, 5, 5)),
    ]


def test_only_open_weekdays_from_today_count() -> None:
    """A closure on a day the store is closed anyway, or in the past, changes nothing."""
    days = closed_open_days(
        [DateRange(date(2026, 11, 20), date(2026, 12, 1))], [], [], WEEKDAYS, TODAY
    )
    # 2026-11-26 (Thu) .. 2026-12-01 (Tue), without Saturday and Sunday.
    assert days == (
        date(2026, 11, 26),
        date(2026, 11, 27),
        date(2026, 11, 30),
        date(2026, 12, 1),
    )


def test_holidays_minus_exceptions() -> None:
    """A calendar's holidays close the store, except the ones it opens on."""
    japan = holiday_dates("JP", TODAY)
    assert date(2027, 2, 11) in japan
    assert all(TODAY <= d <= TODAY + timedelta(days=365) for d in japan)
    days = closed_open_days([], japan, [date(2027, 2, 11)], ALL_DAYS, TODAY)
    assert date(2027, 2, 11) not in days
    assert date(2027, 1, 1) in days


def test_no_closures_is_one_open_ended_segment() -> None:
    """Without closed days nothing changes: one schedule, no StartDate, no EndDate."""
    assert segments((), ALL_DAYS, "Asia/Tokyo", 390) == [Segment(None, None, None)]


def test_segments_skip_a_range_and_resume_after_it() -> None:
    """年末年始: the start at 06:30 Tokyo stops before 12-31 and resumes for 01-04; each
    boundary lies 12 hours before the occurrence it separates."""
    closed = tuple(DateRange(date(2026, 12, 31), date(2027, 1, 3)).days())
    found = segments(closed, ALL_DAYS, "Asia/Tokyo", 6 * 60 + 30)
    assert found == [
        Segment(None, None, utc("2026-12-30T09:30")),
        Segment(date(2027, 1, 4), utc("2027-01-03T09:30"), None),
    ]


def test_previous_day_start_is_skipped_too() -> None:
    """Opening 00:15 Mon-Fri (start 23:45 the evening before): closing Friday skips Thursday
    evening's start."""
    found = segments((date(2026, 12, 25),), WEEKDAYS, "Australia/Sydney", 15 - 30)
    # Thursday 2026-12-24 23:45 AEDT is 12:45 UTC; the boundary is 12 hours earlier.
    assert found[0].end == utc("2026-12-24T00:45")
    # Next open day is Monday 2026-12-28; its start is Sunday 23:45 AEDT = 12:45 UTC.
    assert found[1] == Segment(date(2026, 12, 28), utc("2026-12-27T00:45"), None)


def test_closures_separated_by_closed_weekdays_merge() -> None:
    """Friday and the following Monday closed, weekend closed anyway: one gap, not two."""
    found = segments((date(2026, 12, 25), date(2026, 12, 28)), WEEKDAYS, "Australia/Sydney", 0)
    assert [s.resumes for s in found] == [None, date(2026, 12, 29)]


def test_boundaries_follow_daylight_saving() -> None:
    """Across a DST change the boundary moves with the local time of the occurrence."""
    summer = segments((date(2027, 7, 5),), ALL_DAYS, "America/Los_Angeles", 330)
    winter = segments((date(2027, 1, 4),), ALL_DAYS, "America/Los_Angeles", 330)
    assert summer[0].end == utc("2027-07-05T00:30")  # 05:30 PDT = 12:30 UTC, minus 12 h
    assert winter[0].end == utc("2027-01-04T01:30")  # 05:30 PST = 13:30 UTC, minus 12 h


def test_prune_drops_ended_segments_and_passed_start_dates() -> None:
    """Scheduler refuses a StartDate in the past: ended segments go, passed starts are cut."""
    now = utc("2027-01-10T00:00")
    found = [
        Segment(None, None, utc("2026-12-30T09:30")),
        Segment(date(2027, 1, 4), utc("2027-01-03T09:30"), utc("2027-02-10T09:30")),
        Segment(date(2027, 2, 12), utc("2027-02-11T09:30"), None),
    ]
    assert prune(found, now) == [
        Segment(date(2027, 1, 4), None, utc("2027-02-10T09:30")),
        Segment(date(2027, 2, 12), utc("2027-02-11T09:30"), None),
    ]


def test_a_start_date_within_the_hour_is_dropped() -> None:
    """A deploy follows the synth within the hour: a StartDate that close is cut too."""
    now = utc("2027-01-03T09:00")
    found = [Segment(date(2027, 1, 4), utc("2027-01-03T09:30"), None)]
    assert prune(found, now) == [Segment(date(2027, 1, 4), None, None)]


def test_describe_days_joins_runs() -> None:
    days = (date(2026, 12, 31), date(2027, 1, 1), date(2027, 1, 2), date(2027, 1, 12))
    assert describe_days(days) == "2026-12-31..2027-01-02, 2027-01-12"


def test_fleet_wide_and_store_closures_add_up() -> None:
    """fleet.defaults.closedDates and a store's own closedDates both apply."""
    fleet = default_fleet()
    fleet["defaults"]["closedDates"] = ["2027-05-05"]
    loaded = load_fleet(cli_context(fleet=fleet), now=TEST_NOW)
    tokyo = next(s for s in loaded.stores if s.store_id == "tokyo-ginza")
    assert date(2027, 5, 5) in tokyo.closed_days
    assert date(2027, 1, 1) in tokyo.closed_days


def test_cli_can_add_a_closure() -> None:
    """`-c closedDates:tokyo-ginza=2027-05-05` adds to what cdk.json says."""
    loaded = load_fleet(cli_context(**{"closedDates:tokyo-ginza": "2027-05-05"}), now=TEST_NOW)
    tokyo = next(s for s in loaded.stores if s.store_id == "tokyo-ginza")
    assert date(2027, 5, 5) in tokyo.closed_days
    assert date(2027, 1, 1) in tokyo.closed_days


@pytest.mark.parametrize("store_id", ["tokyo-ginza", "seattle-pike-place", "sydney-central"])
def test_default_fleet_segments_never_fire_on_a_closed_day(store_id: str) -> None:
    """Each closed day's start falls outside every segment of the start schedule."""
    loaded = load_fleet(cli_context(), now=TEST_NOW)
    store = next(s for s in loaded.stores if s.store_id == store_id)
    offset = store.settings.start_offset
    found = store.segments(offset, TEST_NOW)
    zone = ZoneInfo(store.settings.timezone)
    for day in store.closed_days:
        local = datetime(day.year, day.month, day.day, tzinfo=zone) + timedelta(minutes=offset)
        fire = local.replace(tzinfo=None).replace(tzinfo=zone).astimezone(UTC)
        inside = [
            s
            for s in found
            if (s.start is None or s.start <= fire) and (s.end is None or fire < s.end)
        ]
        assert inside == [], (day, inside)
