"""Daylight-saving gaps: which local times do not exist, and when a swallowed occurrence fires
instead (tests/fleet/calendar/test_cron.py checks the schedules that carry it)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from fleet.calendar.dst import after_gap, exists, gap_days, moved_after_gap, moved_before, swallowed
from fleet.calendar.weekly import Weekday

YEAR = (date(2027, 1, 1), date(2027, 12, 31))
LA = "America/Los_Angeles"


def every_day(_: date) -> bool:
    return True


def test_spring_forward_days_north_and_south() -> None:
    """Los Angeles on the second Sunday in March, Sydney on the first Sunday in October;
    Tokyo has none."""
    assert gap_days(LA, *YEAR) == (date(2027, 3, 14),)
    assert gap_days("Australia/Sydney", *YEAR) == (date(2027, 10, 3),)
    assert gap_days("Asia/Tokyo", *YEAR) == ()


def test_a_time_in_the_gap_does_not_exist() -> None:
    zone = ZoneInfo(LA)
    assert not exists(datetime(2027, 3, 14, 2, 15), zone)
    assert exists(datetime(2027, 3, 14, 3, 0), zone)
    assert exists(datetime(2027, 11, 7, 1, 30), zone)  # the repeated hour exists (twice)
    assert after_gap(datetime(2027, 3, 14, 2, 15), zone) == datetime(2027, 3, 14, 3, 0)


def test_only_occurrences_in_the_gap_are_swallowed() -> None:
    """02:15 on the gap day is; the evening before and 03:00 are not; a day the filter
    excludes (closed, or not an open weekday) is not either."""
    assert swallowed(LA, every_day, 2 * 60 + 15, *YEAR) == [date(2027, 3, 14)]
    assert swallowed(LA, every_day, -30, *YEAR) == []
    assert swallowed(LA, every_day, 3 * 60, *YEAR) == []
    assert swallowed(LA, lambda d: d != date(2027, 3, 14), 135, *YEAR) == []


def test_an_occurrence_after_midnight_belongs_to_the_day_before() -> None:
    """A stop at 02:20 after a Saturday's late closing (offset 26:20) falls in Sunday's gap; it
    belongs to Saturday, the open day, and fires at 03:00 on Sunday."""
    saturday = swallowed(LA, lambda d: d.weekday() == Weekday.SAT, 26 * 60 + 20, *YEAR)
    assert saturday == [date(2027, 3, 13)]
    assert moved_after_gap(LA, 26 * 60 + 20, saturday) == {
        date(2027, 3, 13): datetime(2027, 3, 14, 3, 0)
    }


def test_the_southern_gap() -> None:
    """Sydney 02:00 on 2027-10-03 (AEST to AEDT) fires at 03:00 AEDT."""
    days = swallowed("Australia/Sydney", every_day, 2 * 60, *YEAR)
    assert moved_after_gap("Australia/Sydney", 2 * 60, days) == {
        date(2027, 10, 3): datetime(2027, 10, 3, 3, 0)
    }


def test_a_start_keeps_its_real_minutes_before_its_anchor() -> None:
    """Opens 03:00 (the gap's end), start 02:30: 30 real minutes before 03:00 PDT is 01:30 PST.
    Opens 02:45 (in the gap, so at 03:00), start 02:15: 01:30 PST too."""
    day = date(2027, 3, 14)
    assert moved_before(LA, 150, [day], 180, {}) == {day: datetime(2027, 3, 14, 1, 30)}
    assert moved_before(LA, 135, [day], 165, {}) == {day: datetime(2027, 3, 14, 1, 30)}
