"""The start and stop schedules: targets, payloads, times, retries, dead letters."""

from __future__ import annotations

import json
import re
from typing import Any

import botocore.session
import pytest
from botocore.validate import ParamValidator

from fleet.model import StoreConfig
from fleet.weekly import shortest_gap
from tests.synth import store_ids
from tests.template_walk import one, resolve_partition, schedule

REKOGNITION = botocore.session.get_session().get_service_model("rekognition")

# Written out by hand from each store's hours in cdk.json, not computed by the code under test.
EXPECTED_CRON = {
    "tokyo-ginza": ("cron(30 6 * * ? *)", "cron(30 19 * * ? *)", "Asia/Tokyo"),
    "seattle-pike-place": (
        "cron(30 5 ? * SUN,TUE-SAT *)",
        "cron(30 18 ? * SUN,TUE-SAT *)",
        "America/Los_Angeles",
    ),
    # Opens 00:15 Mon-Fri: the start 30 min earlier is 23:45 on Sun-Thu.
    "sydney-central": (
        "cron(45 23 ? * SUN-THU *)",
        "cron(30 14 ? * MON-FRI *)",
        "Australia/Sydney",
    ),
}


def request_problems(operation: str, params: dict[str, Any]) -> str:
    """What botocore's own validator finds wrong with `params`, plus the ARN pattern it skips."""
    shape = REKOGNITION.operation_model(operation).input_shape
    assert shape is not None
    report: str = ParamValidator().validate(params, shape).generate_report()
    pattern = shape.members["ProjectVersionArn"].metadata["pattern"]
    arn = params.get("ProjectVersionArn")
    if isinstance(arn, str) and not re.fullmatch(pattern, arn):
        report += f"\nProjectVersionArn does not match {pattern}"
    return report


@pytest.mark.parametrize(
    ("name", "action"),
    [("start-model", "startProjectVersion"), ("stop-model", "stopProjectVersion")],
)
def test_target_is_the_rekognition_sdk_action(
    template_json: dict[str, Any], name: str, action: str
) -> None:
    """Universal target ARNs keep the camelCase SDK action; a wrong case fails at run time only."""
    arn = resolve_partition(schedule(template_json, name)["Target"]["Arn"])
    assert arn == f"arn:aws:scheduler:::aws-sdk:rekognition:{action}"


def test_start_input_is_a_valid_start_project_version_request(
    template_json: dict[str, Any], store: StoreConfig
) -> None:
    """The start payload passes botocore's StartProjectVersion request shape."""
    payload = json.loads(schedule(template_json, "start-model")["Target"]["Input"])
    assert request_problems("StartProjectVersion", payload) == ""
    expected: dict[str, Any] = {
        "ProjectVersionArn": store.model.arn,
        "MinInferenceUnits": store.min_inference_units,
    }
    if store.max_inference_units is not None:
        expected["MaxInferenceUnits"] = store.max_inference_units
    assert payload == expected


def test_stop_input_is_a_valid_stop_project_version_request(
    template_json: dict[str, Any], store: StoreConfig
) -> None:
    """The stop payload passes botocore's StopProjectVersion request shape."""
    payload = json.loads(schedule(template_json, "stop-model")["Target"]["Input"])
    assert request_problems("StopProjectVersion", payload) == ""
    assert payload == {"ProjectVersionArn": store.model.arn}


@pytest.mark.parametrize(
    ("operation", "payload", "complaint"),
    [
        ("StartProjectVersion", {"ProjectVersionArn": "x" * 30}, "MinInferenceUnits"),
        ("StartProjectVersion", {"ProjectVersionArn": "x" * 30, "MinInferenceUnits": "1"}, "type"),
        ("StopProjectVersion", {"ProjectVersionArn": "arn", "Extra": 1}, "Unknown parameter"),
        ("StopProjectVersion", {"ProjectVersionArn": "x" * 30}, "does not match"),
    ],
)
def test_the_request_check_rejects_bad_payloads(
    operation: str, payload: dict[str, Any], complaint: str
) -> None:
    """The check above can fail: missing, mistyped, unknown and malformed members are caught."""
    assert complaint in request_problems(operation, payload)


def test_max_inference_units_only_where_configured(fleet_templates: dict[str, Any]) -> None:
    """Auto-scaling is opt-in: only sydney-central sets maxInferenceUnits in cdk.json."""
    with_max = {
        name
        for name, template in fleet_templates.items()
        if "MaxInferenceUnits" in json.loads(schedule(template, "start-model")["Target"]["Input"])
    }
    assert with_max == {"ModelSchedule-sydney-central"}


def test_cron_and_time_zone_per_store(template_json: dict[str, Any], store: StoreConfig) -> None:
    """Each store fires in its own zone, on the right weekdays, including the previous-day start."""
    start_cron, stop_cron, zone = EXPECTED_CRON[store.store_id]
    start, stop = schedule(template_json, "start-model"), schedule(template_json, "stop-model")
    assert (start["ScheduleExpression"], stop["ScheduleExpression"]) == (start_cron, stop_cron)
    assert start["ScheduleExpressionTimezone"] == stop["ScheduleExpressionTimezone"] == zone


def test_every_store_has_expected_cron() -> None:
    """The table above covers exactly the stores in cdk.json."""
    assert sorted(EXPECTED_CRON) == sorted(store_ids())


@pytest.mark.parametrize("name", ["start-model", "stop-model"])
def test_fires_on_time_and_enabled(template_json: dict[str, Any], name: str) -> None:
    """No flexible window: a start or stop somewhere in a window is a start or stop too late."""
    props = schedule(template_json, name)
    assert props["FlexibleTimeWindow"] == {"Mode": "OFF"}
    assert props["State"] == "ENABLED"


@pytest.mark.parametrize("name", ["start-model", "stop-model"])
def test_retries_end_before_the_opposite_action(
    template_json: dict[str, Any], store: StoreConfig, name: str
) -> None:
    """Not the L2 default (185 retries over 24 h): each retry window ends an hour before the
    opposite action can fire, so a late stop never hits an open store and a late start never
    runs the model overnight."""
    retry = schedule(template_json, name)["Target"]["RetryPolicy"]
    assert retry == {"MaximumEventAgeInSeconds": 3600, "MaximumRetryAttempts": 5}
    after, before = (
        (store.start, store.stop) if name == "start-model" else (store.stop, store.start)
    )
    assert retry["MaximumEventAgeInSeconds"] + 3600 <= shortest_gap(after, before) * 60


@pytest.mark.parametrize("name", ["start-model", "stop-model"])
def test_failed_calls_go_to_the_dead_letter_queue(template_json: dict[str, Any], name: str) -> None:
    """Both targets send what they could not deliver to the stack's one SQS queue."""
    queue_id, _ = one(template_json, "AWS::SQS::Queue")
    dead_letter = schedule(template_json, name)["Target"]["DeadLetterConfig"]
    assert dead_letter == {"Arn": {"Fn::GetAtt": [queue_id, "Arn"]}}


@pytest.mark.parametrize("name", ["start-model", "stop-model"])
def test_schedules_live_in_the_store_group(
    template_json: dict[str, Any], store: StoreConfig, name: str
) -> None:
    """The group named in the role's trust condition is the group the schedules are in."""
    assert schedule(template_json, name)["GroupName"] == f"model-schedule-{store.store_id}"
