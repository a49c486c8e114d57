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
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError

from fleet.calendar.zones import use_pinned_tzdata
from fleet.config import FleetConfig, GroupConfig, StoreConfig
from fleet.reading.errors import ConfigError
from fleet.reading.loader import load_fleet
from fleet.settings.arn import ModelVersion, parse_version_arn
from fleet.settings.rotation import Refusal, add_accept_flags
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
    parser.add_argument("store", help="the store or serving group id, e.g. tokyo-ginza")
    parser.add_argument("new_arn", metavar="new-model-version-arn")
    parser.add_argument(
        "--offline",
        action="store_true",
        help="skip the checks against AWS (existence, state, F1); diff against the template "
        "synthesized before the change",
    )
    add_accept_flags(parser, doing="rotate")
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


@dataclass(frozen=True)
class Rotation:
    """What the operator asked, read from the arguments and cdk.json."""

    args: argparse.Namespace
    text: str  # cdk.json as stored
    fleet: FleetConfig
    # The store, or a serving group's first member (its settings hold the group's model's).
    store: StoreConfig
    new: ModelVersion
    group: GroupConfig | None = None

    @property
    def owner_id(self) -> str:
        return self.group.group_id if self.group else self.store.store_id

    @property
    def owner(self) -> str:
        return f"group {self.owner_id}" if self.group else f"store {self.owner_id}"

    @property
    def key(self) -> str:
        return f"modelVersionArn:{self.owner_id}"

    @property
    def stacks(self) -> list[str]:
        """What the rotation changes: the store's stack, or the group's and its members'."""
        if self.group is None:
            return [self.store.stack_name]
        return [self.group.stack_name, *(m.stack_name for m in self.group.members)]

    @property
    def selection(self) -> str:
        """`-c store=` for those stacks."""
        if self.group is None:
            return self.store.store_id
        return ",".join([self.group.group_id, *self.group.member_ids])


class StopError(Exception):
    """Ends the command: the exit status, after the lines already printed."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


def _say(line: str) -> None:
    print(line, file=sys.stderr)


def read(args: argparse.Namespace) -> Rotation:
    """cdk.json, the fleet, the store and the new version; StopError(2) with one line each."""
    try:
        text = read_cdk_json(args.cdk_json)
    except EditError as error:
        _say(f"rotate: {error}")
        raise StopError(2) from error
    try:
        fleet = _fleet(json.loads(text)["context"])
    except ConfigError as error:
        _say("rotate: cdk.json has problems to fix first:")
        for problem in error.problems:
            _say(f"  error: {problem}")
        raise StopError(2) from error
    group = next((g for g in fleet.groups if g.group_id == args.store), None)
    store = (
        group.members[0]
        if group
        else next((s for s in fleet.stores if s.store_id == args.store), None)
    )
    if store is None:
        known = ", ".join(s.store_id for s in fleet.stores)
        groups = f"; serving groups: {', '.join(g.group_id for g in fleet.groups)}"
        _say(
            f"rotate: no store {args.store!r} in cdk.json; known stores: {known}"
            f"{groups if fleet.groups else ''}"
        )
        raise StopError(2)
    if group is None and store.group_id is not None:
        _say(
            f"rotate: store {store.store_id} is a member of serving group {store.group_id} and "
            f"runs the group's version: rotate the group, ./scripts/rotate.sh {store.group_id} "
            f"{args.new_arn}"
        )
        raise StopError(2)
    try:
        new = parse_version_arn(args.new_arn)
    except ValueError as error:
        _say(f"rotate: {args.new_arn!r} {error}")
        raise StopError(2) from error
    return Rotation(args, text, fleet, store, new, group)


def check(rotation: Rotation, rekognition: RekognitionClient | None, s3: Any) -> str:
    """Every check of the pre-flight; cdk.json's text with the one value changed.
    RefusedError, EditError or ConfigError when it must not go ahead."""
    args, store, new = rotation.args, rotation.store, rotation.new
    current = store.settings.model
    check_offline(rotation.fleet, store, new)
    if args.offline:
        _say(
            "rotate: warning: --offline: not checked that the version exists, that it finished "
            "training in a state that starts, nor its F1 score against minF1Score and the "
            "current version's; labels were not checked"
        )
    else:
        try:
            client = rekognition or boto3.client(
                "rekognition", region_name=new.region, config=CLIENT_CONFIG
            )
        except BotoCoreError as error:  # a profile that does not exist fails here
            raise RefusedError(aws_problem(error, new.region)) from error
        found = describe(client, store.settings.project_arn, [current, new])
        current_info, new_info = check_online(
            store, new, found, accept_lower_f1=Refusal.LOWER_F1 in args.accepted
        )
        print(side_by_side(current_info, new_info, current.version_name))
        reader = s3 or boto3.client("s3", region_name=new.region, config=CLIENT_CONFIG)
        check_labels(store, current_info, new_info, reader, args)
    edited = replace_context_value(rotation.text, rotation.key, current.arn, new.arn)
    _fleet(json.loads(edited)["context"])  # the whole fleet must still be valid
    return edited


def edit(rotation: Rotation, edited: str, run: Run) -> None:
    """Write the one value, and show the template diff of each stack it changes (against the
    templates before the change when offline); StopError(1) when a synth or a diff fails."""
    args, store = rotation.args, rotation.store
    path: Path = args.cdk_json
    workdir = path.parent
    with tempfile.TemporaryDirectory(prefix="rotate.") as scratch:
        before, after = Path(scratch) / "before", Path(scratch) / "after"

        def synth(out: Path) -> int:
            return run(
                ["synth", "--quiet", "-c", f"store={rotation.selection}", "-o", str(out)], workdir
            )

        diff = not args.no_diff
        if diff and args.offline and synth(before):
            _say("rotate: cdk synth failed before the change; cdk.json is unchanged")
            raise StopError(1)
        write_atomically(path, edited)
        print(f"rotate: cdk.json: {rotation.key} = {rotation.new.arn}")
        print(f"        (was {store.settings.model.arn})")
        if diff:
            if args.offline:
                failed = synth(after) or next(
                    (
                        code
                        for stack in rotation.stacks
                        if (
                            code := run(
                                [
                                    "diff",
                                    "--app",
                                    str(after),
                                    "--template",
                                    str(before / f"{stack}.template.json"),
                                    stack,
                                ],
                                workdir,
                            )
                        )
                    ),
                    0,
                )
            else:
                failed = run(
                    ["diff", "-c", f"store={rotation.selection}", *rotation.stacks], workdir
                )
            if failed:
                _say("rotate: cdk diff failed (see above); cdk.json is changed")
                raise StopError(1)


def show(rotation: Rotation) -> None:
    """What to deploy next: the store's (or the group's and its members') stacks, the stacks
    sharing its project (their sweep must know the new version), the account's dashboard."""
    fleet, store = rotation.fleet, rotation.store
    scope = store.settings.model.project_scope_arn
    mine = set(rotation.stacks)
    sharing = [
        s.stack_name
        for s in fleet.stores
        if s.stack_name not in mine and s.settings.model.project_scope_arn == scope
    ]
    print(f"\nNext: ./scripts/cdk deploy {' '.join(rotation.stacks)}")
    if sharing:
        print("      and, as they share the project: ./scripts/cdk deploy " + " ".join(sharing))
    dashboard = next((d for d in fleet.dashboards() if store.store_id in d.store_ids), None)
    if dashboard is not None:
        print(
            "      and the account's dashboard, which shows the version's inference units: "
            f"./scripts/cdk deploy {dashboard.stack_name}"
        )
    print(
        "Registers read the new handle within 60 s; the verifier's sweep stops the old version at "
        "the next opening or closing check."
    )


def main(
    argv: Sequence[str],
    *,
    rekognition: RekognitionClient | None = None,
    s3: Any = None,
    run: Run = run_cdk,
) -> int:
    """Read, check, edit, show; the exit status."""
    try:
        rotation = read(parse_args(argv))
        current = rotation.store.settings.model
        if rotation.new.arn == current.arn:
            print(f"rotate: {current.arn} is already {rotation.owner}'s version; nothing to change")
            return 0
        try:
            edited = check(rotation, rekognition, s3)
        except (RefusedError, EditError) as error:
            _say(f"rotate: refused: {error}; cdk.json is unchanged")
            return 1
        except ConfigError as error:
            _say(f"rotate: refused: {'; '.join(error.problems)}; cdk.json is unchanged")
            return 1
        edit(rotation, edited, run)
    except StopError as stop:
        return stop.status
    show(rotation)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
