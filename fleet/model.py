"""The validated, frozen configuration that stacks and constructs receive."""

from __future__ import annotations

from dataclasses import dataclass

from fleet.arn import ModelVersion
from fleet.weekly import Weekday, WeeklyTime, format_minutes

STACK_PREFIX = "ModelSchedule-"
GROUP_PREFIX = "model-schedule-"


@dataclass(frozen=True)
class RetryPolicy:
    """How long EventBridge Scheduler keeps retrying a failed start or stop call."""

    maximum_retry_attempts: int
    maximum_event_age_minutes: int


@dataclass(frozen=True)
class StoreConfig:
    store_id: str
    model: ModelVersion
    timezone: str
    opens: int  # minutes after local midnight
    closes: int
    open_days: frozenset[Weekday]
    start_lead_minutes: int
    stop_lag_minutes: int
    min_inference_units: int
    max_inference_units: int | None
    retry: RetryPolicy

    @property
    def stack_name(self) -> str:
        return f"{STACK_PREFIX}{self.store_id}"

    @property
    def schedule_group_name(self) -> str:
        return f"{GROUP_PREFIX}{self.store_id}"

    @property
    def start(self) -> WeeklyTime:
        return WeeklyTime.offset_from(self.open_days, self.opens, -self.start_lead_minutes)

    @property
    def stop(self) -> WeeklyTime:
        return WeeklyTime.offset_from(self.open_days, self.closes, self.stop_lag_minutes)

    @property
    def running_minutes_per_open_day(self) -> int:
        return self.closes + self.stop_lag_minutes - (self.opens - self.start_lead_minutes)

    def describe_hours(self) -> str:
        return f"open {format_minutes(self.opens)}-{format_minutes(self.closes)} {self.timezone}"


@dataclass(frozen=True)
class FleetConfig:
    stores: tuple[StoreConfig, ...]
    selected_ids: tuple[str, ...]

    @property
    def selected(self) -> tuple[StoreConfig, ...]:
        return tuple(s for s in self.stores if s.store_id in self.selected_ids)
