"""IAM as CloudFormation resources (L1): statements, documents, managed policies, roles.

Each call into the CDK crosses to its Node process; an L2 policy or role makes several and does
work there that these resources do not need, and a fleet has hundreds of them. These helpers
render exactly what the L2s rendered (statement keys in alphabetical order, actions sorted, a
single action, resource or principal as a scalar) and place the resource where the L2 placed it,
as the child `Resource` of a construct with the L2's id, so that its logical ID stays the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aws_cdk import aws_iam as iam

from constructs import Construct

Statement = dict[str, Any]
VERSION = "2012-10-17"


def _scalar(values: Sequence[Any]) -> Any:
    return values[0] if len(values) == 1 else list(values)


def _statement(
    effect: str,
    sid: str | None,
    actions: Sequence[str],
    resources: Sequence[str] | None,
    principal: Any,
    conditions: dict[str, Any] | None,
) -> Statement:
    statement: Statement = {"Action": _scalar(sorted(set(actions)))}
    if conditions is not None:
        statement["Condition"] = conditions
    statement["Effect"] = effect
    if principal is not None:
        statement["Principal"] = principal
    if resources is not None:
        statement["Resource"] = _scalar(resources)
    if sid is not None:
        statement["Sid"] = sid
    return statement


def allow(
    sid: str | None,
    actions: Sequence[str],
    resources: Sequence[str] | None,
    *,
    principal: Any = None,
    conditions: dict[str, Any] | None = None,
) -> Statement:
    return _statement("Allow", sid, actions, resources, principal, conditions)


def deny(
    sid: str | None,
    actions: Sequence[str],
    resources: Sequence[str] | None,
    *,
    principal: Any = None,
    conditions: dict[str, Any] | None = None,
) -> Statement:
    return _statement("Deny", sid, actions, resources, principal, conditions)


def document(*statements: Statement) -> dict[str, Any]:
    return {"Statement": list(statements), "Version": VERSION}


def managed_policy(
    scope: Construct, construct_id: str, *, description: str, statements: Sequence[Statement]
) -> iam.CfnManagedPolicy:
    return iam.CfnManagedPolicy(
        Construct(scope, construct_id),
        "Resource",
        description=description,
        path="/",
        policy_document=document(*statements),
    )


def role(
    scope: Construct,
    construct_id: str,
    *,
    description: str,
    service: str,
    managed_policy_arns: Sequence[str],
    conditions: dict[str, Any] | None = None,
) -> iam.CfnRole:
    """A role that only `service` may assume (under `conditions`), with only these policies."""
    trust = allow(
        None, ["sts:AssumeRole"], None, principal={"Service": service}, conditions=conditions
    )
    return iam.CfnRole(
        Construct(scope, construct_id),
        "Resource",
        assume_role_policy_document=document(trust),
        description=description,
        managed_policy_arns=list(managed_policy_arns),
    )
