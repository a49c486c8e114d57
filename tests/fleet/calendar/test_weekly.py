"""Weekday arithmetic and AWS cron text: the previous-day case, ranges, and gaps."""

from __future__ import annotations

import pytest

from fleet.calendar.weekly import (
    ALL_DAYS,
    Weekday,
    WeeklyTime,
    aws_cron_weekdays,
    describe_weekdays,
    shortest_gap,
)

MON, TUE, WED, THU, FRI, SAT, SUN = Weekday
WEEKDAYS = frozenset({MON, TUE, WED, THU, FRI})


def test_every_day_uses_day_of_month_star() -> None:
    """AWS cron needs `?` in one of the day fields; every day is `* * ?`."""
    assert WeeklyTime(6 * 60 + 30, ALL_DAYS).cron() == "cron(30 6 * * ? *)"


@pytest.mark.parametrize(
    ("days", "field"),
    [
        (WEEKDAYS, "MON-FRI"),
        (frozenset({TUE, WED, THU, FRI, SAT, SUN}), "SUN,TUE-SAT"),
        (frozenset(ALL_DAYS - {WED}), "SUN-TUE,THU-SAT"),
        (frozenset({SAT, SUN}), "SUN,SAT"),
        (frozenset({MON, WED, FRI}), "MON,WED,FRI"),
        (frozenset({MON, TUE}), "MON,TUE"),
    ],
)
def test_weekday_field_uses_names_in_aws_week_order(days: frozenset[Weekday], field: str) -> None:
    """Names, not numbers (AWS counts 1 = SUN), and ranges that never wrap past Saturday."""
    assert aws_cron_weekdays(days) == field


@pytest.mark.parametrize(
    ("days", "text"),
    [
        (ALL_DAYS, "every day"),
        (WEEKDAYS, "Mon-Fri"),
        (frozenset(ALL_DAYS - {MON}), "Tue-Sun"),
        (frozenset(ALL_DAYS - {WED}), "Thu-Tue"),
        (frozenset({SAT, SUN}), "Sat, Sun"),
        (frozenset({MON, WED, FRI}), "Mon, Wed, Fri"),
    ],
)
def test_weekdays_in_words_wrap_over_the_weekend(days: frozenset[Weekday], text: str) -> None:
    """What a reviewer reads in the stack outputs: Monday-first, wrapping like a shop sign."""
    assert describe_weekdays(days) == text


def test_start_before_midnight_moves_to_the_previous_day() -> None:
    """Opening 00:15 Mon-Fri with a 30 min lead starts at 23:45 Sun-Thu."""
    start = WeeklyTime.offset_from(WEEKDAYS, 15, -30)
    assert start == WeeklyTime(23 * 60 + 45, frozenset({SUN, MON, TUE, WED, THU}))
    assert start.cron() == "cron(45 23 ? * SUN-THU *)"
    assert start.describe() == "23:45 Sun-Thu"


def test_stop_after_midnight_moves_to_the_next_day() -> None:
    """Closing 23:50 Fri-Sat with a 30 min lag stops at 00:20 Sat-Sun."""
    stop = WeeklyTime.offset_from(frozenset({FRI, SAT}), 23 * 60 + 50, 30)
    assert stop == WeeklyTime(20, frozenset({SAT, SUN}))
    assert stop.cron() == "cron(20 0 ? * SUN,SAT *)"


def test_exact_midnight_stays_on_the_same_day() -> None:
    """00:30 opening with a 30 min lead fires at 00:00 on the opening day itself."""
    assert WeeklyTime.offset_from(WEEKDAYS, 30, -30) == WeeklyTime(0, WEEKDAYS)


def test_shortest_gap_wraps_around_the_week() -> None:
    """Sunday's stop is followed by Monday's start across the week boundary."""
    start = WeeklyTime(6 * 60, frozenset({MON}))
    stop = WeeklyTime(20 * 60, frozenset({SUN}))
    assert shortest_gap(stop, start) == 10 * 60
    assert shortest_gap(start, stop) == 6 * 24 * 60 + 14 * 60


def test_shortest_gap_takes_the_tightest_day() -> None:
    """With a closed day, the tightest overnight gap is between two consecutive open days."""
    start = WeeklyTime.offset_from(frozenset(ALL_DAYS - {MON}), 6 * 60, -30)
    stop = WeeklyTime.offset_from(frozenset(ALL_DAYS - {MON}), 18 * 60, 30)
    assert shortest_gap(stop, start) == 11 * 60
    assert shortest_gap(start, stop) == 13 * 60
