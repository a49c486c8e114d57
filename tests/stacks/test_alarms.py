"""Every alarm: metric, threshold, period, action, and words a person understands at 3 a.m."""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk.assertions import Capture, Match, Template

import verifier_contract
from fleet.config import StoreConfig
from scheduler_constructs.cost_guard_math import allowed_intervals, billing_outside_hours_expression

# alarm logical id -> (namespace, metric name, statistic, evaluation periods)
SIMPLE_ALARMS = {
    "AlarmsScheduleTargetErrors45FEF6E4": ("AWS/Scheduler", "TargetErrorCount", "Sum"),
    "AlarmsScheduleInvocationsDroppedD8CC81E8": ("AWS/Scheduler", "InvocationDroppedCount", "Sum"),
    "AlarmsDeadLetterDeliveryFailedF2AE0215": (
        "AWS/Scheduler",
        "InvocationsFailedToBeSentToDeadLetterCount",
        "Sum",
    ),
    "AlarmsDeadLetterMessagesCD9B873E": (
        "AWS/SQS",
        "ApproximateNumberOfMessagesVisible",
        "Maximum",
    ),
    "AlarmsVerifierErrorsAF29F1CB": ("AWS/Lambda", "Errors", "Sum"),
    "AlarmsModelStateMismatch89D8A003": (
        verifier_contract.NAMESPACE,
        verifier_contract.Metric.MISMATCH,
        "Maximum",
    ),
}
GUARD = "AlarmsModelBillingOutsideHoursCE275594"


def alarm(template: Template, alarm_id: str) -> dict[str, Any]:
    found = template.find_resources("AWS::CloudWatch::Alarm")
    assert alarm_id in found, sorted(found)
    properties: dict[str, Any] = found[alarm_id]["Properties"]
    return properties


@pytest.mark.parametrize("alarm_id", sorted(SIMPLE_ALARMS))
def test_alarm_metric_threshold_and_action(template: Template, alarm_id: str) -> None:
    """Any occurrence in a 5-minute period alarms and notifies the store's topic."""
    namespace, metric, statistic = SIMPLE_ALARMS[alarm_id]
    expected = Match.object_like(
        {
            "Namespace": namespace,
            "MetricName": metric,
            "Statistic": statistic,
            "Period": 300,
            "Threshold": 0,
            "ComparisonOperator": "GreaterThanThreshold",
            "EvaluationPeriods": 1,
            "TreatMissingData": "notBreaching",
            "AlarmActions": [{"Ref": template.get_resource_id("AWS::SNS::Topic")}],
        }
    )
    found = template.find_resources("AWS::CloudWatch::Alarm", {"Properties": expected})
    assert alarm_id in found


@pytest.mark.parametrize("alarm_id", sorted(SIMPLE_ALARMS))
def test_alarm_watches_this_stores_resources(
    template: Template, store: StoreConfig, alarm_id: str
) -> None:
    """Scheduler metrics by this store's group; queue, function, custom metric by this store."""
    namespace = SIMPLE_ALARMS[alarm_id][0]
    expected = {
        "AWS/Scheduler": [f"model-schedule-{store.store_id}"],
        "AWS/SQS": [{"Fn::GetAtt": [template.get_resource_id("AWS::SQS::Queue"), "QueueName"]}],
        "AWS/Lambda": [{"Ref": template.get_resource_id("AWS::Lambda::Function")}],
        verifier_contract.NAMESPACE: [store.store_id],
    }[namespace]
    assert [d["Value"] for d in alarm(template, alarm_id)["Dimensions"]] == expected


def test_alarm_words_name_store_failure_and_action(template: Template, store: StoreConfig) -> None:
    """Name starts with the store; the description says what failed, what to do, the runbook."""
    template.resource_count_is("AWS::CloudWatch::Alarm", 8 if store.settings.canary else 7)
    template.all_resources_properties(
        "AWS::CloudWatch::Alarm",
        {
            "AlarmName": Match.string_like_regexp(f"^{store.store_id} "),
            "AlarmDescription": Match.string_like_regexp(
                f"^Store {store.store_id}: .* What to do: .* Runbook: README.md"
            ),
        },
    )
    alarms = template.find_resources("AWS::CloudWatch::Alarm").values()
    names = sorted(a["Properties"]["AlarmName"] for a in alarms)
    assert len(set(names)) == len(names)


def test_cost_guard_watches_billing_outside_hours(template: Template, store: StoreConfig) -> None:
    """InServiceInferenceUnits of this version, outside the allowed UTC hours, for 15 min;
    it also says when billing is back to normal."""
    model = store.settings.model
    topic = [{"Ref": template.get_resource_id("AWS::SNS::Topic")}]
    units = Match.object_like(
        {
            "Id": "units",
            "MetricStat": {
                "Metric": {
                    "Namespace": "AWS/Rekognition",
                    "MetricName": "InServiceInferenceUnits",
                    "Dimensions": [
                        {"Name": "ProjectName", "Value": model.project_name},
                        {"Name": "VersionName", "Value": model.version_name},
                    ],
                },
                "Period": 300,
                "Stat": "Maximum",
            },
            "ReturnData": False,
        }
    )
    outside = Match.object_like(
        {
            "Expression": billing_outside_hours_expression(
                allowed_intervals(store.settings), "units", "minute"
            ),
            "ReturnData": True,
        }
    )
    minute = Match.object_like({"Id": "minute", "ReturnData": False})
    found = template.find_resources(
        "AWS::CloudWatch::Alarm",
        {
            "Properties": {
                "Metrics": Match.array_with([outside, units, minute]),
                "Threshold": 0,
                "EvaluationPeriods": 3,
                "ComparisonOperator": "GreaterThanThreshold",
                "TreatMissingData": "notBreaching",
                "AlarmActions": topic,
                "OKActions": topic,
            }
        },
    )
    assert list(found) == [GUARD]


def test_topic_is_encrypted_tls_only_and_open_to_cloudwatch(template: Template) -> None:
    """KMS-encrypted with the store's key; non-TLS publishing denied; CloudWatch may publish."""
    template.resource_count_is("AWS::SNS::Topic", 1)
    key = template.get_resource_id("AWS::KMS::Key")
    template.has_resource_properties(
        "AWS::SNS::Topic", {"KmsMasterKeyId": {"Fn::GetAtt": [key, "Arn"]}}
    )
    template.has_resource_properties(
        "AWS::KMS::Key",
        {
            "EnableKeyRotation": True,
            "KeyPolicy": {
                "Statement": Match.array_with(
                    [Match.object_like({"Sid": "CloudWatchAlarmsPublishToTheEncryptedTopic"})]
                )
            },
        },
    )
    statements = Capture()
    template.has_resource_properties(
        "AWS::SNS::TopicPolicy", {"PolicyDocument": {"Statement": statements}}
    )
    assert {s["Sid"]: s["Effect"] for s in statements.as_array()} == {
        "AllowPublishThroughSSLOnly": "Deny",
        "CloudWatchAlarmsPublish": "Allow",
    }


def test_key_grants_only_for_aws_resources(template: Template) -> None:
    """Control Tower CT.KMS.PR.3: nobody may create a grant on the key unless it is for an AWS
    resource or by an AWS service."""
    template.has_resource_properties(
        "AWS::KMS::Key",
        {
            "KeyPolicy": {
                "Statement": Match.array_with(
                    [
                        {
                            "Sid": "GrantsOnlyForAwsResources",
                            "Effect": "Deny",
                            "Principal": {"AWS": "*"},
                            "Action": "kms:CreateGrant",
                            "Resource": "*",
                            "Condition": {
                                "BoolIfExists": {
                                    "kms:GrantIsForAWSResource": "false",
                                    "aws:PrincipalIsAWSService": "false",
                                }
                            },
                        }
                    ]
                )
            }
        },
    )


def test_email_subscribers_come_from_config(fleet_templates: dict[str, Any]) -> None:
    """Only sydney-central lists an address in cdk.json; undeliverable mail is dead-lettered."""
    found = {
        name: [
            s["Properties"]["Endpoint"]
            for s in Template.from_json(t).find_resources("AWS::SNS::Subscription").values()
        ]
        for name, t in fleet_templates.items()
    }
    assert found == {
        "ModelSchedule-tokyo-ginza": [],
        "ModelSchedule-seattle-pike-place": [],
        "ModelSchedule-sydney-central": ["sydney-oncall@bakery.example"],
    }


def test_a_canary_alarms_when_the_model_answers_wrong(
    template: Template, store: StoreConfig
) -> None:
    """Only a store with a canary has `<store> model answers wrong`: ModelAnswersAtOpening under
    1, notifying the store's topic."""
    found = template.find_resources(
        "AWS::CloudWatch::Alarm",
        {"Properties": {"AlarmName": f"{store.store_id} model answers wrong"}},
    )
    if store.settings.canary is None:
        assert found == {}
        return
    assert list(found) == ["AlarmsModelAnswersWrong46F8A483"]
    template.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {
            "AlarmName": f"{store.store_id} model answers wrong",
            "Namespace": verifier_contract.NAMESPACE,
            "MetricName": verifier_contract.Metric.MODEL_ANSWERS_AT_OPENING,
            "Dimensions": [{"Name": "Store", "Value": store.store_id}],
            "Statistic": "Minimum",
            "Threshold": 1,
            "ComparisonOperator": "LessThanThreshold",
            "AlarmActions": [{"Ref": template.get_resource_id("AWS::SNS::Topic")}],
        },
    )
