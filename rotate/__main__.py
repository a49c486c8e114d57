"""./scripts/rotate.sh <store-id> <new-model-version-arn> [--offline] [--accept-lower-f1]

Checks the new version (docs/operator.md, "Rotating a store to a newly trained model"), then
changes the store's `modelVersionArn:<store-id>` in cdk.json (that one value, nothing else in
the file) and prints the store's template diff. Exit status: 0 done (or nothing to do), 1
refused (cdk.json untouched), 2 bad arguments or configuration.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError

from fleet.calendar.zones import use_pinned_tzdata
from fleet.config import FleetConfig, StoreConfig
from fleet.names import stack_name
from fleet.reading.errors import ConfigError
from fleet.reading.loader import load_fleet
from fleet.settings.arn import parse_version_arn
from fleet.settings.rotation import ROTATE_SH_FLAGS, Refusal
from rotate.cdk_json import EditError, read_cdk_json, replace_context_value, write_atomically
from rotate.labels import (
    SummaryError,
    compare_versions,
    min_confidence_advice,
    table,
    unaccepted,
)
from rotate.preflight import (
    RefusedError,
    VersionInfo,
    aws_problem,
    check_offline,
    check_online,
    describe,
    side_by_side,
)

# The rotation loads the fleet, whose calendar is computed in the pinned zone rules.
use_pinned_tzdata()

if TYPE_CHECKING:
    from mypy_boto3_rekognition import RekognitionClient

ROOT = Path(__file__).resolve().parent.parent
# The operator waits on these calls: short timeouts, one retry.
CLIENT_CONFIG = Config(connect_timeout=5, read_timeout=15, retries={"total_max_attempts": 2})
Run = Callable[[Sequence[str], Path], int]


def run_cdk(arguments: Sequence[str], cwd: Path) -> int:
    """The pinned CDK CLI (on PATH through scripts/env.sh), output straight to the terminal."""
    return subprocess.run(["cdk", *arguments], cwd=cwd, check=False).returncode


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="./scripts/rotate.sh", description=__doc__.split("\n")[2])
    parser.add_argument("store", help="the store id, e.g. tokyo-ginza")
    parser.add_argument("new_arn", metavar="new-model-version-arn")
    parser.add_argument(
        "--offline",
        action="store_true",
        help="skip the checks against AWS (existence, state, F1); diff against the template "
        "synthesized before the change",
    )
    for refusal in ROTATE_SH_FLAGS:
        parser.add_argument(
            refusal.flag,
            action="append_const",
            const=refusal,
            dest="accepted",
            default=[],
            help=f"rotate although {refusal.what}",
        )
    parser.add_argument("--no-diff", action="store_true", help="do not run cdk diff afterwards")
    parser.add_argument("--cdk-json", type=Path, default=ROOT / "cdk.json", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def _fleet(context: dict[str, object]) -> FleetConfig:
    fleet = load_fleet(context, today=datetime.now(UTC).date())
    for warning in fleet.warnings:
        print(f"rotate: warning: {warning}", file=sys.stderr)
    return fleet


def check_labels(
    store: StoreConfig,
    current: VersionInfo | None,
    new: VersionInfo,
    s3: Any,
    args: argparse.Namespace,
) -> None:
    """Both versions' evaluations label by label: the table, then what is refused (unless its
    flag accepts it), warned about, reported, and minConfidence against the new thresholds. A
    summary that cannot be read is one line, and the rotation goes on with the overall F1."""
    s = store.settings
    expected = s.canary.expect_labels if s.canary else ()
    try:
        result, after = compare_versions(
            s3, current, new, max_label_f1_drop=s.max_label_f1_drop, expect_labels=expected
        )
    except SummaryError as error:
        print(
            f"rotate: labels not checked: {error}; the rotation continues with the overall-F1 "
            "checks only",
            file=sys.stderr,
        )
        return
    print("\nlabels, current -> new, worst change first:")
    print(table(result))
    for note in result.notes:
        print(f"rotate: note: {note}", file=sys.stderr)
    for warning in result.warnings:
        print(f"rotate: warning: {warning}", file=sys.stderr)
    labels = list(expected) or [figures.name for figures in after.values()]
    for line in min_confidence_advice(after, labels, s.min_confidence):
        print(f"rotate: minConfidence: {line}", file=sys.stderr)
    refused = unaccepted(result.refusals, args.accepted)
    if refused:
        raise RefusedError("; ".join(refused))


def main(
    argv: Sequence[str],
    *,
    rekognition: RekognitionClient | None = None,
    s3: Any = None,
    run: Run = run_cdk,
) -> int:
    args = parse_args(argv)
    path: Path = args.cdk_json
    try:
        text = read_cdk_json(path)
    except EditError as error:
        print(f"rotate: {error}", file=sys.stderr)
        return 2
    try:
        fleet = _fleet(json.loads(text)["context"])
    except ConfigError as error:
        print("rotate: cdk.json has problems to fix first:", file=sys.stderr)
        for problem in error.problems:
            print(f"  error: {problem}", file=sys.stderr)
        return 2
    store = next((s for s in fleet.stores if s.store_id == args.store), None)
    if store is None:
        known = ", ".join(s.store_id for s in fleet.stores)
        print(
            f"rotate: no store {args.store!r} in cdk.json; known stores: {known}", file=sys.stderr
        )
        return 2
    try:
        new = parse_version_arn(args.new_arn)
    except ValueError as error:
        print(f"rotate: {args.new_arn!r} {error}", file=sys.stderr)
        return 2
    current = store.settings.model
    if new.arn == current.arn:
        print(f"rotate: {new.arn} is already store {store.store_id}'s version; nothing to change")
        return 0

    key = f"modelVersionArn:{store.store_id}"
    try:
        check_offline(fleet, store, new)
        if args.offline:
            print(
                "rotate: warning: --offline: not checked that the version exists, that it finished "
                "training in a state that starts, nor its F1 score against minF1Score and the "
                "current version's; labels were not checked",
                file=sys.stderr,
            )
        else:
            try:
                client = rekognition or boto3.client(
                    "rekognition",
                    region_name=new.region,
                    config=CLIENT_CONFIG,
                )
            except BotoCoreError as error:  # a profile that does not exist fails here
                raise RefusedError(aws_problem(error, new.region)) from error
            found = describe(client, store.settings.project_arn, [current, new])
            current_info, new_info = check_online(
                store, new, found, accept_lower_f1=Refusal.LOWER_F1 in args.accepted
            )
            print(side_by_side(current_info, new_info, current.version_name))
            reader = s3 or boto3.client(
                "s3",
                region_name=new.region,
                config=CLIENT_CONFIG,
            )
            check_labels(store, current_info, new_info, reader, args)
        edited = replace_context_value(text, key, current.arn, new.arn)
        _fleet(json.loads(edited)["context"])  # the whole fleet must still be valid
    except (RefusedError, EditError) as error:
        print(f"rotate: refused: {error}; cdk.json is unchanged", file=sys.stderr)
        return 1
    except ConfigError as error:
        print(
            f"rotate: refused: {'; '.join(error.problems)}; cdk.json is unchanged", file=sys.stderr
        )
        return 1

    workdir = path.parent
    stack = store.stack_name
    with tempfile.TemporaryDirectory(prefix="rotate.") as scratch:
        before, after = Path(scratch) / "before", Path(scratch) / "after"

        def synth(out: Path) -> int:
            return run(
                ["synth", "--quiet", "-c", f"store={store.store_id}", "-o", str(out)], workdir
            )

        diff = not args.no_diff
        if diff and args.offline and synth(before):
            print(
                "rotate: cdk synth failed before the change; cdk.json is unchanged", file=sys.stderr
            )
            return 1
        write_atomically(path, edited)
        print(f"rotate: cdk.json: {key} = {new.arn}")
        print(f"        (was {current.arn})")
        if diff:
            if args.offline:
                template = before / f"{stack}.template.json"
                failed = synth(after) or run(
                    ["diff", "--app", str(after), "--template", str(template), stack], workdir
                )
            else:
                failed = run(["diff", "-c", f"store={store.store_id}", stack], workdir)
            if failed:
                print("rotate: cdk diff failed (see above); cdk.json is changed", file=sys.stderr)
                return 1

    sharing = [
        s.store_id
        for s in fleet.stores
        if s.store_id != store.store_id
        and s.settings.model.project_scope_arn == current.project_scope_arn
    ]
    print(f"\nNext: ./scripts/cdk deploy {stack}")
    if sharing:
        print(
            "      and, as they share the project: ./scripts/cdk deploy "
            + " ".join(stack_name(s) for s in sharing)
        )
    dashboard = next(d for d in fleet.dashboards() if store.store_id in d.store_ids)
    print(
        "      and the account's dashboard, which shows the version's inference units: "
        f"./scripts/cdk deploy {dashboard.stack_name}"
    )
    print(
        "Registers read the new handle within 60 s; the verifier's sweep stops the old version at "
        "the next opening or closing check."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
