"""The validated, frozen configuration that stacks and constructs receive."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from fleet.arn import ModelVersion
from fleet.closures import Segment, prune, segments
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
    # Days the store would open by weekday but is closed, from the synth date on.
    closed_days: tuple[date, ...] = ()
    holiday_calendar: str | None = None
    holidays_until: date | None = None

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

    def segments(self, event_minutes: int, now: datetime) -> list[Segment]:
        """StartDate/EndDate segments for a schedule firing `event_minutes` after local
        midnight of each open day, skipping the closed days."""
        found = segments(self.closed_days, self.open_days, self.timezone, event_minutes)
        return prune(found, now)

    @property
    def running_minutes_per_open_day(self) -> int:
        return self.closes + self.stop_lag_minutes - (self.opens - self.start_lead_minutes)

    def describe_hours(self) -> str:
        return f"open {format_minutes(self.opens)}-{format_minutes(self.closes)} {self.timezone}"


@dataclass(frozen=True)
class FleetConfig:
    stores: tuple[StoreConfig, ...]
    selected_ids: tuple[str, ...]
    # The synth's reference instant: closures and holidays are counted from it.
    now: datetime

    @property
    def selected(self) -> tuple[StoreConfig, ...]:
        return tuple(s for s in self.stores if s.store_id in self.selected_ids)

    def protected_versions(self, store: StoreConfig) -> tuple[str, ...]:
        """Every store's current version in `store`'s project: the sweep never stops these."""
        scope = store.model.project_scope_arn
        return tuple(
            sorted({s.model.arn for s in self.stores if s.model.project_scope_arn == scope})
        )
