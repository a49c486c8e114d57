"""The quota check: what the fleet's stacks (and the CDK bootstrap) would create in each account
and Region, and what it would run there (Rekognition's models at once and the units of each),
against the defaults of fleet/settings/quotas.py or the raised quotas declared in
`fleet.quotas`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from fleet.calendar.weekly import MINUTES_PER_DAY, Weekday
from fleet.config import GroupConfig, StoreConfig
from fleet.settings.quotas import (
    INFERENCE_UNITS,
    QUOTAS,
    REKOGNITION_QUOTAS,
    RUNNING_MODELS,
    QuotaSettings,
    ServiceQuota,
)
from fleet.utc_week import Interval, peak, store_week, window_week


def declaration_problems(
    stores: Sequence[StoreConfig], raised: QuotaSettings
) -> list[tuple[str, str]]:
    """A flat key for a fleet it cannot describe, an account or Region without stores."""
    accounts = list(dict.fromkeys(s.settings.model.account for s in stores))
    places = list(
        dict.fromkeys((s.settings.model.account, s.settings.model.region) for s in stores)
    )
    lines = []
    keys = [(q.key, q.per_region) for q in QUOTAS] + [(q.key, True) for q in REKOGNITION_QUOTAS]
    for key, per_region in keys:
        if raised.flat(key) is None:
            continue
        if per_region and len(places) > 1:
            lines.append(
                (
                    f"fleet.quotas.{key}",
                    f"the fleet has {len(places)} accounts and Regions; declare it per account "
                    f"and Region: fleet.quotas.accounts.<account>.regions.<region>.{key}",
                )
            )
        elif not per_region and len(accounts) > 1:
            lines.append(
                (
                    f"fleet.quotas.{key}",
                    f"the fleet has {len(accounts)} accounts; declare it per account: "
                    f"fleet.quotas.accounts.<account>.{key}",
                )
            )
    for account, declared in raised.accounts.items():
        where = f"fleet.quotas.accounts.{account}"
        if account not in accounts:
            lines.append((where, f"no store of the fleet is in account {account}: remove it"))
            continue
        for region in declared.regions:
            if (account, region) not in places:
                lines.append(
                    (
                        f"{where}.regions.{region}",
                        f"account {account} has no store in {region}: remove it",
                    )
                )
    return lines


KINDS = ("stores", "serving groups", "group members")


def quota_problems(
    stores: Sequence[StoreConfig], groups: Sequence[GroupConfig], raised: QuotaSettings
) -> list[tuple[str, str]]:
    """One line per quota and account (and Region) the fleet's stacks would pass."""
    lines = []
    for quota in QUOTAS:
        # By account (and Region): ungrouped stores, serving groups, group members.
        counts: dict[tuple[str, str], list[int]] = {}
        regions: dict[str, set[str]] = {}
        places = [(s.settings.model, 0 if s.group_id is None else 2) for s in stores]
        places += [(g.settings.model, 1) for g in groups]
        for model, kind in places:
            where = (model.account, model.region if quota.per_region else "")
            counts.setdefault(where, [0, 0, 0])[kind] += 1
            regions.setdefault(model.account, set()).add(model.region)
        each = (quota.per_store, quota.per_group, quota.per_member)
        for (account, region), kinds in counts.items():
            bootstrap = quota.bootstrap_per_region * len(regions[account])
            created = sum(n * k for n, k in zip(kinds, each, strict=True))
            created += bootstrap + quota.per_account
            declared = raised.declared(quota.key, account, region)
            limit = declared or quota.default
            if created <= limit:
                continue
            scope = f"{account} in {region}" if quota.per_region else account
            parts = [
                f"{per} each from its {n} {name}"
                for n, per, name in zip(kinds, each, KINDS, strict=True)
                if n and per
            ]
            if bootstrap:
                n = len(regions[account])
                parts.append(f"{bootstrap} from the CDK bootstrap in its {n} Region{'s' * (n > 1)}")
            if quota.per_account:
                parts.append(f"{quota.per_account} for the bootstrap's execution policy")
            key = (
                f"fleet.quotas.accounts.{account}.regions.{region}.{quota.key}"
                if quota.per_region
                else f"fleet.quotas.accounts.{account}.{quota.key}"
            )
            lines.append(
                (
                    "fleet.stores",
                    f"account {scope} would get {created} {quota.what} ({', '.join(parts)}), "
                    f"over the quota of {limit}{'' if declared else ' (the default)'}: raise it "
                    f"({quota.raise_it}) and set {key}, or move stores to another account",
                )
            )
    return lines


@dataclass(frozen=True)
class Runner:
    """What runs a model version of its own, as the Rekognition quotas see it."""

    name: str  # "store <id>" or "serving group <id>"
    where: str  # the key that holds its settings
    account: str
    region: str
    min_units: int
    max_units: int | None
    week: list[Interval]


def runners(stores: Sequence[StoreConfig], groups: Sequence[GroupConfig]) -> list[Runner]:
    """Ungrouped stores and serving groups, each with its week: from start to stop plus the
    stop's retry window, under every UTC offset of its zone, closures ignored."""
    found = []
    for store in stores:
        if store.group_id is not None:
            continue
        s = store.settings
        found.append(
            Runner(
                f"store {store.store_id}",
                f"fleet.stores.{store.store_id}",
                s.model.account,
                s.model.region,
                s.min_inference_units,
                s.max_inference_units,
                store_week(s, s.maximum_event_age_minutes),
            )
        )
    for group in groups:
        g = group.settings
        days = ((d.start, d.stop) for d in group.windows.ordinary.values())
        found.append(
            Runner(
                f"serving group {group.group_id}",
                f"fleet.groups.{group.group_id}",
                g.model.account,
                g.model.region,
                g.min_inference_units,
                g.max_inference_units,
                window_week(days, g.maximum_event_age_minutes),
            )
        )
    return found


def _at(minute: int) -> str:
    day, rest = divmod(minute, MINUTES_PER_DAY)
    return f"{Weekday(day).title} {rest // 60:02d}:{rest % 60:02d} UTC"


def _quota_key(quota: ServiceQuota, account: str, region: str) -> str:
    return f"fleet.quotas.accounts.{account}.regions.{region}.{quota.key}"


def rekognition_problems(
    stores: Sequence[StoreConfig], groups: Sequence[GroupConfig], raised: QuotaSettings
) -> list[tuple[str, str]]:
    """Rekognition's own quotas: models running at once in an account and Region, and the
    inference units of each."""
    lines = []
    by_place: dict[tuple[str, str], list[Runner]] = {}
    for runner in runners(stores, groups):
        by_place.setdefault((runner.account, runner.region), []).append(runner)
        declared = raised.declared(INFERENCE_UNITS.key, runner.account, runner.region)
        limit = declared or INFERENCE_UNITS.default
        units, setting = max(
            (runner.min_units, "minInferenceUnits"), (runner.max_units or 0, "maxInferenceUnits")
        )
        if units > limit:
            lines.append(
                (
                    runner.where,
                    f"{runner.name} would run {units} {INFERENCE_UNITS.what} ({setting}), over "
                    f"the quota of {limit}{'' if declared else ' (the default)'} in account "
                    f"{runner.account} in {runner.region}: raise it ({INFERENCE_UNITS.raise_it}) "
                    f"and set {_quota_key(INFERENCE_UNITS, runner.account, runner.region)}, or "
                    f"lower {setting}",
                )
            )
    for (account, region), there in by_place.items():
        declared = raised.declared(RUNNING_MODELS.key, account, region)
        limit = declared or RUNNING_MODELS.default
        if len(there) <= limit:
            continue
        count, minute, which = peak([r.week for r in there])
        if count <= limit:
            continue
        names = ", ".join(there[i].name for i in which[:5])
        more = f" and {len(which) - 5} more" if len(which) > 5 else ""
        lines.append(
            (
                "fleet.stores",
                f"account {account} in {region} would run {count} {RUNNING_MODELS.what} "
                f"({names}{more}, e.g. at {_at(minute)}; each from its start to its stop and "
                f"retries), over the quota of {limit}{'' if declared else ' (the default)'}: "
                f"raise it ({RUNNING_MODELS.raise_it}) and set "
                f"{_quota_key(RUNNING_MODELS, account, region)}, or let stores share one version "
                "in a serving group (fleet.groups)",
            )
        )
    return lines
