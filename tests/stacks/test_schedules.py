"""The start and stop schedules: targets, payloads, times, retries, dead letters."""

from __future__ import annotations

import json
import re
from typing import Any

import botocore.session
import pytest
from aws_cdk.assertions import Capture, Match, Template
from botocore.validate import ParamValidator

from fleet.calendar.weekly import shortest_gap
from fleet.config import StoreConfig
from tests.synth import store_ids

REKOGNITION = botocore.session.get_session().get_service_model("rekognition")

# Written out by hand from each store's hours and closed dates in cdk.json (fleet.horizon
# 2026-12..2027-12), not computed by the code under test: the weekly cron for the years without
# closed days, the other months of the years with some, and the days of each month with some.
EXPECTED_CRON = {
    "tokyo-ginza": (
        {
            "start-model": "cron(30 6 * * ? 1970-2025,2028-2199)",
            "start-model-2026": "cron(30 6 * 1-11 ? 2026)",
            "start-model-2027": "cron(30 6 * 2-12 ? 2027)",
            "start-model-2026-12": "cron(30 6 1-30 12 ? 2026)",
            "start-model-2027-01": "cron(30 6 4-31 1 ? 2027)",
        },
        {
            "stop-model": "cron(30 19 * * ? 1970-2025,2028-2199)",
            "stop-model-2026": "cron(30 19 * 1-11 ? 2026)",
            "stop-model-2027": "cron(30 19 * 2-12 ? 2027)",
            "stop-model-2026-12": "cron(30 19 1-30 12 ? 2026)",
            "stop-model-2027-01": "cron(30 19 4-31 1 ? 2027)",
        },
        "Asia/Tokyo",
    ),
    # Closed Mondays anyway; closed on Friday 2026-12-25 and Friday 2027-01-01.
    "seattle-pike-place": (
        {
            "start-model": "cron(30 5 ? * SUN,TUE-SAT 1970-2025,2028-2199)",
            "start-model-2026": "cron(30 5 ? 1-11 SUN,TUE-SAT 2026)",
            "start-model-2027": "cron(30 5 ? 2-12 SUN,TUE-SAT 2027)",
            "start-model-2026-12": "cron(30 5 1-6,8-13,15-20,22-24,26,27,29-31 12 ? 2026)",
            "start-model-2027-01": "cron(30 5 2,3,5-10,12-17,19-24,26-31 1 ? 2027)",
        },
        {
            "stop-model": "cron(30 18 ? * SUN,TUE-SAT 1970-2025,2028-2199)",
            "stop-model-2026": "cron(30 18 ? 1-11 SUN,TUE-SAT 2026)",
            "stop-model-2027": "cron(30 18 ? 2-12 SUN,TUE-SAT 2027)",
            "stop-model-2026-12": "cron(30 18 1-6,8-13,15-20,22-24,26,27,29-31 12 ? 2026)",
            "stop-model-2027-01": "cron(30 18 2,3,5-10,12-17,19-24,26-31 1 ? 2027)",
        },
        "America/Los_Angeles",
    ),
    # Opens 00:15 Mon-Fri: the start 30 min earlier is 23:45 on Sun-Thu. AU-NSW holidays: only
    # the weekly cron and one month written out here (tests/fleet/calendar/test_cron.py
    # evaluates the rest day by day). Closed on Fri 2026-12-25 and Mon 2026-12-28, and on
    # Fri 2027-01-01, whose start is on Thursday 2026-12-31.
    "sydney-central": (
        {
            "start-model": "cron(45 23 ? * SUN-THU 1970-2025,2028-2199)",
            "start-model-2026": "cron(45 23 ? 1-11 SUN-THU 2026)",
            "start-model-2026-12": "cron(45 23 1-3,6-10,13-17,20-23,28-30 12 ? 2026)",
        },
        {
            "stop-model": "cron(30 14 ? * MON-FRI 1970-2025,2028-2199)",
            "stop-model-2026": "cron(30 14 ? 1-11 MON-FRI 2026)",
            "stop-model-2026-12": "cron(30 14 1-4,7-11,14-18,21-24,29-31 12 ? 2026)",
        },
        "Australia/Sydney",
    ),
}


def first_segment(template: Template, name: str) -> dict[str, Any]:
    """The properties of the schedule called `name` (the weekly one of an action)."""
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
    """Each store fires in its own zone, on the right weekdays and days, including the
    previous-day start; every schedule of an action at the action's time."""
    start_cron, stop_cron, zone = EXPECTED_CRON[store.store_id]
    for base, expected in (("start-model", start_cron), ("stop-model", stop_cron)):
        found = {
            body["Properties"]["Name"]: body["Properties"]
            for body in template.find_resources(
                "AWS::Scheduler::Schedule",
                {"Properties": {"Name": Match.string_like_regexp(f"^{base}(-.*)?$")}},
            ).values()
        }
        for name, cron in expected.items():
            assert found[name]["ScheduleExpression"] == cron
        time = expected[base].split()[:2]
        for properties in found.values():
            assert properties["ScheduleExpression"].split()[:2] == time
            assert properties["ScheduleExpressionTimezone"] == zone
        if store.store_id != "sydney-central":
            assert set(found) == set(expected)


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
