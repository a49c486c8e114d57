"""Least privilege: one managed policy on the project, a role only Scheduler can assume."""

from __future__ import annotations

from typing import Any

from fleet.model import StoreConfig
from tests.template_walk import one, resources, walk


def test_managed_policy_is_scoped_to_the_project(
    template_json: dict[str, Any], store: StoreConfig
) -> None:
    """Start/Stop/Describe on project/<name>/* (survives rotation), SendMessage on the DLQ."""
    _, policy = one(template_json, "AWS::IAM::ManagedPolicy")
    queue_id, _ = one(template_json, "AWS::SQS::Queue")
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
    ]


def test_only_scheduler_can_assume_the_role_for_this_group(
    template_json: dict[str, Any], store: StoreConfig
) -> None:
    """Confused-deputy guard: aws:SourceAccount and aws:SourceArn = this store's schedule group."""
    _, role = one(template_json, "AWS::IAM::Role")
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


def test_role_has_only_the_managed_policy(template_json: dict[str, Any]) -> None:
    """No inline policies (Universal's default adds one with Resource "*"), no AWS managed ones."""
    policy_id, _ = one(template_json, "AWS::IAM::ManagedPolicy")
    role_id, role = one(template_json, "AWS::IAM::Role")
    assert resources(template_json, "AWS::IAM::Policy") == {}
    assert "Policies" not in role["Properties"]
    assert role["Properties"]["ManagedPolicyArns"] == [{"Ref": policy_id}]
    for props in (
        b["Properties"] for b in resources(template_json, "AWS::Scheduler::Schedule").values()
    ):
        assert props["Target"]["RoleArn"] == {"Fn::GetAtt": [role_id, "Arn"]}


def test_no_wildcard_resource_anywhere(template_json: dict[str, Any]) -> None:
    """No `Resource: "*"` in any policy of the template, as a string or in a list."""
    wildcards = [
        path
        for path, value in walk(template_json)
        if path.endswith("/Resource")
        and (value == "*" or (isinstance(value, list) and "*" in value))
    ]
    assert wildcards == []


def test_the_wildcard_check_can_fail() -> None:
    """The walk above sees a wildcard nested in a list."""
    doc = {"Statement": [{"Resource": ["arn:aws:s3:::b", "*"]}]}
    assert any(p.endswith("/Resource") and "*" in v for p, v in walk(doc) if isinstance(v, list))
