"""What one synth builds from the FleetConfig: the stores', groups', dashboards' and
distribution stacks (or the fleet's pipelines, with -c pipeline=true), and the policy checks
every synth runs. app.py reads the context and hands the FleetConfig here; nothing here reads
the context, the environment or a file."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import aws_cdk as cdk
from aws_cdk import Stack
from cdk_nag import AwsSolutionsChecks, NIST80053R5Checks, ServerlessChecks

from fleet.config import FleetConfig
from fleet.pipeline.plan import fleet_pipelines
from stacks.dashboard_stack import ModelScheduleDashboardStack
from stacks.distribution_stack import ModelScheduleDistributionStack
from stacks.model_schedule_stack import ModelScheduleStack
from stacks.model_serving_stack import ModelServingStack
from stacks.pipeline_stack import ModelSchedulePipelineStack


def build_fleet(app: cdk.App, fleet: FleetConfig, *, pinned: Callable[[str], str]) -> list[Stack]:
    """The selected stacks and the checks, added to `app`. A pipeline runs the CDK CLI and
    cdk-assets at the versions `pinned` gives for them (package.json's)."""
    if fleet.pipeline_synth and fleet.pipeline is not None:
        stacks: list[Stack] = [
            ModelSchedulePipelineStack(
                app,
                plan=plan,
                fleet=fleet,
                settings=fleet.pipeline,
                cli_version=pinned("aws-cdk"),
                assets_version=pinned("cdk-assets"),
            )
            for plan in fleet_pipelines(fleet, fleet.pipeline)
        ]
    else:
        stacks = flat_stacks(app, fleet)
    add_checks(app, control_tower=fleet.control_tower_checks)
    return stacks


def add_checks(app: cdk.App, *, control_tower: bool) -> None:
    """The policy checks every synth runs: the three cdk-nag packs, and AWS Control Tower's
    proactive controls when asked (-c controlTowerChecks=true)."""
    cdk.Validations.of(app).add_plugins(
        AwsSolutionsChecks(app, verbose=True),
        NIST80053R5Checks(app, verbose=True),
        ServerlessChecks(app, verbose=True),
    )
    if control_tower:
        # About 0.8 s a store: on demand (-c controlTowerChecks=true) and in the tests.
        from cdklabs.cdk_validator_cfnguard import CfnGuardValidator

        # It implements the IPolicyValidationPluginBeta1 protocol, which aws-cdk-lib still runs.
        cdk.Validations.of(app).add_plugins(CfnGuardValidator())  # type: ignore[arg-type]


def flat_stacks(app: cdk.App, fleet: FleetConfig) -> list[Stack]:
    """The stores' stacks and the accounts' dashboards, each deployed on its own."""
    serving = {
        group.group_id: ModelServingStack(
            app, group=group, protected_versions=fleet.protected_versions(group.members[0])
        )
        for group in fleet.selected_groups
    }
    stacks: list[Stack] = list(serving.values())
    for store in fleet.selected:
        stack = ModelScheduleStack(
            app, store=store, protected_versions=fleet.protected_versions(store)
        )
        if store.group_id is not None:
            # The group's model runs before its members' handles name it.
            stack.add_stack_dependency(serving[store.group_id])
        stacks.append(stack)
    if fleet.whole_fleet:
        # A `-c store=` selection is about those stores: `cdk deploy -c store=x` deploys one.
        stacks += [ModelScheduleDashboardStack(app, dashboard=d) for d in fleet.dashboards()]
        stacks += [
            ModelScheduleDistributionStack(app, place=p) for p in fleet.distribution_places()
        ]
    return stacks


def cli_app(*, context: dict[str, Any] | None = None, outdir: str | None = None) -> cdk.App:
    """The App `cdk synth` runs (and scripts/benchmark.py times). It skips three things for
    speed, which every test synth keeps (the tests build a plain App): CloudFormation's built-in
    template validation (the tests run it and cfn-lint), tree.json (nothing here reads it) and
    each resource's creation stack trace, which in a Python app holds only jsii and Node frames
    (`cdk synth --debug` still records them)."""
    return cdk.App(
        context={"aws:cdk:disable-creation-stack-traces": True, **(context or {})},
        outdir=outdir,
        builtin_cloud_formation_validation=False,
        tree_metadata=False,
    )
