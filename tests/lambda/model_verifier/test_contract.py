"""The check event as the function reads it: the contract's own round trip and its refusals.
(tests/stacks/test_verifier.py parses the Input the stacks really synthesize.)"""

from __future__ import annotations

import ast
import sys
from datetime import UTC, datetime
from typing import Any

import pytest

from .conftest import PROJECT, VERSION, event
from .handler import FUNCTION_CODE, verifier_contract

VerifierEvent = verifier_contract.VerifierEvent


def test_round_trip() -> None:
    """What to_input writes, from_event reads back; the version itself is always protected."""
    written = VerifierEvent(
        check=verifier_contract.Check.CLOSING,
        store="tokyo-ginza",
        model_version_arn=VERSION,
        project_arn=PROJECT,
        min_inference_units=2,
        max_inference_units=4,
        protected_versions=(VERSION,),
        stale_versions=verifier_contract.StaleVersions.NOTIFY,
    )
    payload = written.to_input(scheduled_time="2026-12-01T10:45:00Z")
    read = VerifierEvent.from_event(payload)
    assert read == VerifierEvent(
        **{**written.__dict__, "scheduled_time": datetime(2026, 12, 1, 10, 45, tzinfo=UTC)}
    )
    assert read.version_name == "bread-checkout.2026-11-01T09.00.00"


def test_optional_members_have_defaults() -> None:
    """No maxInferenceUnits, protectedVersions, staleVersions or scheduledTime: defaults."""
    body = {k: v for k, v in event("opening").items() if k in ("check", "store")}
    body |= {"modelVersionArn": VERSION, "projectArn": PROJECT, "minInferenceUnits": 1}
    read = VerifierEvent.from_event(body)
    assert read.max_inference_units is None
    assert read.protected_versions == (VERSION,)
    assert read.stale_versions == "stop"
    assert read.scheduled_time is None


@pytest.mark.parametrize(
    ("broken", "says"),
    [
        ({"check": "noon"}, "'noon' is not a valid Check"),
        ({"modelVersionArn": PROJECT}, "modelVersionArn is not a model version ARN"),
        ({"modelVersionArn": VERSION + "\n"}, "modelVersionArn is not a model version ARN"),
        ({"staleVersions": "delete"}, "'delete' is not a valid StaleVersions"),
        ({"minInferenceUnits": "one"}, "minInferenceUnits must be a whole number"),
        ({"minInferenceUnits": True}, "minInferenceUnits must be a whole number"),
        ({"maxInferenceUnits": 0}, "maxInferenceUnits must be a whole number"),
        ({"protectedVersions": "all"}, "protectedVersions is not a list of ARNs"),
        ({"store": ""}, "store must be a non-empty string"),
        ({"scheduledTime": "yesterday"}, "Invalid isoformat string"),
    ],
)
def test_malformed_events_say_what_is_wrong(broken: dict[str, Any], says: str) -> None:
    with pytest.raises(verifier_contract.MalformedEventError, match=says):
        VerifierEvent.from_event({**event("opening"), **broken})


def test_a_missing_member_is_named() -> None:
    body = event("opening")
    del body["projectArn"]
    with pytest.raises(verifier_contract.MalformedEventError, match="'projectArn' is missing"):
        VerifierEvent.from_event(body)


def test_not_an_object() -> None:
    with pytest.raises(verifier_contract.MalformedEventError, match="not a JSON object"):
        VerifierEvent.from_event(["opening"])


def test_the_function_folder_needs_only_the_standard_library_and_boto3() -> None:
    """The asset is the folder as it is: it may import only what the Lambda runtime has."""
    allowed = {"boto3", "botocore", "mypy_boto3_rekognition", "mypy_boto3_sns"}
    local = {p.stem for p in FUNCTION_CODE.glob("*.py")}
    for path in FUNCTION_CODE.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = (
                    [a.name for a in node.names]
                    if isinstance(node, ast.Import)
                    else [node.module or ""]
                )
                for name in names:
                    top = name.split(".")[0]
                    known = top in local or top in allowed or top in sys.stdlib_module_names
                    assert known, f"{path.name} imports {name}"


def test_the_client_reads_arns_by_the_same_patterns() -> None:
    """The client package cannot import the verifier's contract, so it carries the patterns:
    they must stay the same text, or a handle the app writes could be one the client refuses."""
    from rekognition_model_client import handle

    assert handle.VERSION_ARN.pattern == verifier_contract.VERSION_ARN.pattern
    assert handle.PROJECT_ARN.pattern == verifier_contract.PROJECT_ARN.pattern
    assert handle.VERSION_ARN.flags == verifier_contract.VERSION_ARN.flags


def test_the_settings_round_trip_through_the_environment() -> None:
    settings = verifier_contract.VerifierSettings("tokyo-ginza", "arn:topic", 600, 780, 60, 900)
    environment = settings.to_environment()
    assert environment["LATE_START_WAIT_SECONDS"] == "600"
    assert verifier_contract.VerifierSettings.from_environment(environment) == settings


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"POLL_SECONDS": None}, "the function's environment has no POLL_SECONDS"),
        ({"STOP_WAIT_SECONDS": "13 min"}, "STOP_WAIT_SECONDS='13 min' is not a whole number"),
    ],
)
def test_a_missing_or_bad_variable_is_named(change: dict[str, Any], says: str) -> None:
    settings = verifier_contract.VerifierSettings("tokyo-ginza", "arn:topic", 600, 780, 60, 900)
    environment = {**settings.to_environment(), **change}
    environment = {k: v for k, v in environment.items() if v is not None}
    with pytest.raises(verifier_contract.SettingsError, match=says):
        verifier_contract.VerifierSettings.from_environment(environment)
