"""Daylight-saving gaps: which local times do not exist, and when their one-off fires."""

from __future__ import annotations

from datetime import UTC, date, datetime

from fleet.dst import exists, gap_days, gap_occurrences
from fleet.weekly import ALL_DAYS, Weekday

YEAR = (date(2027, 1, 1), date(2027, 12, 31))


def test_spring_forward_days_north_and_south() -> None:
    """Los Angeles on the second Sunday in March, Sydney on the first Sunday in October;
    Tokyo has none."""
    assert gap_days("America/Los_Angeles", *YEAR) == (date(2027, 3, 14),)
    assert gap_days("Australia/Sydney", *YEAR) == (date(2027, 10, 3),)
    assert gap_days("Asia/Tokyo", *YEAR) == ()


def test_a_time_in_the_gap_does_not_exist() -> None:
    from zoneinfo import ZoneInfo

    zone = ZoneInfo("America/Los_Angeles")
    assert not exists(datetime(2027, 3, 14, 2, 15), zone)
    assert exists(datetime(2027, 3, 14, 3, 0), zone)
    assert exists(datetime(2027, 11, 7, 1, 30), zone)  # the repeated hour exists (twice)


def test_a_start_in_the_northern_gap_fires_at_the_first_minute_after_it() -> None:
    """Opens 02:45 with a 30-minute lead: 02:15 on 2027-03-14 does not exist; 03:00 does."""
    found = gap_occurrences("America/Los_Angeles", ALL_DAYS, 2 * 60 + 15, *YEAR)
    assert len(found) == 1
    gap = found[0]
    assert (gap.day, gap.skipped, gap.fires) == (
        date(2027, 3, 14),
        datetime(2027, 3, 14, 2, 15),
        datetime(2027, 3, 14, 3, 0),
    )
    assert gap.instant("America/Los_Angeles") == datetime(2027, 3, 14, 10, 0, tzinfo=UTC)


def test_the_southern_gap() -> None:
    """Sydney 02:00 on 2027-10-03 (AEST to AEDT) fires at 03:00 AEDT, 16:00 UTC the day before."""
    (gap,) = gap_occurrences("Australia/Sydney", ALL_DAYS, 2 * 60, *YEAR)
    assert gap.fires == datetime(2027, 10, 3, 3, 0)
    assert gap.instant("Australia/Sydney") == datetime(2027, 10, 2, 16, 0, tzinfo=UTC)


def test_closed_days_and_closed_weekdays_have_no_one_off() -> None:
    assert (
        gap_occurrences("America/Los_Angeles", ALL_DAYS, 135, *YEAR, frozenset({date(2027, 3, 14)}))
        == []
    )
    weekdays = frozenset(d for d in Weekday if d != Weekday.SUN)
    assert gap_occurrences("America/Los_Angeles", weekdays, 135, *YEAR) == []


def test_an_occurrence_after_midnight_belongs_to_the_day_before() -> None:
    """A stop at 02:20 after a Saturday's late closing (offset 26:20) falls in Sunday's gap; the
    one-off is named after Saturday, the open day it belongs to."""
    saturday = frozenset({Weekday.SAT})
    (gap,) = gap_occurrences("America/Los_Angeles", saturday, 26 * 60 + 20, *YEAR)
    assert gap.day == date(2027, 3, 13)
    assert gap.fires == datetime(2027, 3, 14, 3, 0)


def test_times_outside_the_gap_need_nothing() -> None:
    """The evening before, or after 03:00: nothing to add."""
    assert gap_occurrences("America/Los_Angeles", ALL_DAYS, -30, *YEAR) == []
    assert gap_occurrences("America/Los_Angeles", ALL_DAYS, 3 * 60, *YEAR) == []
