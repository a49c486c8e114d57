"""The calendar written into cron expressions: closed dates and daylight-saving compensations
without StartDate, EndDate or at(), so that a template depends on the configuration only.

One action (start, stop, a check) fires `offset` minutes after local midnight of each open day
(negative: the evening before). Its schedules, together, fire exactly once for every open day
that is not closed:

- the weekly cron, for every year that has no closed day, before and after the horizon included:
  `cron(30 5 ? * TUE-SUN 1970-2026,2028-2199)` (or `*` when no year has one);
- per year with closed days, the weekly cron for that year's months without any:
  `cron(30 5 ? 1-11 TUE-SUN 2026)`;
- per month with closed days, the days of the month it fires: `cron(30 5 1-23,27-30 12 ? 2026)`;
- per occurrence a daylight-saving gap swallows, a cron for that one date and year:
  `cron(30 1 14 3 ? 2027)` (fleet/calendar/dst.py says when it fires).

Days are those the action fires on, so a start that fires the evening before shifts its closed
days, and with them months and years, back by one. A schedule's key names what it covers (the
year, the month, the day of a compensation), never when it was synthesized, so a closure added
in March changes only what covers March.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from fleet.calendar.closures import describe_days
from fleet.calendar.dst import Moves, wall_time
from fleet.calendar.weekly import (
    MINUTES_PER_DAY,
    Weekday,
    WeeklyTime,
    format_minutes,
)

# AWS cron: years 1970-2199; an expression is at most 256 characters.
CRON_YEARS = range(1970, 2200)
MAX_EXPRESSION = 256


@dataclass(frozen=True)
class CronSchedule:
    """One schedule of an action. `key` is "" for the weekly cron, "2027" for a year's plain
    months, "202701" for a month's days, "Dst20270314" for a compensation (named after the open
    day it belongs to); `name_suffix` is the same in the schedule's name."""

    key: str
    name_suffix: str
    expression: str
    covers: str  # in words, for the description: "<label> <covers> (<zone>); <note>"
    note: str = ""

    def describe(self, label: str, time_zone: str) -> str:
        note = f"; {self.note}" if self.note else ""
        return f"{label} {self.covers} ({time_zone}){note}"


# Every schedule of one action: a weekly cron, and the calendar's exceptions to it.
Plan = Sequence[CronSchedule]


def numbers(values: Iterable[int]) -> str:
    """`1-3,5,7-12`: sorted whole numbers, runs of three or more as ranges."""
    runs: list[list[int]] = []
    for value in sorted(values):
        if runs and runs[-1][-1] == value - 1:
            runs[-1].append(value)
        else:
            runs.append([value])
    parts: list[str] = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"{run[0]}-{run[-1]}")
        else:
            parts.extend(str(v) for v in run)
    return ",".join(parts)


def cron_at(minute_of_day: int, dom: str, month: str, dow: str, year: str) -> str:
    hour, minute = divmod(minute_of_day, 60)
    expression = f"cron({minute} {hour} {dom} {month} {dow} {year})"
    # Far below the limit by construction (31 days at most); a guard against a future change.
    assert len(expression) <= MAX_EXPRESSION, expression
    return expression


def action_schedules(
    *,
    offset: int,
    open_days: frozenset[Weekday],
    closed: Iterable[date],
    moves: Moves,
) -> list[CronSchedule]:
    """The schedules of one action; `closed` are the open days it skips, `moves` the occurrences
    a gap swallows (by open day) and when they fire instead."""
    shift = offset // MINUTES_PER_DAY
    when = WeeklyTime.offset_from(open_days, 0, offset)
    time = format_minutes(when.minute_of_day)
    # The dates the action would fire on for its closed open days; one after 2199 (the last
    # closed day of a horizon ending 2199-12, stopped after midnight) never fires anyway, and
    # AWS refuses a cron year of 2200.
    skipped = sorted(
        fire_day
        for fire_day in (day + timedelta(days=shift) for day in closed)
        if fire_day.year in CRON_YEARS
    )
    by_month: dict[tuple[int, int], list[date]] = {}
    for fire_day in skipped:
        by_month.setdefault((fire_day.year, fire_day.month), []).append(fire_day)
    special_years = sorted({year for year, _ in by_month})

    found: list[CronSchedule] = []
    if special_years:
        years = numbers(y for y in CRON_YEARS if y not in special_years)
        found.append(CronSchedule("", "", when.cron("*", years), f"{when.describe()} in {years}"))
    else:
        found.append(CronSchedule("", "", when.cron(), when.describe()))
    for year in special_years:
        plain = [m for m in range(1, 13) if (year, m) not in by_month]
        if plain:
            months = numbers(plain)
            found.append(
                CronSchedule(
                    f"{year}",
                    f"-{year}",
                    when.cron(months, str(year)),
                    f"{when.describe()} in months {months} of {year}",
                )
            )
    for (year, month), closed_days in sorted(by_month.items()):
        skip = set(closed_days)
        last = calendar.monthrange(year, month)[1]
        fires = [
            d
            for d in range(1, last + 1)
            if Weekday(date(year, month, d).weekday()) in when.days
            and date(year, month, d) not in skip
        ]
        if not fires:
            continue  # closed on every day it would fire that month
        dom = numbers(fires)
        found.append(
            CronSchedule(
                f"{year}{month:02d}",
                f"-{year}-{month:02d}",
                cron_at(when.minute_of_day, dom, str(month), "?", str(year)),
                f"{time} on days {dom} of {year}-{month:02d}",
                f"closed {describe_days(tuple(d - timedelta(days=shift) for d in closed_days))}",
            )
        )
    for day, local in sorted(moves.items()):
        if local.year not in CRON_YEARS:
            continue
        regular = wall_time(day, offset)
        found.append(
            CronSchedule(
                f"Dst{day:%Y%m%d}",
                f"-dst-{day.isoformat()}",
                cron_at(
                    local.hour * 60 + local.minute,
                    str(local.day),
                    str(local.month),
                    "?",
                    str(local.year),
                ),
                f"once at {local:%Y-%m-%d %H:%M}",
                f"{regular:%H:%M} does not exist on {regular:%Y-%m-%d} (daylight saving)",
            )
        )
    return found
