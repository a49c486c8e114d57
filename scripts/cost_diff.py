"""The cost of a change: ./scripts/cost-diff.sh [<git-ref>] [report options]

Synthesizes the fleet twice: at <git-ref> (default HEAD, so that the change is what is not
committed yet; in CI, the pull request's base) in a temporary git worktree with that revision's
own pinned set-up, and in the working tree. Templates do not depend on the clock; a base
revision from before that is synthesized with `-c now=<--now>` when given. The working tree's
warnings (a calendar horizon that ends within 60 days) are passed on. Then
`python -m report --compare` prints and writes (reports/cost-diff.md, cost-diff.json) what the
change does to each store's running hours, unit-hours and USD over the same period. Report
options: --month YYYY-MM, --from/--to YYYY-MM-DD, --price USD, --start-minutes N, --out DIR
(default: next month).

Exit status 0 with the comparison; otherwise one message that says what is wrong: a side that
does not synthesize (which one, and its error), an unknown ref (2), a bad report option.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from report.__main__ import choose_period  # noqa: E402
from report.__main__ import main as report_main  # noqa: E402
from report.__main__ import parse_args as report_args  # noqa: E402

# What each half of scripts/setup.sh installs from: a side with the same files shares it.
PINS = {
    ".venv": ("requirements.txt", "requirements-dev.txt", "constraints.txt"),
    "node_modules": ("package.json", "package-lock.json"),
}
ERROR_LINES = 25


class CostDiffError(Exception):
    def __init__(self, message: str, status: int = 1) -> None:
        super().__init__(message)
        self.status = status


def git(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)


def resolve(ref: str) -> str:
    done = git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    if done.returncode != 0:
        raise CostDiffError(
            f"cost-diff: unknown git ref {ref!r}: not a commit of this repository (try HEAD, "
            "main, origin/main or a commit hash)",
            status=2,
        )
    return done.stdout.strip()


def tail(text: str) -> str:
    return "\n".join("  " + line for line in text.strip().splitlines()[-ERROR_LINES:])


def set_up(tree: Path, label: str) -> None:
    """Share the working tree's .venv and node_modules where `tree` pins the same packages;
    otherwise let `tree`'s own scripts/setup.sh install what it pins."""
    own = []
    for folder, files in PINS.items():
        same = all(
            (tree / f).is_file() and (tree / f).read_bytes() == (ROOT / f).read_bytes()
            for f in files
        )
        if same and (ROOT / folder).is_dir() and not (tree / folder).exists():
            (tree / folder).symlink_to(ROOT / folder, target_is_directory=True)
        else:
            own.append(folder)
    if not own:
        return
    print(f"cost-diff: {label} pins other packages; setting up its {', '.join(own)}", flush=True)
    setup = tree / "scripts" / "setup.sh"
    if not setup.is_file():
        raise CostDiffError(f"cost-diff: {label} has no scripts/setup.sh; compare a newer one")
    done = subprocess.run(["bash", str(setup)], cwd=tree, capture_output=True, text=True)
    if done.returncode != 0:
        raise CostDiffError(f"cost-diff: the set-up of {label} failed:\n{tail(done.stderr)}")


def synth(tree: Path, out: Path, label: str, now: str | None = None) -> str:
    """Synthesize `tree` into `out`; return its standard error (warnings)."""
    env = {
        **os.environ,
        "PATH": os.pathsep.join(
            [str(tree / ".venv" / "bin"), str(tree / "node_modules" / ".bin"), os.environ["PATH"]]
        ),
        "CDK_DISABLE_CLI_TELEMETRY": "true",
        "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
    }
    env.pop("VIRTUAL_ENV", None)
    command = [str(tree / "node_modules" / ".bin" / "cdk"), "synth", "--quiet"]
    command += [*(["-c", f"now={now}"] if now else []), "--output", str(out)]
    done = subprocess.run(command, cwd=tree, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise CostDiffError(f"cost-diff: {label} does not synthesize:\n{tail(done.stderr)}")
    return done.stderr


def main(argv: list[str]) -> int:
    ref = argv.pop(0) if argv and not argv[0].startswith("-") else "HEAD"
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument(
        "--now", help="ISO 8601 instant for a base revision that still reads the clock"
    )
    own, forwarded = parser.parse_known_args(argv)
    if "-h" in forwarded or "--help" in forwarded:
        print(__doc__)
        return 0
    # Bad report options fail now, not after two synths.
    choose_period(report_args(["--compare", "-", *forwarded]), datetime.now(UTC).date())
    now: str | None = own.now
    try:
        sha = resolve(ref)
        label = f"{ref} ({sha[:10]})"
        print(f"cost-diff: before = {label}, after = the working tree", flush=True)
        work = Path(tempfile.mkdtemp(prefix="cost-diff."))
        try:
            # The working tree first: its mistakes are the likelier ones and the cheaper to find.
            warnings = synth(ROOT, work / "after.out", "the working tree (after)")
            for line in warnings.splitlines():
                if ": warning: " in line:
                    print(f"cost-diff: {line.split(': warning: ', 1)[1]}", file=sys.stderr)
            tree = work / "before"
            added = git("worktree", "add", "--detach", "--quiet", str(tree), sha)
            if added.returncode != 0:
                raise CostDiffError(f"cost-diff: cannot check out {label}:\n{tail(added.stderr)}")
            try:
                set_up(tree, f"{label} (before)")
                synth(tree, work / "before.out", f"{label} (before)", now)
            finally:
                git("worktree", "remove", "--force", str(tree))
            out = ["--cdk-out", str(work / "after.out"), "--compare", str(work / "before.out")]
            return report_main([*out, *forwarded])
        finally:
            shutil.rmtree(work, ignore_errors=True)
    except CostDiffError as failure:
        print(failure, file=sys.stderr)
        return failure.status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
