"""Acknowledged scanner findings: one exact finding each, with a reason a reviewer can check.

cdk-nag and cfn-guard (Control Tower) run as CDK validation plugins and take acknowledgments
through `Validations`; checkov reads skips, with their reasons, from a resource's template
metadata. One `Exemption` gives one reason to the findings of each scanner it answers, so a
reason is written once. cdk-nag 3 no longer checks the length of a reason; this module refuses
short ones so that a finding cannot be waved through with "ok".
"""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import Acknowledgment, CfnResource, Validations

from constructs import IConstruct

MIN_REASON_LENGTH = 40


@dataclass(frozen=True)
class Exemption:
    reason: str
    findings: tuple[str, ...] = ()  # cdk-nag and cfn-guard rule ids, as they acknowledge them
    checkov: tuple[str, ...] = ()  # checkov check ids


def _check(finding: str, reason: str) -> None:
    if len(reason) < MIN_REASON_LENGTH:
        raise ValueError(f"acknowledgment of {finding} needs a specific reason, got {reason!r}")


def acknowledge(scope: IConstruct, finding: str, reason: str) -> None:
    _check(finding, reason)
    Validations.of(scope).acknowledge(Acknowledgment(id=finding, reason=reason))


def skip_checkov(scope: IConstruct, check_id: str, reason: str) -> None:
    """Metadata `checkov: {skip: [{id, comment}]}` on the construct's CloudFormation resource."""
    _check(check_id, reason)
    resource = scope if isinstance(scope, CfnResource) else scope.node.default_child
    if not isinstance(resource, CfnResource):
        raise TypeError(f"{scope.node.path} has no CloudFormation resource to mark")
    skips = list((resource.get_metadata("checkov") or {}).get("skip", []))
    resource.add_metadata("checkov", {"skip": [*skips, {"id": check_id, "comment": reason}]})


def exempt(scope: IConstruct, *exemptions: Exemption) -> None:
    for exemption in exemptions:
        for finding in exemption.findings:
            acknowledge(scope, finding, exemption.reason)
        for check_id in exemption.checkov:
            skip_checkov(scope, check_id, exemption.reason)
