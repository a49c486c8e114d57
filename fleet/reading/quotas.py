"""The quota check: what the fleet's stacks (and the CDK bootstrap) would create in each account
and Region, against the defaults of fleet/settings/quotas.py or the raised quotas declared in
`fleet.quotas`."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from fleet.config import StoreConfig
from fleet.settings.quotas import QUOTAS, QuotaSettings


def declaration_problems(
    stores: Sequence[StoreConfig], raised: QuotaSettings
) -> list[tuple[str, str]]:
    """A flat key for a fleet it cannot describe, an account or Region without stores."""
    accounts = list(dict.fromkeys(s.settings.model.account for s in stores))
    places = list(
        dict.fromkeys((s.settings.model.account, s.settings.model.region) for s in stores)
    )
    lines = []
    for quota in QUOTAS:
        if raised.flat(quota.key) is None:
            continue
        if quota.per_region and len(places) > 1:
            lines.append(
                (
                    f"fleet.quotas.{quota.key}",
                    f"the fleet has {len(places)} accounts and Regions; declare it per account "
                    f"and Region: fleet.quotas.accounts.<account>.regions.<region>.{quota.key}",
                )
            )
        elif not quota.per_region and len(accounts) > 1:
            lines.append(
                (
                    f"fleet.quotas.{quota.key}",
                    f"the fleet has {len(accounts)} accounts; declare it per account: "
                    f"fleet.quotas.accounts.<account>.{quota.key}",
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


def quota_problems(stores: Sequence[StoreConfig], raised: QuotaSettings) -> list[tuple[str, str]]:
    """One line per quota and account (and Region) the fleet's stacks would pass."""
    lines = []
    for quota in QUOTAS:
        counts: Counter[tuple[str, str]] = Counter()
        regions: dict[str, set[str]] = {}
        for store in stores:
            model = store.settings.model
            counts[(model.account, model.region if quota.per_region else "")] += 1
            regions.setdefault(model.account, set()).add(model.region)
        for (account, region), stores_there in counts.items():
            bootstrap = quota.bootstrap_per_region * len(regions[account])
            created = stores_there * quota.per_store + bootstrap + quota.per_account
            declared = raised.declared(quota.key, account, region)
            limit = declared or quota.default
            if created <= limit:
                continue
            scope = f"{account} in {region}" if quota.per_region else account
            parts = [f"{quota.per_store} each from its {stores_there} stores"]
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
