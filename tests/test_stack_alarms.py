"""Every alarm: metric, threshold, period, action, and words a person understands at 3 a.m."""

from __future__ import annotations

from typing import Any

import pytest

from fleet.guard import allowed_intervals, billing_outside_hours_expression
from fleet.model import StoreConfig
from tests.template_walk import one, resources

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
    "AlarmsModelStateMismatch89D8A003": ("RekognitionModelScheduler", "Mismatch", "Maximum"),
}
GUARD = "AlarmsModelBillingOutsideHoursCE275594"


def dimension_values(alarm: dict[str, Any]) -> list[Any]:
    return [d["Value"] for d in alarm["Properties"].get("Dimensions", [])]


@pytest.mark.parametrize("alarm_id", sorted(SIMPLE_ALARMS))
def test_alarm_metric_threshold_and_action(
    template_json: dict[str, Any], store: StoreConfig, alarm_id: str
) -> None:
    """Any occurrence in a 5-minute period alarms and notifies the store's topic."""
    alarm = template_json["Resources"][alarm_id]["Properties"]
    namespace, metric, statistic = SIMPLE_ALARMS[alarm_id]
    topic_id, _ = one(template_json, "AWS::SNS::Topic")
    assert (alarm["Namespace"], alarm["MetricName"], alarm["Statistic"]) == (
        namespace,
        metric,
        statistic,
    )
    assert alarm["Period"] == 300
    assert alarm["Threshold"] == 0
    assert alarm["ComparisonOperator"] == "GreaterThanThreshold"
    assert alarm["EvaluationPeriods"] == 1
    assert alarm["TreatMissingData"] == "notBreaching"
    assert alarm["AlarmActions"] == [{"Ref": topic_id}]


@pytest.mark.parametrize("alarm_id", sorted(SIMPLE_ALARMS))
def test_alarm_watches_this_stores_resources(
    template_json: dict[str, Any], store: StoreConfig, alarm_id: str
) -> None:
    """Scheduler metrics by this store's group; queue, function, custom metric by this store."""
    alarm = template_json["Resources"][alarm_id]
    namespace = SIMPLE_ALARMS[alarm_id][0]
    queue_id, _ = one(template_json, "AWS::SQS::Queue")
    function_id, _ = one(template_json, "AWS::Lambda::Function")
    expected = {
        "AWS/Scheduler": [f"model-schedule-{store.store_id}"],
        "AWS/SQS": [{"Fn::GetAtt": [queue_id, "QueueName"]}],
        "AWS/Lambda": [{"Ref": function_id}],
        "RekognitionModelScheduler": [store.store_id],
    }[namespace]
    assert dimension_values(alarm) == expected


def test_alarm_words_name_store_failure_and_action(
    template_json: dict[str, Any], store: StoreConfig
) -> None:
    """Name starts with the store; the description says what failed, what to do, the runbook."""
    alarms = resources(template_json, "AWS::CloudWatch::Alarm")
    assert len(alarms) == 7
    for alarm in alarms.values():
        props = alarm["Properties"]
        assert props["AlarmName"].startswith(f"{store.store_id} ")
        assert props["AlarmDescription"].startswith(f"Store {store.store_id}: ")
        assert "What to do: " in props["AlarmDescription"]
        assert "Runbook: README.md" in props["AlarmDescription"]
    names = sorted(a["Properties"]["AlarmName"] for a in alarms.values())
    assert len(set(names)) == len(names)


def test_cost_guard_watches_billing_outside_hours(
    template_json: dict[str, Any], store: StoreConfig
) -> None:
    """InServiceInferenceUnits of this version, outside the allowed UTC hours, for 15 min;
    it also says when billing is back to normal."""
    props = template_json["Resources"][GUARD]["Properties"]
    topic_id, _ = one(template_json, "AWS::SNS::Topic")
    queries = {q["Id"]: q for q in props["Metrics"]}
    units = queries["units"]["MetricStat"]
    assert units["Metric"]["Namespace"] == "AWS/Rekognition"
    assert units["Metric"]["MetricName"] == "InServiceInferenceUnits"
    assert units["Metric"]["Dimensions"] == [
        {"Name": "ProjectName", "Value": store.model.project_name},
        {"Name": "VersionName", "Value": store.model.version_name},
    ]
    assert (units["Period"], units["Stat"]) == (300, "Maximum")
    returned = [q for q in props["Metrics"] if q.get("ReturnData", True)]
    assert len(returned) == 1
    assert returned[0]["Expression"] == billing_outside_hours_expression(
        allowed_intervals(store), "units", "minute"
    )
    assert (props["Threshold"], props["EvaluationPeriods"]) == (0, 3)
    assert props["ComparisonOperator"] == "GreaterThanThreshold"
    assert props["TreatMissingData"] == "notBreaching"
    assert props["AlarmActions"] == props["OKActions"] == [{"Ref": topic_id}]


def test_topic_is_encrypted_tls_only_and_open_to_cloudwatch(template_json: dict[str, Any]) -> None:
    """KMS-encrypted with the store's key; non-TLS publishing denied; CloudWatch may publish."""
    _, topic = one(template_json, "AWS::SNS::Topic")
    key_id, key = one(template_json, "AWS::KMS::Key")
    assert topic["Properties"]["KmsMasterKeyId"] == {"Fn::GetAtt": [key_id, "Arn"]}
    assert key["Properties"]["EnableKeyRotation"] is True
    _, policy = one(template_json, "AWS::SNS::TopicPolicy")
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    assert {s["Sid"]: s["Effect"] for s in statements} == {
        "AllowPublishThroughSSLOnly": "Deny",
        "CloudWatchAlarmsPublish": "Allow",
    }
    key_statements = {s.get("Sid") for s in key["Properties"]["KeyPolicy"]["Statement"]}
    assert "CloudWatchAlarmsPublishToTheEncryptedTopic" in key_statements


def test_email_subscribers_come_from_config(fleet_templates: dict[str, Any]) -> None:
    """Only sydney-central lists an address in cdk.json; undeliverable mail is dead-lettered."""
    found = {
        name: [s["Properties"]["Endpoint"] for s in resources(t, "AWS::SNS::Subscription").values()]
        for name, t in fleet_templates.items()
    }
    assert found == {
        "ModelSchedule-tokyo-ginza": [],
        "ModelSchedule-seattle-pike-place": [],
        "ModelSchedule-sydney-central": ["sydney-oncall@bakery.example"],
    }
