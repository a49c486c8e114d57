"""The start and stop schedules: targets, payloads, times, retries, dead letters."""

from __future__ import annotations

import json
import re
from typing import Any

import botocore.session
import pytest
from aws_cdk.assertions import Capture, Match, Template
from botocore.validate import ParamValidator

from fleet.model import StoreConfig
from fleet.weekly import shortest_gap
from tests.synth import store_ids

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


def first_segment(template: Template, name: str) -> dict[str, Any]:
    """The properties of the schedule called `name` (its first segment)."""
    found = template.find_resources("AWS::Scheduler::Schedule", {"Properties": {"Name": name}})
    assert len(found) == 1, f"no schedule named {name}"
    properties: dict[str, Any] = next(iter(found.values()))["Properties"]
    return properties


def target_input(template: Template, name: str) -> dict[str, Any]:
    captured = Capture()
    template.has_resource_properties(
        "AWS::Scheduler::Schedule", {"Name": name, "Target": {"Input": captured}}
    )
    payload: dict[str, Any] = json.loads(captured.as_string())
    return payload


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
def test_target_is_the_rekognition_sdk_action(template: Template, name: str, action: str) -> None:
    """Universal target ARNs keep the camelCase SDK action; a wrong case fails at run time only."""
    template.has_resource_properties(
        "AWS::Scheduler::Schedule",
        {
            "Name": name,
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
                }
            },
        },
    )


def test_start_input_is_a_valid_start_project_version_request(
    template: Template, store: StoreConfig
) -> None:
    """The start payload passes botocore's StartProjectVersion request shape."""
    payload = target_input(template, "start-model")
    assert request_problems("StartProjectVersion", payload) == ""
    s = store.settings
    expected: dict[str, Any] = {
        "ProjectVersionArn": s.model.arn,
        "MinInferenceUnits": s.min_inference_units,
    }
    if s.max_inference_units is not None:
        expected["MaxInferenceUnits"] = s.max_inference_units
    assert payload == expected


def test_stop_input_is_a_valid_stop_project_version_request(
    template: Template, store: StoreConfig
) -> None:
    """The stop payload passes botocore's StopProjectVersion request shape."""
    payload = target_input(template, "stop-model")
    assert request_problems("StopProjectVersion", payload) == ""
    assert payload == {"ProjectVersionArn": store.settings.model.arn}


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
        if "MaxInferenceUnits" in target_input(Template.from_json(template), "start-model")
    }
    assert with_max == {"ModelSchedule-sydney-central"}


def test_cron_and_time_zone_per_store(template: Template, store: StoreConfig) -> None:
    """Each store fires in its own zone, on the right weekdays, including the previous-day start
    (every segment of each)."""
    start_cron, stop_cron, zone = EXPECTED_CRON[store.store_id]
    for name, cron in (("start-model", start_cron), ("stop-model", stop_cron)):
        segments = template.find_resources(
            "AWS::Scheduler::Schedule",
            {"Properties": {"Name": Match.string_like_regexp(f"^{name}(-from-.*)?$")}},
        )
        assert segments
        for body in segments.values():
            properties = body["Properties"]
            assert properties["ScheduleExpression"] == cron
            assert properties["ScheduleExpressionTimezone"] == zone


def test_every_store_has_expected_cron() -> None:
    """The table above covers exactly the stores in cdk.json."""
    assert sorted(EXPECTED_CRON) == sorted(store_ids())


@pytest.mark.parametrize("name", ["start-model", "stop-model"])
def test_fires_on_time_and_enabled(template: Template, name: str) -> None:
    """No flexible window: a start or stop somewhere in a window is a start or stop too late."""
    template.has_resource_properties(
        "AWS::Scheduler::Schedule",
        {"Name": name, "FlexibleTimeWindow": {"Mode": "OFF"}, "State": "ENABLED"},
    )


@pytest.mark.parametrize("name", ["start-model", "stop-model"])
def test_retries_end_before_the_opposite_action(
    template: Template, store: StoreConfig, name: str
) -> None:
    """Not the L2 default (185 retries over 24 h): each retry window ends an hour before the
    opposite action can fire, so a late stop never hits an open store and a late start never
    runs the model overnight."""
    retry = first_segment(template, name)["Target"]["RetryPolicy"]
    assert retry == {"MaximumEventAgeInSeconds": 3600, "MaximumRetryAttempts": 5}
    s = store.settings
    after, before = (s.start, s.stop) if name == "start-model" else (s.stop, s.start)
    assert retry["MaximumEventAgeInSeconds"] + 3600 <= shortest_gap(after, before) * 60


@pytest.mark.parametrize("name", ["start-model", "stop-model"])
def test_failed_calls_go_to_the_dead_letter_queue(template: Template, name: str) -> None:
    """Both targets send what they could not deliver to the stack's one SQS queue."""
    template.resource_count_is("AWS::SQS::Queue", 1)
    queue_arn = {"Fn::GetAtt": [template.get_resource_id("AWS::SQS::Queue"), "Arn"]}
    template.has_resource_properties(
        "AWS::Scheduler::Schedule",
        {"Name": name, "Target": {"DeadLetterConfig": Match.object_equals({"Arn": queue_arn})}},
    )


def test_schedules_live_in_the_store_group(template: Template, store: StoreConfig) -> None:
    """The group named in the role's trust condition is the group every schedule is in, named
    through its Ref: CloudFormation creates the group before any schedule in it."""
    groups = template.find_resources(
        "AWS::Scheduler::ScheduleGroup",
        {"Properties": {"Name": f"model-schedule-{store.store_id}"}},
    )
    (group_id,) = groups
    template.all_resources_properties("AWS::Scheduler::Schedule", {"GroupName": {"Ref": group_id}})
