"""The pipeline app (`cdk synth -c pipeline=true`): the same store and dashboard stacks as the
flat app, under the same names; its waves as planned; and cdk-nag's findings on what CDK
Pipelines generates acknowledged exactly, per pipeline."""

from __future__ import annotations

import json
import re
import shlex
import tempfile
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import cfnlint.api
import pytest
from aws_cdk import cx_api

import app as app_module
from stacks.pipeline_steps import CHECKS_INSTALL
from tests.stacks.test_nag import CONTROL_TOWER, RecordingValidations, findings, withheld
from tests.synth import cli_context, default_fleet, store_ids

pytestmark = pytest.mark.xdist_group("pipeline")


def synth_pipeline(
    outdir: Path | None = None, *, control_tower: bool = False
) -> cx_api.CloudAssembly:
    context = cli_context(pipeline=True, controlTowerChecks=control_tower)
    app = cdk.App(context=context, outdir=str(outdir or tempfile.mkdtemp(prefix="cdk.out.")))
    app_module.build(app, context)
    return app.synth()


@pytest.fixture(scope="session")
def checked() -> tuple[RecordingValidations, Path]:
    """The pipeline app synthesized with every check, AWS Control Tower's controls too (as
    -c controlTowerChecks=true adds them), every acknowledgment recorded and withheld: what
    was acknowledged, and the cloud assembly's folder, written before the checks end the synth."""
    return withheld(lambda outdir: synth_pipeline(outdir, control_tower=True))


@pytest.fixture(scope="session")
def assembly(checked: tuple[RecordingValidations, Path]) -> cx_api.CloudAssembly:
    """That synth's cloud assembly: the pipeline app synthesized once for the tests here.
    Acknowledgments change no template (its stages' templates are the flat app's: below)."""
    return cx_api.CloudAssembly(str(checked[1]))


def nested_stacks(assembly: cx_api.CloudAssembly) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for artifact in assembly.nested_assemblies:
        for stack in artifact.nested_assembly.stacks:
            found[stack.stack_name] = stack.template
    return found


def test_the_pipeline_deploys_the_flat_apps_stacks(
    assembly: cx_api.CloudAssembly, all_templates: dict[str, dict[str, Any]]
) -> None:
    """Same stack names, same templates: the first pipeline run updates the stacks deployed by
    hand (./scripts/cdk deploy ModelSchedule-<store>) instead of creating new ones."""
    deployed = nested_stacks(assembly)
    assert deployed == all_templates


def test_the_default_fleet_is_one_pipeline_in_the_tooling_account(
    assembly: cx_api.CloudAssembly,
) -> None:
    top = {s.stack_name: s for s in assembly.stacks}
    pipeline = top["ModelSchedulePipeline-1"]
    assert (pipeline.environment.account, pipeline.environment.region) == (
        "999988887777",
        "ap-northeast-1",
    )
    resources = pipeline.template["Resources"].values()
    (resource,) = (r for r in resources if r["Type"] == "AWS::CodePipeline::Pipeline")
    assert resource["Properties"]["PipelineType"] == "V2"
    stages = {s["Name"]: s["Actions"] for s in resource["Properties"]["Stages"]}
    # A wave of one project is named after it (CDK names a one-stage wave after its stage).
    assert list(stages) == [
        "Source",
        "Build",
        "UpdatePipeline",
        "Assets",
        "ModelSchedulePipeline-1-bread-checkout-111122223333-ap-northeast-1",
        "ModelSchedulePipeline-1-bread-checkout-us-111122223333-us-west-2",
        "ModelSchedulePipeline-1-bread-checkout-au-444455556666-ap-southeast-2",
        "ModelSchedulePipeline-1-Dashboards",
    ]
    canary = {a["Name"]: a["RunOrder"] for a in list(stages.values())[4]}
    # The rotation check, change set, deploy, the alarm check, then the approval: the canary
    # unit bakes first.
    assert canary == {
        "CheckRotations": 1,
        "ModelSchedule-tokyo-ginza.Prepare": 2,
        "ModelSchedule-tokyo-ginza.Deploy": 3,
        "CheckAlarms": 4,
        "Approve": 5,
    }
    for wave in list(stages.values())[5:7]:
        assert "CheckAlarms" in {a["Name"] for a in wave}
        assert "Approve" not in {a["Name"] for a in wave}


def test_each_acknowledgment_answers_exactly_one_real_finding(
    checked: tuple[RecordingValidations, Path],
) -> None:
    """With acknowledgments withheld, the findings are exactly the acknowledged ones, for the
    pipeline's generated resources as for the stores' stacks inside it, with AWS Control
    Tower's proactive controls (cfn-guard) run as well, as -c controlTowerChecks=true does."""
    recorder, outdir = checked
    found = findings(outdir)
    acknowledged = recorder.paths()
    assert found == acknowledged
    generated = {f for f in found if f[0].startswith(("ModelSchedulePipeline-", "cross-region"))}
    assert len(generated) > 50  # CDK Pipelines' roles and buckets, not only the stores'
    # The stores' and dashboards' stacks inside the stages, the flat app's byte for byte (above):
    # Control Tower's one finding there is the verifier outside a VPC, once a store.
    stage_stack = re.compile(r"ModelSchedulePipeline-\d+-[^/]+/ModelSchedule")
    in_stages = [f for p, f in found if stage_stack.match(p) and f.startswith(CONTROL_TOWER)]
    assert in_stages == [f"{CONTROL_TOWER}lambda_inside_vpc_check"] * len(store_ids())


def test_synth_sh_says_one_line_per_pipeline(assembly: cx_api.CloudAssembly) -> None:
    """What `./scripts/synth.sh --pipeline` prints, read from the synthesized template."""
    from report.pipelines import describe

    top = {s.stack_name: s for s in assembly.stacks}
    assert describe("ModelSchedulePipeline-1", top["ModelSchedulePipeline-1"].template) == (
        "ModelSchedulePipeline-1: bread-checkout-111122223333-ap-northeast-1 1 stack, approval, "
        "bread-checkout-us-111122223333-us-west-2 1 stack, "
        "bread-checkout-au-444455556666-ap-southeast-2 1 stack, Dashboards 2 stacks "
        "(19 actions in 8 stages)"
    )
    assert describe("ModelSchedule-tokyo-ginza", {"Resources": {}}) is None


def test_cfn_lint_is_clean_on_the_pipeline_and_its_support_stacks(
    assembly: cx_api.CloudAssembly,
) -> None:
    """Errors (E) and warnings (W) both fail, for the pipeline's and the cross-Region
    support stacks' templates, each in its own Region."""
    for stack in assembly.stacks:
        matches = cfnlint.api.lint(json.dumps(stack.template), regions=[stack.environment.region])
        assert [f"{m.rule.id} {m.path}: {m.message}" for m in matches] == [], stack.stack_name


def test_a_fleet_cut_into_two_pipelines_synthesizes() -> None:
    """The CDK side of sharding: with two stores a pipeline, the default fleet's three stores
    make two pipeline stacks, each store in exactly one, every stack under its flat name."""
    fleet = default_fleet()
    fleet["pipeline"]["maxStoresPerPipeline"] = 2
    context = cli_context(fleet=fleet, pipeline=True)
    app = cdk.App(context=context, outdir=tempfile.mkdtemp(prefix="cdk.out."))
    app_module.build(app, context)
    assembly = app.synth()
    # Each pipeline, and the cross-Region support stacks CDK adds beside it.
    names = {s.stack_name for s in assembly.stacks}
    pipelines = {n for n in names if re.fullmatch(r"ModelSchedulePipeline-[0-9]+", n)}
    assert pipelines == {"ModelSchedulePipeline-1", "ModelSchedulePipeline-2"}
    deployed = [
        stack.stack_name
        for artifact in assembly.nested_assemblies
        for stack in artifact.nested_assembly.stacks
    ]
    assert sorted(deployed) == sorted(
        [
            "ModelSchedule-tokyo-ginza",
            "ModelSchedule-seattle-pike-place",
            "ModelSchedule-sydney-central",
            "ModelScheduleDashboard-111122223333",
            "ModelScheduleDashboard-444455556666",
        ]
    )


def test_the_cli_and_cdk_assets_inside_the_pipeline_are_package_jsons_pins(
    assembly: cx_api.CloudAssembly,
) -> None:
    """Not `latest`: the self-mutation and the asset publishing install what package.json pins."""
    package = json.loads(Path(app_module.ROOT / "package.json").read_text(encoding="utf-8"))
    pins = package["devDependencies"]
    text = json.dumps(
        next(s for s in assembly.stacks if s.stack_name == "ModelSchedulePipeline-1").template
    )
    assert f"aws-cdk@{pins['aws-cdk']}" in text
    assert f"cdk-assets@{pins['cdk-assets']}" in text
    assert "@latest" not in text


def test_the_pipeline_synthesizes_with_the_developers_command(
    assembly: cx_api.CloudAssembly,
) -> None:
    """The synth step runs ./scripts/synth.sh --pipeline: the same set-up, pins and command."""
    pipeline = next(s for s in assembly.stacks if s.stack_name == "ModelSchedulePipeline-1")
    assert "./scripts/synth.sh --pipeline" in json.dumps(pipeline.template)


def build_commands(template: dict[str, Any]) -> dict[str, list[str]]:
    """Each CodeBuild project's install and build commands, by the step it runs."""
    found: dict[str, list[str]] = {}
    for lid, resource in template["Resources"].items():
        spec = resource.get("Properties", {}).get("Source", {}).get("BuildSpec")
        if resource["Type"] == "AWS::CodeBuild::Project" and isinstance(spec, str):
            phases = json.loads(spec)["phases"]
            found[lid] = [
                *phases.get("install", {}).get("commands", []),
                *phases["build"]["commands"],
            ]
    return found


def test_the_checks_are_installed_one_way_with_the_projects_pins(
    assembly: cx_api.CloudAssembly,
) -> None:
    """Both checks (the rotations before the canary, the alarms after each wave) install
    pipeline_checks/requirements.txt under constraints.txt, with the client, and run as
    modules of pipeline_checks/; neither runs the whole set-up."""
    pipeline = next(s for s in assembly.stacks if s.stack_name == "ModelSchedulePipeline-1")
    checks = {
        lid: commands
        for lid, commands in build_commands(pipeline.template).items()
        if "CheckAlarms" in lid or "CheckRotations" in lid
    }
    assert len(checks) == 4  # the rotation check, and the alarm check after each of 3 waves
    for commands in checks.values():
        assert commands[: len(CHECKS_INSTALL)] == CHECKS_INSTALL
        assert "./scripts/setup.sh" not in commands
        assert " -m pipeline_checks." in commands[-1]


@pytest.fixture(scope="session")
def awkward_pipeline() -> dict[str, Any]:
    """The pipeline of a fleet with what once broke it, synthesized once for the tests below:
    projects named bread-x and bread_x in one account and Region (one construct name), a
    project name of 60 characters (a stage name over CodePipeline's 100), and ignored alarm
    names with an apostrophe, quotes and a dollar sign (every wave's command)."""
    fleet = default_fleet()
    fleet["pipeline"]["ignoreAlarms"] = ["tokyo-ginza baker's alarm", 'say "hi" $HOME']
    # Four stores' versions at the same hours in us-west-2: the running-models quota raised.
    fleet["quotas"] = {
        "accounts": {"111122223333": {"regions": {"us-west-2": {"runningModels": 4}}}}
    }
    context = cli_context(fleet=fleet, pipeline=True)
    seattle = fleet["stores"]["seattle-pike-place"]
    for i, project in enumerate(["bread-x", "bread_x", "p" * 60]):
        store = f"extra-{i}"
        prefix = "arn:aws:rekognition:us-west-2:111122223333:project"
        fleet["stores"][store] = {**seattle, "projectArn": f"{prefix}/{project}/1759000000000"}
        context[f"modelVersionArn:{store}"] = f"{prefix}/{project}/version/v{i}/176051700000{i}"
    app = cdk.App(context=context, outdir=tempfile.mkdtemp(prefix="cdk.out."))
    app_module.build(app, context)
    [pipeline] = [s for s in app.synth().stacks if s.stack_name == "ModelSchedulePipeline-1"]
    template: dict[str, Any] = pipeline.template
    return template


def test_projects_whose_stage_names_would_clash_or_overflow_synthesize(
    awkward_pipeline: dict[str, Any],
) -> None:
    """Both crashed the synth; each store's actions are named within 100 characters."""
    resources = awkward_pipeline["Resources"].values()
    (resource,) = (r for r in resources if r["Type"] == "AWS::CodePipeline::Pipeline")
    actions = [a["Name"] for s in resource["Properties"]["Stages"] for a in s["Actions"]]
    for store in ("extra-0", "extra-1", "extra-2"):
        [deploy] = [a for a in actions if a.endswith(f"ModelSchedule-{store}.Deploy")]
        assert len(deploy) <= 100


def test_the_alarm_check_command_quotes_what_it_is_given(awkward_pipeline: dict[str, Any]) -> None:
    """Each argument is quoted for the shell, and the wave names its partition (aws-us-gov
    roles are not arn:aws roles)."""
    commands = [
        command
        for step in build_commands(awkward_pipeline).values()
        for command in step
        if "pipeline_checks.alarms" in command
    ]
    assert commands
    for command in commands:
        arguments = shlex.split(command)
        assert arguments[-4:] == [
            "--ignore",
            "tokyo-ginza baker's alarm",
            "--ignore",
            'say "hi" $HOME',
        ]
        wave = json.loads(arguments[4])
        assert {place["partition"] for place in wave} == {"aws"}


# The default fleet's pipeline stack, resource by resource (logical ID and type, in a file of
# its own): a refactoring that moves a construct would replace resources (a new KMS key, an
# e-mail subscription every approver re-confirms).
PIPELINE_LOGICAL_IDS = Path(__file__).with_name("pipeline_logical_ids.json")


def test_the_pipeline_stacks_logical_ids_are_pinned(assembly: cx_api.CloudAssembly) -> None:
    pipeline = next(s for s in assembly.stacks if s.stack_name == "ModelSchedulePipeline-1")
    found = sorted(f"{lid} {r['Type']}" for lid, r in pipeline.template["Resources"].items())
    assert found == json.loads(PIPELINE_LOGICAL_IDS.read_text(encoding="utf-8"))
