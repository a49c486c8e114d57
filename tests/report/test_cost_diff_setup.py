"""scripts/cost_diff.py's set-up of the base revision, and its option check, without a synth."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from scripts import cost_diff
from tests.synth import ROOT

PINNED = [name for files in cost_diff.PINS.values() for name in files]


def tree_like_root(tmp_path: Path, setup: str) -> Path:
    """A checkout whose pins are this project's, with a stand-in scripts/setup.sh."""
    tree = tmp_path / "before"
    (tree / "scripts").mkdir(parents=True)
    for name in PINNED:
        (tree / name).write_bytes((ROOT / name).read_bytes())
    (tree / "scripts" / "setup.sh").write_text(setup)
    return tree


def test_the_same_pins_share_the_working_trees_set_up(tmp_path: Path) -> None:
    tree = tree_like_root(tmp_path, "touch ran\n")
    cost_diff.set_up(tree, "HEAD (before)")
    assert (tree / ".venv").resolve() == (ROOT / ".venv").resolve()
    assert (tree / "node_modules").resolve() == (ROOT / "node_modules").resolve()
    assert not (tree / "ran").exists()


def test_other_python_pins_run_the_revisions_own_set_up(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Only what differs is set up again; the rest is still shared."""
    tree = tree_like_root(tmp_path, "touch ran\n")
    with (tree / "constraints.txt").open("a") as constraints:
        constraints.write("six==1.16.0\n")
    cost_diff.set_up(tree, "main (0123456789) (before)")
    assert (tree / "ran").exists()
    assert not (tree / ".venv").exists()
    assert (tree / "node_modules").is_symlink()
    assert "main (0123456789) (before) pins other packages; setting up its .venv" in (
        capsys.readouterr().out
    )


def test_a_failing_set_up_names_the_revision(tmp_path: Path) -> None:
    tree = tree_like_root(tmp_path, "echo 'npm ERR! 404 no such package' >&2; exit 1\n")
    (tree / "package-lock.json").write_text("{}\n")
    with pytest.raises(cost_diff.CostDiffError) as failure:
        cost_diff.set_up(tree, "v1 (0123456789) (before)")
    assert "the set-up of v1 (0123456789) (before) failed" in str(failure.value)
    assert "npm ERR! 404 no such package" in str(failure.value)


def test_a_bad_report_option_fails_before_any_synth(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_synth(*args: object) -> None:
        raise AssertionError("synthesized despite a bad option")

    monkeypatch.setattr(cost_diff, "Synth", no_synth)
    with pytest.raises(SystemExit) as stop:
        cost_diff.main(["HEAD", "--month", "2027-13"])
    assert str(stop.value.code) == "report: --month 2027-13: use YYYY-MM, e.g. 2027-01"


@pytest.mark.parametrize(
    "argv",
    [
        ["main", "--month", "2027-01", "--price", "3"],
        ["--month", "2027-01", "main", "--price", "3"],
        ["--month", "2027-01", "--price", "3", "main"],
    ],
)
def test_options_go_before_or_after_the_ref(argv: list[str]) -> None:
    args = cost_diff.parse_args(argv)
    assert (args.ref, args.month, args.price) == ("main", "2027-01", 3.0)


def test_without_a_ref_the_change_is_the_uncommitted_one() -> None:
    assert cost_diff.parse_args(["--out", "x"]).ref == "HEAD"


def test_one_synth_serves_both_sides_only_when_the_files_are_the_commits(tmp_path: Path) -> None:
    """A changed, a staged, a deleted or an untracked file, or a cdk.context.json (ignored, but
    the CLI reads it), and the two sides are synthesized each; an ignored file changes nothing."""

    def git(*args: str) -> str:
        done = subprocess.run(
            ["git", "-c", "user.name=T", "-c", "user.email=t@example.com", *args],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout.strip()

    git("init", "-q")
    (tmp_path / ".gitignore").write_text("cdk.out/\ncdk.context.json\n")
    (tmp_path / "cdk.json").write_text("{}\n")
    git("add", "-A")
    git("commit", "-q", "-m", "base")
    sha = git("rev-parse", "HEAD")
    assert cost_diff.same_files(sha, tmp_path)
    (tmp_path / "cdk.out").mkdir()
    (tmp_path / "cdk.out" / "manifest.json").write_text("{}")
    assert cost_diff.same_files(sha, tmp_path)

    (tmp_path / "cdk.json").write_text('{"context": {}}\n')
    assert not cost_diff.same_files(sha, tmp_path)
    git("add", "cdk.json")
    assert not cost_diff.same_files(sha, tmp_path)
    git("checkout", "-q", sha, "--", "cdk.json")
    assert cost_diff.same_files(sha, tmp_path)

    (tmp_path / "cdk.json").unlink()
    assert not cost_diff.same_files(sha, tmp_path)
    git("checkout", "-q", "--", "cdk.json")

    (tmp_path / "new.py").write_text("")
    assert not cost_diff.same_files(sha, tmp_path)
    (tmp_path / "new.py").unlink()

    (tmp_path / "cdk.context.json").write_text("{}")
    assert not cost_diff.same_files(sha, tmp_path)
