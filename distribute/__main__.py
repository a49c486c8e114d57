"""./scripts/distribute.sh <source version ARN> [<group-or-store-id> ...]: copy a newly trained
version into every project it serves (docs/operator.md, "Distributing a new version").

Exit status: 0 every target was written into cdk.json (or, with --dry-run, nothing would fail to
start); 1 some were refused or failed (the others written); 2 bad input (nothing done).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from distribute.accounts import Reach, boto_reach
from distribute.run import (
    DEADLINE_MINUTES,
    POLL_SECONDS,
    Clock,
    Options,
    Sleep,
    distribute,
    table,
)
from distribute.targets import InputError, select
from fleet.calendar.zones import use_pinned_tzdata
from fleet.reading.errors import ConfigError
from fleet.reading.loader import load_fleet
from fleet.settings.arn import parse_version_arn
from fleet.settings.rotation import add_accept_flags
from rotate.cdk_json import EditError, read_cdk_json

# The fleet's calendar is computed in the pinned zone rules, as the synth computes it.
use_pinned_tzdata()

ROOT = Path(__file__).resolve().parent.parent


def _minutes(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 86400:
        raise argparse.ArgumentTypeError(f"{text!r}: give a number of 0 or more, e.g. 60")
    return value


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="./scripts/distribute.sh",
        description="Copy a newly trained version into the projects of the stores and serving "
        "groups it serves, check each copy and write the passing ones into cdk.json.",
    )
    parser.add_argument("source", metavar="source-version-arn")
    parser.add_argument(
        "ids",
        nargs="*",
        metavar="group-or-store-id",
        help="only these (default: every one whose sourceProjectArn is the source's project)",
    )
    add_accept_flags(parser, doing="go ahead")
    parser.add_argument(
        "--dry-run", action="store_true", help="say what it would do; change nothing in AWS"
    )
    parser.add_argument(
        "--prune",
        action="store_true",
        help="then delete the copies this command made in the targets' projects that no store "
        "or group names, keeping the newest of them",
    )
    parser.add_argument(
        "--poll-seconds",
        type=_minutes,
        default=POLL_SECONDS,
        help=f"seconds between looks at the copies (default {POLL_SECONDS}; 0 allowed)",
    )
    parser.add_argument(
        "--deadline-minutes",
        type=_minutes,
        default=DEADLINE_MINUTES,
        help=f"stop waiting for copies after this long (default {DEADLINE_MINUTES}); a run "
        "started again picks them up",
    )
    parser.add_argument("--cdk-json", type=Path, default=ROOT / "cdk.json", help=argparse.SUPPRESS)
    # Flags before or after the arguments.
    return parser.parse_intermixed_args(argv)


def main(
    argv: Sequence[str],
    *,
    reach: Reach | None = None,
    sleep: Sleep = time.sleep,
    clock: Clock = time.monotonic,
) -> int:
    args = parse_args(argv)
    try:
        source = parse_version_arn(args.source)
    except ValueError as error:
        print(f"distribute: {args.source!r} {error}: give a model version ARN")
        return 2
    try:
        context = json.loads(read_cdk_json(args.cdk_json))["context"]
        fleet = load_fleet(context, today=datetime.now(UTC).date())
        targets = select(fleet, source, args.ids)
    except EditError as error:
        print(f"distribute: {error}")
        return 2
    except ConfigError as error:
        print("distribute: cdk.json has problems to fix first:")
        for problem in error.problems:
            print(f"  error: {problem}")
        return 2
    except InputError as error:
        print(f"distribute: {error}")
        return 2
    options = Options(
        accepted=frozenset(args.accepted),
        dry_run=args.dry_run,
        prune=args.prune,
        poll_seconds=args.poll_seconds,
        deadline_minutes=args.deadline_minutes,
    )
    role = fleet.distribution.role_name
    reach = reach or boto_reach(
        source_account=source.account,
        partition=source.partition,
        region=source.region,
        role_name=role,
    )
    print(
        f"distribute: {source.version_name} to {len(targets)} target"
        f"{'s' * (len(targets) != 1)}{' (dry run: nothing changes in AWS)' * args.dry_run}"
    )
    try:
        results = distribute(
            source,
            targets,
            reach,
            role_name=role,
            cdk_json=args.cdk_json,
            options=options,
            sleep=sleep,
            clock=clock,
        )
    except InputError as error:
        print(f"distribute: {error}")
        return 2
    print(table(results))
    if args.dry_run:
        return 0 if all(r.outcome.startswith("would ") for r in results) else 1
    return 0 if all(r.written for r in results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
