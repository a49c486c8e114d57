"""The verifier in the template: function, log group, schedules and their inputs."""

from __future__ import annotations

import json
import re
import shutil
from typing import Any

import pytest
from aws_cdk.assertions import Capture, Match, Template

import verifier_contract
from fleet.config import FleetConfig, StoreConfig
from scheduler_constructs.model_verifier import VERIFIER_CODE
from tests.synth import cli_context, synth
from verifier_contract import VerifierSettings

# Written out by hand: 5 min after the start, at opening, 15 min after the stop.
# The weekly schedule of each check; the start and opening checks skip the closed days as the
# start does (other years than those with closed days here), the closing check runs on them.
EXPECTED_CHECKS = {
    "tokyo-ginza": (
        "cron(35 6 * * ? 1970-2025,2028-2199)",
        "cron(0 7 * * ? 1970-2025,2028-2199)",
        "cron(45 19 * * ? *)",
    ),
    "seattle-pike-place": (
        "cron(35 5 ? * SUN,TUE-SAT 1970-2025,2028-2199)",
        "cron(0 6 ? * SUN,TUE-SAT 1970-2025,2028-2199)",
        "cron(45 18 ? * SUN,TUE-SAT *)",
    ),
    "sydney-central": (
        "cron(50 23 ? * SUN-THU 1970-2025,2028-2199)",
        "cron(15 0 ? * MON-FRI 1970-2025,2028-2199)",
        "cron(45 14 ? * MON-FRI *)",
    ),
}


def test_function_runtime_and_limits(template: Template) -> None:
    """Current Python runtime, its own module, long enough to watch a late start, no retries."""
    template.resource_count_is("AWS::Lambda::Function", 1)
    template.has_resource(
        "AWS::Lambda::Function",
        {
            "Properties": {
                "Runtime": "python3.14",
                "Handler": "model_verifier.handler",
                "Architectures": ["arm64"],
                "Timeout": 15 * 60,
                "Environment": {
                    "Variables": {
                        "STORE": Match.any_value(),
                        "LATE_START_WAIT_SECONDS": "600",
                        "STOP_WAIT_SECONDS": "780",
                    }
                },
            },
            "DependsOn": Match.absent(),
        },
    )
    queue = template.get_resource_id("AWS::SQS::Queue")
    template.has_resource_properties(
        "AWS::Lambda::EventInvokeConfig",
        {
            "MaximumRetryAttempts": 0,
            "DestinationConfig": Match.object_equals(
                {"OnFailure": {"Destination": {"Fn::GetAtt": [queue, "Arn"]}}}
            ),
        },
    )


def test_log_group_has_retention_and_encryption(template: Template) -> None:
    """Its own log group, kept a year (Control Tower CT.CLOUDWATCH.PR.2), encrypted with the
    store's key and deleted with the stack like that key (kept logs would be unreadable);
    Lambda's JSON log format, INFO for the function's own records."""
    template.resource_count_is("AWS::Logs::LogGroup", 1)
    key = template.get_resource_id("AWS::KMS::Key")
    template.has_resource(
        "AWS::Logs::LogGroup",
        {
            "Properties": {"RetentionInDays": 365, "KmsKeyId": {"Fn::GetAtt": [key, "Arn"]}},
            "DeletionPolicy": "Delete",
        },
    )
    template.has_resource("AWS::KMS::Key", {"DeletionPolicy": "Delete"})
    template.has_resource_properties(
        "AWS::Lambda::Function",
        {
            "LoggingConfig": Match.object_equals(
                {
                    "LogGroup": {"Ref": template.get_resource_id("AWS::Logs::LogGroup")},
                    "LogFormat": "JSON",
                    "ApplicationLogLevel": "INFO",
                    "SystemLogLevel": "WARN",
                }
            )
        },
    )


@pytest.mark.parametrize(
    ("name", "index"), [("verify-start", 0), ("verify-opening", 1), ("verify-closing", 2)]
)
def test_check_schedules(
    template: Template,
    store: StoreConfig,
    fleet: FleetConfig,
    name: str,
    index: int,
) -> None:
    """5 min after the start, at opening and 15 min after the stop, in the store's zone; the
    input carries everything the function needs, including the versions the sweep must never
    stop."""
    s = store.settings
    captured = Capture()
    template.has_resource_properties(
        "AWS::Scheduler::Schedule",
        {
            "Name": name,
            "ScheduleExpression": EXPECTED_CHECKS[store.store_id][index],
            "ScheduleExpressionTimezone": s.timezone,
            "FlexibleTimeWindow": {"Mode": "OFF"},
            "Target": {
                "Arn": {"Fn::GetAtt": [template.get_resource_id("AWS::Lambda::Function"), "Arn"]},
                "RetryPolicy": Match.object_equals(
                    {"MaximumEventAgeInSeconds": 900, "MaximumRetryAttempts": 2}
                ),
                "Input": captured,
            },
        },
    )
    expected = {
        "check": name.removeprefix("verify-"),
        "store": store.store_id,
        "modelVersionArn": s.model.arn,
        "projectArn": s.project_arn,
        "minInferenceUnits": s.min_inference_units,
        "protectedVersions": list(fleet.protected_versions(store)),
        "staleVersions": "stop",
        "scheduledTime": "<aws.scheduler.scheduled-time>",
    }
    if s.max_inference_units is not None:
        expected["maxInferenceUnits"] = s.max_inference_units
    if s.canary is not None and name == "verify-opening":
        expected["canary"] = {
            "bucket": s.canary.bucket,
            "key": s.canary.key,
            "expectLabels": list(s.canary.expect_labels),
            "minConfidence": s.min_confidence,
        }
    assert json.loads(captured.as_string()) == expected


def test_check_input_is_what_the_function_accepts(template: Template) -> None:
    """The contract's parser (the function's own) reads every synthesized check Input, with the
    scheduled time Scheduler fills in."""
    inputs = Capture()
    template.has_resource_properties(
        "AWS::Scheduler::Schedule",
        {"Name": Match.string_like_regexp("^verify-"), "Target": {"Input": inputs}},
    )
    seen = set()
    while True:
        payload = json.loads(inputs.as_string())
        payload["scheduledTime"] = "2026-12-01T22:00:00Z"
        event = verifier_contract.VerifierEvent.from_event(payload)
        assert event.model_version_arn in event.protected_versions
        seen.add(event.check)
        if not inputs.next():
            break
    assert seen == set(verifier_contract.Check)


def test_every_kind_of_schedule_in_every_group(fleet_templates: dict[str, Any]) -> None:
    """Start, stop, the three checks (each with what the calendar adds) and the horizon's
    reminder."""
    for template in fleet_templates.values():
        schedules = Template.from_json(template).find_resources("AWS::Scheduler::Schedule")
        names = {
            re.sub(r"-(dst-)?[0-9-]+$", "", b["Properties"]["Name"]) for b in schedules.values()
        }
        assert names == {
            "start-model",
            "stop-model",
            "verify-start",
            "verify-opening",
            "verify-closing",
            "horizon-reminder",
        }


def test_bytecode_does_not_change_the_asset() -> None:
    """Tests import the handler and leave __pycache__ behind; the asset hash must not move."""

    def asset_key() -> str:
        template = synth(cli_context(store="tokyo-ginza"))["ModelSchedule-tokyo-ginza"]
        key = Capture()
        Template.from_json(template).has_resource_properties(
            "AWS::Lambda::Function", {"Code": {"S3Key": key}}
        )
        return key.as_string()

    cache = VERIFIER_CODE / "__pycache__"
    existed = cache.exists()
    before = asset_key()
    cache.mkdir(exist_ok=True)
    marker = cache / "probe.cpython-311.pyc"
    marker.write_bytes(b"not code")
    try:
        assert asset_key() == before
    finally:
        marker.unlink()
        if not existed:
            shutil.rmtree(cache, ignore_errors=True)


def test_the_functions_environment_is_what_the_function_reads(template: Template) -> None:
    """The construct writes the contract's VerifierSettings; the function reads them back with
    the same type (the topic's ARN is a reference until deployed)."""
    [function] = template.find_resources("AWS::Lambda::Function").values()
    variables = dict(function["Properties"]["Environment"]["Variables"])
    variables["TOPIC_ARN"] = "arn:aws:sns:ap-northeast-1:111122223333:topic"
    settings = VerifierSettings.from_environment(variables)
    assert settings.to_environment() == variables
    assert settings.poll_seconds == 60
