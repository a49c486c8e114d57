"""app.py as the CLI runs it: bad configuration ends with clear lines and exit 2, no traceback;
a good one synthesizes on a machine with nothing on PATH and a broken zone file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

import app as app_module
from tests.synth import ROOT, cli_context, default_fleet

pytestmark = [pytest.mark.xdist_group("app-runs"), pytest.mark.e2e]  # the shared run: once

PROJECT_ARN = "arn:aws:rekognition:ap-northeast-1:111122223333:project/bread-checkout/1761900000000"


def run_app(
    context: dict[str, Any],
    outdir: Path | None = None,
    *,
    flags: tuple[str, ...] = (),
    zones: Path | None = None,
) -> subprocess.CompletedProcess[str]:
    """app.py with the context the CLI would pass, an empty PATH and no JSII_NODE: jsii finds
    the pinned Node through the JSII_NODE that app.py points at .venv, not on the machine;
    `zones`, the machine's zone files (PYTHONTZPATH), which zoneinfo reads before tzdata."""
    env = {
        "PATH": "",
        "HOME": os.environ.get("HOME", "/tmp"),
        "CDK_CONTEXT_JSON": json.dumps(context),
        "CDK_OUTDIR": str(outdir or tempfile.mkdtemp()),
        **({"PYTHONTZPATH": str(zones)} if zones else {}),
    }
    return subprocess.run(
        [sys.executable, *flags, "app.py"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="session")
def seattle() -> tuple[subprocess.CompletedProcess[str], Path]:
    """One store of the default fleet, as `cdk synth -c store=seattle-pike-place` runs app.py,
    on a machine whose America/Los_Angeles zone file is not a zone file (once: the tests that
    read it share this module's xdist group)."""
    outdir = Path(tempfile.mkdtemp(prefix="cdk.out."))
    zones = Path(tempfile.mkdtemp(prefix="zoneinfo.")) / "zoneinfo"
    (zones / "America").mkdir(parents=True)
    (zones / "America" / "Los_Angeles").write_bytes(b"not a zone file")
    return run_app(cli_context(store="seattle-pike-place"), outdir, zones=zones), outdir


def test_bad_configuration_exits_2_with_one_line_per_problem() -> None:
    """Two problems, two `error:` lines naming key, value and fix; no Python traceback; and
    before aws-cdk-lib is imported (1 to 2 s), so that they come at once."""
    context = cli_context(
        **{"modelVersionArn:tokyo-ginza": PROJECT_ARN, "minInferenceUnits:sydney-central": "0"}
    )
    done = run_app(context, flags=("-X", "importtime"))
    imported = [line for line in done.stderr.splitlines() if line.startswith("import time:")]
    assert imported  # -X importtime lists every module imported
    assert not [line for line in imported if line.endswith((" aws_cdk", " stacks.fleet_app"))]
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("  error: ")]
    assert len(errors) == 2
    assert "modelVersionArn:tokyo-ginza" in errors[0]
    assert "is a project ARN" in errors[0]
    assert 'minInferenceUnits:sydney-central = "0"' in errors[1]
    assert "2 problems in the configuration" in done.stderr


def test_good_configuration_synthesizes_quietly(
    seattle: tuple[subprocess.CompletedProcess[str], Path],
    fleet_templates: dict[str, dict[str, Any]],
) -> None:
    """Exit 0 with nothing on PATH (the pinned Node found all the same) and no jsii Node
    end-of-life banner in the output; and past the machine's broken Los Angeles zone file, the
    store's template is the one the tests approve (app.py reads the pinned tzdata only)."""
    done, outdir = seattle
    assert done.returncode == 0, done.stderr
    assert "end-of-life" not in done.stderr + done.stdout
    written = json.loads((outdir / "ModelSchedule-seattle-pike-place.template.json").read_text())
    assert written == fleet_templates["ModelSchedule-seattle-pike-place"]


def test_what_looks_at_the_clock_is_a_warning_on_standard_error() -> None:
    """A horizon that ends within 60 days of the machine's clock (or has ended: this test was
    written on 2026-12-06) and the retired `now` key: warning lines, exit 0, a template."""
    fleet = default_fleet()
    fleet["horizon"] = {"firstMonth": "2026-12", "lastMonth": "2027-01"}
    fleet["stores"]["tokyo-ginza"]["notifyEmails"] = ["ginza@bakery.example"]
    done = run_app(cli_context(fleet=fleet, store="tokyo-ginza", now="2026-11-26T09:00:00Z"))
    assert done.returncode == 0, done.stderr
    warnings = [
        line.removeprefix("rekognition-model-scheduler: warning: ")
        for line in done.stderr.splitlines()
        if line.startswith("rekognition-model-scheduler: warning: ")
    ]
    assert len(warnings) == 2, done.stderr
    assert warnings[0].startswith("the context key 'now' no longer changes anything")
    assert warnings[1].startswith("fleet.horizon.lastMonth: the calendar horizon ")
    assert "Traceback" not in done.stderr


def test_a_store_whose_reminder_reaches_nobody_is_a_warning(
    seattle: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    """No notifyEmails: the horizon's reminder and the verifier's notices go to a topic nobody
    reads; the synth says so (a warning: the template is the same as without it)."""
    done, _ = seattle
    assert done.returncode == 0, done.stderr
    assert (
        "rekognition-model-scheduler: warning: fleet.stores: seattle-pike-place has no "
        "notifyEmails: the reminder 60 days before the calendar horizon ends (2027-11-01) and "
        "the verifier's notices reach nobody" in done.stderr
    )
    assert "tokyo-ginza" not in done.stderr  # not selected: not this synth's stacks


def test_the_context_is_read_as_the_cli_wrote_it_overflow_included(tmp_path: Path) -> None:
    """Keys that do not fit in CDK_CONTEXT_JSON come in the CLI's overflow file; nulls stay."""
    overflow = tmp_path / "context-overflow.json"
    overflow.write_text(json.dumps({"fleet": {"defaults": {"canary": None}}}), encoding="utf-8")
    environ = {
        app_module.CONTEXT_ENV: json.dumps({"store": "tokyo-ginza"}),
        app_module.CONTEXT_OVERFLOW_ENV: str(overflow),
    }
    assert app_module.cli_context(environ) == {
        "store": "tokyo-ginza",
        "fleet": {"defaults": {"canary": None}},
    }
    assert app_module.cli_context({}) is None
