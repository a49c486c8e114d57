"""The client installs on its own with `pip install ./client` and needs only boto3 and tzdata."""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import tzdata

CLIENT = Path(__file__).resolve().parent.parent


def test_it_depends_on_boto3_and_the_templates_tzdata_only() -> None:
    """tzdata at least the release the app pins: the zone rules the schedules were made with."""
    project = tomllib.loads((CLIENT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["dependencies"] == ["boto3>=1.34", f"tzdata>={tzdata.__version__}"]


def test_it_imports_nothing_of_the_cdk_app() -> None:
    allowed = {
        "boto3",
        "botocore",
        "rekognition_model_client",
        "mypy_boto3_rekognition",
        "mypy_boto3_ssm",
        "tzdata",
    }
    for path in (CLIENT / "src").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom | ast.Import):
                names = (
                    [node.module or ""]
                    if isinstance(node, ast.ImportFrom)
                    else [a.name for a in node.names]
                )
                for name in names:
                    top = name.split(".")[0]
                    assert top in allowed or top in sys.stdlib_module_names, f"{path.name}: {name}"


@pytest.mark.e2e
def test_pip_installs_it_on_its_own(tmp_path: Path) -> None:
    """A wheel is built from client/ alone and its package imports from where pip put it.
    (--no-build-isolation uses the pinned flit_core, so no network is needed.)"""
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--no-deps",
            "--no-build-isolation",
            "--target",
            str(target),
            str(CLIENT),
        ],
        check=True,
        cwd=tmp_path,
    )
    code = "import rekognition_model_client as m; print(m.__file__); print(m.ModelClient)"
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.splitlines()[0].startswith(str(target))
