"""When a store's model runs, from its schedules' occurrences."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from report.awscron import occurrences
from report.templates import ScheduleSpec, StoreSchedules

# Looking this far back finds the last start or stop before a period begins.
LOOKBACK = timedelta(days=8)

Interval = tuple[datetime, datetime]


@dataclass(frozen=True)
class Event:
    at: datetime
    kind: str  # "start" | "stop"


def fire_times(specs: tuple[ScheduleSpec, ...], start: datetime, end: datetime) -> list[datetime]:
    """Every firing of any of `specs` in [start, end), honouring StartDate/EndDate."""
    times: list[datetime] = []
    for spec in specs:
        lower = max(start, spec.start) if spec.start else start
        upper = min(end, spec.end) if spec.end else end
        if lower < upper:
            times.extend(occurrences(spec.expression, spec.timezone, lower, upper))
    return sorted(times)


def events(store: StoreSchedules, start: datetime, end: datetime) -> list[Event]:
    found = [Event(t, "start") for t in fire_times(store.starts, start - LOOKBACK, end)]
    found += [Event(t, "stop") for t in fire_times(store.stops, start - LOOKBACK, end)]
    # At the same instant a stop is applied before a start.
    return sorted(found, key=lambda e: (e.at, e.kind != "stop"))


def running_intervals(
    store: StoreSchedules, start: datetime, end: datetime, start_delay: timedelta
) -> list[Interval]:
    """Intervals within [start, end) in which the model is RUNNING (billing): from a start call
    plus `start_delay` (the time it takes to start) to the next stop call."""
    intervals: list[Interval] = []
    running_since: datetime | None = None
    for event in events(store, start, end):
        if event.kind == "start" and running_since is None:
            running_since = event.at + start_delay
        elif event.kind == "stop" and running_since is not None:
            if event.at > running_since:
                intervals.append((running_since, event.at))
            running_since = None
    if running_since is not None:
        intervals.append((running_since, end))
    clipped = [(max(a, start), min(b, end)) for a, b in intervals]
    return [(a, b) for a, b in clipped if a < b]
