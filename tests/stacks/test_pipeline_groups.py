"""A serving group in the pipeline: its stack deploys in its project's unit, before its members';
it may be the canary; the alarm check after its wave and the rotation check before the canary
read it by its id."""

from __future__ import annotations

import tempfile
from typing import Any

import aws_cdk as cdk
import pytest

import app as app_module
from fleet.pipeline.plan import projects_of
from fleet.reading.errors import ConfigError
from fleet.reading.loader import load_fleet
from tests.groups import GROUP, GROUP_PROJECT, grouped_context, grouped_fleet
from tests.stacks.test_pipeline import build_commands
from tests.synth import TEST_TODAY, default_fleet

pytestmark = pytest.mark.xdist_group("pipeline")


def pipeline_context(canary: str = GROUP) -> dict[str, Any]:
    fleet = grouped_fleet()
    fleet["pipeline"] = {**default_fleet()["pipeline"], "canary": canary}
    return grouped_context(fleet, pipeline=True)


@pytest.fixture(scope="session")
def assembly() -> dict[str, Any]:
    """The pipeline stack's template and each nested stage's stacks."""
    context = pipeline_context()
    app = cdk.App(context=context, outdir=tempfile.mkdtemp(prefix="cdk.out."))
    app_module.build(app, context)
    synthesized = app.synth()
    [pipeline] = [s for s in synthesized.stacks if s.stack_name == "ModelSchedulePipeline-1"]
    return {"pipeline": pipeline.template}


def test_the_group_is_in_its_projects_unit_with_its_members() -> None:
    fleet = load_fleet(pipeline_context(), today=TEST_TODAY)
    [project] = [p for p in projects_of(fleet) if p.scope.startswith(GROUP_PROJECT[:-13])]
    assert project.groups == (GROUP,)
    assert project.stores == ("tokyo-ginza", "tokyo-shibuya")
    assert project.owners == (GROUP, "tokyo-ginza", "tokyo-shibuya")


def _actions(template: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    [resource] = [
        r for r in template["Resources"].values() if r["Type"] == "AWS::CodePipeline::Pipeline"
    ]
    return {s["Name"]: s["Actions"] for s in resource["Properties"]["Stages"]}


def test_a_group_as_the_canary_deploys_first_and_before_its_members(
    assembly: dict[str, Any],
) -> None:
    """The canary stage holds the group's stack; its change set is executed before either
    member's is prepared."""
    stages = _actions(assembly["pipeline"])
    canary = next(a for a in stages.values() if any(x["Name"] == "Approve" for x in a))
    order = {a["Name"]: a["RunOrder"] for a in canary}
    group = [n for n in order if "ModelServing-tokyo" in n]
    assert group, sorted(order)
    deploy_group = next(order[n] for n in group if n.endswith("Deploy"))
    for member in ("tokyo-ginza", "tokyo-shibuya"):
        prepare = next(order[n] for n in order if member in n and n.endswith("Prepare"))
        assert prepare > deploy_group, (member, order)


def test_the_checks_read_the_group_by_its_id(assembly: dict[str, Any]) -> None:
    commands = build_commands(assembly["pipeline"])
    rotations = next(c[-1] for lid, c in commands.items() if "CheckRotations" in lid)
    assert f"{GROUP}," in rotations or f",{GROUP}" in rotations
    alarms = [c[-1] for lid, c in commands.items() if "CheckAlarms" in lid]
    assert any(f'"{GROUP}"' in command for command in alarms), alarms


def test_a_members_acceptance_is_refused_with_the_groups_key() -> None:
    context = pipeline_context()
    context["fleet"]["pipeline"]["acceptRotations"] = {
        "tokyo-shibuya": {"modelVersionArn": "x", "accept": ["lower-f1"]}
    }
    with pytest.raises(ConfigError) as caught:
        load_fleet(context, today=TEST_TODAY)
    assert caught.value.problems == [
        "fleet.pipeline.acceptRotations.tokyo-shibuya: store tokyo-shibuya is a member of "
        f"serving group {GROUP}, whose version it runs: accept the rotation as "
        f"acceptRotations.{GROUP}"
    ]
