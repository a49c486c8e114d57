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
    exempt(scope, Exemption(reason, findings=(finding,)))


def _resource(scope: IConstruct) -> CfnResource:
    """The CloudFormation resource checkov reads: the construct itself or its default child."""
    resource = scope if isinstance(scope, CfnResource) else scope.node.default_child
    if not isinstance(resource, CfnResource):
        raise TypeError(f"{scope.node.path} has no CloudFormation resource to mark")
    return resource


def exempt(scope: IConstruct, *exemptions: Exemption) -> None:
    """All of them in one acknowledgment call and one metadata entry: each call crosses from
    Python to the CDK's Node process, and a fleet makes many."""
    acknowledgments = []
    skips = []
    for exemption in exemptions:
        for finding in exemption.findings:
            _check(finding, exemption.reason)
            acknowledgments.append(Acknowledgment(id=finding, reason=exemption.reason))
        for check_id in exemption.checkov:
            _check(check_id, exemption.reason)
            skips.append({"id": check_id, "comment": exemption.reason})
    if acknowledgments:
        Validations.of(scope).acknowledge(*acknowledgments)
    if skips:
        _resource(scope).add_metadata("checkov", {"skip": skips})
