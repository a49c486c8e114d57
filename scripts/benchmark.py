#!/usr/bin/env python3
"""Fleet benchmark: wall time and peak memory of synthesizing an empty CDK app (the floor),
the default fleet, and generated fleets of 10 and 100 stores; and the test suite's wall time.

Prints figures; asserts nothing (speed is measured here, never in a timed test). Peak memory is
the largest total resident set of the whole process tree (Python and the jsii Node process),
sampled every 20 ms. Run it with ./scripts/benchmark.sh on an otherwise idle machine.

Targets (README): 100 stores within 2.0x the floor; the test suite within 60 s on 2 cores.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
NOW = "2026-11-26T09:00:00Z"
PROJECT_ARN = "arn:aws:rekognition:ap-northeast-1:111122223333:project/bread/1761900000000"

EMPTY_APP = """
import aws_cdk as cdk
cdk.App().synth()
"""


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
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
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


def base_context() -> dict[str, Any]:
    context: dict[str, Any] = json.loads((ROOT / "cdk.json").read_text())["context"]
    context.update({"aws:cdk:bundling-stacks": ["**"], "aws:cdk:disable-version-reporting": True})
    context["now"] = NOW
    return context


def generated_context(stores: int) -> dict[str, Any]:
    """`stores` stores in four zones, a closed weekday for some, each with its own version."""
    context = base_context()
    context = {k: v for k, v in context.items() if not k.startswith("modelVersionArn:")}
    fleet = copy.deepcopy(context["fleet"])
    zones = ["Asia/Tokyo", "America/Los_Angeles", "Europe/Berlin", "Australia/Sydney"]
    fleet["stores"] = {}
    for n in range(stores):
        store_id = f"store-{n:03d}"
        fleet["stores"][store_id] = {
            "timezone": zones[n % len(zones)],
            "projectArn": PROJECT_ARN,
            **({"openDays": ["TUE", "WED", "THU", "FRI", "SAT", "SUN"]} if n % 3 == 0 else {}),
            **({"closedDates": ["2026-12-31..2027-01-03"]} if n % 2 == 0 else {}),
        }
        context[f"modelVersionArn:{store_id}"] = (
            "arn:aws:rekognition:ap-northeast-1:111122223333:project/bread/version/"
            f"bread.v{n:03d}/1761987600000"
        )
    context["fleet"] = fleet
    return context


def synth_env(context: dict[str, Any] | None, outdir: str) -> dict[str, str]:
    env = {
        **os.environ,
        "CDK_OUTDIR": outdir,
        "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
    }
    if context is not None:
        env["CDK_CONTEXT_JSON"] = json.dumps(context)
    return env


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-tests", action="store_true", help="do not time the test suite")
    args = parser.parse_args()
    python = sys.executable
    rows: list[tuple[str, float, float]] = []

    cases: list[tuple[str, list[str], dict[str, Any] | None]] = [
        ("empty app (floor)", [python, "-c", EMPTY_APP], None),
        ("default fleet (3 stores)", [python, "app.py"], base_context()),
        ("10 stores", [python, "app.py"], generated_context(10)),
        ("100 stores", [python, "app.py"], generated_context(100)),
    ]
    for label, command, context in cases:
        with tempfile.TemporaryDirectory() as outdir:
            wall, peak = measure(command, synth_env(context, outdir))
        rows.append((label, wall, peak))
        print(f"  measured {label}: {wall:.1f} s, {peak:.0f} MiB", file=sys.stderr)

    floor_wall, floor_peak = rows[0][1], rows[0][2]
    print(f"{'synthesis':28} {'wall s':>8} {'x floor':>8} {'peak MiB':>9} {'x floor':>8}")
    for label, wall, peak in rows:
        print(
            f"{label:28} {wall:8.1f} {wall / floor_wall:8.2f} {peak:9.0f} {peak / floor_peak:8.2f}"
        )
    if not args.skip_tests:
        started = time.perf_counter()
        done = subprocess.run(
            [python, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        wall = time.perf_counter() - started
        summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else "?"
        print(f"\ntest suite ({os.cpu_count()} cores): {wall:.1f} s wall ({summary})")
    print("\ntargets: 100 stores <= 2.00x the floor; test suite <= 60 s on 2 cores")
    return 0


if __name__ == "__main__":
    sys.exit(main())
