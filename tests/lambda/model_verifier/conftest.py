"""The verifier runs in Lambda, apart from the CDK app: import it from its own folder."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import pytest
from botocore.stub import ANY, Stubber

from verifier_contract import VerifierSettings

from .handler import model_verifier, verifier_aws

PROJECT = "arn:aws:rekognition:ap-northeast-1:111122223333:project/bread-checkout/1761900000000"
VERSION = (
    "arn:aws:rekognition:ap-northeast-1:111122223333:project/bread-checkout/version/"
    "bread-checkout.2026-11-01T09.00.00/1761987600000"
)
OLD_VERSION = VERSION.replace(
    "2026-11-01T09.00.00/1761987600000", "2026-10-01T09.00.00/1759309200000"
)
OTHER_STORE_VERSION = VERSION.replace("2026-11-01", "2026-11-15").replace(
    "1761987600000", "1763197200000"
)
TOPIC = "arn:aws:sns:ap-northeast-1:111122223333:model-schedule-tokyo-ginza"

CANARY = {
    "bucket": "bakery-canary-apne1",
    "key": "ginza/tray.jpg",
    "expectLabels": ["メロンパン", "あんぱん"],
    "minConfidence": 85.0,
}

ENVIRONMENT = VerifierSettings(
    store="tokyo-ginza",
    topic_arn=TOPIC,
    late_start_wait_seconds=600,
    stop_wait_seconds=780,
    poll_seconds=60,
    max_delay_seconds=900,
).to_environment()


def event(check: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "check": check,
        "store": "tokyo-ginza",
        "modelVersionArn": VERSION,
        "projectArn": PROJECT,
        "minInferenceUnits": 1,
        "protectedVersions": [VERSION, OTHER_STORE_VERSION],
        "staleVersions": "stop",
    }
    body.update(overrides)
    return body


@dataclass
class FakeClock:
    """Sleeping advances the clock; the verifier's waits cost no real time."""

    t: float = 0.0
    sleeps: list[float] = field(default_factory=list)

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.t += seconds

    def monotonic(self) -> float:
        return self.t


@dataclass
class Stubs:
    rekognition: Stubber
    sns: Stubber
    clock: FakeClock
    published: list[dict[str, Any]] = field(default_factory=list)

    def status(self, status: str, arn: str = VERSION) -> None:
        """DescribeProjectVersions for the store's own version answers `status`."""
        self.rekognition.add_response(
            "describe_project_versions",
            {"ProjectVersionDescriptions": [{"ProjectVersionArn": arn, "Status": status}]},
            {"ProjectArn": PROJECT, "VersionNames": [arn.split("/version/")[1].split("/")[0]]},
        )

    def project(
        self, *versions: tuple[str, str], token: str | None = None, after: str | None = None
    ) -> None:
        """One page of DescribeProjectVersions for the whole project (the sweep)."""
        response: dict[str, Any] = {
            "ProjectVersionDescriptions": [
                {"ProjectVersionArn": arn, "Status": status} for arn, status in versions
            ]
        }
        if token:
            response["NextToken"] = token
        expected: dict[str, Any] = {"ProjectArn": PROJECT}
        if after:
            expected["NextToken"] = after
        self.rekognition.add_response("describe_project_versions", response, expected)

    def start(self, units: int = 1, max_units: int | None = None) -> None:
        expected: dict[str, Any] = {"ProjectVersionArn": VERSION, "MinInferenceUnits": units}
        if max_units is not None:
            expected["MaxInferenceUnits"] = max_units
        self.rekognition.add_response("start_project_version", {"Status": "STARTING"}, expected)

    def stop(self, arn: str = VERSION) -> None:
        self.rekognition.add_response(
            "stop_project_version", {"Status": "STOPPING"}, {"ProjectVersionArn": arn}
        )

    def labels(self, *found: tuple[str, float], min_confidence: float | None = 85.0) -> None:
        """DetectCustomLabels on the canary image answers these (name, confidence)."""
        expected: dict[str, Any] = {
            "ProjectVersionArn": VERSION,
            "Image": {"S3Object": {"Bucket": CANARY["bucket"], "Name": CANARY["key"]}},
        }
        if min_confidence is not None:
            expected["MinConfidence"] = min_confidence
        self.rekognition.add_response(
            "detect_custom_labels",
            {"CustomLabels": [{"Name": name, "Confidence": c} for name, c in found]},
            expected,
        )

    def error(self, method: str, code: str, expected: dict[str, Any] | None = None) -> None:
        self.rekognition.add_client_error(
            method, code, f"{code} (stubbed)", expected_params=expected
        )

    def notification(self) -> None:
        """Expect one SNS publish to the store's topic; its text lands in `published`."""
        self.sns.add_response(
            "publish", {"MessageId": "m-1"}, {"TopicArn": TOPIC, "Subject": ANY, "Message": ANY}
        )


@pytest.fixture
def stubs(monkeypatch: pytest.MonkeyPatch) -> Iterator[Stubs]:
    for key, value in ENVIRONMENT.items():
        monkeypatch.setenv(key, value)
    clock = FakeClock()
    monkeypatch.setattr(verifier_aws, "sleep", clock.sleep)
    monkeypatch.setattr(verifier_aws, "monotonic", clock.monotonic)
    with (
        Stubber(verifier_aws.REKOGNITION) as rekognition,
        Stubber(verifier_aws.SNS) as sns,
    ):
        stubs = Stubs(rekognition, sns, clock)

        def record(params: dict[str, Any], **_: Any) -> None:
            stubs.published.append(params)

        verifier_aws.SNS.meta.events.register("before-parameter-build.sns.Publish", record)
        yield stubs
        verifier_aws.SNS.meta.events.unregister("before-parameter-build.sns.Publish", record)
        rekognition.assert_no_pending_responses()
        sns.assert_no_pending_responses()


@pytest.fixture
def verifier() -> ModuleType:
    return model_verifier


def emitted_metrics(captured: str) -> dict[str, Any]:
    """The one embedded-metric-format record the invocation printed."""
    records = [json.loads(line) for line in captured.splitlines() if '"_aws"' in line]
    assert len(records) == 1, records
    record: dict[str, Any] = records[0]
    return record
