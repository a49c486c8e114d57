"""Serving groups (issue 28, the window): stores of one account and Region that share one model
version. On each day at least one member opens, the group's model runs from the earliest member
start to the latest member stop, each member with its own hours, open days, closures, lead, lag
and time zone: one contiguous window (a gap between members' windows runs through).

This module computes that window day by day over the calendar horizon, from each member's own
schedules (daylight-saving compensations included), and writes it into cron expressions in the
group's time zone, clock-free like a store's (fleet/calendar/cron.py): for each usual time of
an ordinary week a weekly cron, and within the horizon the days that differ (every member
closed; a member's hours or a daylight-saving change moving the earliest start or the latest
stop) as skipped days and one-off crons. Outside the horizon the weekly crons fire."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from fleet.calendar.cron import (
    CRON_YEARS,
    CronSchedule,
    Plan,
    action_schedules,
    cron_at,
    numbers,
)
from fleet.calendar.horizon import Horizon
from fleet.calendar.weekly import MINUTES_PER_DAY, Weekday, format_minutes

Window = tuple[datetime, datetime]


class Member(Protocol):
    """What the group's window needs of a member (fleet/config.py's StoreConfig)."""

    @property
    def store_id(self) -> str: ...

    @property
    def horizon(self) -> Horizon: ...

    def running_window(self, day: date, *, closures: bool = True) -> Window | None: ...

    def opening_at(self, day: date, *, closures: bool = True) -> datetime | None: ...

    def calendar_key(self) -> Hashable:
        """Equal for members whose windows and openings are equal on every day."""
        ...


@dataclass(frozen=True)
class GroupDay:
    """One day the group runs: from the earliest start to the latest stop of the members open
    that day (instants in UTC), the earliest opening among them, and who they are."""

    day: date
    start: datetime
    stop: datetime
    opens: datetime
    members: tuple[str, ...]


def group_days(members: Sequence[Member], *, closures: bool = True) -> dict[date, GroupDay]:
    """The group's running window on each day of the horizon at least one member opens (with
    `closures=False`, as in an ordinary week: every member opens on each of its weekdays).
    Members of one calendar (calendar_key) are asked once: a large group has few."""
    horizon = members[0].horizon
    alike: dict[Hashable, list[str]] = {}
    asked: dict[Hashable, Member] = {}
    for m in members:
        key = m.calendar_key()
        alike.setdefault(key, []).append(m.store_id)
        asked.setdefault(key, m)
    order = {m.store_id: n for n, m in enumerate(members)}
    found = {}
    for day in horizon.days():
        windows: dict[Hashable, Window] = {}
        openings: list[datetime] = []
        for key, m in asked.items():
            window = m.running_window(day, closures=closures)
            if window is None:
                continue
            windows[key] = window
            opening = m.opening_at(day, closures=closures)
            if opening is not None:
                openings.append(opening)
        if windows:
            ids = sorted((i for key in windows for i in alike[key]), key=order.__getitem__)
            found[day] = GroupDay(
                day,
                min(w[0] for w in windows.values()),
                max(w[1] for w in windows.values()),
                min(openings, default=min(w[1] for w in windows.values())),
                tuple(ids),
            )
    return found


def _offset(day: date, instant: datetime, zone: ZoneInfo) -> int:
    """Minutes from local midnight of `day` to `instant`'s wall-clock time in `zone`."""
    local = instant.astimezone(zone).replace(tzinfo=None)
    return int((local - datetime(day.year, day.month, day.day)) // timedelta(minutes=1))


def _fires(day: date, offset: int, zone: ZoneInfo) -> datetime | None:
    """The instant a cron at `offset` minutes from midnight of `day` fires (None in a gap; in a
    repeated hour the first occurrence)."""
    local = datetime(day.year, day.month, day.day) + timedelta(minutes=offset)
    instant = local.replace(tzinfo=zone).astimezone(UTC)
    return instant if instant.astimezone(zone).replace(tzinfo=None) == local else None


def encode(
    actual: Mapping[date, datetime],
    ordinary: Mapping[date, datetime],
    zone_name: str,
    horizon: Horizon,
) -> Plan:
    """Cron schedules in `zone_name` that fire at each of `actual`'s instants (by the day they
    belong to) and on no other day of the horizon, and weekly outside it at the usual time of
    each weekday of `ordinary` (the same instants in an ordinary week).

    Each time of day the group fires at gets its own schedules: a usual time, the weekly cron of
    its weekdays with the days it does not fire skipped (action_schedules, as a store's closed
    days); any time, the days it fires at it on other weekdays, one cron a month listing them
    (a season when two members' zones change their offsets apart is a few crons, not one a
    day)."""
    zone = ZoneInfo(zone_name)
    by_weekday: dict[Weekday, Counter[int]] = {}
    for day, instant in ordinary.items():
        by_weekday.setdefault(Weekday(day.weekday()), Counter())[_offset(day, instant, zone)] += 1
    # The most frequent time of each weekday (the earlier of equals).
    usual = {wd: min(c, key=lambda o: (-c[o], o)) for wd, c in by_weekday.items()}
    at: dict[int, set[date]] = {}
    for day, when in actual.items():
        if day in horizon:
            offset = _offset(day, when, zone)
            assert _fires(day, offset, zone) == when, (day, when)
            at.setdefault(offset, set()).add(day)
    offsets = sorted(set(usual.values()) | set(at))
    plan: list[CronSchedule] = []
    for offset in offsets:
        weekdays = frozenset(wd for wd, o in usual.items() if o == offset)
        days = at.get(offset, set())
        schedules: list[CronSchedule] = []
        if weekdays:
            skipped = [
                d for d in horizon.days() if Weekday(d.weekday()) in weekdays and d not in days
            ]
            schedules += action_schedules(
                offset=offset, open_days=weekdays, closed=skipped, moves={}
            )
        others = sorted(d for d in days if Weekday(d.weekday()) not in weekdays)
        schedules += _month_lists(offset, others)
        plan += [_at(s, offset) for s in schedules] if len(offsets) > 1 else schedules
    return plan


def _month_lists(offset: int, days: Sequence[date]) -> list[CronSchedule]:
    """One cron a month firing at `offset` on exactly these days (by the day they belong to: a
    time the evening before, or after midnight, fires on the day before, or after)."""
    shift, minute = divmod(offset, MINUTES_PER_DAY)
    by_month: dict[tuple[int, int], list[int]] = {}
    for day in days:
        fires = day + timedelta(days=shift)
        if fires.year in CRON_YEARS:
            by_month.setdefault((fires.year, fires.month), []).append(fires.day)
    found = []
    for (year, month), fire_days in sorted(by_month.items()):
        listed = numbers(fire_days)
        found.append(
            CronSchedule(
                f"Also{year}{month:02d}",
                f"-also-{year}-{month:02d}",
                cron_at(minute, listed, str(month), "?", str(year)),
                f"{format_minutes(minute)} on days {listed} of {year}-{month:02d}",
                "the members' hours on these days",
            )
        )
    return found


def _at(schedule: CronSchedule, offset: int) -> CronSchedule:
    """With more than one time of day, each time's schedules are named after it (in minutes
    from the previous day's midnight: an evening-before time stays apart from the same time of
    the day itself)."""
    time = f"{offset + MINUTES_PER_DAY:04d}"
    return replace(
        schedule, key=f"At{time}{schedule.key}", name_suffix=f"-at-{time}{schedule.name_suffix}"
    )


def later(day: date, instant: datetime, minutes: int, zone: ZoneInfo) -> datetime:
    """`minutes` after `instant` by the wall clock of `zone`, as a store's check after its start
    or stop is (a cron at that time of day); where that time is in a gap, the real minutes."""
    fired = _fires(day, _offset(day, instant, zone) + minutes, zone)
    return fired if fired is not None and fired > instant else instant + timedelta(minutes=minutes)


@dataclass(frozen=True)
class GroupPlan:
    """A group's schedules, in its time zone: the start and the stop, and the verifier's checks
    (a while after the start when that comes before the first opening, at the first opening, and
    after the stop: on every day a member would open by weekday, as a store's closing check)."""

    time_zone: str
    days: Mapping[date, GroupDay]
    ordinary: Mapping[date, GroupDay]
    start: Plan
    stop: Plan
    start_check: Plan
    opening_check: Plan
    closing_check: Plan


def group_plan(
    members: Sequence[Member],
    time_zone: str,
    *,
    start_check_minutes: int,
    closing_check_minutes: int,
) -> GroupPlan:
    """The group's schedules, in `time_zone` (its first member's)."""
    zone = ZoneInfo(time_zone)
    horizon = members[0].horizon
    actual = group_days(members)
    ordinary = group_days(members, closures=False)

    def start_check(d: GroupDay) -> datetime | None:
        fires = later(d.day, d.start, start_check_minutes, zone)
        return fires if fires < d.opens else None

    def closing_check(d: GroupDay) -> datetime:
        return later(d.day, d.stop, closing_check_minutes, zone)

    def plan(pick: Callable[[GroupDay], datetime | None], *, every_day: bool = False) -> Plan:
        def instants(days: Mapping[date, GroupDay]) -> dict[date, datetime]:
            return {day: when for day, d in days.items() if (when := pick(d)) is not None}

        return encode(
            instants(ordinary if every_day else actual), instants(ordinary), time_zone, horizon
        )

    return GroupPlan(
        time_zone=time_zone,
        days=actual,
        ordinary=ordinary,
        start=plan(lambda d: d.start),
        stop=plan(lambda d: d.stop),
        start_check=plan(start_check),
        opening_check=plan(lambda d: d.opens),
        closing_check=plan(closing_check, every_day=True),
    )


def window_problem(plan: GroupPlan, margin_minutes: int, closing_check_minutes: int) -> str | None:
    """A group's start must come `margin_minutes` (maximumEventAgeMinutes + 60) before its stop,
    and its stop and closing check as long before the next start, on the real firings (a
    retried start must not land after the stop, nor a retried stop or the check on the model
    starting for the next day). The first day that breaks it, in words."""
    zone = ZoneInfo(plan.time_zone)
    margin = timedelta(minutes=margin_minutes)
    for days in (plan.days, plan.ordinary):
        ordered = sorted(days.values(), key=lambda d: d.day)
        for d, following in zip(ordered, [*ordered[1:], None], strict=True):
            if d.stop - d.start < margin:
                return (
                    f"on {d.day.isoformat()} the group's model would run only from "
                    f"{_show(d.start, zone)} to {_show(d.stop, zone)}, less than "
                    f"maximumEventAgeMinutes + 60 = {margin_minutes} min"
                )
            if following is None:
                continue
            check = later(d.day, d.stop, closing_check_minutes, zone)
            for name, instant in (("stop", d.stop), ("closing check", check)):
                if following.start - instant < margin:
                    return (
                        f"the group's {name} of {d.day.isoformat()} fires at "
                        f"{_show(instant, zone)}, less than maximumEventAgeMinutes + 60 = "
                        f"{margin_minutes} min before its start of {following.day.isoformat()} "
                        f"at {_show(following.start, zone)} (the members' earliest start and "
                        "latest stop): shorten a member's lead or lag, or the group's "
                        "maximumEventAgeMinutes"
                    )
    return None


def _show(instant: datetime, zone: ZoneInfo) -> str:
    return f"{instant.astimezone(zone):%Y-%m-%d %H:%M %Z}"
