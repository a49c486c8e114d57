"""The validated, frozen configuration that stacks and constructs receive."""

from __future__ import annotations

from dataclasses import dataclass

from fleet.arn import ModelVersion
from fleet.weekly import Weekday, WeeklyTime, format_minutes

STACK_PREFIX = "ModelSchedule-"
GROUP_PREFIX = "model-schedule-"
# The closing check runs this long after the stop: time for STOPPING to settle.
CLOSING_CHECK_DELAY_MINUTES = 15


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
    project_arn: str
    notify_emails: tuple[str, ...]
    stop_stale_versions: bool

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
    def opening_check(self) -> WeeklyTime:
        return WeeklyTime.offset_from(self.open_days, self.opens, 0)

    @property
    def closing_check(self) -> WeeklyTime:
        lag = self.stop_lag_minutes + CLOSING_CHECK_DELAY_MINUTES
        return WeeklyTime.offset_from(self.open_days, self.closes, lag)

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

    def protected_versions(self, store: StoreConfig) -> tuple[str, ...]:
        """Every store's current version in `store`'s project: the sweep never stops these."""
        scope = store.model.project_scope_arn
        return tuple(
            sorted({s.model.arn for s in self.stores if s.model.project_scope_arn == scope})
        )
