"""The cost of a change: ./scripts/cost-diff.sh [<git-ref>] [report options] (in any order)

Synthesizes the fleet twice, both at once: at <git-ref> (default HEAD, so that the change is
what is not committed yet; in CI, the pull request's base) in a temporary git worktree with that
revision's own pinned set-up, and in the working tree; once when the working tree holds exactly
that revision's files (templates depend on the files only). Templates do not depend on the
clock; a base revision from before that is synthesized with `-c now=<--now>` when given. The
working tree's warnings (a calendar horizon that ends within 60 days) are passed on. Then
`python -m report --compare` prints and writes (reports/cost-diff.md, cost-diff.json) what the
change does to each store's running hours, unit-hours and USD over the same period. Report
options: --month YYYY-MM, --from/--to YYYY-MM-DD, --price USD, --start-minutes N, --out DIR
(default: next month).

Exit status 0 with the comparison; otherwise one message that says what is wrong: a side that
does not synthesize (which one, and its error; the other side's synth is stopped then), an
unknown ref (2), a bad report option (2), an interruption (128 + the signal; the worktree and
the scratch folder are removed first).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from report.__main__ import add_period_and_price, choose_period
from report.__main__ import run as report_run

ROOT = Path(__file__).resolve().parent.parent

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


class Synth:
    """`cdk synth` of `tree` into `out`, started at once in a process group of its own (so that
    stopping it stops the app and Node under it too); its standard error goes to a file."""

    def __init__(self, tree: Path, out: Path, label: str, now: str | None = None) -> None:
        env = {
            **os.environ,
            "PATH": os.pathsep.join(
                [
                    str(tree / ".venv" / "bin"),
                    str(tree / "node_modules" / ".bin"),
                    os.environ["PATH"],
                ]
            ),
            "CDK_DISABLE_CLI_TELEMETRY": "true",
            # A shared .venv's .pth file names the working tree's folders: this tree's first.
            "PYTHONPATH": os.pathsep.join(
                str(tree / folder)
                for folder in ("", "constructs", "lambda/model_verifier", "client/src")
            ),
        }
        env.pop("VIRTUAL_ENV", None)
        command = [str(tree / "node_modules" / ".bin" / "cdk"), "synth", "--quiet"]
        command += [*(["-c", f"now={now}"] if now else []), "--output", str(out)]
        self.label = label
        self._stderr = out.with_suffix(".stderr")
        with self._stderr.open("w") as stderr:
            self._process = subprocess.Popen(
                command,
                cwd=tree,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
                start_new_session=True,
            )

    def done(self) -> bool:
        return self._process.poll() is not None

    def wait(self) -> str:
        """Its standard error (warnings); CostDiffError when it failed."""
        code = self._process.wait()
        stderr = self._stderr.read_text(errors="replace")
        if code != 0:
            raise CostDiffError(f"cost-diff: {self.label} does not synthesize:\n{tail(stderr)}")
        return stderr

    def stop(self) -> None:
        """Kill its whole process group, and wait until none of it is left (an app or Node
        process still alive could write into the scratch folder while it is removed)."""
        if self._process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self._process.pid, signal.SIGKILL)
        self._process.wait()
        deadline = time.monotonic() + 10
        while _group_alive(self._process.pid) and time.monotonic() < deadline:
            time.sleep(0.05)


def wait_all(*synths: Synth) -> list[str]:
    """Each synth's standard error, in order, once all have succeeded; as soon as one fails, its
    CostDiffError (the first of them in order when several end at once): a diff needs both."""
    stderr: dict[Synth, str] = {}
    while len(stderr) < len(synths):
        for synth in synths:
            if synth not in stderr and synth.done():
                stderr[synth] = synth.wait()
        if len(stderr) < len(synths):
            time.sleep(0.05)
    return [stderr[synth] for synth in synths]


def _group_alive(group: int) -> bool:
    """Whether a process of `group` still runs. A killed one is a zombie until whoever adopted it
    reaps it (on some machines' init, seconds later): on Linux, zombies do not count."""
    proc = Path("/proc")
    if not proc.is_dir():
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return False
        return True
    for stat in proc.glob("[0-9]*/stat"):
        try:
            # pid (comm) state ppid pgrp ...: comm may hold spaces and parentheses.
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == group and fields[0] not in ("Z", "X"):
            return True
    return False


def same_files(sha: str, tree: Path = ROOT) -> bool:
    """The working tree holds exactly the commit's files: no change to a tracked file, no file
    git would add, no cdk.context.json (ignored, but the CLI reads it)."""
    if (tree / "cdk.context.json").exists():
        return False
    if git("diff", "--quiet", sha, "--", cwd=tree).returncode != 0:
        return False
    untracked = git("ls-files", "--others", "--exclude-standard", "-z", cwd=tree)
    return untracked.returncode == 0 and not untracked.stdout


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="./scripts/cost-diff.sh",
        description="The cost of a change: the fleet at <ref> (before) against the working tree.",
    )
    parser.add_argument(
        "ref", nargs="?", default="HEAD", help="the revision before the change (default HEAD)"
    )
    parser.add_argument(
        "--now", help="ISO 8601 instant for a base revision that still reads the clock"
    )
    add_period_and_price(parser)
    # Options before or after the ref, as git's own commands take them.
    return parser.parse_intermixed_args(argv)


class InterruptError(Exception):
    """SIGINT, SIGTERM or SIGHUP: unwind so that the worktree and the scratch folder go."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.status = 128 + signum


SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def _interrupt(signum: int, frame: object) -> None:
    raise InterruptError(signum)


@contextlib.contextmanager
def _deferred_interrupts() -> Iterator[None]:
    """A signal waits until what is inside is done: a process started is one listed to stop."""
    pending: list[int] = []
    previous = {s: signal.signal(s, lambda signum, _: pending.append(signum)) for s in SIGNALS}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    if pending:
        raise InterruptError(pending[0])


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    # Bad report options fail now, not after two synths.
    choose_period(args, datetime.now(UTC).date())
    for signum in SIGNALS:
        signal.signal(signum, _interrupt)
    try:
        return compare(args)
    except CostDiffError as failure:
        print(failure, file=sys.stderr)
        return failure.status
    except InterruptError as interrupted:
        print(f"cost-diff: interrupted ({interrupted}); nothing is left behind", file=sys.stderr)
        return interrupted.status


def _quietly(cleanup: Callable[[], object]) -> None:
    """Clean up without being interrupted half-way by a second Ctrl-C."""
    previous = {s: signal.signal(s, signal.SIG_IGN) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        cleanup()
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def compare(args: argparse.Namespace) -> int:
    sha = resolve(args.ref)
    label = f"{args.ref} ({sha[:10]})"
    after_label = "the working tree (after)"
    same = same_files(sha) and not args.now
    print(
        f"cost-diff: before = {label}, after = the working tree"
        + (", which holds the same files: one synth for both" if same else ""),
        flush=True,
    )
    work = Path(tempfile.mkdtemp(prefix="cost-diff."))
    running: list[Synth] = []

    def start(tree: Path, out: Path, label: str, now: str | None = None) -> Synth:
        with _deferred_interrupts():
            running.append(Synth(tree, out, label, now))
        return running[-1]

    try:
        if same:
            say_warnings(start(ROOT, work / "after.out", after_label).wait())
            args.cdk_out = args.compare = work / "after.out"
            return report_run(args)
        tree = work / "before"
        try:
            # A signal waits until the worktree is added: git checks it out in a child process,
            # which killing git leaves writing into the folder the clean-up removes.
            with _deferred_interrupts():
                added = git("worktree", "add", "--detach", "--quiet", str(tree), sha)
            if added.returncode != 0:
                raise CostDiffError(f"cost-diff: cannot check out {label}:\n{tail(added.stderr)}")
            # Both sides at once; the first to fail is reported and the other stopped. The working
            # tree's mistakes are the likelier ones: its synth starts first, a bad configuration
            # fails before the CDK loads, and of two failures seen together its is reported.
            after = start(ROOT, work / "after.out", after_label)
            set_up(tree, f"{label} (before)")
            before = start(tree, work / "before.out", f"{label} (before)", args.now)
            say_warnings(wait_all(after, before)[0])
        finally:
            _quietly(lambda: [synth.stop() for synth in running])
            _quietly(lambda: remove_worktree(tree))
        args.cdk_out, args.compare = work / "after.out", work / "before.out"
        return report_run(args)
    finally:
        _quietly(lambda: [synth.stop() for synth in running])
        _quietly(lambda: shutil.rmtree(work, ignore_errors=True))


def say_warnings(stderr: str) -> None:
    """The working tree's warnings (a calendar horizon that ends within 60 days), passed on."""
    for line in stderr.splitlines():
        if ": warning: " in line:
            print(f"cost-diff: {line.split(': warning: ', 1)[1]}", file=sys.stderr)


def remove_worktree(tree: Path) -> None:
    # An interrupted `worktree add` leaves its worktree locked ("initializing"): unlock it, and
    # force twice, which removes even a locked one; prune what has no folder any more.
    git("worktree", "unlock", str(tree))
    git("worktree", "remove", "--force", "--force", str(tree))
    git("worktree", "prune")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
