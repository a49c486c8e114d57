"""./scripts/cost-diff.sh end to end, in a temporary git repository made from this project:
two revisions, each synthesized by the pinned CLI (the older one in a temporary worktree)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from tests.report.test_cost_diff import OSAKA_ARN, changed_fleet
from tests.synth import ROOT

pytestmark = [pytest.mark.xdist_group("cost-diff"), pytest.mark.e2e]

GIT = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.com"]


def run(repo: Path, *command: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    return subprocess.run(
        command, cwd=repo, env=env, capture_output=True, text=True, timeout=600, check=False
    )


def commit(repo: Path, message: str) -> None:
    assert run(repo, *GIT, "add", "-A").returncode == 0
    assert run(repo, *GIT, "commit", "-q", "-m", message).returncode == 0


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """This project's tracked files, committed once, sharing its set-up (same pins)."""
    repo = tmp_path / "repo"
    listed = run(ROOT, "git", "ls-files", "-z").stdout.split("\0")
    for name in filter(None, listed):
        if (ROOT / name).is_file():
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, repo / name)
    for folder in (".venv", "node_modules"):
        (repo / folder).symlink_to(ROOT / folder, target_is_directory=True)
    assert run(repo, "git", "init", "-q").returncode == 0
    commit(repo, "the default fleet")
    return repo


def edit_cdk_json(repo: Path, fleet: dict[str, Any], **context: Any) -> None:
    path = repo / "cdk.json"
    data = json.loads(path.read_text())
    data["context"]["fleet"] = fleet
    data["context"].update(context)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def cost_diff(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Options before the ref, in one test after it (./scripts/cost-diff.sh takes both)."""
    options = ["--month", "2027-01", "--out", str(repo / "out")]
    return run(repo, "bash", "scripts/cost-diff.sh", *options, *args)


def test_the_uncommitted_change_and_then_none(repo: Path) -> None:
    """A store added, hours changed, units changed: the headline, the stores, the files.
    Committed, the same command finds nothing to say but that."""
    edit_cdk_json(repo, changed_fleet(), **{"modelVersionArn:osaka-umeda": OSAKA_ARN})
    done = cost_diff(repo)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("cost-diff: before = HEAD (")
    assert lines[0].endswith(", after = the working tree")
    assert lines[1] == "+2,942.00 USD/month (+74.9 %)"
    assert any(line.startswith("osaka-umeda (added)") for line in lines)
    assert any("338.0 → 390.0" in line for line in lines if line.startswith("seattle"))
    assert (repo / "out" / "cost-diff.md").read_text().startswith("**+2,942.00 USD/month")
    assert json.loads((repo / "out" / "cost-diff.json").read_text())["total"]["usdDifference"] == (
        2942
    )
    assert len(run(repo, "git", "worktree", "list").stdout.splitlines()) == 1  # removed again

    commit(repo, "Osaka opens; Pike Place closes later; Sydney doubles its units")
    done = cost_diff(repo)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0].endswith("which holds the same files: one synth for both")
    assert done.stdout.splitlines()[1] == "No change in cost: 6,872.00 USD/month for 4 stores."


def test_an_unknown_ref_is_refused(repo: Path) -> None:
    done = run(repo, "bash", "scripts/cost-diff.sh", "no-such-branch", "--month", "2027-01")
    assert done.returncode == 2
    assert "unknown git ref 'no-such-branch'" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_working_tree_that_does_not_synthesize(repo: Path) -> None:
    """Says it is the working tree, and shows the app's own error line."""
    fleet = changed_fleet()
    fleet["stores"]["sydney-central"]["minInferenceUnits"] = 0
    edit_cdk_json(repo, fleet, **{"modelVersionArn:osaka-umeda": OSAKA_ARN})
    done = cost_diff(repo)
    assert done.returncode == 1
    assert "cost-diff: the working tree (after) does not synthesize:" in done.stderr
    assert "fleet.stores.sydney-central.minInferenceUnits = 0" in done.stderr


def test_a_base_that_does_not_synthesize(repo: Path) -> None:
    """The base revision is broken, the working tree fixes it: the error names the base."""
    broken = changed_fleet()
    broken["stores"]["seattle-pike-place"]["closes"] = "25:00"
    edit_cdk_json(repo, broken, **{"modelVersionArn:osaka-umeda": OSAKA_ARN})
    commit(repo, "a typo")
    edit_cdk_json(repo, changed_fleet(), **{"modelVersionArn:osaka-umeda": OSAKA_ARN})
    done = cost_diff(repo, "HEAD")  # the ref after the options
    assert done.returncode == 1
    assert "(before) does not synthesize:" in done.stderr
    assert "HEAD (" in done.stderr
    assert 'closes = "25:00"' in done.stderr


def worktrees(repo: Path) -> list[str]:
    listed = run(repo, "git", "worktree", "list", "--porcelain").stdout
    return [line.split(" ", 1)[1] for line in listed.splitlines() if line.startswith("worktree ")]


@pytest.mark.parametrize("how", ["ctrl-c", "sigterm"])
def test_an_interrupted_diff_leaves_no_worktree(repo: Path, how: str) -> None:
    """Ctrl-C (SIGINT to the whole process group) or SIGTERM (a CI job cancelled) while the
    two sides are being synthesized: one line, exit 128 + the signal, and neither the git
    worktree nor the scratch folder is left behind."""
    edit_cdk_json(repo, changed_fleet(), **{"modelVersionArn:osaka-umeda": OSAKA_ARN})
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    process = subprocess.Popen(
        ["bash", "scripts/cost-diff.sh", "--month", "2027-01"],
        cwd=repo,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 300
    while len(worktrees(repo)) < 2 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert process.poll() is None, process.communicate()
    before = Path(worktrees(repo)[1])
    # Both synths started: the base's (the second) has its standard error file.
    while not (before.parent / "before.stderr").exists() and process.poll() is None:
        time.sleep(0.05)
    assert process.poll() is None, process.communicate()
    if how == "ctrl-c":
        os.killpg(process.pid, signal.SIGINT)
        expected = 128 + signal.SIGINT
    else:
        process.send_signal(signal.SIGTERM)
        expected = 128 + signal.SIGTERM
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == expected, stderr
    assert "Traceback" not in stderr
    assert "cost-diff: interrupted (" in stderr
    assert worktrees(repo) == [str(repo)]
    assert not before.parent.exists()
    assert not still_running(str(before.parent))


def still_running(text: str) -> list[str]:
    """The command lines of this machine's processes that name `text` (the synths write into
    the scratch folder: none may outlive the command)."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            command = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if text in command:
            found.append(command)
    return found
