"""Each construct alone on a bare Stack, the way aws-cdk tests its own constructs: minimal
props, cdk.json's feature flags (so that defaults match the real app), no fleet, no cdk-nag."""

from __future__ import annotations

import aws_cdk as cdk
import pytest

from fleet.settings.arn import Location
from tests.synth import cdk_json

ACCOUNT, REGION = "111122223333", "ap-northeast-1"
VERSION_ARN = (
    "arn:aws:rekognition:ap-northeast-1:111122223333:project/bread/version/"
    "bread.2026-11-01T09.00.00/1761987600000"
)
PROJECT_ARN = "arn:aws:rekognition:ap-northeast-1:111122223333:project/bread/1761900000000"
PROJECT_SCOPE = "arn:aws:rekognition:ap-northeast-1:111122223333:project/bread/*"
LOCATION = Location("aws", REGION, ACCOUNT)


def feature_flags() -> dict[str, object]:
    return {k: v for k, v in cdk_json()["context"].items() if k.startswith("@aws-cdk")}


@pytest.fixture
def stack() -> cdk.Stack:
    app = cdk.App(context=feature_flags())
    return cdk.Stack(app, "Test", env=cdk.Environment(account=ACCOUNT, region=REGION))
