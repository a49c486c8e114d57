"""Read the start and stop schedules of each store from synthesized CloudFormation templates.

The report trusts what will be deployed, not the configuration that produced it: everything
here comes from `cdk.out/*.template.json`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from fleet.names import GROUP_PREFIX, MEMBER_METADATA_KEY, SERVING_STACK_PREFIX

START_ACTION = ":aws-sdk:rekognition:startProjectVersion"
STOP_ACTION = ":aws-sdk:rekognition:stopProjectVersion"


@dataclass(frozen=True)
class ScheduleSpec:
    name: str
    expression: str
    timezone: str
    start: datetime | None
    end: datetime | None


@dataclass(frozen=True)
class StoreSchedules:
    stack: str
    store: str
    timezone: str
    model_version_arn: str
    min_units: int
    max_units: int | None
    starts: tuple[ScheduleSpec, ...]
    stops: tuple[ScheduleSpec, ...]
    # "store" (a version of its own), "group" (a serving group's) or "member" (of `group`: the
    # schedules it would run alone, from its stack's metadata; its group runs the version).
    kind: str = "store"
    group: str | None = None


def _target_arn(target: dict[str, Any]) -> str:
    arn = target["Arn"]
    if isinstance(arn, dict) and "Fn::Join" in arn:
        return "".join(p if isinstance(p, str) else "" for p in arn["Fn::Join"][1])
    return arn if isinstance(arn, str) else ""


def _date(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None


def _group_name(value: Any, resources: dict[str, Any]) -> str:
    """A schedule names its group by Ref (so the group is created first) or, in templates
    synthesized before that, literally."""
    if isinstance(value, dict) and "Ref" in value:
        name = resources.get(value["Ref"], {}).get("Properties", {}).get("Name", "")
        return name if isinstance(name, str) else ""
    return value if isinstance(value, str) else ""


def _member(stack: str, found: dict[str, Any]) -> StoreSchedules:
    zone = found["TimeZone"]

    def specs(kind: str) -> tuple[ScheduleSpec, ...]:
        return tuple(
            ScheduleSpec(f"{kind}-{n}", expression, zone, None, None)
            for n, expression in enumerate(found[kind])
        )

    return StoreSchedules(
        stack=stack,
        store=found["Store"],
        timezone=zone,
        model_version_arn="",
        min_units=0,
        max_units=None,
        starts=specs("Starts"),
        stops=specs("Stops"),
        kind="member",
        group=found["ServingGroup"],
    )


def read_template(stack: str, template: dict[str, Any]) -> StoreSchedules | None:
    """The store's, group's or member's schedules, or None if the template has none."""
    member = template.get("Metadata", {}).get(MEMBER_METADATA_KEY)
    if member is not None:
        return _member(stack, member)
    starts: list[ScheduleSpec] = []
    stops: list[ScheduleSpec] = []
    start_input: dict[str, Any] = {}
    group = ""
    for body in template.get("Resources", {}).values():
        if body.get("Type") != "AWS::Scheduler::Schedule":
            continue
        props = body["Properties"]
        if props.get("State", "ENABLED") != "ENABLED":
            continue
        arn = _target_arn(props["Target"])
        spec = ScheduleSpec(
            name=props.get("Name", ""),
            expression=props["ScheduleExpression"],
            timezone=props.get("ScheduleExpressionTimezone", "UTC"),
            start=_date(props.get("StartDate")),
            end=_date(props.get("EndDate")),
        )
        if arn.endswith(START_ACTION):
            starts.append(spec)
            start_input = json.loads(props["Target"]["Input"])
            group = _group_name(props.get("GroupName"), template.get("Resources", {}))
        elif arn.endswith(STOP_ACTION):
            stops.append(spec)
    if not starts:
        return None
    zones = {s.timezone for s in starts + stops}
    if len(zones) != 1:
        raise ValueError(f"{stack}: start and stop schedules use different zones {sorted(zones)}")
    return StoreSchedules(
        stack=stack,
        store=group.removeprefix(GROUP_PREFIX) or stack,
        timezone=zones.pop(),
        model_version_arn=start_input["ProjectVersionArn"],
        min_units=int(start_input["MinInferenceUnits"]),
        max_units=int(start_input["MaxInferenceUnits"])
        if "MaxInferenceUnits" in start_input
        else None,
        starts=tuple(sorted(starts, key=lambda s: s.name)),
        stops=tuple(sorted(stops, key=lambda s: s.name)),
        kind="group" if stack.startswith(SERVING_STACK_PREFIX) else "store",
    )


def assembly_templates(cdk_out: Path) -> list[Path]:
    """The templates of the stacks the assembly holds, by stack name, as its manifest lists them.

    `cdk synth` does not delete the templates of stacks that no longer exist (a store removed
    from cdk.json, or left out by `-c store=`): a glob of cdk.out/ would still read them."""
    manifest = cdk_out / "manifest.json"
    if not manifest.is_file():
        return []
    artifacts = json.loads(manifest.read_text(encoding="utf-8")).get("artifacts", {})
    files = [
        body["properties"]["templateFile"]
        for body in artifacts.values()
        if body.get("type") == "aws:cloudformation:stack"
    ]
    return sorted(cdk_out / name for name in files)


def read_cdk_out(cdk_out: Path) -> list[StoreSchedules]:
    found = []
    for path in assembly_templates(cdk_out):
        stack = path.name.removesuffix(".template.json")
        schedules = read_template(stack, json.loads(path.read_text(encoding="utf-8")))
        if schedules is not None:
            found.append(schedules)
    if not found:
        raise FileNotFoundError(
            f"no start/stop schedules in {cdk_out}/*.template.json: run ./scripts/synth.sh first"
        )
    return found
