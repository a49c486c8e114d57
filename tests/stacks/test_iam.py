"""Least privilege in each store's stack: one managed policy per role, scoped to the project,
and a role only EventBridge Scheduler can assume."""

from __future__ import annotations

from typing import Any

from aws_cdk.assertions import Match, Template

from fleet.config import StoreConfig

SCHEDULER_POLICY = "ModelSchedulePolicyD61ADE5A"
SCHEDULER_ROLE = "ModelScheduleExecutionRole501A5157"
VERIFIER_POLICY = "VerifierPolicy02CDB3CE"
VERIFIER_ROLE = "VerifierRole8FF23367"


def arn_of(template: Template, resource_type: str) -> dict[str, Any]:
    """`Fn::GetAtt <id>.Arn` of the stack's only resource of `resource_type`."""
    template.resource_count_is(resource_type, 1)
    return {"Fn::GetAtt": [template.get_resource_id(resource_type), "Arn"]}


def test_scheduler_policy_is_scoped_to_the_project(template: Template, store: StoreConfig) -> None:
    """Start/Stop/Describe on project/<name>/* (survives rotation), SendMessage on the DLQ,
    invoking this store's verifier function, and publishing the horizon's reminder to this
    store's encrypted topic: nothing else."""
    m = store.settings.model
    found = template.find_resources(
        "AWS::IAM::ManagedPolicy",
        {
            "Properties": {
                "PolicyDocument": {
                    "Statement": Match.exact(
                        [
                            {
                                "Sid": "StartStopDescribeModelVersions",
                                "Effect": "Allow",
                                "Action": [
                                    "rekognition:DescribeProjectVersions",
                                    "rekognition:StartProjectVersion",
                                    "rekognition:StopProjectVersion",
                                ],
                                "Resource": (
                                    f"arn:aws:rekognition:{m.region}:{m.account}:"
                                    f"project/{m.project_name}/*"
                                ),
                            },
                            {
                                "Sid": "SendFailedCallsToDeadLetterQueue",
                                "Effect": "Allow",
                                "Action": "sqs:SendMessage",
                                "Resource": arn_of(template, "AWS::SQS::Queue"),
                            },
                            {
                                "Sid": "InvokeModelVerifier",
                                "Effect": "Allow",
                                "Action": "lambda:InvokeFunction",
                                "Resource": arn_of(template, "AWS::Lambda::Function"),
                            },
                            {
                                "Sid": "PublishHorizonReminder",
                                "Effect": "Allow",
                                "Action": "sns:Publish",
                                "Resource": {"Ref": template.get_resource_id("AWS::SNS::Topic")},
                            },
                            {
                                "Sid": "EncryptHorizonReminder",
                                "Effect": "Allow",
                                "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
                                "Resource": arn_of(template, "AWS::KMS::Key"),
                            },
                        ]
                    )
                }
            }
        },
    )
    assert list(found) == [SCHEDULER_POLICY]


def canary_statements(store: StoreConfig) -> list[dict[str, Any]]:
    """With a canary: DetectCustomLabels on the project, s3:GetObject on exactly that object (no
    bucket or prefix wildcard). Without one: neither."""
    canary = store.settings.canary
    if canary is None:
        return []
    return [
        {
            "Sid": "AskTheModelAboutTheCanary",
            "Effect": "Allow",
            "Action": "rekognition:DetectCustomLabels",
            "Resource": store.settings.model.project_scope_arn,
        },
        {
            "Sid": "ReadTheCanaryImage",
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": f"arn:aws:s3:::{canary.bucket}/{canary.key}",
        },
    ]


def test_verifier_policy_is_least_privilege(template: Template, store: StoreConfig) -> None:
    """The verifier may check and correct the project's versions, publish to its topic with its
    key, write its own log group, dead-letter its failures, and with a canary ask the model about
    that one image: nothing else."""
    topic = template.get_resource_id("AWS::SNS::Topic")
    found = template.find_resources(
        "AWS::IAM::ManagedPolicy",
        {
            "Properties": {
                "PolicyDocument": {
                    "Statement": Match.exact(
                        [
                            {
                                "Sid": "CheckAndCorrectModelVersions",
                                "Effect": "Allow",
                                "Action": [
                                    "rekognition:DescribeProjectVersions",
                                    "rekognition:StartProjectVersion",
                                    "rekognition:StopProjectVersion",
                                ],
                                "Resource": store.settings.model.project_scope_arn,
                            },
                            {
                                "Sid": "Notify",
                                "Effect": "Allow",
                                "Action": "sns:Publish",
                                "Resource": {"Ref": topic},
                            },
                            {
                                "Sid": "EncryptNotifications",
                                "Effect": "Allow",
                                "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
                                "Resource": arn_of(template, "AWS::KMS::Key"),
                            },
                            {
                                "Sid": "WriteOwnLogs",
                                "Effect": "Allow",
                                "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                                "Resource": arn_of(template, "AWS::Logs::LogGroup"),
                            },
                            {
                                "Sid": "SendFailedInvocationsToTheQueue",
                                "Effect": "Allow",
                                "Action": "sqs:SendMessage",
                                "Resource": arn_of(template, "AWS::SQS::Queue"),
                            },
                            *canary_statements(store),
                        ]
                    )
                }
            }
        },
    )
    assert list(found) == [VERIFIER_POLICY]
    template.has_resource_properties(
        "AWS::IAM::Role",
        {
            "AssumeRolePolicyDocument": {
                "Statement": Match.exact(
                    [
                        {
                            "Action": "sts:AssumeRole",
                            "Effect": "Allow",
                            "Principal": {"Service": "lambda.amazonaws.com"},
                        }
                    ]
                )
            },
            "ManagedPolicyArns": [{"Ref": VERIFIER_POLICY}],
        },
    )


def test_only_scheduler_can_assume_the_role_for_this_group(
    template: Template, store: StoreConfig
) -> None:
    """Confused-deputy guard: aws:SourceAccount and aws:SourceArn = this store's schedule group."""
    m = store.settings.model
    found = template.find_resources(
        "AWS::IAM::Role",
        {
            "Properties": {
                "AssumeRolePolicyDocument": {
                    "Statement": Match.exact(
                        [
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
                    )
                },
                "ManagedPolicyArns": [{"Ref": SCHEDULER_POLICY}],
            }
        },
    )
    assert list(found) == [SCHEDULER_ROLE]


def test_roles_have_only_their_own_managed_policy(template: Template) -> None:
    """No inline policies (Universal's default adds one with Resource "*", Lambda's defaults
    add others), no AWS managed policies; every schedule and the function use these roles."""
    template.resource_count_is("AWS::IAM::Policy", 0)
    template.resource_count_is("AWS::IAM::Role", 2)
    template.all_resources_properties("AWS::IAM::Role", {"Policies": Match.absent()})
    template.all_resources_properties(
        "AWS::Scheduler::Schedule",
        {"Target": {"RoleArn": {"Fn::GetAtt": [SCHEDULER_ROLE, "Arn"]}}},
    )
    template.has_resource_properties(
        "AWS::Lambda::Function", {"Role": {"Fn::GetAtt": [VERIFIER_ROLE, "Arn"]}}
    )


def wildcard_statements(template: Template) -> list[str]:
    """Where a policy of the template allows or denies on `Resource: "*"`."""
    found = []
    for logical_id, body in template.to_json()["Resources"].items():
        properties = body.get("Properties", {})
        for document_key in ("PolicyDocument", "KeyPolicy"):
            for statement in properties.get(document_key, {}).get("Statement", []):
                resource = statement.get("Resource")
                if resource == "*" or (isinstance(resource, list) and "*" in resource):
                    found.append(f"{logical_id}/{document_key}/{statement.get('Sid')}")
    return found


def test_no_wildcard_resource_outside_the_key_policy(template: Template) -> None:
    """No `Resource: "*"` in any IAM, queue or topic policy. The one place it stands is the KMS
    key's own policy, where "*" means "this key" (a key policy cannot name its own ARN)."""
    key = template.get_resource_id("AWS::KMS::Key")
    found = wildcard_statements(template)
    assert found
    assert all(f.startswith(f"{key}/KeyPolicy/") for f in found), found


def test_the_wildcard_check_can_fail() -> None:
    """The check above sees a wildcard in a list, in an IAM policy."""
    template = Template.from_json(
        {
            "Resources": {
                "P": {
                    "Type": "AWS::IAM::ManagedPolicy",
                    "Properties": {
                        "PolicyDocument": {"Statement": [{"Sid": "S", "Resource": ["a", "*"]}]}
                    },
                }
            }
        }
    )
    assert wildcard_statements(template) == ["P/PolicyDocument/S"]
