"""Every test synth keeps CloudFormation's built-in template validation, which `cdk synth`
skips for speed, and cdk.json's feature flag makes its findings errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest

import app as app_module
from tests.synth import ROOT, cli_context, synth


def add_a_broken_resource(stack: cdk.Stack) -> None:
    # An SSM parameter no cdk-nag rule looks at, with a property its schema does not have.
    cdk.CfnResource(
        stack,
        "Broken",
        type="AWS::SSM::Parameter",
        properties={"Type": "String", "Value": "1", "Expiry": "tomorrow"},
    )


def test_a_schema_violation_fails_the_test_synth(monkeypatch: pytest.MonkeyPatch) -> None:
    """A property a resource does not have, in a store's stack, ends the tests' synth with an
    error from the built-in validation, not a warning."""
    real_build = app_module.build

    def build_with_a_broken_property(
        app: cdk.App, context: dict[str, Any] | None = None
    ) -> list[cdk.Stack]:
        stacks = real_build(app, context)
        add_a_broken_resource(stacks[0])
        return stacks

    monkeypatch.setattr(app_module, "build", build_with_a_broken_property)
    outdir = Path(tempfile.mkdtemp(prefix="cdk.out."))
    with pytest.raises(RuntimeError):
        synth(cli_context(store="tokyo-ginza"), outdir=outdir)
    report = json.loads((outdir / "validation-report.json").read_text())
    violating = {p["pluginName"] for p in report["pluginReports"] if p["violations"]}
    assert any("CloudFormation" in name for name in violating), violating


def test_the_fleet_passes_the_builtin_validation(
    default_synth: tuple[Path, dict[str, Any]],
) -> None:
    """The same synth of the whole fleet reports nothing from the built-in validation."""
    outdir, _ = default_synth
    report = json.loads((outdir / "validation-report.json").read_text())
    assert not [v for p in report["pluginReports"] for v in p["violations"]]


@pytest.mark.e2e
def test_the_cli_app_skips_the_builtin_validation() -> None:
    """app.main(), which `cdk synth` runs, lets the same broken property through: the check
    above is the one place it is caught, so it must stay in the tests."""
    script = (
        "import sys, app, stacks.fleet_app as wiring\n"
        "from tests.stacks.test_builtin_validation import add_a_broken_resource\n"
        "build = wiring.build_fleet\n"
        "wiring.build_fleet = lambda *a, **k: [\n"
        "    add_a_broken_resource(s) or s for s in build(*a, **k)\n"
        "]\n"
        "sys.exit(app.main())\n"
    )
    env = {
        **os.environ,
        "CDK_CONTEXT_JSON": json.dumps(cli_context(store="tokyo-ginza")),
        "CDK_OUTDIR": tempfile.mkdtemp(prefix="cdk.out."),
    }
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "CloudFormation" not in done.stderr
