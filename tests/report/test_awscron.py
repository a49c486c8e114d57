"""The AWS cron glue against AWS's documented semantics, including DST."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from fleet.calendar.weekly import Weekday, WeeklyTime
from report.awscron import AwsCron, CronError, occurrences


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def local_days(expression: str, start: str, end: str, zone: str = "UTC") -> list[str]:
    return [
        t.strftime("%a %m-%d %H:%M") for t in occurrences(expression, zone, utc(start), utc(end))
    ]


def test_every_day_with_question_mark_in_day_of_week() -> None:
    """`cron(30 6 * * ? *)`: 06:30 every day (croniter would read a 6th field as seconds)."""
    assert local_days("cron(30 6 * * ? *)", "2026-12-01", "2026-12-04") == [
        "Tue 12-01 06:30",
        "Wed 12-02 06:30",
        "Thu 12-03 06:30",
    ]


def test_weekday_names_lists_and_ranges() -> None:
    """`SUN,TUE-SAT` skips Monday."""
    found = local_days("cron(0 6 ? * SUN,TUE-SAT *)", "2026-12-06", "2026-12-13")
    assert [d[:3] for d in found] == ["Sun", "Tue", "Wed", "Thu", "Fri", "Sat"]


def test_numeric_weekdays_count_from_sunday() -> None:
    """AWS 1 = SUN, 2-6 = MON-FRI (croniter would read 2-6 as TUE-SAT)."""
    found = local_days("cron(0 6 ? * 2-6 *)", "2026-12-06", "2026-12-13")
    assert [d[:3] for d in found] == ["Mon", "Tue", "Wed", "Thu", "Fri"]
    assert [d[:3] for d in local_days("cron(0 6 ? * 1 *)", "2026-12-06", "2026-12-13")] == ["Sun"]


def test_day_of_month_with_question_mark_in_weekday() -> None:
    assert local_days("cron(0 10 1 * ? *)", "2026-11-15", "2027-01-15") == [
        "Tue 12-01 10:00",
        "Fri 01-01 10:00",
    ]


def test_year_field_restricts() -> None:
    assert local_days("cron(0 0 1 1 ? 2028)", "2026-01-01", "2029-06-01") == ["Sat 01-01 00:00"]


def test_years_a_range_leaves_out_are_skipped_and_its_edges_kept() -> None:
    """The calendar's expression for the years outside its horizon, over the two it leaves out
    and a few days either side: the last days of 2025 and the first of 2028, nothing between."""
    found = local_days("cron(0 12 * * ? 1970-2025,2028-2199)", "2025-12-30", "2028-01-03")
    assert found == ["Tue 12-30 12:00", "Wed 12-31 12:00", "Sat 01-01 12:00", "Sun 01-02 12:00"]


def test_time_zone_moves_the_instant() -> None:
    """06:30 in Tokyo is 21:30 UTC the day before."""
    found = occurrences("cron(30 6 * * ? *)", "Asia/Tokyo", utc("2026-12-01"), utc("2026-12-02"))
    assert found == [utc("2026-12-01T21:30")]


def test_dst_keeps_the_local_time() -> None:
    """05:30 in Los Angeles is 13:30 UTC in winter and 12:30 UTC in summer."""
    winter = occurrences(
        "cron(30 5 * * ? *)", "America/Los_Angeles", utc("2027-03-13"), utc("2027-03-14")
    )
    summer = occurrences(
        "cron(30 5 * * ? *)", "America/Los_Angeles", utc("2027-03-15"), utc("2027-03-16")
    )
    assert winter == [utc("2027-03-13T13:30")]
    assert summer == [utc("2027-03-15T12:30")]


def test_a_time_in_the_spring_forward_gap_is_skipped() -> None:
    """02:30 does not exist in Los Angeles on 2027-03-14."""
    found = occurrences(
        "cron(30 2 * * ? *)", "America/Los_Angeles", utc("2027-03-13"), utc("2027-03-16")
    )
    assert [t.date().isoformat() for t in found] == ["2027-03-13", "2027-03-15"]


def test_a_time_in_the_repeated_hour_fires_once() -> None:
    """01:30 happens twice in Los Angeles on 2027-11-07; the schedule fires once."""
    found = occurrences(
        "cron(30 1 * * ? *)", "America/Los_Angeles", utc("2027-11-07"), utc("2027-11-08")
    )
    assert found == [utc("2027-11-07T08:30")]


@pytest.mark.parametrize(
    ("expression", "complaint"),
    [
        ("cron(30 6 * * *)", "has 5 fields"),
        ("cron(30 6 * * MON *)", "exactly one of day-of-month and day-of-week is ?"),
        ("cron(30 6 ? * ? *)", "exactly one of"),
        ("cron(0 12 L * ? *)", "L, W and # are not supported"),
        ("cron(0 12 ? * 6#3 *)", "L, W and # are not supported"),
        ("cron(0 12 ? * 8 *)", "outside 1-7"),
        ("cron(61 12 * * ? *)", "not a valid cron expression"),
        ("rate(5 minutes)", "is not cron(...)"),
    ],
)
def test_unsupported_or_invalid_expressions_are_refused(expression: str, complaint: str) -> None:
    with pytest.raises(CronError, match=complaint.replace("(", r"\(").replace(")", r"\)")):
        AwsCron.parse(expression)


DAY_NAMES = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]
START = datetime(2027, 1, 3, tzinfo=UTC)  # a Sunday


@pytest.mark.parametrize(
    "field",
    [
        *DAY_NAMES,
        "SUN,WED-SAT",  # open Wednesday to Sunday: the W of WED once made this unreadable
        "MON-FRI",
        "TUE,THU,SAT",
        "WED-FRI,SUN",
        "sun,wed-sat",
    ],
)
def test_every_weekday_name_range_and_list_is_read(field: str) -> None:
    """Any open-days combination the synth writes is readable by the report and the cost diff;
    each fires on exactly its days."""
    found = occurrences(f"cron(0 12 ? * {field} *)", "UTC", START, START + timedelta(days=7))
    names = set()
    for part in field.upper().split(","):
        first, _, last = part.partition("-")
        low, high = DAY_NAMES.index(first), DAY_NAMES.index(last or first)
        names.update(DAY_NAMES[low : high + 1])
    assert {DAY_NAMES[(t.weekday() + 1) % 7] for t in found} == names
    assert len(found) == len(names)


def test_the_w_wildcard_is_still_refused() -> None:
    """Taking day names out does not let the real `W` through."""
    with pytest.raises(CronError, match="L, W and # are not supported"):
        AwsCron.parse("cron(0 12 15W * ? *)")


def test_every_open_days_combination_the_synth_writes_is_read() -> None:
    """All 127 sets of open days, written as the stacks write them, fire on exactly those days."""
    for mask in range(1, 128):
        days = frozenset(Weekday(d) for d in range(7) if mask >> d & 1)
        expression = WeeklyTime(12 * 60, days).cron()
        found = occurrences(expression, "UTC", START, START + timedelta(days=7))
        assert {Weekday(t.weekday()) for t in found} == days, expression
        assert len(found) == len(days), expression
