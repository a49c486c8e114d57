"""The client against botocore's Stubber: every request is checked against the SSM and
Rekognition service models, and nothing reaches AWS."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from rekognition_model_client import ModelClient, ModelHandle, parameter_name

VERSION = (
    "arn:aws:rekognition:ap-northeast-1:111122223333:project/bread-checkout/version/"
    "bread-checkout.2026-11-01T09.00.00/1761987600000"
)
NEW_VERSION = VERSION.replace(
    "2026-11-01T09.00.00/1761987600000", "2026-12-01T09.00.00/1764579600000"
)
HANDLE = ModelHandle(
    store="tokyo-ginza",
    model_version_arn=VERSION,
    project_arn="arn:aws:rekognition:ap-northeast-1:111122223333:project/bread-checkout/1761900000000",
    min_confidence=85.0,
    timezone="Asia/Tokyo",
    opens="07:00",
    closes="19:00",
    open_days=("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"),
    start_lead_minutes=30,
    closed_days=("2026-12-31", "2027-01-01", "2027-01-02", "2027-01-03"),
)
# Tuesday 2026-12-01, 05:00 in Tokyo: before the 06:30 start.
EARLY_MORNING = datetime(2026, 11, 30, 20, 0, tzinfo=UTC)


@dataclass
class Clock:
    t: float = 1000.0

    def __call__(self) -> float:
        return self.t


@dataclass
class Fakes:
    ssm: Stubber
    rekognition: Stubber
    clock: Clock
    client: ModelClient

    def parameter(self, handle: ModelHandle = HANDLE) -> None:
        self.ssm.add_response(
            "get_parameter",
            {"Parameter": {"Name": parameter_name(handle.store), "Value": handle.to_json()}},
            {"Name": "/rekognition-model-scheduler/tokyo-ginza/model"},
        )

    def labels(self, expected: dict[str, Any], *labels: tuple[str, float]) -> None:
        self.rekognition.add_response(
            "detect_custom_labels",
            {"CustomLabels": [{"Name": name, "Confidence": c} for name, c in labels]},
            expected,
        )

    def not_ready(self, expected: dict[str, Any] | None = None) -> None:
        self.rekognition.add_client_error(
            "detect_custom_labels",
            "ResourceNotReadyException",
            "The requested resource isn't ready.",
            expected_params=expected,
        )


@pytest.fixture
def fakes() -> Iterator[Fakes]:
    ssm = boto3.client("ssm", region_name="ap-northeast-1")
    rekognition = boto3.client("rekognition", region_name="ap-northeast-1")
    clock = Clock()
    client = ModelClient(
        "tokyo-ginza", ssm=ssm, rekognition=rekognition, clock=clock, now=lambda: EARLY_MORNING
    )
    with Stubber(ssm) as ssm_stub, Stubber(rekognition) as rekognition_stub:
        yield Fakes(ssm_stub, rekognition_stub, clock, client)
        ssm_stub.assert_no_pending_responses()
        rekognition_stub.assert_no_pending_responses()


def with_version(arn: str) -> ModelHandle:
    return replace(HANDLE, model_version_arn=arn)
