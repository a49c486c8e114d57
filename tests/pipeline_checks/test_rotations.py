"""The rotation check before a pipeline's canary (Stubber for SSM, Rekognition and S3): a store
whose deployed version differs from cdk.json's is checked like rotate.sh checks it; a refusal
fails the pipeline unless cdk.json accepts it for that store and version."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.response import StreamingBody
from botocore.stub import Stubber

from fleet.reading.loader import load_fleet
from fleet.settings.rotation import Refusal
from pipeline_checks import rotations
from pipeline_checks.rotations import Clients, Subject, decide
from tests.rotate.test_labels import summary
from tests.synth import ROOT, TEST_TODAY, cli_context

FLEET = load_fleet(cli_context(), today=TEST_TODAY)
TOKYO = next(s for s in FLEET.stores if s.store_id == "tokyo-ginza")
SUBJECT = Subject("store tokyo-ginza", "tokyo-ginza", TOKYO, ("tokyo-ginza",))
NEW = TOKYO.settings.model.arn  # what cdk.json says now
OLD = NEW.replace("2026-11-01T09.00.00/1761987600000", "2026-10-01T09.00.00/1759309200000")
OLD_NAME, NEW_NAME = "bread-checkout.2026-10-01T09.00.00", "bread-checkout.2026-11-01T09.00.00"
BEFORE = summary(("メロンパン", 0.95, 0.80, 40), ("あんぱん", 0.93, 0.817, 35))
WORSE = summary(("メロンパン", 0.96, 0.79, 40), ("あんぱん", 0.85, 0.82, 35))


class Stubs:
    def __init__(self) -> None:
        region = "ap-northeast-1"
        self.clients = Clients(
            boto3.client("ssm", region_name=region),
            boto3.client("rekognition", region_name=region),
            boto3.client("s3", region_name=region),
        )
        self.ssm = Stubber(self.clients.ssm)
        self.rekognition = Stubber(self.clients.rekognition)
        self.s3 = Stubber(self.clients.s3)

    def deployed(self, arn: str | None, store: str = "tokyo-ginza") -> None:
        name = f"/rekognition-model-scheduler/{store}/model"
        if arn is None:
            self.ssm.add_client_error(
                "get_parameter", "ParameterNotFound", expected_params={"Name": name}
            )
            return
        value = json.dumps({"modelVersionArn": arn})
        self.ssm.add_response("get_parameter", {"Parameter": {"Value": value}}, {"Name": name})

    def versions(self, old: str = OLD, new: str = NEW) -> None:
        old_name, new_name = (arn.split("/version/")[1].split("/")[0] for arn in (old, new))

        def described(arn: str, name: str, f1: float) -> dict[str, Any]:
            return {
                "ProjectVersionArn": arn,
                "Status": "RUNNING" if arn == old else "TRAINING_COMPLETED",
                "CreationTimestamp": datetime(2026, 12, 1, tzinfo=UTC),
                "EvaluationResult": {
                    "F1Score": f1,
                    "Summary": {"S3Object": {"Bucket": "training-output", "Name": f"{name}.json"}},
                },
            }

        self.rekognition.add_response(
            "describe_project_versions",
            {
                "ProjectVersionDescriptions": [
                    described(old, old_name, 0.94),
                    described(new, new_name, 0.95),
                ]
            },
            {"ProjectArn": TOKYO.settings.project_arn, "VersionNames": [old_name, new_name]},
        )

    def summaries(
        self, before: str, after: str, old_name: str = OLD_NAME, new_name: str = NEW_NAME
    ) -> None:
        for name, text in ((old_name, before), (new_name, after)):
            data = text.encode()
            self.s3.add_response(
                "get_object",
                {"Body": StreamingBody(io.BytesIO(data), len(data))},
                {"Bucket": "training-output", "Key": f"{name}.json"},
            )


def test_a_store_whose_version_did_not_change_is_not_checked(stubs: Stubs) -> None:
    stubs.deployed(NEW)
    assert decide(SUBJECT, stubs.clients, frozenset()) == []


def test_a_store_not_deployed_yet_is_not_checked(stubs: Stubs) -> None:
    stubs.deployed(None)
    assert decide(SUBJECT, stubs.clients, frozenset()) == []


def test_a_label_worse_than_deployed_is_refused(stubs: Stubs) -> None:
    stubs.deployed(OLD)
    stubs.versions()
    stubs.summaries(BEFORE, WORSE)
    assert decide(SUBJECT, stubs.clients, frozenset()) == [
        "store tokyo-ginza: label 'あんぱん': F1 0.930 -> 0.850 (-0.080), more than "
        "maxLabelF1Drop 0.05 (--accept-lower-label-f1)"
    ]


def test_an_accepted_refusal_goes_ahead(stubs: Stubs) -> None:
    stubs.deployed(OLD)
    stubs.versions()
    stubs.summaries(BEFORE, WORSE)
    assert decide(SUBJECT, stubs.clients, frozenset({Refusal.LOWER_LABEL_F1})) == []


def write_cdk_json(tmp_path: Path, accept: list[str] | None) -> Path:
    config = json.loads((ROOT / "cdk.json").read_text(encoding="utf-8"))
    if accept is not None:
        config["context"]["fleet"]["pipeline"]["acceptRotations"] = {
            "tokyo-ginza": {"modelVersionArn": NEW, "accept": accept}
        }
    path = tmp_path / "cdk.json"
    path.write_text(json.dumps(config, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.mark.parametrize(("accept", "status"), [(None, 1), (["lower-label-f1"], 0)])
def test_the_pipeline_step_decides(
    stubs: Stubs, tmp_path: Path, capsys: pytest.CaptureFixture[str], accept: Any, status: int
) -> None:
    """Refused: exit 1 and how to accept; accepted in cdk.json for this version: exit 0."""
    stubs.deployed(OLD)
    stubs.versions()
    stubs.summaries(BEFORE, WORSE)
    path = write_cdk_json(tmp_path, accept)
    argv = ["--stores", "tokyo-ginza", "--cdk-json", str(path)]
    assert rotations.main(argv, connect=lambda store: stubs.clients) == status
    out = capsys.readouterr().out
    if status:
        assert out.startswith("REFUSED store tokyo-ginza: label 'あんぱん'")
        assert "fleet.pipeline.acceptRotations" in out
    else:
        assert "1 stores checked, nothing refused" in out


def _deny_kms(stubs: Stubs) -> None:
    stubs.s3.add_client_error(
        "get_object",
        "AccessDenied",
        "User is not authorized to perform kms:Decrypt",
        expected_params={"Bucket": "training-output", "Key": f"{OLD_NAME}.json"},
    )


def test_a_summary_the_check_cannot_read_fails_the_pipeline(stubs: Stubs) -> None:
    """Under a customer managed key the lookup role may not decrypt: not checked is not passed."""
    stubs.deployed(OLD)
    stubs.versions()
    _deny_kms(stubs)
    [line] = decide(SUBJECT, stubs.clients, frozenset())
    assert line.startswith("store tokyo-ginza: labels not checked: ")
    assert "ask for kms:Decrypt" in line
    assert line.endswith("(--accept-unchecked-labels)")


def test_unchecked_labels_accepted_for_the_version_go_ahead(stubs: Stubs) -> None:
    stubs.deployed(OLD)
    stubs.versions()
    _deny_kms(stubs)
    assert decide(SUBJECT, stubs.clients, frozenset({Refusal.UNCHECKED_LABELS})) == []


def test_labels_the_check_cannot_judge_fail_the_pipeline(stubs: Stubs) -> None:
    stubs.deployed(OLD)
    stubs.versions()
    stubs.summaries(BEFORE, WORSE.replace("0.85", "NaN"))
    [line] = decide(SUBJECT, stubs.clients, frozenset())
    assert "labels not checked: label 'あんぱん' has F1Score nan" in line


@pytest.mark.parametrize("value", ["not json", "[]", '{"version": 1}', '{"modelVersionArn": 7}'])
def test_a_deployed_handle_that_is_not_one_is_one_line_and_exit_2(
    stubs: Stubs, tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str
) -> None:
    name = "/rekognition-model-scheduler/tokyo-ginza/model"
    stubs.ssm.add_response("get_parameter", {"Parameter": {"Value": value}}, {"Name": name})
    argv = ["--stores", "tokyo-ginza", "--cdk-json", str(write_cdk_json(tmp_path, None))]
    assert rotations.main(argv, connect=lambda store: stubs.clients) == 2
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    assert out.startswith(
        f"rotation check: could not look: store tokyo-ginza's deployed model handle {name} is "
        "not a model handle"
    )
