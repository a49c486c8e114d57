"""ModelSchedule alone: group, managed policy, scoped role, start and stop schedules."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date

import aws_cdk as cdk
from aws_cdk import aws_sqs as sqs
from aws_cdk.assertions import Capture, Match, Template

from fleet.calendar.cron import CronSchedule, action_schedules
from fleet.calendar.weekly import ALL_DAYS, Weekday
from fleet.settings.arn import parse_version_arn
from scheduler_constructs.model_schedule import ModelSchedule

from .conftest import ACCOUNT, PROJECT_SCOPE, REGION, VERSION_ARN

WEEKLY_START = action_schedules(offset=6 * 60 + 30, open_days=ALL_DAYS, closed=(), moves={})


def build(
    stack: cdk.Stack,
    *,
    max_units: int | None = None,
    start: Sequence[CronSchedule] = WEEKLY_START,
) -> ModelSchedule:
    return ModelSchedule(
        stack,
        "ModelSchedule",
        group_name="model-schedule-test",
        model=parse_version_arn(VERSION_ARN),
        time_zone="Asia/Tokyo",
        start=start,
        stop=action_schedules(
            offset=19 * 60 + 30, open_days=frozenset({Weekday.MON}), closed=(), moves={}
        ),
        min_inference_units=1,
        max_inference_units=max_units,
        retry_attempts=3,
        max_event_age_minutes=45,
        dead_letter_arn=sqs.Queue(stack, "Queue").queue_arn,
    )


def test_group_is_named_and_deleted_with_the_stack(stack: cdk.Stack) -> None:
    """A retained group with a fixed name would make destroy-then-deploy fail."""
    build(stack)
    Template.from_stack(stack).has_resource(
        "AWS::Scheduler::ScheduleGroup",
        {"Properties": {"Name": "model-schedule-test"}, "DeletionPolicy": "Delete"},
    )


def test_role_only_for_scheduler_of_this_group(stack: cdk.Stack) -> None:
    """aws:SourceAccount plus aws:SourceArn = the group (AWS's confused-deputy guidance)."""
    build(stack)
    template = Template.from_stack(stack)
    template.has_resource_properties(
        "AWS::IAM::Role",
        {
            "AssumeRolePolicyDocument": {
                "Statement": [
                    {
                        "Principal": {"Service": "scheduler.amazonaws.com"},
                        "Condition": {
                            "StringEquals": {
                                "aws:SourceAccount": ACCOUNT,
                                "aws:SourceArn": (
                                    f"arn:aws:scheduler:{REGION}:{ACCOUNT}:"
                                    "schedule-group/model-schedule-test"
                                ),
                            }
                        },
                    }
                ]
            },
            "ManagedPolicyArns": [{"Ref": template.get_resource_id("AWS::IAM::ManagedPolicy")}],
        },
    )
    template.resource_count_is("AWS::IAM::Policy", 0)


def test_policy_is_the_project_and_the_queue(stack: cdk.Stack) -> None:
    """No Resource "*": Universal's default statement never reaches the role."""
    build(stack)
    template = Template.from_stack(stack)
    queue = {"Fn::GetAtt": [template.get_resource_id("AWS::SQS::Queue"), "Arn"]}
    template.has_resource_properties(
        "AWS::IAM::ManagedPolicy",
        {
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
                            "Resource": PROJECT_SCOPE,
                        },
                        {
                            "Sid": "SendFailedCallsToDeadLetterQueue",
                            "Effect": "Allow",
                            "Action": "sqs:SendMessage",
                            "Resource": queue,
                        },
                    ]
                )
            }
        },
    )


def test_allow_invoking_verifier_adds_exactly_that_function(stack: cdk.Stack) -> None:
    """The construct edits its own policy when the stack asks it to."""
    schedule = build(stack)
    schedule.allow_invoking_verifier(f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:verifier")
    Template.from_stack(stack).has_resource_properties(
        "AWS::IAM::ManagedPolicy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [
                        {
                            "Sid": "InvokeModelVerifier",
                            "Effect": "Allow",
                            "Action": "lambda:InvokeFunction",
                            "Resource": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:verifier",
                        }
                    ]
                )
            }
        },
    )


def test_start_and_stop_call_rekognition_with_bounded_retries(stack: cdk.Stack) -> None:
    """Universal targets, the request payloads, retry policy and DLQ as given; no window; in
    the group, named through its Ref so the group is created first."""
    build(stack)
    template = Template.from_stack(stack)
    (group_id,) = template.find_resources("AWS::Scheduler::ScheduleGroup")
    for name, action, cron, payload in (
        (
            "start-model",
            "startProjectVersion",
            "cron(30 6 * * ? *)",
            {"ProjectVersionArn": VERSION_ARN, "MinInferenceUnits": 1},
        ),
        (
            "stop-model",
            "stopProjectVersion",
            "cron(30 19 ? * MON *)",
            {"ProjectVersionArn": VERSION_ARN},
        ),
    ):
        captured = Capture()
        template.has_resource_properties(
            "AWS::Scheduler::Schedule",
            {
                "Name": name,
                "GroupName": {"Ref": group_id},
                "ScheduleExpression": cron,
                "ScheduleExpressionTimezone": "Asia/Tokyo",
                "FlexibleTimeWindow": {"Mode": "OFF"},
                "Target": {
                    "Arn": {
                        "Fn::Join": [
                            "",
                            [
                                "arn:",
                                {"Ref": "AWS::Partition"},
                                f":scheduler:::aws-sdk:rekognition:{action}",
                            ],
                        ]
                    },
                    "Input": captured,
                    "RetryPolicy": {"MaximumRetryAttempts": 3, "MaximumEventAgeInSeconds": 45 * 60},
                    "DeadLetterConfig": {"Arn": Match.any_value()},
                },
            },
        )
        assert json.loads(captured.as_string()) == payload


def test_max_units_only_when_given(stack: cdk.Stack) -> None:
    build(stack, max_units=3)
    captured = Capture()
    Template.from_stack(stack).has_resource_properties(
        "AWS::Scheduler::Schedule", {"Name": "start-model", "Target": {"Input": captured}}
    )
    assert json.loads(captured.as_string())["MaxInferenceUnits"] == 3


def test_one_schedule_per_entry_of_the_plan(stack: cdk.Stack) -> None:
    """Around a closure the start is the weekly cron for other years, that year's other months,
    and the month's days; names and IDs say what each covers. No StartDate, EndDate or at()."""
    closed = [date(2026, 12, 31)]
    build(stack, start=action_schedules(offset=390, open_days=ALL_DAYS, closed=closed, moves={}))
    template = Template.from_stack(stack)
    template.resource_count_is("AWS::Scheduler::Schedule", 4)
    for name, expression in (
        ("start-model", "cron(30 6 * * ? 1970-2025,2027-2199)"),
        ("start-model-2026", "cron(30 6 * 1-11 ? 2026)"),
        ("start-model-2026-12", "cron(30 6 1-30 12 ? 2026)"),
    ):
        template.has_resource_properties(
            "AWS::Scheduler::Schedule",
            {
                "Name": name,
                "ScheduleExpression": expression,
                "ScheduleExpressionTimezone": "Asia/Tokyo",
                "StartDate": Match.absent(),
                "EndDate": Match.absent(),
            },
        )
    ids = list(template.find_resources("AWS::Scheduler::Schedule"))
    assert any(lid.startswith("ModelScheduleStart202612") for lid in ids)
    assert any(lid.startswith("ModelScheduleStart2026") for lid in ids)
