"""Every process that computes a schedule reads the pinned tzdata, never the machine's zone
files (zoneinfo reads those first): the same cdk.json gives the same templates everywhere."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import zoneinfo
from pathlib import Path

import pytest
import tzdata

from fleet.calendar.zones import TZDATA_VERSION
from tests.synth import ROOT

UTC_FILE = Path(tzdata.__file__).parent / "zoneinfo" / "Etc" / "UTC"


def machine_zone_files(tmp_path: Path, content: bytes) -> Path:
    """A zone folder like /usr/share/zoneinfo whose America/Los_Angeles is `content`."""
    folder = tmp_path / "zoneinfo"
    (folder / "America").mkdir(parents=True)
    (folder / "America" / "Los_Angeles").write_bytes(content)
    return folder


def run(code: str, zone_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONTZPATH": str(zone_path), "CDK_OUTDIR": tempfile.mkdtemp()}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_the_tests_read_the_pinned_data_only() -> None:
    assert zoneinfo.TZPATH == ()


@pytest.mark.e2e
@pytest.mark.parametrize("module", ["app", "report.__main__", "rotate.__main__"])
def test_a_machine_zone_file_changes_nothing(module: str, tmp_path: Path) -> None:
    """With the machine's Los Angeles rules replaced by UTC, the app, the cost report and the
    rotation still see the pinned rules (UTC-7 in July)."""
    code = (
        f"import {module}\n"
        "from datetime import datetime\nfrom zoneinfo import ZoneInfo\n"
        "print(ZoneInfo('America/Los_Angeles').utcoffset(datetime(2027, 7, 1)))\n"
    )
    done = run(code, machine_zone_files(tmp_path, UTC_FILE.read_bytes()))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "-1 day, 17:00:00"


# app.py synthesizing past a machine zone file that is not one: test_app_exit.py (its shared run).


def test_the_readme_names_the_tzdata_the_templates_assume() -> None:
    readme = " ".join((ROOT / "docs" / "configuration.md").read_text(encoding="utf-8").split())
    assert f"tzdata {TZDATA_VERSION}" in readme
