"""Hours, inference-unit hours and USD per store over a period, scheduled versus always on."""

from __future__ import annotations

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

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def hours(intervals: list[Interval]) -> float:
    return sum((b - a).total_seconds() for a, b in intervals) / 3600


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
