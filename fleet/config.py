"""The validated, frozen configuration that stacks and constructs receive."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache, cached_property
from zoneinfo import ZoneInfo

import verifier_contract
from fleet.calendar.cron import Plan, action_schedules
from fleet.calendar.dst import (
    Moves,
    exists,
    gap_days,
    moved_after_gap,
    moved_before,
    swallowed,
    wall_time,
)
from fleet.calendar.horizon import REMINDER_DAYS, Horizon
from fleet.calendar.weekly import WeeklyTime, format_minutes, shortest_gap
from fleet.names import (
    copies_bucket_name,
    dashboard_name,
    dashboard_stack_name,
    distribution_stack_name,
    schedule_group_name,
    serving_stack_name,
    stack_name,
)
from fleet.serving import GroupPlan, group_plan, window_problem
from fleet.settings.arn import ModelVersion
from fleet.settings.dashboard import DashboardSettings
from fleet.settings.distribution import DistributionSettings
from fleet.settings.group import GroupSettings
from fleet.settings.pipeline import PipelineSettings
from fleet.settings.store import CLOSING_CHECK_DELAY_MINUTES, RETRY_MARGIN_MINUTES, StoreSettings
from verifier_contract import StaleVersions

Check = verifier_contract.Check


@dataclass(frozen=True)
class CheckPlan:
    """When one of the verifier's checks runs."""

    check: verifier_contract.Check
    schedules: Plan


@dataclass(frozen=True)
class StorePlan:
    """Every schedule of a store, computed once: the start and the stop, and the verifier's
    checks. The start and opening checks would start the model on a closed day, so they skip
    closures like the start does; the closing check runs on closed days too: it finds the model
    stopped, or stops one that someone left running."""

    start: Plan
    stop: Plan
    checks: tuple[CheckPlan, ...]

    @property
    def schedule_count(self) -> int:
        """Every schedule of the store's stack, the horizon's reminder included."""
        plans = [self.start, self.stop, *(c.schedules for c in self.checks)]
        return sum(len(plan) for plan in plans) + 1


@dataclass(frozen=True)
class ModelRunner:
    """What runs one model version on a calendar, and who hears of it: a store with a version of
    its own, or a serving group (its id in place of the store's in every name)."""

    owner_id: str
    schedule_group_name: str
    model: ModelVersion
    project_arn: str
    time_zone: str
    plan: StorePlan
    horizon: Horizon
    min_inference_units: int
    max_inference_units: int | None
    maximum_retry_attempts: int
    maximum_event_age_minutes: int
    notify_emails: tuple[str, ...]
    stale_versions: StaleVersions
    # The canary's question, with the threshold it asks with.
    canary: verifier_contract.Canary | None


def _runner(
    owner_id: str,
    settings: StoreSettings | GroupSettings,
    *,
    time_zone: str,
    plan: StorePlan,
    horizon: Horizon,
) -> ModelRunner:
    s = settings
    return ModelRunner(
        owner_id=owner_id,
        schedule_group_name=schedule_group_name(owner_id),
        model=s.model,
        project_arn=s.project_arn,
        time_zone=time_zone,
        plan=plan,
        horizon=horizon,
        min_inference_units=s.min_inference_units,
        max_inference_units=s.max_inference_units,
        maximum_retry_attempts=s.maximum_retry_attempts,
        maximum_event_age_minutes=s.maximum_event_age_minutes,
        notify_emails=tuple(s.notify_emails),
        stale_versions=StaleVersions(s.stale_versions),
        canary=s.canary.for_check(s.min_confidence) if s.canary else None,
    )


@cache
def _instant_of(zone_name: str, local: datetime, *, later: bool) -> datetime | None:
    """The instant (UTC) a naive wall-clock time occurs in a zone (in a repeated hour the later
    one when `later`); None in a gap. Shared by every store of a zone: a serving group asks it
    for each member on each day of the horizon."""
    zone = ZoneInfo(zone_name)
    if not exists(local, zone):
        return None
    return local.replace(tzinfo=zone, fold=int(later)).astimezone(UTC)


@dataclass(frozen=True)
class StoreConfig:
    """One store: its id, its validated settings, and what its closures make of the calendar
    horizon."""

    store_id: str
    settings: StoreSettings
    horizon: Horizon
    # Days in the horizon the store would open by weekday but is closed.
    closed_days: tuple[date, ...]
    # The serving group whose model the store uses (its settings hold the group's model
    # settings); None: the store runs a model version of its own.
    group_id: str | None = None
    # Minutes its opening check fires after its opening: the control plane's spreading of a
    # crowded minute (fleet/reading/spreading.py); its start and stop move through its lead and
    # lag instead.
    opening_check_delay_minutes: int = 0

    @classmethod
    def of(
        cls, store_id: str, settings: StoreSettings, horizon: Horizon, group_id: str | None = None
    ) -> StoreConfig:
        return cls(
            store_id=store_id,
            settings=settings,
            horizon=horizon,
            closed_days=settings.closed_days(horizon),
            group_id=group_id,
        )

    @property
    def stack_name(self) -> str:
        return stack_name(self.store_id)

    @property
    def schedule_group_name(self) -> str:
        return schedule_group_name(self.store_id)

    # --- each action's schedules (calendar/cron.py), compensations (calendar/dst.py) included

    def _opens_on(self, day: date) -> bool:
        return day.weekday() in self._weekdays

    @cached_property
    def _weekdays(self) -> frozenset[int]:
        return frozenset(int(d) for d in self.settings.open_days)

    def _opens_and_not_closed(self, day: date) -> bool:
        return self._opens_on(day) and day not in self._closed

    @cached_property
    def _closed(self) -> frozenset[date]:
        return frozenset(self.closed_days)

    def _swallowed(self, offset: int, *, skip_closed: bool = True) -> list[date]:
        days = self._opens_and_not_closed if skip_closed else self._opens_on
        h = self.horizon
        return swallowed(self.settings.timezone, days, offset, h.first, h.last)

    def _after_gap(self, offset: int, *, skip_closed: bool = True) -> Moves:
        days = self._swallowed(offset, skip_closed=skip_closed)
        return moved_after_gap(self.settings.timezone, offset, days)

    @cached_property
    def _start_moves(self) -> Moves:
        """A start in a gap keeps its lead: that many real minutes before the opening instant."""
        s = self.settings
        return moved_before(
            s.timezone, s.start_offset, self._swallowed(s.start_offset), s.opens, {}
        )

    def _start_check_moves(self, offset: int) -> Moves:
        """After a compensated start by the usual minutes; else after the gap."""
        s = self.settings
        days = self._swallowed(offset)
        following = [d for d in days if d in self._start_moves]
        moves = dict(
            moved_after_gap(s.timezone, offset, [d for d in days if d not in self._start_moves])
        )
        moves.update(moved_before(s.timezone, offset, following, s.start_offset, self._start_moves))
        return moves

    def _schedules(self, offset: int, moves: Moves, *, skip_closed: bool = True) -> Plan:
        return action_schedules(
            offset=offset,
            open_days=self.settings.open_days,
            closed=self.closed_days if skip_closed else (),
            moves=moves,
        )

    @property
    def moved_starts(self) -> dict[date, datetime]:
        """Each start a gap moved within the horizon: its open day, and the instant it fires (in
        the store's zone), as the model handle publishes them for the checkout."""
        zone = ZoneInfo(self.settings.timezone)
        return {day: local.replace(tzinfo=zone) for day, local in self._start_moves.items()}

    @cached_property
    def start_schedules(self) -> Plan:
        return self._schedules(self.settings.start_offset, self._start_moves)

    @cached_property
    def _stop_moves(self) -> Moves:
        return self._after_gap(self.settings.stop_offset)

    @cached_property
    def stop_schedules(self) -> Plan:
        return self._schedules(self.settings.stop_offset, self._stop_moves)

    def running_window(
        self, day: date, *, closures: bool = True
    ) -> tuple[datetime, datetime] | None:
        """When the store's schedules start and stop its model for its opening on `day`
        (instants in UTC, daylight-saving compensations included; in a repeated hour the first
        occurrence, as report/awscron.py reads a cron); None on a day it does not open, or
        whose start or stop a gap swallows after the horizon. With `closures=False`, as if
        it opened on every day of its open weekdays (an ordinary week)."""
        opens = self._opens_and_not_closed if closures else self._opens_on
        if not opens(day):
            return None
        s = self.settings
        start = self._fires_at(s.start_offset, self._start_moves, day, later=False)
        stop = self._fires_at(s.stop_offset, self._stop_moves, day, later=False)
        return None if start is None or stop is None else (start, stop)

    def calendar_key(self) -> tuple[object, ...]:
        """What its running windows and openings depend on (its horizon is the fleet's)."""
        s = self.settings
        return (s.timezone, s.start_offset, s.stop_offset, s.opens, self._weekdays, self._closed)

    def opening_at(self, day: date, *, closures: bool = True) -> datetime | None:
        """When the store opens on `day` (UTC; where a gap swallows the opening, after it, as
        its opening check fires), or None on a day it does not open."""
        opens = self._opens_and_not_closed if closures else self._opens_on
        if not opens(day):
            return None
        return self._fires_at(self.settings.opens, self._opening_moves, day, later=False)

    @cached_property
    def _opening_moves(self) -> Moves:
        return self._after_gap(self.settings.opens)

    @cached_property
    def start_check_schedules(self) -> Plan | None:
        offset = self.settings.start_check_offset
        if offset is None:
            return None
        return self._schedules(offset, self._start_check_moves(offset))

    @property
    def opening_check_offset(self) -> int:
        return self.settings.opens + self.opening_check_delay_minutes

    @property
    def opening_check(self) -> WeeklyTime:
        return WeeklyTime.offset_from(self.settings.open_days, 0, self.opening_check_offset)

    @cached_property
    def opening_check_schedules(self) -> Plan:
        offset = self.opening_check_offset
        moves = self._opening_moves if offset == self.settings.opens else self._after_gap(offset)
        return self._schedules(offset, moves)

    @cached_property
    def _closing_check_moves(self) -> Moves:
        return self._after_gap(self.settings.closing_check_offset, skip_closed=False)

    @cached_property
    def closing_check_schedules(self) -> Plan:
        """On every weekday in openDays, closed dates included: it finds the model stopped, or
        stops one that someone left running."""
        offset = self.settings.closing_check_offset
        return self._schedules(offset, self._closing_check_moves, skip_closed=False)

    # --- the rule between a day's stop and the next start, on the real firings

    def _fires_at(self, offset: int, moves: Moves, day: date, *, later: bool) -> datetime | None:
        """The instant (UTC) an occurrence fires: its compensation, else its wall-clock time
        (in a repeated hour the later one when `later`, else the earlier); None in a gap that
        nothing compensates (after the horizon)."""
        local = moves.get(day) or wall_time(day, offset)
        return _instant_of(self.settings.timezone, local, later=later)

    def _next_start(self, day: date) -> tuple[date, datetime] | None:
        """The first start after `day`'s open day that fires, and its instant (the earlier
        one in a repeated hour)."""
        offset = self.settings.start_offset
        for ahead in range(1, 15):
            following = day + timedelta(days=ahead)
            if self._opens_and_not_closed(following):
                instant = self._fires_at(offset, self._start_moves, following, later=False)
                if instant is not None:
                    return following, instant
        return None

    def stop_after_start_problem(self) -> str | None:
        """A stop and a closing check must land maximumEventAgeMinutes + 60 minutes before the
        next start, or a retried stop (or the check, which stops a STARTING model once it can)
        stops the model that is starting for the next day; a start right after a stop meets
        STOPPING and is refused. Checked on the real firings, daylight-saving compensations
        included: they move a start earlier and a stop or check later. Days away from a gap keep
        their weekly wall-clock distance, so only the days around each gap are looked at, unless
        the weekly distance is already too short. The first day that breaks it, in words."""
        s = self.settings
        zone = ZoneInfo(s.timezone)
        margin = s.maximum_event_age_minutes + RETRY_MARGIN_MINUTES
        h = self.horizon
        actions = (
            (
                "stop",
                s.stop,
                s.stop_offset,
                self._stop_moves,
                self._opens_and_not_closed,
            ),
            (
                "closing check",
                s.closing_check,
                s.closing_check_offset,
                self._closing_check_moves,
                self._opens_on,
            ),
        )
        near_gaps = {
            gap - timedelta(days=back)
            for gap in gap_days(s.timezone, h.first, h.last + timedelta(days=2))
            for back in range(-1, 4)
        }
        if any(shortest_gap(weekly, s.start) < margin for _, weekly, *_ in actions):
            days: Iterable[date] = h.days()
        else:
            days = sorted(d for d in near_gaps if d in h)
        for day in days:
            following = self._next_start(day)
            if following is None:
                continue
            next_day, start = following
            for name, _, offset, moves, fires_on in actions:
                instant = self._fires_at(offset, moves, day, later=True) if fires_on(day) else None
                if instant is None or start - instant >= timedelta(minutes=margin):
                    continue
                minutes = (start - instant) // timedelta(minutes=1)
                when = "after" if minutes <= 0 else f"{minutes} min before"
                moved = f" (daylight saving in {s.timezone})" if day in near_gaps else ""
                return (
                    f"the {name} of {day.isoformat()} fires at {_show(instant, zone)}, {when} the "
                    f"start of {next_day.isoformat()} at {_show(start, zone)}{moved}; it must "
                    f"land at least maximumEventAgeMinutes + {RETRY_MARGIN_MINUTES} = {margin} min "
                    f"before it (opens {format_minutes(s.opens)}, closes "
                    f"{format_minutes(s.closes)}, startLeadMinutes {s.start_lead_minutes}, "
                    f"stopLagMinutes {s.stop_lag_minutes}, maximumEventAgeMinutes "
                    f"{s.maximum_event_age_minutes}): shorten the lag or the lead"
                )
        return None

    @cached_property
    def plan(self) -> StorePlan:
        checks = []
        if self.start_check_schedules is not None:
            checks.append(CheckPlan(Check.START, self.start_check_schedules))
        checks.append(CheckPlan(Check.OPENING, self.opening_check_schedules))
        checks.append(CheckPlan(Check.CLOSING, self.closing_check_schedules))
        return StorePlan(self.start_schedules, self.stop_schedules, tuple(checks))

    @property
    def schedule_count(self) -> int:
        return self.plan.schedule_count

    @property
    def runner(self) -> ModelRunner:
        s = self.settings
        return _runner(self.store_id, s, time_zone=s.timezone, plan=self.plan, horizon=self.horizon)

    def describe_hours(self) -> str:
        s = self.settings
        return f"open {format_minutes(s.opens)}-{format_minutes(s.closes)} {s.timezone}"


@dataclass(frozen=True)
class GroupConfig:
    """A serving group: its id, its validated settings, and its members (each holding the
    group's model settings), in cdk.json's order. Its schedules are in its first member's
    time zone."""

    group_id: str
    settings: GroupSettings
    members: tuple[StoreConfig, ...]

    @property
    def stack_name(self) -> str:
        return serving_stack_name(self.group_id)

    @property
    def schedule_group_name(self) -> str:
        return schedule_group_name(self.group_id)

    @property
    def horizon(self) -> Horizon:
        return self.members[0].horizon

    @property
    def time_zone(self) -> str:
        return self.members[0].settings.timezone

    @property
    def member_ids(self) -> tuple[str, ...]:
        return tuple(m.store_id for m in self.members)

    def members_in_words(self, max_chars: int) -> str:
        """Its members' ids, as many as fit in `max_chars` (a stack's description is short),
        then how many more."""
        ids = self.member_ids
        shown = ", ".join(ids)
        for count in range(len(ids) - 1, 0, -1):
            if len(shown) <= max_chars:
                break
            shown = f"{', '.join(ids[:count])} and {len(ids) - count} more"
        return shown

    @cached_property
    def windows(self) -> GroupPlan:
        """Each day's running window and the schedules that keep it (fleet/serving.py)."""
        return group_plan(
            self.members,
            self.time_zone,
            start_check_minutes=self.settings.start_check_minutes,
            closing_check_minutes=CLOSING_CHECK_DELAY_MINUTES,
        )

    @cached_property
    def plan(self) -> StorePlan:
        w = self.windows
        checks = [CheckPlan(Check.START, w.start_check)] if w.start_check else []
        checks.append(CheckPlan(Check.OPENING, w.opening_check))
        checks.append(CheckPlan(Check.CLOSING, w.closing_check))
        return StorePlan(w.start, w.stop, tuple(checks))

    @property
    def schedule_count(self) -> int:
        return self.plan.schedule_count

    @property
    def runner(self) -> ModelRunner:
        return _runner(
            self.group_id,
            self.settings,
            time_zone=self.time_zone,
            plan=self.plan,
            horizon=self.horizon,
        )

    def window_problem(self) -> str | None:
        margin = self.settings.maximum_event_age_minutes + RETRY_MARGIN_MINUTES
        return window_problem(self.windows, margin, CLOSING_CHECK_DELAY_MINUTES)

    def describe(self) -> str:
        return f"serving group of {', '.join(self.member_ids)}"


def _show(instant: datetime, zone: ZoneInfo) -> str:
    return f"{instant.astimezone(zone):%Y-%m-%d %H:%M %Z}"


# CloudWatch allows 500 widgets and 2,500 metrics per dashboard; a store takes 4 widgets and 4
# metrics (and 14 math expressions), and CloudFormation 1 MB per template: about 360 KB here.
STORES_PER_DASHBOARD = 100


# A dashboard's row: what runs a version of its own, a store or a serving group.
DashboardRow = StoreConfig | GroupConfig


def row_id(row: DashboardRow) -> str:
    return row.group_id if isinstance(row, GroupConfig) else row.store_id


@dataclass(frozen=True)
class AccountDashboard:
    """One dashboard of an account: where it lives, and a row for each of its stores and
    serving groups in cdk.json's order (a group where its first member is). An account with more
    than STORES_PER_DASHBOARD rows has more pages, each its own stack."""

    account: str
    region: str
    partition: str
    rows: tuple[DashboardRow, ...]
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
    def stores(self) -> tuple[StoreConfig, ...]:
        """The stores with a version of their own."""
        return tuple(r for r in self.rows if isinstance(r, StoreConfig))

    @property
    def row_ids(self) -> tuple[str, ...]:
        return tuple(row_id(r) for r in self.rows)

    @property
    def store_ids(self) -> tuple[str, ...]:
        """Every store it shows: those with a version of their own, and groups' members."""
        return tuple(
            s
            for r in self.rows
            for s in (r.member_ids if isinstance(r, GroupConfig) else (r.store_id,))
        )


@dataclass(frozen=True)
class CopierRole:
    """The role ./scripts/distribute.sh assumes in an account (one per account: IAM names are
    account-wide): who may assume it, and what it may copy into and write to."""

    role_name: str
    trusted_accounts: tuple[str, ...]  # the source projects' accounts
    projects: tuple[str, ...]  # project/<name>/* of its targets, every Region of the account
    sources: tuple[str, ...]  # project/<name>/* of their source projects
    buckets: tuple[str, ...]  # the copies buckets of the account's Regions


@dataclass(frozen=True)
class DistributionPlace:
    """An account and Region that receives copies: its bucket, and in the account's first Region
    (in cdk.json's order) the account's role, if a source is in another account."""

    account: str
    region: str
    partition: str
    role: CopierRole | None

    @property
    def stack_name(self) -> str:
        return distribution_stack_name(self.account, self.region)

    @property
    def bucket_name(self) -> str:
        return copies_bucket_name(self.account, self.region)


@dataclass(frozen=True)
class FleetConfig:
    stores: tuple[StoreConfig, ...]
    selected_ids: tuple[str, ...]
    horizon: Horizon
    # Run AWS Control Tower's proactive controls (cfn-guard) as well as cdk-nag.
    control_tower_checks: bool = False
    dashboard: DashboardSettings = field(default_factory=DashboardSettings)
    # No `-c store=` selection: the synth is the whole fleet's, dashboards included.
    whole_fleet: bool = True
    # What looked at the clock: said on standard error, never written into a template.
    warnings: tuple[str, ...] = ()
    # Where and how the fleet deploys through CDK Pipelines; None: no pipeline configured.
    pipeline: PipelineSettings | None = None
    # -c pipeline=true: synthesize the pipeline stacks (which hold the stores' stacks).
    pipeline_synth: bool = False
    # Serving groups, in cdk.json's order; their members are among `stores`.
    groups: tuple[GroupConfig, ...] = ()
    # How ./scripts/distribute.sh reaches the destination accounts.
    distribution: DistributionSettings = field(default_factory=DistributionSettings)

    def distribution_places(self) -> tuple[DistributionPlace, ...]:
        """Every account and Region with a store or group whose sourceProjectArn is set."""
        owners: list[StoreSettings | GroupSettings] = [
            s.settings for s in self.stores if s.group_id is None
        ]
        owners += [g.settings for g in self.groups]
        targets = [o for o in owners if o.source_project_arn is not None]
        places = list(dict.fromkeys((o.model.account, o.model.region) for o in targets))
        found = []
        for account, region in places:
            mine = [o for o in targets if o.model.account == account]
            sources = [str(o.source_project_arn) for o in mine]
            trusted = tuple(
                dict.fromkeys(a.split(":")[4] for a in sources if a.split(":")[4] != account)
            )
            first = next(r for a, r in places if a == account)
            role = None
            if trusted and region == first:
                role = CopierRole(
                    role_name=self.distribution.role_name,
                    trusted_accounts=trusted,
                    projects=tuple(dict.fromkeys(o.model.project_scope_arn for o in mine)),
                    sources=tuple(dict.fromkeys(a.rsplit("/", 1)[0] + "/*" for a in sources)),
                    buckets=tuple(
                        copies_bucket_name(account, r) for a, r in places if a == account
                    ),
                )
            found.append(DistributionPlace(account, region, mine[0].model.partition, role))
        return tuple(found)

    def dashboards(self) -> tuple[AccountDashboard, ...]:
        """Per account of the fleet, in the order its first store appears in cdk.json, one
        dashboard per STORES_PER_DASHBOARD rows (stores and serving groups)."""
        by_account: dict[str, list[DashboardRow]] = {}
        for store in self.stores:
            row: DashboardRow | None = store if store.group_id is None else None
            group = self.group_of(store)
            if group is not None and group.members[0].store_id == store.store_id:
                row = group
            if row is not None:
                by_account.setdefault(store.settings.model.account, []).append(row)
        found = []
        for account, stores in by_account.items():
            regions = [r.settings.model.region for r in stores]
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
                        rows=tuple(chunk),
                        usd_per_unit_hour=self.dashboard.usd_per_inference_unit_hour,
                        page=page,
                        pages=len(chunks),
                    )
                )
        return tuple(found)

    def unheard_warning(self) -> str | None:
        """The synth's warning for selected stores whose e-mails (the horizon's reminder, the
        verifier's notices) reach nobody: they have no notifyEmails."""
        silent = [s.store_id for s in self.selected if not s.settings.notify_emails]
        if not silent:
            return None
        named = ", ".join(silent[:5]) + (f" and {len(silent) - 5} more" if len(silent) > 5 else "")
        return (
            f"fleet.stores: {named} {'has' if len(silent) == 1 else 'have'} no notifyEmails: "
            f"the reminder {REMINDER_DAYS} days before the calendar horizon ends "
            f"({self.horizon.reminder_day.isoformat()}) and the verifier's notices reach nobody "
            "(the alarms still change state): set notifyEmails in fleet.defaults or per store"
        )

    @property
    def selected(self) -> tuple[StoreConfig, ...]:
        return tuple(s for s in self.stores if s.store_id in self.selected_ids)

    @property
    def selected_groups(self) -> tuple[GroupConfig, ...]:
        """The groups a selection needs: those of its members (a member's stack depends on its
        group's), and those named in it."""
        chosen = set(self.selected_ids)
        return tuple(
            g for g in self.groups if g.group_id in chosen or chosen.intersection(g.member_ids)
        )

    def group(self, group_id: str) -> GroupConfig:
        return next(g for g in self.groups if g.group_id == group_id)

    def group_of(self, store: StoreConfig) -> GroupConfig | None:
        return next((g for g in self.groups if g.group_id == store.group_id), None)

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
