"""The validated, frozen configuration that stacks and constructs receive."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from fleet.closures import HOLIDAY_HORIZON, Segment, prune, segments
from fleet.dashboard_settings import DashboardSettings
from fleet.dst import GapOccurrence, gap_occurrences
from fleet.names import dashboard_name, dashboard_stack_name, schedule_group_name, stack_name
from fleet.settings import StoreSettings
from fleet.weekly import format_minutes


@dataclass(frozen=True)
class StoreConfig:
    """One store: its id, its validated settings, and what its closures make of the calendar
    from the synth's date on."""

    store_id: str
    settings: StoreSettings
    # Days the store would open by weekday but is closed, from the synth date on.
    closed_days: tuple[date, ...]
    # Until when the holiday calendar is materialized as closed days (None: no calendar).
    holidays_until: date | None

    @classmethod
    def of(cls, store_id: str, settings: StoreSettings, today: date) -> StoreConfig:
        return cls(
            store_id=store_id,
            settings=settings,
            closed_days=settings.closed_days(today),
            holidays_until=today + HOLIDAY_HORIZON if settings.holiday_calendar else None,
        )

    @property
    def stack_name(self) -> str:
        return stack_name(self.store_id)

    @property
    def schedule_group_name(self) -> str:
        return schedule_group_name(self.store_id)

    def segments(self, event_minutes: int, now: datetime) -> list[Segment]:
        """StartDate/EndDate segments for a schedule firing `event_minutes` after local
        midnight of each open day, skipping the closed days."""
        s = self.settings
        found = segments(self.closed_days, s.open_days, s.timezone, event_minutes)
        return prune(found, now)

    def gap_one_offs(
        self, event_minutes: int, now: datetime, *, skip_closed: bool = True
    ) -> list[GapOccurrence]:
        """Occurrences of that schedule that a daylight-saving gap would swallow, from the
        synth on, for as long ahead as holidays are known; each gets a one-off schedule.
        Passed ones are dropped (Scheduler refuses an at() in the past)."""
        s = self.settings
        today = now.date()
        found = gap_occurrences(
            s.timezone,
            s.open_days,
            event_minutes,
            today,
            today + HOLIDAY_HORIZON,
            frozenset(self.closed_days) if skip_closed else frozenset(),
        )
        cutoff = now + timedelta(hours=1)
        return [gap for gap in found if gap.instant(s.timezone) > cutoff]

    def describe_hours(self) -> str:
        s = self.settings
        return f"open {format_minutes(s.opens)}-{format_minutes(s.closes)} {s.timezone}"


# CloudWatch allows 500 widgets and 2,500 metrics per dashboard; a store takes 4 widgets and 4
# metrics (and 14 math expressions), and CloudFormation 1 MB per template: about 360 KB here.
STORES_PER_DASHBOARD = 100


@dataclass(frozen=True)
class AccountDashboard:
    """One dashboard of an account: where it lives, and its stores in cdk.json's order. An
    account with more than STORES_PER_DASHBOARD stores has more pages, each its own stack."""

    account: str
    region: str
    partition: str
    stores: tuple[StoreConfig, ...]
    usd_per_unit_hour: float
    page: int = 1
    pages: int = 1

    @property
    def stack_name(self) -> str:
        return dashboard_stack_name(self.account, self.page)

    @property
    def dashboard_name(self) -> str:
        return dashboard_name(self.account, self.page)

    @property
    def store_ids(self) -> tuple[str, ...]:
        return tuple(s.store_id for s in self.stores)


@dataclass(frozen=True)
class FleetConfig:
    stores: tuple[StoreConfig, ...]
    selected_ids: tuple[str, ...]
    # The synth's reference instant: closures and holidays are counted from it.
    now: datetime
    # Run AWS Control Tower's proactive controls (cfn-guard) as well as cdk-nag.
    control_tower_checks: bool = False
    dashboard: DashboardSettings = field(default_factory=DashboardSettings)
    # No `-c store=` selection: the synth is the whole fleet's, dashboards included.
    whole_fleet: bool = True

    def dashboards(self) -> tuple[AccountDashboard, ...]:
        """Per account of the fleet, in the order its first store appears in cdk.json, one
        dashboard per STORES_PER_DASHBOARD stores."""
        by_account: dict[str, list[StoreConfig]] = {}
        for store in self.stores:
            by_account.setdefault(store.settings.model.account, []).append(store)
        found = []
        for account, stores in by_account.items():
            regions = [s.settings.model.region for s in stores]
            # max() keeps the first of equals: on a tie, the first store's Region wins.
            usual = max(dict.fromkeys(regions), key=regions.count)
            size = STORES_PER_DASHBOARD
            chunks = [stores[i : i + size] for i in range(0, len(stores), size)]
            for page, chunk in enumerate(chunks, start=1):
                found.append(
                    AccountDashboard(
                        account=account,
                        region=self.dashboard.home_regions.get(account, usual),
                        partition=stores[0].settings.model.partition,
                        stores=tuple(chunk),
                        usd_per_unit_hour=self.dashboard.usd_per_inference_unit_hour,
                        page=page,
                        pages=len(chunks),
                    )
                )
        return tuple(found)

    @property
    def selected(self) -> tuple[StoreConfig, ...]:
        return tuple(s for s in self.stores if s.store_id in self.selected_ids)

    def protected_versions(self, store: StoreConfig) -> tuple[str, ...]:
        """Every store's current version in `store`'s project: the sweep never stops these."""
        scope = store.settings.model.project_scope_arn
        return tuple(
            sorted(
                {
                    s.settings.model.arn
                    for s in self.stores
                    if s.settings.model.project_scope_arn == scope
                }
            )
        )
