"""Hours, inference-unit hours and USD per store and serving group over a period, scheduled versus
always on; a group's members with their shares of it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from report.running import Interval, running_intervals
from report.templates import StoreSchedules

DEFAULT_PRICE = 4.00  # USD per inference unit per hour, while RUNNING


@dataclass(frozen=True)
class Period:
    first: date
    last: date  # inclusive

    def bounds(self, zone_name: str) -> tuple[datetime, datetime]:
        """[local midnight of first, local midnight after last), as UTC instants."""
        zone = ZoneInfo(zone_name)
        after_last = self.last + timedelta(days=1)
        return (
            datetime(self.first.year, self.first.month, self.first.day, tzinfo=zone).astimezone(
                UTC
            ),
            datetime(after_last.year, after_last.month, after_last.day, tzinfo=zone).astimezone(
                UTC
            ),
        )

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        following = date(year + month // 12, month % 12 + 1, 1)
        return cls(date(year, month, 1), following - timedelta(days=1))

    @classmethod
    def next_month(cls, today: date) -> Period:
        return cls.month(today.year + today.month // 12, today.month % 12 + 1)


@dataclass(frozen=True)
class StoreCost:
    store: str
    stack: str
    timezone: str
    model_version_arn: str
    period_first: str
    period_last: str
    running_hours: float
    min_units: int
    max_units: int | None
    unit_hours: float
    unit_hours_upper: float | None
    usd: float
    usd_upper: float | None
    always_on_hours: float
    always_on_usd: float
    saving_usd: float
    # "store", "group" or "member"; a member's row is its share of its group's (the fraction in
    # `share`), its running hours its own window's: the totals count stores and groups only.
    kind: str = "store"
    group: str | None = None
    share: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def billed(self) -> bool:
        """A row of the bill: a store's or a group's, not a member's share."""
        return self.kind != "member"


def hours(intervals: list[Interval]) -> float:
    return sum((b - a).total_seconds() for a, b in intervals) / 3600


def _own_hours(intervals: list[Interval], within: Interval) -> float:
    """A member's start-to-stop hours in one of its group's running intervals."""
    a, b = within
    return hours([(x, y) for x, y in intervals if x < b and y > a])


def fleet_costs(
    schedules: Sequence[StoreSchedules], period: Period, price: float, start_delay: timedelta
) -> list[tuple[StoreCost, list[Interval]]]:
    """Every row: stores and groups as billed, each member after its group with its share.

    A group's cost is split day by day (each of its running intervals) among the members whose
    own windows fall in it, in proportion to their own start-to-stop minutes (the schedules
    each would run alone); an interval no member's window falls in (none, by construction) is
    split evenly."""
    rows: list[tuple[StoreCost, list[Interval]]] = []
    members: dict[str, list[StoreSchedules]] = {}
    for s in schedules:
        if s.kind == "member" and s.group is not None:
            members.setdefault(s.group, []).append(s)
    for s in schedules:
        if s.kind == "member":
            continue
        cost, intervals = store_cost(s, period, price, start_delay)
        rows.append((cost, intervals))
        if s.kind == "group":
            rows += _member_rows(cost, intervals, members.get(s.store, []), period, start_delay)
    return rows


def _member_rows(
    group: StoreCost,
    group_intervals: list[Interval],
    members: list[StoreSchedules],
    period: Period,
    start_delay: timedelta,
) -> list[tuple[StoreCost, list[Interval]]]:
    if not members:
        return []
    own: dict[str, list[Interval]] = {}
    for m in members:
        start, end = period.bounds(m.timezone)
        # A day before and after: a member's window may begin before the period's first
        # local midnight in its own zone and still fall in the group's first interval.
        own[m.store] = running_intervals(
            m, start - timedelta(days=1), end + timedelta(days=1), start_delay
        )
    shares = dict.fromkeys(own, 0.0)
    total = hours(group_intervals)
    for interval in group_intervals:
        weight = hours([interval]) / total if total else 0.0
        minutes = {store: _own_hours(found, interval) for store, found in own.items()}
        if not sum(minutes.values()):
            minutes = dict.fromkeys(own, 1.0)
        for store, in_interval in minutes.items():
            shares[store] += weight * in_interval / sum(minutes.values())
    rows = []
    for m in members:
        share = shares[m.store]
        start, end = period.bounds(m.timezone)
        mine = [(max(a, start), min(b, end)) for a, b in own[m.store] if a < end and b > start]

        def part(value: float | None, digits: int) -> float | None:
            return round(value * share, digits) if value is not None else None  # noqa: B023

        rows.append(
            (
                StoreCost(
                    store=m.store,
                    stack=m.stack,
                    timezone=m.timezone,
                    model_version_arn=group.model_version_arn,
                    period_first=group.period_first,
                    period_last=group.period_last,
                    running_hours=round(hours(mine), 4),
                    min_units=group.min_units,
                    max_units=group.max_units,
                    unit_hours=round(group.unit_hours * share, 4),
                    unit_hours_upper=part(group.unit_hours_upper, 4),
                    usd=round(group.usd * share, 2),
                    usd_upper=part(group.usd_upper, 2),
                    always_on_hours=round((end - start).total_seconds() / 3600, 4),
                    always_on_usd=round(group.always_on_usd * share, 2),
                    saving_usd=round(group.saving_usd * share, 2),
                    kind="member",
                    group=group.store,
                    share=round(share, 6),
                ),
                mine,
            )
        )
    return rows


def version_each_usd(costs: Sequence[StoreCost], price: float) -> float:
    """What the same stores would cost with a version each: stores as they are, each member
    running a version of its own for its own hours at 1 inference unit (the least a version
    runs with, so the figure is a floor)."""
    stores = sum(c.usd for c in costs if c.kind == "store")
    members = sum(c.running_hours * price for c in costs if c.kind == "member")
    return round(stores + members, 2)


def store_cost(
    store: StoreSchedules, period: Period, price: float, start_delay: timedelta
) -> tuple[StoreCost, list[Interval]]:
    start, end = period.bounds(store.timezone)
    intervals = running_intervals(store, start, end, start_delay)
    running = hours(intervals)
    always_on = (end - start).total_seconds() / 3600
    unit_hours = running * store.min_units
    upper = running * store.max_units if store.max_units else None
    cost = StoreCost(
        kind=store.kind,
        store=store.store,
        stack=store.stack,
        timezone=store.timezone,
        model_version_arn=store.model_version_arn,
        period_first=period.first.isoformat(),
        period_last=period.last.isoformat(),
        running_hours=round(running, 4),
        min_units=store.min_units,
        max_units=store.max_units,
        unit_hours=round(unit_hours, 4),
        unit_hours_upper=round(upper, 4) if upper is not None else None,
        usd=round(unit_hours * price, 2),
        usd_upper=round(upper * price, 2) if upper is not None else None,
        always_on_hours=round(always_on, 4),
        always_on_usd=round(always_on * store.min_units * price, 2),
        saving_usd=round((always_on - running) * store.min_units * price, 2),
    )
    return cost, intervals
