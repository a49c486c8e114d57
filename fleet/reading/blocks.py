"""The fleet block's other parts: the calendar horizon and the dashboards' settings, each read
from its own object in cdk.json."""

from __future__ import annotations

import typing
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic.fields import FieldInfo

from fleet.calendar.horizon import Horizon
from fleet.config import StoreConfig
from fleet.reading.problems import Problems, as_object, check_keys, message
from fleet.settings.dashboard import DashboardSettings
from fleet.settings.fields import suggest
from fleet.settings.horizon import HorizonError, HorizonSettings
from fleet.settings.pipeline import (
    PIPELINE_UNAVAILABLE,
    PipelineSettings,
    SourceSettings,
    partition_of,
)
from fleet.settings.quotas import ACCOUNT_KEYS, REGION_KEYS, QuotaSettings


class FleetBlock(BaseModel):
    """cdk.json's `fleet` object: these four blocks and nothing else."""

    model_config = ConfigDict(extra="forbid")

    defaults: Any = None
    stores: Any = None
    horizon: Any = None
    dashboard: Any = None
    quotas: Any = None
    pipeline: Any = None


def parse_horizon(value: Any, problems: Problems) -> Horizon | None:
    where = "fleet.horizon"
    example = '{"firstMonth": "2026-12", "lastMonth": "2027-12"}'
    if value is None:
        problems.add_key(
            where,
            f"missing: set the years whose closed dates, holidays and daylight-saving "
            f"compensations the schedules carry, e.g. {example}",
        )
        return None
    body = as_object(value, where, problems)
    if body is None:
        return None
    check_keys(HorizonSettings, body, where, problems)
    try:
        return HorizonSettings.model_validate(body).horizon
    except ValidationError as error:
        for detail in error.errors(include_url=False):
            violation = (detail.get("ctx") or {}).get("error")
            if isinstance(violation, HorizonError):
                key = violation.setting
                problems.add(f"{where}.{key}", body.get(key), str(violation))
                continue
            if detail["type"] == "extra_forbidden":
                continue  # _check_keys said it in words, with the valid settings
            key = str(detail["loc"][0])
            if detail["type"] == "missing":
                problems.add_key(f"{where}.{key}", f"missing: e.g. {example}")
                continue
            problems.add(f"{where}.{key}", detail["input"], message(detail, _horizon_field(key)))
        return None


def _horizon_field(alias: str) -> FieldInfo:
    return next(f for n, f in HorizonSettings.model_fields.items() if (f.alias or n) == alias)


def parse_dashboard(value: Any, stores: list[StoreConfig], problems: Problems) -> DashboardSettings:
    where = "fleet.dashboard"
    body = as_object(value, where, problems)
    if body is None:
        return DashboardSettings()
    fields = DashboardSettings.model_fields
    check_keys(DashboardSettings, body, where, problems)
    try:
        settings = DashboardSettings.model_validate(body)
    except ValidationError as error:
        for detail in error.errors(include_url=False):
            if detail["type"] == "extra_forbidden":
                continue  # _check_keys said it in words, with the valid settings
            path = [str(p) for p in detail["loc"] if p != "[key]"]
            field = next(f for n, f in fields.items() if (f.alias or n) == path[0])
            problems.add(".".join([where, *path]), detail["input"], message(detail, field))
        return DashboardSettings()
    accounts = list(dict.fromkeys(s.settings.model.account for s in stores))
    for account in settings.home_regions:
        if account not in accounts:
            problems.add_key(
                f"{where}.homeRegions.{account}",
                f"no store of the fleet is in account {account}{suggest(account, accounts)}; "
                f"the fleet's accounts: {', '.join(accounts)}",
            )
    return settings


def parse_quotas(value: Any, problems: Problems) -> QuotaSettings:
    where = "fleet.quotas"
    body = as_object(value, where, problems)
    if body is None:
        return QuotaSettings()
    check_keys(QuotaSettings, body, where, problems)
    try:
        return QuotaSettings.model_validate(body)
    except ValidationError as error:
        for detail in error.errors(include_url=False):
            path = [str(p) for p in detail["loc"] if p != "[key]"]
            key = ".".join([where, *path])
            if detail["type"] == "extra_forbidden":
                if len(path) > 1:  # check_keys said the top level's in words
                    problems.add_key(key, _unknown_quota(path))
                continue
            problems.add(key, detail["input"], message(detail, _field_at(QuotaSettings, path)))
        return QuotaSettings()


def _unknown_quota(path: list[str]) -> str:
    """A key inside fleet.quotas.accounts.<account>[.regions.<region>] that is not there."""
    account, name = path[1], path[-1]
    if len(path) == 3 and name in REGION_KEYS:
        return (
            "is a quota per account and Region: declare it as "
            f"fleet.quotas.accounts.{account}.regions.<region>.{name}"
        )
    if len(path) == 5 and name in ACCOUNT_KEYS:
        return f"is a quota per account: declare it as fleet.quotas.accounts.{account}.{name}"
    allowed = list(REGION_KEYS) if len(path) == 5 else [*ACCOUNT_KEYS, "regions"]
    return f"unknown setting{suggest(name, allowed)}; valid settings: {', '.join(allowed)}"


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The settings object a field holds, itself or inside a dict, list or optional."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in typing.get_args(annotation):
        found = _model_in(argument)
        if found is not None:
            return found
    return None


def _field_at(model: type[BaseModel], path: list[str]) -> FieldInfo:
    """The field a validation error's location names, through nested settings objects (a
    location part that is no field, such as a store id or an index, is skipped)."""
    field: FieldInfo | None = None
    for part in path:
        match = next((f for n, f in model.model_fields.items() if (f.alias or n) == part), None)
        if match is None:
            continue
        field = match
        model = _model_in(match.annotation) or model
    assert field is not None
    return field


def parse_pipeline(
    value: Any, store_ids: list[str], problems: Problems, versions: dict[str, str]
) -> PipelineSettings | None:
    """`fleet.pipeline`, and that its canary is a store and its shards can be planned."""
    from fleet.pipeline.plan import MAX_STORES_PER_PIPELINE

    where = "fleet.pipeline"
    body = as_object(value, where, problems)
    if body is None:
        return None
    check_keys(PipelineSettings, body, where, problems)
    if isinstance(body.get("source"), dict):
        check_keys(SourceSettings, body["source"], f"{where}.source", problems)
    before = problems.count
    try:
        settings = PipelineSettings.model_validate(body)
    except ValidationError as error:
        for detail in error.errors(include_url=False):
            if detail["type"] == "extra_forbidden":
                continue  # check_keys said it in words, with the valid settings
            path = [str(p) for p in detail["loc"]]
            key = ".".join([where, *path])
            if detail["type"] == "missing":
                problems.add_key(
                    key, "missing: set it (docs/configuration.md lists the pipeline's settings)"
                )
            else:
                problems.add(
                    key, detail["input"], message(detail, _field_at(PipelineSettings, path))
                )
        return None
    if settings.canary not in store_ids:
        problems.add(
            f"{where}.canary",
            settings.canary,
            f"is no store of fleet.stores{suggest(settings.canary, store_ids)}; name the store "
            f"whose project deploys first (known stores: {', '.join(store_ids[:10])}"
            f"{f', ... ({len(store_ids)} in all)' if len(store_ids) > 10 else ''})",
        )
    for store_id, accepted in settings.accept_rotations.items():
        where_store = f"{where}.acceptRotations.{store_id}"
        if store_id not in store_ids:
            problems.add_key(
                where_store,
                f"no store {store_id!r} in fleet.stores{suggest(store_id, store_ids)}",
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
    return None if problems.count > before else settings
