"""The source project's policies that let the destination accounts copy a version.

Rekognition reads a project policy (PutProjectPolicy) on the source project; each allows
`rekognition:CopyProjectVersion` of the one source version to the roles named, at most 2,000
characters a policy and 5 policies a project (L-0B2CE4DD). The command owns only the policies
whose names start with COPY_POLICY_PREFIX, and changes each with the revision it read
(PolicyRevisionId), so that two runs at once cannot overwrite each other: the second is told.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from fleet.names import COPY_POLICY_PREFIX

MAX_CHARS = 2000
MAX_POLICIES = 5


class PolicyError(Exception):
    """The policies cannot be written; the message is the line to show."""


def document(source_version_arn: str, principals: Sequence[str]) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": list(principals)},
                    "Action": "rekognition:CopyProjectVersion",
                    "Resource": source_version_arn,
                }
            ],
        },
        separators=(",", ":"),
    )


def documents(source_version_arn: str, principals: Sequence[str]) -> list[str]:
    """The principals packed in order into as few documents of MAX_CHARS as hold them."""
    packed: list[list[str]] = []
    for principal in principals:
        if packed and len(document(source_version_arn, [*packed[-1], principal])) <= MAX_CHARS:
            packed[-1].append(principal)
        else:
            packed.append([principal])
    return [document(source_version_arn, names) for names in packed]


@dataclass(frozen=True)
class Existing:
    name: str
    revision: str
    document: str


def existing(rekognition: Any, project_arn: str) -> list[Existing]:
    found: list[Existing] = []
    token: str | None = None
    while True:
        request: dict[str, Any] = {"ProjectArn": project_arn}
        if token:
            request["NextToken"] = token
        page = rekognition.list_project_policies(**request)
        found += [
            Existing(p["PolicyName"], p["PolicyRevisionId"], p.get("PolicyDocument", ""))
            for p in page.get("ProjectPolicies", [])
        ]
        token = page.get("NextToken")
        if not token:
            return found


def apply(rekognition: Any, project_arn: str, wanted: Sequence[str], *, dry_run: bool) -> list[str]:
    """Make the command's policies on the project exactly `wanted` (in order, named
    <prefix>1, <prefix>2, ...), another's untouched; one line per change (what it would do
    under `dry_run`)."""
    present = existing(rekognition, project_arn)
    ours = {p.name: p for p in present if p.name.startswith(COPY_POLICY_PREFIX)}
    others = len(present) - len(ours)
    if others + len(wanted) > MAX_POLICIES:
        raise PolicyError(
            f"project {project_arn} has {others} policies of others and would need {len(wanted)} "
            f"of ours, over the {MAX_POLICIES} a project holds (Service Quotas L-0B2CE4DD): raise "
            "the quota or distribute to fewer accounts at once (name the targets)"
        )
    lines = []
    names = [f"{COPY_POLICY_PREFIX}{n}" for n in range(1, len(wanted) + 1)]
    verb = "would " if dry_run else ""
    try:
        for name, text in zip(names, wanted, strict=True):
            found = ours.get(name)
            if found is not None and json.loads(found.document or "{}") == json.loads(text):
                continue
            lines.append(
                f"policy {name}: {verb}{'update' if found else 'create'} ({len(text)} characters)"
            )
            if dry_run:
                continue
            request: dict[str, Any] = {
                "ProjectArn": project_arn,
                "PolicyName": name,
                "PolicyDocument": text,
            }
            if found is not None:
                request["PolicyRevisionId"] = found.revision
            rekognition.put_project_policy(**request)
        for name in sorted(set(ours) - set(names)):
            lines.append(f"policy {name}: {verb}delete (no longer needed)")
            if not dry_run:
                rekognition.delete_project_policy(
                    ProjectArn=project_arn, PolicyName=name, PolicyRevisionId=ours[name].revision
                )
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        if code == "InvalidPolicyRevisionIdException":
            raise PolicyError(
                f"the policies of project {project_arn} changed while this run wrote them "
                "(another run of ./scripts/distribute.sh?): run it again"
            ) from error
        raise PolicyError(
            f"the policies of project {project_arn} cannot be written: {code}: "
            f"{' '.join(str(error).split())}"
        ) from error
    return lines
