"""StoreAlarms alone: the alarm table's alarms named after the store, each notifying the topic,
and the cost guard's metric math over the intervals it is given."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from aws_cdk.assertions import Match, Template

import verifier_contract
from scheduler_constructs.alarm_specs import StoreFacts, applying
from scheduler_constructs.cost_guard_math import billing_outside_hours_expression
from scheduler_constructs.store_alarms import StoreAlarms

ALLOWED = [(0, 720), (1290, 10080)]


def build(stack: cdk.Stack, *, canary: bool = False) -> StoreAlarms:
    return StoreAlarms(
        stack,
        "Alarms",
        store=StoreFacts(
            store_id="test",
            group_name="g",
            dead_letter_queue_name=sqs.Queue(stack, "Queue").queue_name,
            verifier_function_name="verifier",
            project_name="bread",
            version_name="bread.v1",
            allowed_utc=tuple(ALLOWED),
            canary=canary,
        ),
        topic_arn=sns.Topic(stack, "Topic").topic_arn,
    )


def test_the_tables_alarms_named_after_the_store_notify_the_topic(stack: cdk.Stack) -> None:
    alarms = build(stack).alarms
    template = Template.from_stack(stack)
    template.resource_count_is("AWS::CloudWatch::Alarm", len(applying(canary=False)))
    assert len(alarms) == len(applying(canary=False))
    topic = [{"Ref": template.get_resource_id("AWS::SNS::Topic")}]
    template.all_resources_properties(
        "AWS::CloudWatch::Alarm",
        {
            "AlarmName": Match.string_like_regexp("^test "),
            "AlarmDescription": Match.string_like_regexp("^Store test: .* What to do: "),
            "AlarmActions": topic,
            "TreatMissingData": "notBreaching",
        },
    )


def test_mismatch_alarm_watches_the_contract_metric(stack: cdk.Stack) -> None:
    """The name, namespace and dimension the verifier writes (verifier_contract)."""
    build(stack)
    Template.from_stack(stack).has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {
            "AlarmName": "test model in wrong state",
            "Namespace": verifier_contract.NAMESPACE,
            "MetricName": verifier_contract.Metric.MISMATCH,
            "Dimensions": [{"Name": verifier_contract.STORE_DIMENSION, "Value": "test"}],
        },
    )


def test_cost_guard_uses_the_given_intervals(stack: cdk.Stack) -> None:
    build(stack)
    Template.from_stack(stack).has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {
            "AlarmName": "test model billing outside opening hours",
            "EvaluationPeriods": 3,
            "OKActions": Match.any_value(),
            "Metrics": Match.array_with(
                [
                    Match.object_like(
                        {"Expression": billing_outside_hours_expression(ALLOWED, "units", "minute")}
                    )
                ]
            ),
        },
    )


def test_with_a_canary_an_eighth_alarm_watches_the_answers(stack: cdk.Stack) -> None:
    """ModelAnswersAtOpening below 1 (the minimum of the period), from the contract's metric."""
    build(stack, canary=True)
    template = Template.from_stack(stack)
    template.resource_count_is("AWS::CloudWatch::Alarm", len(applying(canary=True)))
    template.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {
            "AlarmName": "test model answers wrong",
            "Namespace": verifier_contract.NAMESPACE,
            "MetricName": verifier_contract.Metric.MODEL_ANSWERS_AT_OPENING,
            "Dimensions": [{"Name": verifier_contract.STORE_DIMENSION, "Value": "test"}],
            "Statistic": "Minimum",
            "Threshold": 1,
            "ComparisonOperator": "LessThanThreshold",
            "TreatMissingData": "notBreaching",
            "AlarmActions": Match.any_value(),
        },
    )
