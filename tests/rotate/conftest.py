"""A copy of cdk.json to rotate in, and a Stubber for DescribeProjectVersions."""

from __future__ import annotations

import shutil
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from tests.synth import ROOT, cdk_json

STORE = "tokyo-ginza"
PROJECT = cdk_json()["context"]["fleet"]["stores"][STORE]["projectArn"]
CURRENT = cdk_json()["context"][f"modelVersionArn:{STORE}"]
CURRENT_NAME = "bread-checkout.2026-11-01T09.00.00"
NEW_NAME = "bread-checkout.2026-12-01T09.00.00"
NEW = CURRENT.replace("2026-11-01T09.00.00/1761987600000", "2026-12-01T09.00.00/1764579600000")


@dataclass
class Rotation:
    cdk_json: Path
    rekognition: Any
    stub: Stubber
    commands: list[list[str]] = field(default_factory=list)
    s3: Any = None

    def versions(
        self,
        *described: tuple[str, str, float | None],
        summaries: bool = False,
        status_message: str = "",
    ) -> None:
        """DescribeProjectVersions answers these (arn, status, F1) for the two names asked;
        with `summaries`, each names its summary file (s3://training-output/<version name>);
        each carries `status_message` as its StatusMessage when given."""
        descriptions = []
        for arn, status, f1 in described:
            description: dict[str, Any] = {
                "ProjectVersionArn": arn,
                "Status": status,
                "CreationTimestamp": datetime(2026, 12, 1, 9, tzinfo=UTC),
            }
            if status_message:
                description["StatusMessage"] = status_message
            if f1 is not None:
                description["EvaluationResult"] = {"F1Score": f1}
                if summaries:
                    name = arn.split("/version/")[1].split("/")[0]
                    description["EvaluationResult"]["Summary"] = {
                        "S3Object": {"Bucket": "training-output", "Name": f"{name}.json"}
                    }
            descriptions.append(description)
        self.stub.add_response(
            "describe_project_versions",
            {"ProjectVersionDescriptions": descriptions},
            {"ProjectArn": PROJECT, "VersionNames": [CURRENT_NAME, NEW_NAME]},
        )

    def run(self, arguments: Sequence[str], cwd: Path) -> int:
        """Stands in for the CDK CLI: records the command."""
        self.commands.append(list(arguments))
        return 0

    def main(self, *args: str) -> int:
        from rotate.__main__ import main

        return main(
            [*args, "--cdk-json", str(self.cdk_json)],
            rekognition=self.rekognition,
            s3=self.s3,
            run=self.run,
        )


@pytest.fixture
def rotation(tmp_path: Path) -> Iterator[Rotation]:
    copy = tmp_path / "cdk.json"
    shutil.copyfile(ROOT / "cdk.json", copy)
    client = boto3.client("rekognition", region_name="ap-northeast-1")
    with Stubber(client) as stub:
        yield Rotation(copy, client, stub)
        stub.assert_no_pending_responses()
