"""Closed dates: days a store does not open although its weekday is an open day.

Closures and a calendar's holidays count within the calendar horizon (horizon.py) only; cron.py
writes them into the schedules' cron expressions. Nothing here reads the
clock: the one check that does (a closure that ended long ago) is a warning the loader prints.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import TYPE_CHECKING

from fleet.calendar.horizon import Horizon
from fleet.calendar.weekly import Weekday

if TYPE_CHECKING:
    import holidays

# A closure that ended longer ago than this is stale configuration: the synth says so.
PAST_LIMIT = timedelta(days=365)

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", flags=re.ASCII)


class ClosureError(ValueError):
    """A closed-dates value is wrong; the message says why and how to fix it."""


@dataclass(frozen=True)
class DateRange:
    first: date
    last: date  # inclusive

    def days(self) -> Iterable[date]:
        day = self.first
        while day <= self.last:
            yield day
            day += timedelta(days=1)


def parse_date(text: str) -> date:
    if not isinstance(text, str) or not _DATE.fullmatch(text):
        raise ClosureError(f"{text!r} is not a date; write YYYY-MM-DD, e.g. 2026-12-31")
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise ClosureError(f"{text!r} is not a calendar date ({error})") from error


def parse_range(text: str) -> DateRange:
    """`2026-12-31` or `2026-12-31..2027-01-03` (both ends closed)."""
    if not isinstance(text, str):
        raise ClosureError('a closed date is a string, "YYYY-MM-DD" or "YYYY-MM-DD..YYYY-MM-DD"')
    first_text, sep, last_text = text.partition("..")
    first = parse_date(first_text.strip())
    last = parse_date(last_text.strip()) if sep else first
    if last < first:
        raise ClosureError(f"{text!r} ends before it starts; write the earlier date first")
    return DateRange(first, last)


def parse_closed_dates(items: object) -> list[DateRange]:
    """A list of dates and ranges."""
    if not isinstance(items, list):
        raise ClosureError(
            'must be a list of dates and ranges, e.g. ["2026-12-31..2027-01-03", "2027-05-05"]'
        )
    return [parse_range(item.strip() if isinstance(item, str) else item) for item in items]


def parse_dates(items: object) -> list[date]:
    if not isinstance(items, list):
        raise ClosureError('must be a list of dates, e.g. ["2027-02-11"]')
    return [parse_date(item.strip() if isinstance(item, str) else item) for item in items]


def check_within(closure: DateRange, horizon: Horizon) -> None:
    """A closure the schedules cannot carry is an error, never silently ignored."""
    if closure.last > horizon.last:
        raise ClosureError(
            f"{closure.last.isoformat()} is after the calendar horizon "
            f"({horizon.describe()}, fleet.horizon): raise fleet.horizon.lastMonth to "
            f"{closure.last:%Y-%m}, or check the year"
        )
    if closure.first < horizon.first:
        raise ClosureError(
            f"{closure.first.isoformat()} is before the calendar horizon "
            f"({horizon.describe()}, fleet.horizon): remove it if it has passed, or lower "
            "fleet.horizon.firstMonth"
        )


def ended_long_ago(closure: DateRange, today: date) -> bool:
    return closure.last < today - PAST_LIMIT


def _calendar(calendar: str, years: range | None) -> holidays.HolidayBase:
    # Imported here: it takes about 0.14 s, which only a fleet with a holiday calendar pays.
    import holidays

    country, _, subdivision = calendar.partition("-")
    try:
        # Names in English whatever the machine's locale (the package reads LANG and friends
        # otherwise): the same cdk.json gives the same messages everywhere.
        return holidays.country_holidays(
            country, subdiv=subdivision or None, years=years, language="en_US"
        )
    except NotImplementedError as error:
        raise ClosureError(
            f"{calendar!r} is not a holiday calendar the `holidays` package knows ({error}); "
            'use an ISO country code, optionally with a subdivision: "JP", "US-WA", "AU-NSW"'
        ) from error


def check_calendar(calendar: str) -> None:
    """Raise ClosureError unless the `holidays` package knows `calendar`."""
    _calendar(calendar, None)


@cache
def holiday_dates(calendar: str, horizon: Horizon) -> dict[date, str]:
    """Public holidays of `calendar` ("JP", "US-WA", "AU-NSW") in the horizon."""
    found = _calendar(calendar, horizon.years)
    return {day: str(name) for day, name in sorted(found.items()) if day in horizon}


def closed_open_days(
    ranges: Iterable[DateRange],
    holiday_days: Iterable[date],
    open_on: Iterable[date],
    open_days: frozenset[Weekday],
    horizon: Horizon,
) -> tuple[date, ...]:
    """The days in the horizon that the store would open by weekday but is closed."""
    closed = {day for closure in ranges for day in closure.days()}
    closed |= set(holiday_days) - set(open_on)
    return tuple(sorted(d for d in closed if d in horizon and Weekday(d.weekday()) in open_days))


def describe_days(days: tuple[date, ...]) -> str:
    """`2026-12-31..2027-01-03, 2027-01-12` (runs of consecutive days as ranges)."""
    runs: list[list[date]] = []
    for day in days:
        if runs and (day - runs[-1][-1]).days == 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return ", ".join(
        r[0].isoformat() if len(r) == 1 else f"{r[0].isoformat()}..{r[-1].isoformat()}"
        for r in runs
    )
