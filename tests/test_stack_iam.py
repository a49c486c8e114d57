"""Least privilege: one managed policy on the project, a role only Scheduler can assume."""

from __future__ import annotations

from typing import Any

from fleet.model import StoreConfig
from tests.template_walk import one, resources, walk

SCHEDULER_POLICY = "ModelSchedulePolicyD61ADE5A"
SCHEDULER_ROLE = "ModelScheduleExecutionRole501A5157"
VERIFIER_POLICY = "VerifierPolicy02CDB3CE"
VERIFIER_ROLE = "VerifierRole8FF23367"


def test_scheduler_policy_is_scoped_to_the_project(
    template_json: dict[str, Any], store: StoreConfig
) -> None:
    """Start/Stop/Describe on project/<name>/* (survives rotation), SendMessage on the DLQ,
    and invoking this store's verifier function: nothing else."""
    policy = template_json["Resources"][SCHEDULER_POLICY]
    queue_id, _ = one(template_json, "AWS::SQS::Queue")
    function_id, _ = one(template_json, "AWS::Lambda::Function")
    m = store.model
    assert policy["Properties"]["PolicyDocument"]["Statement"] == [
        {
            "Sid": "StartStopDescribeModelVersions",
            "Effect": "Allow",
            "Action": [
                "rekognition:DescribeProjectVersions",
                "rekognition:StartProjectVersion",
                "rekognition:StopProjectVersion",
            ],
            "Resource": f"arn:aws:rekognition:{m.region}:{m.account}:project/{m.project_name}/*",
        },
        {
            "Sid": "SendFailedCallsToDeadLetterQueue",
            "Effect": "Allow",
            "Action": "sqs:SendMessage",
            "Resource": {"Fn::GetAtt": [queue_id, "Arn"]},
        },
        {
            "Sid": "InvokeModelVerifier",
            "Effect": "Allow",
            "Action": "lambda:InvokeFunction",
            "Resource": {"Fn::GetAtt": [function_id, "Arn"]},
        },
    ]


def test_verifier_policy_is_least_privilege(
    template_json: dict[str, Any], store: StoreConfig
) -> None:
    """The verifier may check and correct the project's versions, publish to its topic with its
    key, write its own log group and dead-letter its failures: nothing else."""
    policy = template_json["Resources"][VERIFIER_POLICY]["Properties"]["PolicyDocument"]
    queue_id, _ = one(template_json, "AWS::SQS::Queue")
    topic_id, _ = one(template_json, "AWS::SNS::Topic")
    key_id, _ = one(template_json, "AWS::KMS::Key")
    logs_id, _ = one(template_json, "AWS::Logs::LogGroup")
    assert policy["Statement"] == [
        {
            "Sid": "CheckAndCorrectModelVersions",
            "Effect": "Allow",
            "Action": [
                "rekognition:DescribeProjectVersions",
                "rekognition:StartProjectVersion",
                "rekognition:StopProjectVersion",
            ],
            "Resource": store.model.project_scope_arn,
        },
        {
            "Sid": "Notify",
            "Effect": "Allow",
            "Action": "sns:Publish",
            "Resource": {"Ref": topic_id},
        },
        {
            "Sid": "EncryptNotifications",
            "Effect": "Allow",
            "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
            "Resource": {"Fn::GetAtt": [key_id, "Arn"]},
        },
        {
            "Sid": "WriteOwnLogs",
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": {"Fn::GetAtt": [logs_id, "Arn"]},
        },
        {
            "Sid": "SendFailedInvocationsToTheQueue",
            "Effect": "Allow",
            "Action": "sqs:SendMessage",
            "Resource": {"Fn::GetAtt": [queue_id, "Arn"]},
        },
    ]
    role = template_json["Resources"][VERIFIER_ROLE]["Properties"]
    assert role["AssumeRolePolicyDocument"]["Statement"] == [
        {
            "Action": "sts:AssumeRole",
            "Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"},
        }
    ]


def test_only_scheduler_can_assume_the_role_for_this_group(
    template_json: dict[str, Any], store: StoreConfig
) -> None:
    """Confused-deputy guard: aws:SourceAccount and aws:SourceArn = this store's schedule group."""
    role = template_json["Resources"][SCHEDULER_ROLE]
    m = store.model
    assert role["Properties"]["AssumeRolePolicyDocument"]["Statement"] == [
        {
            "Action": "sts:AssumeRole",
            "Effect": "Allow",
            "Principal": {"Service": "scheduler.amazonaws.com"},
            "Condition": {
                "StringEquals": {
                    "aws:SourceAccount": m.account,
                    "aws:SourceArn": (
                        f"arn:aws:scheduler:{m.region}:{m.account}:"
                        f"schedule-group/model-schedule-{store.store_id}"
                    ),
                }
            },
        }
    ]


def test_roles_have_only_their_own_managed_policy(template_json: dict[str, Any]) -> None:
    """No inline policies (Universal's default adds one with Resource "*", Lambda's defaults
    add others), no AWS managed policies; every schedule uses the scheduler role."""
    assert resources(template_json, "AWS::IAM::Policy") == {}
    roles = resources(template_json, "AWS::IAM::Role")
    assert {
        role_id: role["Properties"]["ManagedPolicyArns"] for role_id, role in roles.items()
    } == {SCHEDULER_ROLE: [{"Ref": SCHEDULER_POLICY}], VERIFIER_ROLE: [{"Ref": VERIFIER_POLICY}]}
    assert all("Policies" not in role["Properties"] for role in roles.values())
    for props in (
        b["Properties"] for b in resources(template_json, "AWS::Scheduler::Schedule").values()
    ):
        assert props["Target"]["RoleArn"] == {"Fn::GetAtt": [SCHEDULER_ROLE, "Arn"]}
    function = one(template_json, "AWS::Lambda::Function")[1]["Properties"]
    assert function["Role"] == {"Fn::GetAtt": [VERIFIER_ROLE, "Arn"]}


def test_no_wildcard_resource_outside_the_key_policy(template_json: dict[str, Any]) -> None:
    """No `Resource: "*"` in any IAM, queue or topic policy. The one place it stands is the KMS
    key's own policy, where "*" means "this key" (a key policy cannot name its own ARN)."""
    key_id, _ = one(template_json, "AWS::KMS::Key")
    wildcards = [
        path
        for path, value in walk(template_json)
        if path.endswith("/Resource")
        and (value == "*" or (isinstance(value, list) and "*" in value))
    ]
    assert wildcards
    assert all(p.startswith(f"/Resources/{key_id}/Properties/KeyPolicy/") for p in wildcards)


def test_the_wildcard_check_can_fail() -> None:
    """The walk above sees a wildcard nested in a list."""
    doc = {"Statement": [{"Resource": ["arn:aws:s3:::b", "*"]}]}
    assert any(p.endswith("/Resource") and "*" in v for p, v in walk(doc) if isinstance(v, list))
