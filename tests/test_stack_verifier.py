"""The verifier in the template: function, log group, schedules and their inputs."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest

from fleet.model import FleetConfig, StoreConfig
from tests.synth import ROOT, cli_context, synth
from tests.template_walk import one, resources, schedule

EXPECTED_CHECKS = {
    "tokyo-ginza": ("cron(0 7 * * ? *)", "cron(45 19 * * ? *)"),
    "seattle-pike-place": ("cron(0 6 ? * SUN,TUE-SAT *)", "cron(45 18 ? * SUN,TUE-SAT *)"),
    "sydney-central": ("cron(15 0 ? * MON-FRI *)", "cron(45 14 ? * MON-FRI *)"),
}


def test_function_runtime_and_limits(template_json: dict[str, Any]) -> None:
    """Current Python runtime, its own module, long enough to watch a late start, no retries."""
    _, function = one(template_json, "AWS::Lambda::Function")
    props = function["Properties"]
    assert props["Runtime"] == "python3.14"
    assert props["Handler"] == "model_verifier.handler"
    assert props["Architectures"] == ["arm64"]
    assert props["Timeout"] == 12 * 60
    assert props["Environment"]["Variables"]["LATE_START_WAIT_SECONDS"] == "600"
    assert "DependsOn" not in function
    _, invoke_config = one(template_json, "AWS::Lambda::EventInvokeConfig")
    queue_id, _ = one(template_json, "AWS::SQS::Queue")
    assert invoke_config["Properties"]["MaximumRetryAttempts"] == 0
    assert invoke_config["Properties"]["DestinationConfig"] == {
        "OnFailure": {"Destination": {"Fn::GetAtt": [queue_id, "Arn"]}}
    }


def test_log_group_has_retention_and_encryption(template_json: dict[str, Any]) -> None:
    """Its own log group, kept 90 days, encrypted with the store's key."""
    logs_id, logs = one(template_json, "AWS::Logs::LogGroup")
    key_id, _ = one(template_json, "AWS::KMS::Key")
    assert logs["Properties"]["RetentionInDays"] == 90
    assert logs["Properties"]["KmsKeyId"] == {"Fn::GetAtt": [key_id, "Arn"]}
    _, function = one(template_json, "AWS::Lambda::Function")
    assert function["Properties"]["LoggingConfig"] == {"LogGroup": {"Ref": logs_id}}


@pytest.mark.parametrize(("name", "index"), [("verify-opening", 0), ("verify-closing", 1)])
def test_check_schedules(
    template_json: dict[str, Any],
    store: StoreConfig,
    fleet: FleetConfig,
    name: str,
    index: int,
) -> None:
    """At opening and 15 min after the stop, in the store's zone; the input carries everything
    the function needs, including the versions the sweep must never stop."""
    props = schedule(template_json, name)
    function_id, _ = one(template_json, "AWS::Lambda::Function")
    assert props["ScheduleExpression"] == EXPECTED_CHECKS[store.store_id][index]
    assert props["ScheduleExpressionTimezone"] == store.timezone
    assert props["FlexibleTimeWindow"] == {"Mode": "OFF"}
    assert props["Target"]["Arn"] == {"Fn::GetAtt": [function_id, "Arn"]}
    assert props["Target"]["RetryPolicy"] == {
        "MaximumEventAgeInSeconds": 900,
        "MaximumRetryAttempts": 2,
    }
    payload = json.loads(props["Target"]["Input"])
    expected = {
        "check": name.removeprefix("verify-"),
        "store": store.store_id,
        "modelVersionArn": store.model.arn,
        "projectArn": store.project_arn,
        "minInferenceUnits": store.min_inference_units,
        "protectedVersions": list(fleet.protected_versions(store)),
        "staleVersions": "stop",
        "scheduledTime": "<aws.scheduler.scheduled-time>",
    }
    if store.max_inference_units is not None:
        expected["maxInferenceUnits"] = store.max_inference_units
    assert payload == expected


def test_check_input_is_what_the_handler_accepts(template_json: dict[str, Any]) -> None:
    """The handler parses the synthesized input (with a concrete scheduled time)."""
    from tests.verifier.handler import model_verifier

    for name in ("verify-opening", "verify-closing"):
        payload = json.loads(schedule(template_json, name)["Target"]["Input"])
        payload["scheduledTime"] = "2026-12-01T22:00:00Z"
        check = model_verifier.Check.from_event(payload)
        assert check.check == name.removeprefix("verify-")
        assert check.model_version_arn in check.protected_versions


def test_every_kind_of_schedule_in_every_group(fleet_templates: dict[str, Any]) -> None:
    """Start, stop and the two checks (start, stop and opening check once per segment)."""
    for template in fleet_templates.values():
        names = {
            b["Properties"]["Name"].split("-from-")[0]
            for b in resources(template, "AWS::Scheduler::Schedule").values()
        }
        assert names == {"start-model", "stop-model", "verify-opening", "verify-closing"}


def test_bytecode_does_not_change_the_asset(tmp_path: Path) -> None:
    """Tests import the handler and leave __pycache__ behind; the asset hash must not move."""

    def asset_key() -> str:
        template = synth(cli_context(store="tokyo-ginza"))["ModelSchedule-tokyo-ginza"]
        _, function = one(template, "AWS::Lambda::Function")
        return str(function["Properties"]["Code"]["S3Key"])

    cache = ROOT / "lambda" / "model_verifier" / "__pycache__"
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
    assert tempfile.gettempdir()
