"""What cdk-nag finds in what CDK Pipelines generates, acknowledged finding by finding with the
reason each holds. The ids of IAM5 findings name the wildcard action or resource, with logical
IDs inside, so they are computed from the generated policies rather than written by hand; a test
holds the acknowledged set equal to the found set, per pipeline."""

from __future__ import annotations

import re
from typing import Any

from aws_cdk import Stack
from aws_cdk import aws_codebuild as codebuild
from aws_cdk import aws_codepipeline as codepipeline
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3

from constructs import IConstruct
from scheduler_constructs.nag import Exemption, exempt

INLINE = (
    "CDK Pipelines attaches the permissions it generates for its roles as their default "
    "policies (inline); they are created, changed and deleted with the pipeline itself."
)
BUCKET = Exemption(
    "A CodePipeline artifact bucket (or its cross-Region replica): it holds only build "
    "artifacts, encrypted with the pipeline's KMS key and re-created by any run; access logs, "
    "versioning and replication would keep copies of nothing worth keeping.",
    findings=(
        "AwsSolutions-S1",
        "NIST.800.53.R5-S3BucketLoggingEnabled",
        "NIST.800.53.R5-S3BucketReplicationEnabled",
        "NIST.800.53.R5-S3BucketVersioningEnabled",
        # AWS Control Tower's proactive controls (cfn-guard), on demand.
        "cdk-validator-cfnguard::s3_bucket_logging_enabled_check",
        "cdk-validator-cfnguard::s3_bucket_object_lock_enabled_check",
        "cdk-validator-cfnguard::s3_bucket_versioning_enabled_check",
        "cdk-validator-cfnguard::s3_event_notifications_enabled_check",
        "cdk-validator-cfnguard::s3_lifecycle_policy_check",
    ),
)
BUILD_LOGS = Exemption(
    "CodeBuild writes this project's logs to its default CloudWatch Logs group, "
    "/aws/codebuild/<project>; the control wants that written out in the template, which "
    "CDK Pipelines does not do for the projects it generates.",
    findings=("cdk-validator-cfnguard::codebuild_project_logging_enabled_check",),
)
KEY_GRANTS = Exemption(
    "The key's policy lets the account's principals create grants, as CDK writes every key "
    "policy; the services that use it (S3, SNS, CodePipeline) create their grants through it.",
    findings=("cdk-validator-cfnguard::kms_create_grant_aws_service_check",),
)


def render(value: Any) -> str:
    """A resolved policy value as cdk-nag writes it in a finding's id."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and "Fn::GetAtt" in value:
        logical_id, attribute = value["Fn::GetAtt"]
        return f"<{logical_id}.{attribute}>"
    if isinstance(value, dict) and "Ref" in value:
        return f"<{value['Ref']}>"
    if isinstance(value, dict) and "Fn::Sub" in value and isinstance(value["Fn::Sub"], str):
        return re.sub(r"\$\{([^}]+)\}", r"<\1>", value["Fn::Sub"])
    if isinstance(value, dict) and "Fn::Join" in value:
        separator, parts = value["Fn::Join"]
        return str(separator).join(render(part) for part in parts)
    raise TypeError(f"a policy value cdk-nag's id is not known for: {value!r}")


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _reason(kind: str, target: str, actions: list[str]) -> str:
    if kind == "Action" and target.startswith("kms:"):
        return (
            "CDK Pipelines' grant on the pipeline's artifact key: KMS needs the data-key and "
            "re-encrypt variants for S3 objects, and the statement names that key only."
        )
    if kind == "Action":
        return (
            "CDK Pipelines' grant on the pipeline's own artifact bucket: the wildcard covers the "
            "object-level variants (versions, multipart uploads), on that bucket only."
        )
    if "report-group/" in target or "log-group:/aws/codebuild/" in target:
        return (
            "CodeBuild writes its own log group and report groups, named after the build "
            "project, with a suffix per build that is known only when it runs."
        )
    if ":role/" in target:
        return (
            "Self-mutation assumes the CDK bootstrap roles of the pipeline's account, whose "
            "names carry the bootstrap qualifier, the account and the Region."
        )
    if target.endswith("/*"):
        return (
            "The objects of the pipeline's artifact bucket (or its cross-Region replica): "
            "CodePipeline names artifacts by execution, so no narrower key is known."
        )
    if any(a.startswith("kms:") for a in actions):
        return (
            "The cross-Region replication buckets' keys, which CodePipeline addresses through "
            "the support stacks it creates per Region; the actions are KMS data-key actions."
        )
    if any(a.startswith("codebuild:") for a in actions):
        return (
            "Asset publishing starts and watches the CodeBuild projects CDK Pipelines creates "
            "for it; their ARNs are not known to the role when it is made."
        )
    return (
        "Self-mutation reads stack descriptions and lists buckets to find the bootstrap "
        "resources; CloudFormation's DescribeStacks and S3's ListBucket take no narrower scope."
    )


def _policy_exemptions(stack: Stack, policy: iam.CfnPolicy) -> list[Exemption]:
    document = stack.resolve(policy.policy_document)
    reasons: dict[str, list[str]] = {}
    for statement in document["Statement"]:
        actions = [str(a) for a in _listed(statement["Action"])]
        for action in actions:
            if "*" in action:
                finding = f"AwsSolutions-IAM5[Action::{action}]"
                reasons.setdefault(_reason("Action", action, actions), []).append(finding)
        for resource in _listed(statement["Resource"]):
            target = render(resource)
            if "*" in target:
                finding = f"AwsSolutions-IAM5[Resource::{target}]"
                reasons.setdefault(_reason("Resource", target, actions), []).append(finding)
    exemptions = [Exemption(INLINE, findings=("NIST.800.53.R5-IAMNoInlinePolicy",))]
    for reason, found in reasons.items():
        exemptions.append(Exemption(reason, findings=tuple(dict.fromkeys(found))))
    return exemptions


def acknowledge_generated(stack: Stack, pipeline: codepipeline.Pipeline) -> None:
    for construct in stack.node.find_all():
        if isinstance(construct, iam.CfnPolicy):
            exempt(construct, *_policy_exemptions(stack, construct))
        else:
            _exempt_generated(construct)
    for support in pipeline.cross_region_support.values():
        for construct in support.stack.node.find_all():
            _exempt_generated(construct)


def _exempt_generated(construct: IConstruct) -> None:
    if isinstance(construct, s3.CfnBucket):
        exempt(construct, BUCKET)
    elif isinstance(construct, codebuild.CfnProject):
        exempt(construct, BUILD_LOGS)
    elif isinstance(construct, kms.CfnKey):
        exempt(construct, KEY_GRANTS)
