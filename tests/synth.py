"""Synthesize the app in-process from cdk.json's context, exactly as `cdk synth` runs it."""

from __future__ import annotations

import copy
import json
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import aws_cdk as cdk

import app as app_module

ROOT = Path(__file__).resolve().parent.parent

# What the pinned CLI adds to cdk.json's context before it runs app.py (read off
# CDK_CONTEXT_JSON with cdk.json's "versionReporting": false and "pathMetadata": false).
# tests/test_cdk_cli.py compares the CLI's templates with ours, so a drift here shows.
CLI_CONTEXT = {
    "aws:cdk:bundling-stacks": ["**"],
    "aws:cdk:disable-version-reporting": True,
}
# The date the loader's warnings are computed for (a closure that ended long ago, a horizon that
# ends soon). Templates never depend on it: tests/test_determinism.py moves the clock.
TEST_TODAY = date(2026, 11, 26)


def cdk_json() -> dict[str, Any]:
    with (ROOT / "cdk.json").open(encoding="utf-8") as f:
        data: dict[str, Any] = json.load(f)
    return data


def cli_context(**overrides: Any) -> dict[str, Any]:
    """cdk.json's context plus the CLI's own keys; `overrides` act like `-c key=value`."""
    context: dict[str, Any] = copy.deepcopy(cdk_json()["context"])
    context.update(CLI_CONTEXT)
    context.update(overrides)
    return context


def default_fleet() -> dict[str, Any]:
    """A deep copy of cdk.json's `fleet`, to edit in a test."""
    fleet: dict[str, Any] = copy.deepcopy(cdk_json()["context"]["fleet"])
    return fleet


def store_ids() -> list[str]:
    return list(cdk_json()["context"]["fleet"]["stores"])


def synth(context: dict[str, Any], outdir: Path | None = None) -> dict[str, dict[str, Any]]:
    """Templates by stack name. Runs the cdk-nag packs, so unacknowledged findings raise."""
    out = outdir or Path(tempfile.mkdtemp(prefix="cdk.out."))
    app = cdk.App(context=context, outdir=str(out))
    app_module.build(app, context)
    assembly = app.synth()
    return {stack.stack_name: stack.template for stack in assembly.stacks}
