"""ModelVerifier alone: the function, its role and log group, and one schedule per check whose
Input is the contract's event."""

from __future__ import annotations

import json

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from aws_cdk.assertions import Capture, Match, Template

import verifier_contract
from fleet.calendar.cron import CronSchedule, action_schedules
from fleet.calendar.weekly import ALL_DAYS
from fleet.config import CheckPlan
from scheduler_constructs.model_verifier import ModelVerifier

from .conftest import PROJECT_ARN, PROJECT_SCOPE, VERSION_ARN

Check = verifier_contract.Check
EVENT = verifier_contract.VerifierEvent(
    check=Check.OPENING,
    store="test",
    model_version_arn=VERSION_ARN,
    project_arn=PROJECT_ARN,
    min_inference_units=1,
    max_inference_units=None,
    protected_versions=(VERSION_ARN,),
    stale_versions=verifier_contract.StaleVersions.STOP,
)


def weekly(offset: int) -> list[CronSchedule]:
    return action_schedules(offset=offset, open_days=ALL_DAYS, closed=(), moves={})


def build(stack: cdk.Stack) -> ModelVerifier:
    key = kms.Key(stack, "Key")
    role = iam.Role(
        stack, "SchedulerRole", assumed_by=iam.ServicePrincipal("scheduler.amazonaws.com")
    )
    return ModelVerifier(
        stack,
        "Verifier",
        store_id="test",
        project_scope_arn=PROJECT_SCOPE,
        event=EVENT,
        time_zone="Asia/Tokyo",
        checks=[
            CheckPlan(Check.OPENING, weekly(7 * 60)),
            CheckPlan(Check.CLOSING, weekly(19 * 60 + 45)),
        ],
        group_name="g",
        scheduler_role_arn=role.role_arn,
        topic_arn=sns.Topic(stack, "Topic", master_key=key).topic_arn,
        key_arn=key.key_arn,
        dead_letter_arn=sqs.Queue(stack, "Queue").queue_arn,
        partition="aws",
    )


def test_function_is_the_asset_with_json_logs(stack: cdk.Stack) -> None:
    """Python 3.14 on arm64, its own module name, Lambda's JSON log format, no retries of its
    own (Scheduler retries the invocation; a failure goes to the queue)."""
    build(stack)
    template = Template.from_stack(stack)
    template.has_resource_properties(
        "AWS::Lambda::Function",
        {
            "Runtime": "python3.14",
            "Architectures": ["arm64"],
            "Handler": "model_verifier.handler",
            "LoggingConfig": {"LogFormat": "JSON", "ApplicationLogLevel": "INFO"},
            "Environment": {"Variables": {"TOPIC_ARN": Match.any_value()}},
        },
    )
    template.has_resource_properties(
        "AWS::Lambda::EventInvokeConfig",
        {"MaximumRetryAttempts": 0, "DestinationConfig": {"OnFailure": Match.any_value()}},
    )


def test_role_has_only_its_managed_policy(stack: cdk.Stack) -> None:
    """No inline policy anywhere (neither on the function's role from CDK defaults nor on the
    scheduler role from the targets); the function's managed policy is scoped to the project,
    the topic, the key, its log group and the queue."""
    build(stack)
    template = Template.from_stack(stack)
    template.resource_count_is("AWS::IAM::Policy", 0)
    statements = Capture()
    template.has_resource_properties(
        "AWS::IAM::ManagedPolicy", {"PolicyDocument": {"Statement": statements}}
    )
    assert [s["Sid"] for s in statements.as_array()] == [
        "CheckAndCorrectModelVersions",
        "Notify",
        "EncryptNotifications",
        "WriteOwnLogs",
        "SendFailedInvocationsToTheQueue",
    ]
    assert statements.as_array()[0]["Resource"] == PROJECT_SCOPE


def test_one_schedule_per_check_carrying_the_contract_event(stack: cdk.Stack) -> None:
    """verify-opening and verify-closing; each Input parses with the function's own parser
    and says which check it is."""
    build(stack)
    template = Template.from_stack(stack)
    template.resource_count_is("AWS::Scheduler::Schedule", 2)
    for check, cron in (
        (Check.OPENING, "cron(0 7 * * ? *)"),
        (Check.CLOSING, "cron(45 19 * * ? *)"),
    ):
        captured = Capture()
        template.has_resource_properties(
            "AWS::Scheduler::Schedule",
            {
                "Name": f"verify-{check}",
                "ScheduleExpression": cron,
                "Target": {
                    "Input": captured,
                    "RetryPolicy": {"MaximumRetryAttempts": 2, "MaximumEventAgeInSeconds": 900},
                },
            },
        )
        payload = json.loads(captured.as_string())
        assert payload["scheduledTime"] == "<aws.scheduler.scheduled-time>"
        payload["scheduledTime"] = "2026-12-01T22:00:00Z"
        assert verifier_contract.VerifierEvent.from_event(payload).check == check
