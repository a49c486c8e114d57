"""Before a pipeline's canary: the rotation pre-flight for every store whose version the commit
changed, since a commit can change `modelVersionArn:<store>` without ./scripts/rotate.sh.

    python -m pipeline_checks.rotations --stores tokyo-ginza,seattle-pike-place

"Changed" is against what is deployed: the store's model handle (the SSM parameter its stack
publishes) names the version that runs. It reads, in each store's account through the CDK
bootstrap's lookup role, the handle, DescribeProjectVersions and the summary files, and applies
the same checks as rotate.sh. A refusal fails the pipeline unless cdk.json accepts it for that
store and version: fleet.pipeline.acceptRotations.<store> = {"modelVersionArn": "<the new ARN>",
"accept": ["lower-label-f1", ...]}, reviewed in the same commit. Unlike rotate.sh, labels that
cannot be checked (a summary it cannot read, e.g. under a customer managed KMS key, on which
the bootstrap's lookup role has no kms:Decrypt, or figures it cannot judge) are a refusal too:
"unchecked-labels".

Exit status: 0 nothing refused; 1 refused (one line each); 2 it could not look.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from fleet.calendar.zones import use_pinned_tzdata
from fleet.config import FleetConfig, StoreConfig
from fleet.names import lookup_role_arn
from fleet.reading.errors import ConfigError
from fleet.reading.loader import load_fleet
from fleet.settings.rotation import Refusal
from rekognition_model_client.handle import parameter_name
from rotate.cdk_json import EditError, read_cdk_json
from rotate.labels import Refused, unaccepted
from rotate.preflight import RefusedError, check_version

# The fleet's calendar is computed in the pinned zone rules, as the synth computes it.
use_pinned_tzdata()

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Clients:
    ssm: Any
    rekognition: Any
    s3: Any


Connect = Callable[[StoreConfig], Clients]


def connect(store: StoreConfig) -> Clients:
    """Clients in the store's account and Region, through the bootstrap's lookup role."""
    model = store.settings.model
    role = lookup_role_arn(model.partition, model.account, model.region)
    credentials = boto3.client("sts", region_name=model.region).assume_role(
        RoleArn=role, RoleSessionName="rotation-check"
    )["Credentials"]
    session = boto3.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        region_name=model.region,
    )
    return Clients(session.client("ssm"), session.client("rekognition"), session.client("s3"))


class HandleError(ValueError):
    """A deployed model handle this check cannot read; the message is the line to show."""


def deployed_version(ssm: Any, store_id: str) -> str | None:
    """The version the store's deployed model handle names; None for a store not deployed."""
    name = parameter_name(store_id)
    try:
        value = ssm.get_parameter(Name=name)["Parameter"]["Value"]
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "ParameterNotFound":
            return None
        raise
    try:
        arn = json.loads(value)["modelVersionArn"]
    except (ValueError, TypeError, KeyError) as error:
        arn = error
    if not isinstance(arn, str):
        raise HandleError(
            f"store {store_id}'s deployed model handle {name} is not a model handle (JSON "
            f"with a modelVersionArn string): {arn!r}; was the parameter changed by hand? "
            "Restore it, or deploy the store's stack from a reviewed commit"
        )
    return arn


@dataclass(frozen=True)
class Subject:
    """What runs a version of its own: a store, or a serving group (read through its members'
    deployed handles, which name the version they run: a store that joins a group still names
    its own, so joining is a rotation of that store, checked as the group's)."""

    label: str  # "store <id>" or "serving group <id>"
    owner_id: str  # its key in fleet.pipeline.acceptRotations
    store: StoreConfig  # whose settings the checks read (a member's model settings are its group's)
    handles: tuple[str, ...]  # the stores whose deployed handles name what runs


def subjects(fleet: FleetConfig, wanted: set[str]) -> list[Subject]:
    """The stores and groups `wanted` names (all when empty); a member named brings its group."""
    found = [
        Subject(f"store {s.store_id}", s.store_id, s, (s.store_id,))
        for s in fleet.stores
        if s.group_id is None and (not wanted or s.store_id in wanted)
    ]
    for group in fleet.groups:
        if not wanted or group.group_id in wanted or wanted.intersection(group.member_ids):
            found.append(
                Subject(
                    f"serving group {group.group_id}",
                    group.group_id,
                    group.members[0],
                    group.member_ids,
                )
            )
    return found


def decide(subject: Subject, clients: Clients, accepted: frozenset[Refusal]) -> list[str]:
    """One line per refusal the commit does not accept; [] when it may go ahead."""
    s = subject.store.settings
    running: dict[str, list[str]] = {}
    for store_id in subject.handles:
        deployed = deployed_version(clients.ssm, store_id)
        if deployed is not None and deployed != s.model.arn:
            running.setdefault(deployed, []).append(store_id)
    refused = []
    for deployed, where in running.items():
        label = subject.label
        if len(subject.handles) > 1 or subject.handles != (subject.owner_id,):
            label += f" (deployed for {', '.join(where)})"
        refused += _decide_one(label, subject.store, deployed, clients, accepted)
    return refused


def _decide_one(
    label: str, store: StoreConfig, deployed: str, clients: Clients, accepted: frozenset[Refusal]
) -> list[str]:
    verdict = check_version(
        store,
        clients.rekognition,
        clients.s3,
        current_arn=deployed,
        new=store.settings.model,
        accepted=accepted,
    )
    refused = list(verdict.refused)
    if verdict.unchecked is not None:
        # rotate.sh goes on with the overall F1; a pipeline has no operator to read that line.
        unchecked = Refused(Refusal.UNCHECKED_LABELS, f"labels not checked: {verdict.unchecked}")
        refused += unaccepted([unchecked], accepted)
    return [f"{label}: {line}" for line in refused]


def check(subjects: Sequence[Subject], accepts: dict[str, Any], connect: Connect) -> list[str]:
    refused: list[str] = []
    for subject in subjects:
        acceptance = accepts.get(subject.owner_id)
        accepted = (
            frozenset(acceptance.accept)
            if acceptance and acceptance.model_version_arn == subject.store.settings.model.arn
            else frozenset()
        )
        refused += decide(subject, connect(subject.store), accepted)
    return refused


def main(argv: Sequence[str], connect: Connect = connect) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline_checks.rotations")
    parser.add_argument(
        "--stores", default="", help="comma-separated store and group ids (default all)"
    )
    parser.add_argument("--cdk-json", type=Path, default=ROOT / "cdk.json", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    try:
        context = json.loads(read_cdk_json(args.cdk_json))["context"]
        fleet = load_fleet(context, today=datetime.now(UTC).date())
    except (EditError, ConfigError) as error:
        print(f"rotation check: cdk.json cannot be read: {error}")
        return 2
    wanted = {s for s in args.stores.split(",") if s}
    chosen = subjects(fleet, wanted)
    accepts = dict(fleet.pipeline.accept_rotations) if fleet.pipeline else {}
    try:
        refused = check(chosen, accepts, connect)
    except (ClientError, BotoCoreError, RefusedError, HandleError) as error:
        print(f"rotation check: could not look: {' '.join(str(error).split())}")
        return 2
    for line in refused:
        print(f"REFUSED {line}")
    if refused:
        print(
            "rotation check: refused; to go ahead anyway, accept it in cdk.json for that store "
            "(or serving group) and version (fleet.pipeline.acceptRotations), in a reviewed "
            "commit"
        )
        return 1
    groups = sum(1 for c in chosen if c.owner_id != c.store.store_id)
    also = f" and {groups} serving group{'s' * (groups != 1)}" if groups else ""
    print(f"rotation check: {len(chosen) - groups} stores{also} checked, nothing refused")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
