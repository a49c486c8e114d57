"""Weekly wall-clock times and their AWS cron form.

A store opens and closes at the same local time on each open day. The start fires `lead`
minutes before opening and the stop `lag` minutes after closing, so either can cross midnight:
then it fires on the previous (or next) weekday, and the cron's weekday list must move with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

MINUTES_PER_DAY = 24 * 60
MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY


class Weekday(IntEnum):
    """Monday-first, as `datetime.weekday()` counts."""

    MON = 0
    TUE = 1
    WED = 2
    THU = 3
    FRI = 4
    SAT = 5
    SUN = 6

    @property
    def title(self) -> str:
        return self.name.title()


ALL_DAYS: frozenset[Weekday] = frozenset(Weekday)

# AWS cron counts the week from Sunday (1 = SUN). Ranges cannot wrap, so lists and ranges are
# built in this order; names are used instead of numbers so nobody has to remember the offset.
_AWS_WEEK_ORDER = (
    Weekday.SUN,
    Weekday.MON,
    Weekday.TUE,
    Weekday.WED,
    Weekday.THU,
    Weekday.FRI,
    Weekday.SAT,
)


def _runs(ordered: list[Weekday], days: frozenset[Weekday]) -> list[list[Weekday]]:
    runs: list[list[Weekday]] = []
    for day in ordered:
        if day not in days:
            continue
        if runs and ordered.index(runs[-1][-1]) == ordered.index(day) - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return runs


def aws_cron_weekdays(days: frozenset[Weekday]) -> str:
    """`SUN-TUE,THU-SAT` style day-of-week field; runs of three or more become ranges."""
    parts: list[str] = []
    for run in _runs(list(_AWS_WEEK_ORDER), days):
        if len(run) >= 3:
            parts.append(f"{run[0].name}-{run[-1].name}")
        else:
            parts.extend(day.name for day in run)
    return ",".join(parts)


def describe_weekdays(days: frozenset[Weekday]) -> str:
    """Human form, Monday-first and wrapping over the weekend: `Tue-Sun`, `Thu-Tue`, `every day`."""
    if days == ALL_DAYS:
        return "every day"
    # Start on Monday, unless a run of days goes through Sunday into Monday: then start where
    # that run starts (Thu-Tue), so no run is split at the week boundary.
    first = Weekday.MON
    while first in days and Weekday((first - 1) % 7) in days:
        first = Weekday((first - 1) % 7)
    ordered = [Weekday((first + i) % 7) for i in range(7)]
    parts: list[str] = []
    for run in _runs(ordered, days):
        if len(run) >= 3:
            parts.append(f"{run[0].title}-{run[-1].title}")
        else:
            parts.extend(day.title for day in run)
    return ", ".join(parts)


def format_minutes(minute_of_day: int) -> str:
    return f"{minute_of_day // 60:02d}:{minute_of_day % 60:02d}"


@dataclass(frozen=True)
class WeeklyTime:
    """A local wall-clock time that recurs on a set of weekdays."""

    minute_of_day: int
    days: frozenset[Weekday]

    @classmethod
    def offset_from(cls, days: frozenset[Weekday], minute_of_day: int, offset: int) -> WeeklyTime:
        """`minute_of_day + offset` on each of `days`; crossing midnight moves the day too."""
        total = minute_of_day + offset
        day_shift, minute = divmod(total, MINUTES_PER_DAY)
        return cls(minute, frozenset(Weekday((d + day_shift) % 7) for d in days))

    def cron(self, months: str = "*", years: str = "*") -> str:
        """Weekly, in the given month and year fields (every month of every year by default)."""
        hour, minute = divmod(self.minute_of_day, 60)
        if self.days == ALL_DAYS:
            return f"cron({minute} {hour} * {months} ? {years})"
        return f"cron({minute} {hour} ? {months} {aws_cron_weekdays(self.days)} {years})"

    def describe(self) -> str:
        return f"{format_minutes(self.minute_of_day)} {describe_weekdays(self.days)}"

    def minutes_of_week(self) -> list[int]:
        """Each occurrence as minutes since Monday 00:00, sorted."""
        return sorted(d * MINUTES_PER_DAY + self.minute_of_day for d in self.days)


def shortest_gap(after: WeeklyTime, before: WeeklyTime) -> int:
    """Fewest wall-clock minutes from any occurrence of `after` to the next `before`."""
    targets = before.minutes_of_week()
    gaps = []
    for t in after.minutes_of_week():
        following = [(b - t) % MINUTES_PER_WEEK for b in targets]
        gaps.append(min(g if g else MINUTES_PER_WEEK for g in following))
    return min(gaps)
