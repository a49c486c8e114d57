#!/usr/bin/env python3
"""Fleet benchmark: a generated fleet's `cdk synth` against an empty CDK app (the floor).

1. Ratio: the floor (`import aws_cdk; App().synth()`) and the app as `cdk synth` runs it
   (cdk.json's "app" command, with the context the CLI passes) for 100 generated stores, run
   alternately; medians of wall time, and peak memory.
2. Phases of 100 stores, each run in a fresh process: building the stacks, synthesis, and the
   validation plugins (cdk-nag; Control Tower's checks when asked for with
   -c controlTowerChecks=true): synthesis with the plugins minus synthesis without them.
3. Scale: 10, 100 and 1,000 stores once each, wall time and peak memory, per store; and 1,000
   stores in 25 serving groups next to 1,000 with a version each.
4. The fleet's pipelines (-c pipeline=true) for 100 and 1,000 stores: wall time, peak memory,
   how many pipelines and the largest one's actions and stages (CodePipeline: 500 and 50).
5. The test suite's wall time, all of it and without the tests marked e2e.

Prints figures and asserts nothing: speed is measured here, never in a timed test. Peak memory is
the largest resident set of the whole process tree (Python and the jsii Node process), sampled
every 20 ms. Run it on an otherwise idle machine: ./scripts/benchmark.sh

Target (docs/platform-engineer.md, "Benchmark"): 100 stores within 3.0x the floor.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from fleet.names import PIPELINE_PREFIX

ROOT = Path(__file__).resolve().parent.parent
PROJECT_ARN = "arn:aws:rekognition:ap-northeast-1:111122223333:project/bread/1761900000000"
TARGET = 3.0
EMPTY_APP = "import aws_cdk as cdk; cdk.App().synth()"
# What the pinned CLI adds to cdk.json's context (tests/synth.py reads the same off the CLI).
CLI_CONTEXT = {"aws:cdk:bundling-stacks": ["**"], "aws:cdk:disable-version-reporting": True}


def tree_rss_kib(pid: int) -> int:
    """Resident memory of `pid` and all its descendants, in KiB."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        ppid = int(fields.get("PPid", "0").strip() or 0)
        children.setdefault(ppid, []).append(int(entry.name))
        rss[int(entry.name)] = int(fields.get("VmRSS", "0 kB").split()[0] or 0)
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        total += rss.get(current, 0)
        stack.extend(children.get(current, []))
    return total


def measure(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, peak MiB) of a command and everything it starts."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_rss_kib(process.pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, stderr = process.communicate()
    wall = time.perf_counter() - started
    done.set()
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"benchmark: {' '.join(command)} failed:\n{stderr[-2000:]}")
    return wall, peak / 1024


def cdk_json() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((ROOT / "cdk.json").read_text(encoding="utf-8"))
    return data


# --holidays: each zone's store closes on its country's public holidays.
CALENDARS = {
    "Asia/Tokyo": "JP",
    "America/Los_Angeles": "US-CA",
    "Europe/Berlin": "DE-BE",
    "Australia/Sydney": "AU-NSW",
}
HOLIDAYS = False


def generated_context(stores: int, groups: int = 0, **extra: Any) -> dict[str, Any]:
    """`stores` stores in four zones, a closed weekday for some, closures for half, each with
    its own version (and with --holidays its country's holiday calendar); cdk.json's defaults and
    feature flags, as the CLI passes them. With `groups`, the stores are members of that many
    serving groups instead (store n of group n % groups, each group in one zone, a version
    each)."""
    context = {
        k: v for k, v in cdk_json()["context"].items() if not k.startswith("modelVersionArn:")
    }
    context.update(CLI_CONTEXT)
    fleet = copy.deepcopy(context["fleet"])
    zones = ["Asia/Tokyo", "America/Los_Angeles", "Europe/Berlin", "Australia/Sydney"]
    pipeline = fleet.pop("pipeline", None)
    if "pipeline" in extra and pipeline is not None:
        fleet["pipeline"] = {**pipeline, "canary": "store-0000"}
    # One account holding them all, as a real fleet of this size would after raising its quotas.
    fleet["quotas"] = {
        "accounts": {
            "111122223333": {
                "iamRoles": 5000,
                "iamManagedPolicies": 5000,
                "regions": {
                    "ap-northeast-1": {"scheduleGroups": 5000, "runningModels": max(stores, 2)}
                },
            }
        }
    }
    fleet["stores"] = {}
    if groups:
        fleet["groups"] = {}
    for g in range(groups):
        fleet["groups"][f"group-{g:02d}"] = {
            "projectArn": PROJECT_ARN.replace("/bread/", f"/bread-g{g}/")
        }
        context[f"modelVersionArn:group-{g:02d}"] = (
            f"arn:aws:rekognition:ap-northeast-1:111122223333:project/bread-g{g}/version/"
            f"bread-g{g}.v1/1761987600000"
        )
    for n in range(stores):
        store_id = f"store-{n:04d}"
        project = n // 4  # four stores a project: the pipeline's unit of deployment
        zone = zones[(n % groups if groups else n) % len(zones)]
        fleet["stores"][store_id] = {
            "timezone": zone,
            **(
                {"group": f"group-{n % groups:02d}"}
                if groups
                else {"projectArn": PROJECT_ARN.replace("/bread/", f"/bread{project}/")}
            ),
            **({"openDays": ["TUE", "WED", "THU", "FRI", "SAT", "SUN"]} if n % 3 == 0 else {}),
            **({"closedDates": ["2026-12-31..2027-01-03"]} if n % 2 == 0 else {}),
            **({"holidayCalendar": CALENDARS[zone]} if HOLIDAYS else {}),
        }
        if not groups:
            context[f"modelVersionArn:{store_id}"] = (
                f"arn:aws:rekognition:ap-northeast-1:111122223333:project/bread{project}/"
                f"version/bread{project}.v{n:04d}/1761987600000"
            )
    context["fleet"] = fleet
    context.update(extra)
    return context


def app_command() -> list[str]:
    """cdk.json's "app" command, with this virtual environment's Python."""
    words = shlex.split(cdk_json()["app"])
    return [sys.executable if words[0].startswith("python") else words[0], *words[1:]]


# Above this, the CLI hands the context over in a file: an environment variable would not hold it.
CONTEXT_ENV_LIMIT = 100_000


def env_for(context: dict[str, Any] | None, outdir: str) -> dict[str, str]:
    env = {**os.environ, "CDK_OUTDIR": outdir}
    if context is not None:
        text = json.dumps(context)
        if len(text) > CONTEXT_ENV_LIMIT:
            overflow = Path(outdir) / "context.json"
            overflow.write_text(text, encoding="utf-8")
            env["CONTEXT_OVERFLOW_LOCATION_ENV"] = str(overflow)
        else:
            env["CDK_CONTEXT_JSON"] = text
    return env


def run_case(command: list[str], context: dict[str, Any] | None) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as outdir:
        return measure(command, env_for(context, outdir))


# --- phases, in a fresh process each: python scripts/benchmark.py --phases N [--no-plugins]


def phases_child(stores: int, plugins: bool, control_tower: bool) -> None:
    started = time.perf_counter()
    import aws_cdk as cdk

    import app as app_module
    from stacks.fleet_app import cli_app

    imported = time.perf_counter()
    if not plugins:
        cdk.Validations.add_plugins = lambda self, *plugins: None  # type: ignore[method-assign]
    extra = {"controlTowerChecks": True} if control_tower else {}
    with tempfile.TemporaryDirectory() as outdir:
        app = cli_app(context=generated_context(stores, **extra), outdir=outdir)
        app_module.build(app)
        built = time.perf_counter()
        app.synth()
        synthesized = time.perf_counter()
    print(
        json.dumps(
            {
                "import": imported - started,
                "build": built - imported,
                "synth": synthesized - built,
            }
        )
    )


def phases(stores: int, runs: int, control_tower: bool) -> dict[str, float]:
    """Medians: importing, building the stacks, synthesis without validation plugins, and what
    the plugins add to synthesis."""
    found: dict[str, list[float]] = {"import": [], "build": [], "synth": [], "plugins": []}
    python = [*app_command()[:-1]]  # the interpreter and its flags, as cdk synth runs it
    for _ in range(runs):
        for plugins in (True, False):
            command = [*python, __file__, "--phases", str(stores)]
            if not plugins:
                command.append("--no-plugins")
            if control_tower:
                command.append("--control-tower")
            if HOLIDAYS:
                command.append("--holidays")
            done = subprocess.run(
                command,
                cwd=ROOT,
                env=env_for(None, tempfile.gettempdir()),
                capture_output=True,
                text=True,
                check=True,
            )
            figures = json.loads(done.stdout.strip().splitlines()[-1])
            if plugins:
                found["plugins"].append(figures["synth"])
            else:
                found["import"].append(figures["import"])
                found["build"].append(figures["build"])
                found["synth"].append(figures["synth"])
    result = {key: statistics.median(values) for key, values in found.items()}
    result["plugins"] = result["plugins"] - result["synth"]
    return result


def pipeline_lines(outdir: Path) -> list[tuple[str, int, int]]:
    """(pipeline, actions, stages) of every pipeline template the synth wrote."""
    found = []
    for path in sorted(outdir.glob(f"{PIPELINE_PREFIX}*.template.json")):
        template = json.loads(path.read_text(encoding="utf-8"))
        for resource in template["Resources"].values():
            if resource["Type"] == "AWS::CodePipeline::Pipeline":
                stages = resource["Properties"]["Stages"]
                actions = sum(len(s["Actions"]) for s in stages)
                found.append((path.name, actions, len(stages)))
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="alternating runs (default 5)")
    parser.add_argument("--skip-1000", action="store_true", help="leave out 1,000 stores")
    parser.add_argument("--skip-tests", action="store_true", help="do not time the test suite")
    parser.add_argument(
        "--holidays", action="store_true", help="every generated store has a holiday calendar"
    )
    parser.add_argument("--ratio-only", action="store_true", help="only the ratio (part 1)")
    parser.add_argument("--phases", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--no-plugins", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--control-tower", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    global HOLIDAYS
    HOLIDAYS = args.holidays
    if args.phases:
        phases_child(args.phases, not args.no_plugins, args.control_tower)
        return 0

    floor_cmd = [sys.executable, "-c", EMPTY_APP]
    app_cmd = app_command()
    print(f"app command: {' '.join(app_cmd)} (cdk.json); floor: python -c {EMPTY_APP!r}")

    # 1. The ratio: floor and 100 stores alternately, medians.
    floor: list[tuple[float, float]] = []
    fleet: list[tuple[float, float]] = []
    hundred = generated_context(100)
    for run in range(args.runs):
        floor.append(run_case(floor_cmd, None))
        fleet.append(run_case(app_cmd, hundred))
        print(
            f"  run {run + 1}/{args.runs}: floor {floor[-1][0]:.1f} s, "
            f"100 stores {fleet[-1][0]:.1f} s",
            file=sys.stderr,
        )
    floor_wall = statistics.median(w for w, _ in floor)
    fleet_wall = statistics.median(w for w, _ in fleet)
    floor_peak = statistics.median(p for _, p in floor)
    fleet_peak = statistics.median(p for _, p in fleet)
    ratio = fleet_wall / floor_wall
    title = f"median of {args.runs} alternating runs"
    print(f"\n{title:34} {'wall s':>7} {'peak MiB':>9}")
    print(f"{'empty CDK app (floor)':34} {floor_wall:7.2f} {floor_peak:9.0f}")
    print(f"{'100 stores, as cdk synth runs it':34} {fleet_wall:7.2f} {fleet_peak:9.0f}")
    verdict = "within" if ratio <= TARGET else "MISSES"
    print(
        f"ratio: {ratio:.2f}x the floor ({verdict} the {TARGET:.1f}x target); "
        f"memory {fleet_peak / floor_peak:.2f}x"
    )

    if args.ratio_only:
        return 0

    # 2. Phases of 100 stores.
    split = phases(100, max(1, args.runs // 2), control_tower=False)
    guard = phases(100, 1, control_tower=True)
    print("\nphases of 100 stores (in-process, medians), seconds")
    print(f"  import aws_cdk and the app   {split['import']:6.2f}")
    per_store = split["build"] * 10  # ms a store, of 100
    print(f"  build the stacks             {split['build']:6.2f}  ({per_store:.0f} ms a store)")
    print(f"  synthesis, without plugins   {split['synth']:6.2f}")
    print(f"  validation plugins (cdk-nag) {split['plugins']:6.2f}")
    control_tower = guard["plugins"] - split["plugins"]
    print(
        f"  + Control Tower checks       {control_tower:6.2f}  (-c controlTowerChecks=true, 1 run)"
    )

    # 3. Scale.
    print(f"\n{'scale (one run each)':24} {'wall s':>7} {'s/store':>8} {'peak MiB':>9}")
    sizes = [10, 100] if args.skip_1000 else [10, 100, 1000]
    for stores in sizes:
        wall, peak = run_case(app_cmd, generated_context(stores))
        print(f"{str(stores) + ' stores':24} {wall:7.1f} {wall / stores:8.3f} {peak:9.0f}")

    # 3b. Serving groups: the same stores in 25 groups (one version each) against a version a
    # store; the grouped fleet must not be slower.
    if not args.skip_1000:
        print(f"\n{'1,000 stores (one run each)':28} {'wall s':>7} {'peak MiB':>9}  stacks")
        for label, groups in (("a version each", 0), ("in 25 serving groups", 25)):
            wall, peak = run_case(app_cmd, generated_context(1000, groups=groups))
            stacks = 1000 + groups
            print(f"{label:28} {wall:7.1f} {peak:9.0f}  {stacks}")

    # 4. The fleet's pipelines (-c pipeline=true), next to the flat synth above.
    print(f"\n{'pipelines (one run each)':24} {'wall s':>7} {'s/store':>8} {'peak MiB':>9}  limits")
    for stores in [100] if args.skip_1000 else [100, 1000]:
        with tempfile.TemporaryDirectory() as outdir:
            context = generated_context(stores, pipeline=True)
            wall, peak = measure(app_cmd, env_for(context, outdir))
            lines = pipeline_lines(Path(outdir))
        worst = max(lines, key=lambda line: line[1]) if lines else ("-", 0, 0)
        print(
            f"{str(stores) + ' stores':24} {wall:7.1f} {wall / stores:8.3f} {peak:9.0f}  "
            f"{len(lines)} pipelines, the largest {worst[1]} actions in {worst[2]} stages"
        )

    # 5. The test suite: all of it (the budget's figure), and the quick loop without `e2e`.
    if not args.skip_tests:
        print(f"\ntest suite ({os.cpu_count()} cores; budget 90 s)")
        for label, selection in (("all", []), ('-m "not e2e"', ["-m", "not e2e"])):
            started = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *selection],
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=False,
            )
            wall = time.perf_counter() - started
            summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else "?"
            print(f"  {label:14} {wall:7.1f} s wall ({summary})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
