"""The pinned CDK CLI synthesizes what the tests see, and `cdk diff` against the committed
snapshots finds nothing. Needs node_modules from ./scripts/setup.sh; no AWS account."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

from fleet.names import dashboard_stack_name, stack_name
from fleet.reading.loader import NULLABLE
from tests.conftest import STORE_IDS
from tests.stacks.test_snapshots import ASSET_KEY, ASSET_PLACEHOLDER
from tests.synth import ROOT, cli_context, default_fleet, synth

CDK = ROOT / "node_modules" / ".bin" / "cdk"
SNAPSHOTS = ROOT / "tests" / "stacks" / "__snapshots__" / "test_snapshots"

pytestmark = [pytest.mark.xdist_group("cdk-cli"), pytest.mark.e2e]


def cli_env() -> dict[str, str]:
    assert CDK.exists(), "the pinned CDK CLI is missing: run ./scripts/setup.sh"
    return {
        **os.environ,
        # cdk.json runs `python3 app.py`: make that this virtual environment's Python.
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "CDK_DISABLE_CLI_TELEMETRY": "true",
    }


def cdk(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CDK), *args],
        cwd=ROOT,
        env=env or cli_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="session")
def cli_out() -> Path:
    """`cdk synth` of the default fleet with PATH = .venv/bin alone: the CLI's
    `#!/usr/bin/env node`, cdk.json's `python3` and jsii all find the pinned tools there."""
    assert CDK.exists(), "the pinned CDK CLI is missing: run ./scripts/setup.sh"
    only_the_venv = {
        "PATH": str(Path(sys.executable).parent),
        "HOME": os.environ.get("HOME", "/tmp"),
        "CDK_DISABLE_CLI_TELEMETRY": "true",
    }
    out = Path(tempfile.mkdtemp(prefix="cdk.out."))
    done = cdk("synth", "--quiet", "--output", str(out), env=only_the_venv)
    assert done.returncode == 0, done.stderr
    assert "end-of-life" not in done.stderr
    return out


def test_the_cli_runs_with_only_the_venv_on_path(cli_out: Path) -> None:
    """The synth every test here reads ran with nothing but .venv/bin on PATH."""
    assert (cli_out / "manifest.json").exists()


def test_cli_templates_equal_the_tests_templates(
    cli_out: Path, all_templates: dict[str, dict[str, Any]]
) -> None:
    """`cdk synth -c now=<the tests' instant>` with cdk.json writes exactly the templates the
    tests assert on."""
    written = {
        p.name.removesuffix(".template.json"): json.loads(p.read_text())
        for p in cli_out.glob("*.template.json")
    }
    assert written == all_templates


def snapshot_stacks() -> dict[str, Path]:
    """Stack name by committed snapshot: stores' and accounts' dashboards."""
    found = {}
    for path in sorted(SNAPSHOTS.glob("*.json")):
        kind, key = path.stem.removesuffix("]").split("[")
        stack = dashboard_stack_name(key) if kind == "test_dashboard_template" else stack_name(key)
        found[stack] = path
    return found


def filled_snapshot(cli_out: Path, name: str) -> str:
    """The committed snapshot of stack `name` with its asset placeholder filled in with the key
    the CLI computed (a store's stack has one asset, the verifier's code; a dashboard none)."""
    written = (cli_out / f"{name}.template.json").read_text()
    snapshot = snapshot_stacks()[name].read_text()
    asset_keys = set(ASSET_KEY.findall(written))
    assert len(asset_keys) == (1 if ASSET_PLACEHOLDER in snapshot else 0)
    return snapshot.replace(ASSET_PLACEHOLDER, asset_keys.pop() if asset_keys else "")


def test_each_snapshot_is_what_the_cli_writes(cli_out: Path) -> None:
    """The snapshot is what would deploy: every stack the CLI writes equals its committed
    snapshot, but for the asset placeholder."""
    for name in snapshot_stacks():
        written = json.loads((cli_out / f"{name}.template.json").read_text())
        assert written == json.loads(filled_snapshot(cli_out, name)), name


def test_cdk_diff_against_a_snapshot_is_empty(cli_out: Path) -> None:
    """`cdk diff --template <snapshot>`, as docs/platform-engineer.md has it run offline, sees no
    difference (one store's stack: the test above compares every stack)."""
    name = stack_name(STORE_IDS[0])
    filled = Path(tempfile.mkdtemp()) / "snapshot.json"
    filled.write_text(filled_snapshot(cli_out, name))
    done = cdk("diff", "--app", str(cli_out), "--template", str(filled), name, "--fail")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "There were no differences" in done.stdout + done.stderr


def test_every_stack_has_a_snapshot(cli_out: Path) -> None:
    """A stack the CLI writes without a committed snapshot would escape review."""
    written = {p.name.removesuffix(".template.json") for p in cli_out.glob("*.template.json")}
    assert written == set(snapshot_stacks())


def test_bad_value_from_the_command_line_fails_the_synth() -> None:
    """`-c` values go through the same validation: a non-zero exit and the one error line."""
    done = cdk(
        "synth", "--quiet", "-c", "minInferenceUnits:tokyo-ginza=0", "-o", tempfile.mkdtemp()
    )
    assert done.returncode == 1  # the README says so: app.py's 2 becomes the CLI's 1
    assert "Subprocess exited with error 2" in done.stderr
    assert 'error: minInferenceUnits:tokyo-ginza = "0": must be a whole number' in done.stderr
    assert "Traceback" not in done.stderr


def test_cli_synth_leaves_out_what_nothing_reads(cli_out: Path) -> None:
    """`cdk synth` writes no tree.json and no creation stack traces (stacks/fleet_app.py's
    cli_app switches both off for speed), but still the logical-ID metadata the CLI names
    resources by."""
    assert not (cli_out / "tree.json").exists()
    metadata = [
        entry["type"]
        for path in cli_out.glob("*.metadata.json")
        for entries in json.loads(path.read_text()).values()
        for entry in entries
    ]
    assert "aws:cdk:logicalId" in metadata
    assert "aws:cdk:creationStack" not in metadata


# The settings whose schema allows null, and a non-null value for each valid for tokyo-ginza.
NULLABLE_VALUES = {
    "maxInferenceUnits": 3,
    "sourceProjectArn": (
        "arn:aws:rekognition:ap-northeast-1:999988887777:project/bread-training/1760000000000"
    ),
    "holidayCalendar": "JP",
    "minConfidence": 50,
    "minF1Score": 0.5,
    "canary": {"image": "s3://bakery-canary-apne1/any/tray.jpg", "expectLabels": ["あんぱん"]},
}


def test_a_null_in_cdk_json_means_null_through_the_cli() -> None:
    """jsii drops the null members of context objects on their way into cdk.App: a store that
    writes `"holidayCalendar": null` under a default calendar would still close on its holidays.
    Through the real CLI, a store that sets every nullable setting to null over non-null defaults
    gets the template of a store that never had them."""
    assert sorted(NULLABLE_VALUES) == sorted(NULLABLE)

    def only_tokyo(fleet: dict[str, Any], **extra: Any) -> dict[str, Any]:
        context = cli_context(fleet=fleet, **extra)
        for key in [k for k in context if k.startswith("modelVersionArn:")]:
            if key != "modelVersionArn:tokyo-ginza":
                del context[key]
        return context

    fleet = default_fleet()
    fleet["stores"] = {"tokyo-ginza": fleet["stores"]["tokyo-ginza"]}
    for key in NULLABLE:
        fleet["defaults"].pop(key, None)
        fleet["stores"]["tokyo-ginza"].pop(key, None)
    expected = synth(only_tokyo(fleet))["ModelSchedule-tokyo-ginza"]

    fleet["defaults"].update(NULLABLE_VALUES)
    fleet["stores"]["tokyo-ginza"].update(dict.fromkeys(NULLABLE))
    project = Path(tempfile.mkdtemp(prefix="null-context."))
    config = json.loads((ROOT / "cdk.json").read_text(encoding="utf-8"))
    config.pop("$schema")
    config["app"] = f"{sys.executable} -O {ROOT / 'app.py'}"
    config["context"] = only_tokyo(fleet)
    (project / "cdk.json").write_text(json.dumps(config), encoding="utf-8")
    out = Path(tempfile.mkdtemp(prefix="cdk.out."))
    done = subprocess.run(
        [str(CDK), "synth", "--quiet", "--output", str(out)],
        cwd=project,
        env=cli_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    written = json.loads((out / "ModelSchedule-tokyo-ginza.template.json").read_text())
    assert written == expected


def test_synth_sh_takes_the_pipeline_flag_anywhere() -> None:
    """`./scripts/synth.sh -c store=tokyo-ginza --pipeline` synthesized the flat app: the flag
    counted only first. It says the pipeline's line, whatever the order."""
    done = subprocess.run(
        ["bash", str(ROOT / "scripts" / "synth.sh"), "-c", "store=tokyo-ginza", "--pipeline"],
        cwd=ROOT,
        env=cli_env(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    # With CI=true the CLI writes its own lines to stdout too: look for the app's line.
    lines = done.stdout.splitlines()
    assert any(line.startswith("ModelSchedulePipeline-1: ") for line in lines), done.stdout
