"""The dashboards' month-to-date metric math, evaluated on made-up series as CloudWatch would."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest

from scheduler_constructs.month_to_date_math import PERIOD_SECONDS, UNITS_ID, month_to_date
from tests.metric_math import Series, evaluate

STEPS = [(e.id, e.expression) for e in month_to_date(4.0)]


def series(start: datetime, end: datetime, units: dict[datetime, float]) -> Series:
    """5-minute periods from `start` to `end`; a period has data only where `units` says."""
    stamps, values = [], []
    at = start
    while at < end:
        stamps.append(int(at.timestamp()))
        values.append(units.get(at))
        at += timedelta(seconds=PERIOD_SECONDS)
    return Series(tuple(stamps), tuple(values), PERIOD_SECONDS)


def running(day: date, opens: str, closes: str, units: float) -> dict[datetime, float]:
    """A model in service from `opens` to `closes` (UTC) on `day`, one point per period."""
    at = datetime.fromisoformat(f"{day}T{opens}").replace(tzinfo=UTC)
    end = datetime.fromisoformat(f"{day}T{closes}").replace(tzinfo=UTC)
    points = {}
    while at < end:
        points[at] = units
        at += timedelta(seconds=PERIOD_SECONDS)
    return points


def newest(value: Series) -> float:
    last = value.values[-1]
    assert last is not None
    return last


def test_only_this_months_hours_count() -> None:
    """Two days in November, one and a half in December: the figure is December's only, in
    unit-hours (2 units for 13 h, then 2 units for 3.5 h so far) and USD at 4.00."""
    units = {
        **running(date(2026, 11, 29), "06:30", "19:30", 1),
        **running(date(2026, 11, 30), "06:30", "19:30", 1),
        **running(date(2026, 12, 1), "06:30", "19:30", 2),
        **running(date(2026, 12, 2), "06:30", "10:00", 2),
    }
    start = datetime(2026, 11, 29, tzinfo=UTC)
    now = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
    values = evaluate(STEPS, {UNITS_ID: series(start, now, units)})
    assert newest(values["unithours"]) == pytest.approx(2 * 13 + 2 * 3.5)
    assert newest(values["usd"]) == pytest.approx(4.0 * (2 * 13 + 2 * 3.5))


def test_a_stopped_model_at_the_end_still_dates_the_month() -> None:
    """No data since the 28th of last month (stopped), one hour on the 1st: the month is
    still this one, because missing periods are filled, not dropped."""
    units = {
        **running(date(2027, 2, 28), "00:00", "23:00", 1),
        **running(date(2027, 3, 1), "08:00", "09:00", 1),
    }
    start = datetime(2027, 2, 27, tzinfo=UTC)
    values = evaluate(STEPS, {UNITS_ID: series(start, datetime(2027, 3, 4, tzinfo=UTC), units)})
    assert newest(values["unithours"]) == pytest.approx(1.0)


def test_nothing_run_this_month_is_zero() -> None:
    units = running(date(2026, 12, 31), "06:30", "19:30", 1)
    start = datetime(2026, 12, 30, tzinfo=UTC)
    values = evaluate(STEPS, {UNITS_ID: series(start, datetime(2027, 1, 1, 12, tzinfo=UTC), units)})
    assert newest(values["usd"]) == 0


def test_the_price_is_the_setting() -> None:
    steps = [(e.id, e.expression) for e in month_to_date(3.25)]
    units = running(date(2026, 12, 1), "00:00", "02:00", 1)
    start = datetime(2026, 12, 1, tzinfo=UTC)
    values = evaluate(steps, {UNITS_ID: series(start, datetime(2026, 12, 1, 3, tzinfo=UTC), units)})
    assert newest(values["usd"]) == pytest.approx(6.5)


def test_the_first_of_the_month_is_right_for_160_years() -> None:
    """The calendar arithmetic against Python's, at the first and the last hour of every month
    from 1970 to 2130 (leap years, and the century years 2000, a leap year, and 2100, not)."""
    for year in range(1970, 2131):
        for month in range(1, 13):
            first = datetime(year, month, 1, tzinfo=UTC)
            following = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=UTC)
            for at in (first, following - timedelta(hours=1)):
                stamp = int(at.timestamp())
                one_point = Series((stamp,), (1.0,), PERIOD_SECONDS)
                values = evaluate(STEPS, {UNITS_ID: one_point})
                assert values["monthstart"] == first.timestamp(), at


def test_the_expressions_fit_cloudwatch() -> None:
    """Ids start with a lower-case letter; an expression holds at most 2,048 characters; only
    functions CloudWatch has (the evaluator refuses any other)."""
    for step in month_to_date(4.0):
        assert re.fullmatch(r"[a-z][a-zA-Z0-9_]*", step.id)
        assert len(step.expression) <= 2048
    assert [s.id for s in month_to_date(4.0) if s.visible] == ["unithours", "usd"]


def test_the_evaluator_can_fail() -> None:
    """An unknown function is an error, and a wrong calendar gives a wrong month."""
    with pytest.raises(NameError):
        evaluate([("x", "MONTH(units)")], {UNITS_ID: Series((0,), (1.0,), 300)})
    wrong = [(i, e.replace("+ 719468", "+ 719467")) for i, e in STEPS]
    stamp = int(datetime(2026, 3, 1, tzinfo=UTC).timestamp())
    values = evaluate(wrong, {UNITS_ID: Series((stamp,), (1.0,), PERIOD_SECONDS)})
    assert values["monthstart"] != stamp
