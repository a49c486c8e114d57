"""The fleet's blocks (`horizon`, `dashboard`, `pipeline`, `quotas`; fleet/settings/fleet.py
declares them): read in one validation of FleetSettings, each error said in one line that names
the key the user wrote (`translate`), then each block's cross-checks against the fleet's stores
(`CROSS_CHECKS`), one small function a block."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails

from fleet.config import GroupConfig, StoreConfig
from fleet.pipeline.plan import MAX_STORES_PER_PIPELINE
from fleet.reading.problems import Problems, as_object, message
from fleet.reading.quotas import declaration_problems, quota_problems, rekognition_problems
from fleet.settings.describe import model_in
from fleet.settings.fields import suggest
from fleet.settings.fleet import BLOCKS, FleetSettings
from fleet.settings.pipeline import PIPELINE_UNAVAILABLE, partition_of
from fleet.settings.quotas import ACCOUNT_KEYS, REGION_KEYS

HORIZON_EXAMPLE = '{"firstMonth": "2026-12", "lastMonth": "2027-12"}'
# What a missing key needs, by block (the horizon itself is required: its own line).
MISSING = {
    "horizon": f"missing: e.g. {HORIZON_EXAMPLE}",
    "pipeline": "missing: set it (docs/configuration.md lists the pipeline's settings)",
}
HORIZON_MISSING = (
    "missing: set the years whose closed dates, holidays and daylight-saving compensations the "
    f"schedules carry, e.g. {HORIZON_EXAMPLE}"
)


def read_blocks(fleet: Mapping[str, Any], problems: Problems) -> FleetSettings | None:
    """The blocks of `fleet`, validated; a block with a problem is said and read as its default
    (so that the stores' problems are found too); None when the horizon cannot be read, since
    every store's calendar needs it."""
    if "horizon" not in fleet:
        problems.add_key("fleet.horizon", HORIZON_MISSING)
        return None
    body: dict[str, Any] = {"stores": {}}
    for name in BLOCKS:
        if name not in fleet or (name == "pipeline" and fleet[name] is None):
            continue
        value = as_object(fleet[name], f"fleet.{name}", problems)
        if value is None and name == "horizon":
            return None
        if value is not None:
            body[name] = value
    try:
        return FleetSettings.model_validate(body)
    except ValidationError as error:
        failed = set()
        for detail in error.errors(include_url=False):
            failed.add(str(detail["loc"][0]))
            translate(detail, body, problems)
    if "horizon" in failed:
        return None
    return FleetSettings.model_validate({k: v for k, v in body.items() if k not in failed})


def translate(detail: ErrorDetails, body: Mapping[str, Any], problems: Problems) -> None:
    """One line for one validation error of a block: where (the key the user wrote), the value
    and the fix, worded by the settings' own types (fleet/settings/describe.py)."""
    loc = [str(part) for part in detail["loc"] if part != "[key]"]
    block, path = loc[0], loc[1:]
    where = ".".join(["fleet", *loc])
    violation = (detail.get("ctx") or {}).get("error")
    setting = getattr(violation, "setting", None)
    if isinstance(setting, str):
        # A rule of several keys (e.g. the horizon's span): it blames one of them.
        problems.add(f"fleet.{block}.{setting}", body[block].get(setting), str(violation))
    elif detail["type"] == "extra_forbidden":
        problems.add_key(where, _unknown(block, path))
    elif detail["type"] == "missing":
        problems.add_key(where, MISSING.get(block, "missing: set it"))
    else:
        field = _field_at(FleetSettings, loc)
        problems.add(where, detail["input"], message(detail, field))


def _unknown(block: str, path: list[str]) -> str:
    """A key its object does not take: the valid keys and a likely meant one; in the quotas,
    where a key of another level belongs."""
    name = path[-1]
    if block == "quotas" and len(path) >= 3:
        account = path[1]
        if len(path) == 3 and name in REGION_KEYS:
            return (
                "is a quota per account and Region: declare it as "
                f"fleet.quotas.accounts.{account}.regions.<region>.{name}"
            )
        if len(path) == 5 and name in ACCOUNT_KEYS:
            return f"is a quota per account: declare it as fleet.quotas.accounts.{account}.{name}"
    model = _model_at(FleetSettings, [block, *path[:-1]])
    allowed = [f.alias or n for n, f in model.model_fields.items()]
    return f"unknown setting{suggest(name, allowed)}; valid settings: {', '.join(allowed)}"


def _walk(model: type[BaseModel], path: list[str]) -> tuple[FieldInfo | None, type[BaseModel]]:
    """The last field a location names and the model it holds, through nested settings objects
    (a part that is no field, such as an account id or an index, is skipped)."""
    field: FieldInfo | None = None
    for part in path:
        match = next((f for n, f in model.model_fields.items() if (f.alias or n) == part), None)
        if match is None:
            continue
        field = match
        model = model_in(match.annotation) or model
    return field, model


def _field_at(model: type[BaseModel], path: list[str]) -> FieldInfo:
    field, _ = _walk(model, path)
    assert field is not None, path
    return field


def _model_at(model: type[BaseModel], path: list[str]) -> type[BaseModel]:
    return _walk(model, path)[1]


# --- each block's cross-checks, against the fleet's stores


@dataclass(frozen=True)
class Stores:
    """What the cross-checks know of the stores: every id in cdk.json's order, those that
    validated (with their versions), and the serving groups that did."""

    ids: list[str]
    parsed: list[StoreConfig]
    groups: tuple[GroupConfig, ...] = ()

    @property
    def versions(self) -> dict[str, str]:
        return {s.store_id: s.settings.model.arn for s in self.parsed}


def _check_dashboard(fleet: FleetSettings, stores: Stores, problems: Problems) -> None:
    where = "fleet.dashboard"
    accounts = list(dict.fromkeys(s.settings.model.account for s in stores.parsed))
    for account in fleet.dashboard.home_regions:
        if account not in accounts:
            problems.add_key(
                f"{where}.homeRegions.{account}",
                f"no store of the fleet is in account {account}{suggest(account, accounts)}; "
                f"the fleet's accounts: {', '.join(accounts)}",
            )


def _check_quotas(fleet: FleetSettings, stores: Stores, problems: Problems) -> None:
    # A quota declared where it cannot be read is said once, not checked against as well.
    found = declaration_problems(stores.parsed, fleet.quotas) or (
        quota_problems(stores.parsed, stores.groups, fleet.quotas)
        + rekognition_problems(stores.parsed, stores.groups, fleet.quotas)
    )
    for where, line in found:
        problems.add_key(where, line)


def _check_pipeline(fleet: FleetSettings, stores: Stores, problems: Problems) -> None:
    """Its canary is a store, its acceptances name current versions, someone hears the
    approval, it stays within its partition, its shards can be planned."""
    settings, where = fleet.pipeline, "fleet.pipeline"
    if settings is None:
        return
    groups = [g.group_id for g in stores.groups]
    # A group's rotation is accepted under its id; its members have no version of their own.
    members = {s.store_id: s.group_id for s in stores.parsed if s.group_id is not None}
    ids = [*stores.ids, *groups]
    if settings.canary not in ids:
        groups_too = " or serving group of fleet.groups" if groups else ""
        problems.add(
            f"{where}.canary",
            settings.canary,
            f"is no store of fleet.stores{groups_too}{suggest(settings.canary, ids)}; name the "
            f"store whose project deploys first (known stores: {', '.join(ids[:10])}"
            f"{f', ... ({len(ids)} in all)' if len(ids) > 10 else ''})",
        )
    versions = {**stores.versions, **{g.group_id: g.settings.model.arn for g in stores.groups}}
    for store_id, accepted in settings.accept_rotations.items():
        where_store = f"{where}.acceptRotations.{store_id}"
        if store_id in members:
            problems.add_key(
                where_store,
                f"store {store_id} is a member of serving group {members[store_id]}, whose "
                f"version it runs: accept the rotation as acceptRotations.{members[store_id]}",
            )
        elif store_id not in ids:
            problems.add_key(
                where_store, f"no store {store_id!r} in fleet.stores{suggest(store_id, ids)}"
            )
        elif versions.get(store_id) not in (None, accepted.model_version_arn):
            problems.add(
                f"{where_store}.modelVersionArn",
                accepted.model_version_arn,
                "is not the store's modelVersionArn any more: this acceptance was for an earlier "
                "rotation; remove it",
            )
    if not settings.approval_emails:
        problems.add(
            f"{where}.approvalEmails",
            [],
            "lists nobody: nobody would hear that the pipeline waits for approval after the "
            'canary; give at least one address, e.g. ["release@bakery.example"]',
        )
    partition = partition_of(settings.region)
    if partition in PIPELINE_UNAVAILABLE:
        problems.add(f"{where}.region", settings.region, PIPELINE_UNAVAILABLE[partition])
    # The pipeline's own Region refused already: one line, not two.
    elsewhere = [s for s, arn in versions.items() if arn.split(":")[1] != partition]
    if elsewhere and partition not in PIPELINE_UNAVAILABLE:
        problems.add_key(
            where,
            f"the pipeline is in partition {partition} ({settings.region}) but store "
            f"{elsewhere[0]}{f' and {len(elsewhere) - 1} more' if len(elsewhere) > 1 else ''} "
            "in another: a pipeline deploys only within its own partition (its roles cannot be "
            "trusted across partitions); deploy those stores with ./scripts/cdk deploy, or run "
            "a pipeline of their own partition",
        )
    if settings.max_stores_per_pipeline > MAX_STORES_PER_PIPELINE:
        problems.add(
            f"{where}.maxStoresPerPipeline",
            settings.max_stores_per_pipeline,
            f"a pipeline holds at most {MAX_STORES_PER_PIPELINE} stores (2 actions each within "
            f"CodePipeline's 500 actions): use at most {MAX_STORES_PER_PIPELINE}; a larger fleet "
            "gets more pipelines",
        )


CrossCheck = Callable[[FleetSettings, Stores, Problems], None]
# By block, in cdk.json's terms; a block without cross-checks is not listed.
CROSS_CHECKS: dict[str, CrossCheck] = {
    "dashboard": _check_dashboard,
    "quotas": _check_quotas,
    "pipeline": _check_pipeline,
}


def cross_check(fleet: FleetSettings, stores: Stores, problems: Problems) -> None:
    for check in CROSS_CHECKS.values():
        check(fleet, stores, problems)
