"""AWS cron expressions, evaluated in a time zone the way EventBridge Scheduler does.

croniter does the calendar arithmetic; this module is the glue that gives it AWS semantics:
- AWS has six fields, `minutes hours day-of-month month day-of-week year`; croniter reads a
  sixth field as seconds (it would accept `30 6 * * ? *` and mean something else), so the year
  is split off and applied here;
- `?` (AWS: "no value" in one of the two day fields) is `*` to croniter;
- AWS numbers weekdays 1-7 from Sunday, croniter 0-6 from Sunday: numbers are turned into names;
- `L`, `W` and `#` are refused rather than guessed at (the templates here never use them);
- occurrences are wall-clock times in the schedule's zone: a time inside a spring-forward gap
  does not occur, and a time in a repeated autumn hour fires once (Scheduler's behaviour).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from croniter import croniter

_DAY_NAMES = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]
_DAY_NAME = re.compile("|".join(_DAY_NAMES))
_CRON = re.compile(r"cron\((?P<body>[^()]*)\)")
# A one-off schedule: a local wall-clock time in the schedule's zone.
_AT = re.compile(r"at\((?P<local>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)")


class CronError(ValueError):
    """Not an AWS cron expression this module evaluates."""


def _aws_weekdays(field: str) -> str:
    """`2-6` (AWS, 1 = SUN) to `MON-FRI`; names pass through."""

    def name(match: re.Match[str]) -> str:
        number = int(match[0])
        if not 1 <= number <= 7:
            raise CronError(f"day-of-week {number} is outside 1-7")
        return _DAY_NAMES[number - 1]

    return re.sub(r"\d+", name, field)


def _years(field: str) -> set[int] | None:
    if field == "*":
        return None
    years: set[int] = set()
    for part in field.split(","):
        low, _, high = part.partition("-")
        if not low.isdigit() or (high and not high.isdigit()):
            raise CronError(f"year field {field!r} is not supported")
        years.update(range(int(low), int(high or low) + 1))
    return years


@dataclass(frozen=True)
class AwsCron:
    expression: str
    croniter_fields: str
    years: set[int] | None

    @classmethod
    def parse(cls, expression: str) -> AwsCron:
        match = _CRON.fullmatch(expression.strip())
        if match is None:
            raise CronError(f"{expression!r} is not cron(...)")
        fields = match["body"].split()
        if len(fields) != 6:
            raise CronError(f"{expression!r} has {len(fields)} fields; AWS cron has 6")
        minute, hour, dom, month, dow, year = fields
        if (dom == "?") == (dow == "?"):
            raise CronError(f"{expression!r}: exactly one of day-of-month and day-of-week is ?")
        # Day names are taken out first: the W of WED is no `W` wildcard.
        if re.search(r"[LW#]", dom + _DAY_NAME.sub("", dow.upper())):
            raise CronError(f"{expression!r}: L, W and # are not supported here")
        dom = "*" if dom == "?" else dom
        dow = "*" if dow == "?" else _aws_weekdays(dow.upper())
        fields_5 = f"{minute} {hour} {dom} {month.upper()} {dow}"
        if not croniter.is_valid(fields_5):
            raise CronError(f"{expression!r} is not a valid cron expression")
        return cls(expression, fields_5, _years(year))

    def local_times(self, after: datetime, before: datetime) -> Iterator[datetime]:
        """Naive wall-clock occurrences in (after, before)."""
        for low, high in self._year_spans(after, before):
            iterator = croniter(self.croniter_fields, low)
            while True:
                local: datetime = iterator.get_next(datetime)
                if local >= high:
                    break
                yield local

    def _year_spans(self, after: datetime, before: datetime) -> Iterator[tuple[datetime, datetime]]:
        """(after, before) cut to the runs of consecutive years the year field allows: croniter
        knows no year, and the calendar's expressions each hold a year or two of a long range
        (`1970-2025,2028-2199`), so iterating the others' firings only to drop them is most of
        the work."""
        if self.years is None:
            yield after, before
            return
        years = sorted(y for y in self.years if after.year <= y <= before.year)
        while years:
            first = last = years.pop(0)
            while years and years[0] == last + 1:
                last = years.pop(0)
            # croniter yields times after its start: a minute before the run, so that its
            # first minute (January 1, 00:00) can fire.
            low = max(after, datetime(first, 1, 1) - timedelta(minutes=1))
            high = min(before, datetime(last + 1, 1, 1))
            if low < high:
                yield low, high


def occurrences(expression: str, zone_name: str, start: datetime, end: datetime) -> list[datetime]:
    """UTC instants in [start, end) at which the schedule fires: a cron(...) or an at(...)."""
    zone = ZoneInfo(zone_name)
    once = _AT.fullmatch(expression.strip())
    if once is not None:
        instant = datetime.fromisoformat(once["local"]).replace(tzinfo=zone).astimezone(UTC)
        return [instant] if start <= instant < end else []
    cron = AwsCron.parse(expression)
    # Wall-clock bounds with a day of slack either side, then filter on real instants.
    after = start.astimezone(zone).replace(tzinfo=None) - timedelta(days=1)
    before = end.astimezone(zone).replace(tzinfo=None) + timedelta(days=1)
    found = []
    for local in cron.local_times(after, before):
        instant = local.replace(tzinfo=zone, fold=0).astimezone(UTC)
        if instant.astimezone(zone).replace(tzinfo=None) != local:
            continue  # inside a spring-forward gap: this wall-clock time does not exist
        if start <= instant < end:
            found.append(instant)
    return found
