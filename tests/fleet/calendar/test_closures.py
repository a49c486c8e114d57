"""Closed dates: parsing, holidays, and which days they close within the calendar horizon
(tests/fleet/calendar/test_cron.py checks that the schedules skip them)."""

from __future__ import annotations

from datetime import date

import pytest

from fleet.calendar.closures import (
    DateRange,
    closed_open_days,
    describe_days,
    holiday_dates,
    parse_closed_dates,
)
from fleet.calendar.horizon import Horizon
from fleet.calendar.weekly import ALL_DAYS, Weekday
from fleet.reading.loader import load_fleet
from tests.synth import TEST_TODAY, cli_context, default_fleet

WEEKDAYS = frozenset({Weekday.MON, Weekday.TUE, Weekday.WED, Weekday.THU, Weekday.FRI})
HORIZON = Horizon(date(2026, 12, 1), date(2027, 12, 31))


def test_dates_and_ranges_parse() -> None:
    """Single days and inclusive ranges, with surrounding spaces as a comma list leaves them."""
    assert parse_closed_dates(["2026-12-31..2027-01-03", " 2027-05-05"]) == [
        DateRange(date(2026, 12, 31), date(2027, 1, 3)),
        DateRange(date(2027, 5, 5), date(2027, 5, 5)),
    ]


def test_only_open_weekdays_in_the_horizon_count() -> None:
    """A closure on a day the store is closed anyway, or outside the horizon, changes nothing
    (the loader refuses a closure outside it; holidays are only read inside it)."""
    days = closed_open_days(
        [DateRange(date(2026, 11, 26), date(2026, 12, 8))], [], [], WEEKDAYS, HORIZON
    )
    # 2026-12-01 (Tue) .. 2026-12-08 (Tue), without Saturday and Sunday; November is outside.
    assert days == (
        date(2026, 12, 1),
        date(2026, 12, 2),
        date(2026, 12, 3),
        date(2026, 12, 4),
        date(2026, 12, 7),
        date(2026, 12, 8),
    )


def test_holidays_minus_exceptions() -> None:
    """A calendar's holidays close the store, except the ones it opens on."""
    japan = holiday_dates("JP", HORIZON)
    assert date(2027, 2, 11) in japan
    assert all(d in HORIZON for d in japan)
    assert date(2027, 12, 23) not in japan  # no longer the Emperor's birthday
    days = closed_open_days([], japan, [date(2027, 2, 11)], ALL_DAYS, HORIZON)
    assert date(2027, 2, 11) not in days
    assert date(2027, 1, 1) in days


def test_describe_days_joins_runs() -> None:
    days = (date(2026, 12, 31), date(2027, 1, 1), date(2027, 1, 2), date(2027, 1, 12))
    assert describe_days(days) == "2026-12-31..2027-01-02, 2027-01-12"


def test_fleet_wide_and_store_closures_add_up() -> None:
    """fleet.defaults.closedDates and a store's own closedDates both apply."""
    fleet = default_fleet()
    fleet["defaults"]["closedDates"] = ["2027-05-05"]
    loaded = load_fleet(cli_context(fleet=fleet), today=TEST_TODAY)
    tokyo = next(s for s in loaded.stores if s.store_id == "tokyo-ginza")
    assert date(2027, 5, 5) in tokyo.closed_days
    assert date(2027, 1, 1) in tokyo.closed_days


def test_cli_can_add_a_closure() -> None:
    """`-c closedDates:tokyo-ginza=2027-05-05` adds to what cdk.json says."""
    loaded = load_fleet(cli_context(**{"closedDates:tokyo-ginza": "2027-05-05"}), today=TEST_TODAY)
    tokyo = next(s for s in loaded.stores if s.store_id == "tokyo-ginza")
    assert date(2027, 5, 5) in tokyo.closed_days
    assert date(2027, 1, 1) in tokyo.closed_days


@pytest.mark.parametrize("variable", ["LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"])
def test_holiday_names_do_not_depend_on_the_machines_locale(
    variable: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The holidays package names holidays in the locale's language unless told; error messages
    would then differ between a laptop and CI (found with `env -i`, which leaves LANG unset)."""
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(variable, "ja_JP.UTF-8")
    year = Horizon(date(2028, 2, 1), date(2028, 2, 29))
    names = holiday_dates.__wrapped__("JP", year)  # past the cache, to read the locale again
    assert names[date(2028, 2, 11)] == "Foundation Day"
