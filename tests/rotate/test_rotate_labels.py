"""./scripts/rotate.sh reads both versions' evaluations label by label (Rekognition and S3
through botocore's Stubber): a label worse is refused unless accepted, and a summary that
cannot be read is one line, after which the rotation goes on with the overall F1 only."""

from __future__ import annotations

import io
from collections.abc import Iterator

import boto3
import pytest
from botocore.exceptions import ReadTimeoutError
from botocore.response import StreamingBody
from botocore.stub import Stubber

from tests.rotate.test_labels import summary
from tests.synth import ROOT

from .conftest import CURRENT, CURRENT_NAME, NEW, NEW_NAME, STORE, Rotation

BEFORE = summary(("メロンパン", 0.95, 0.80, 40), ("あんぱん", 0.93, 0.817, 35))
AFTER_WORSE = summary(("メロンパン", 0.96, 0.79, 40), ("あんぱん", 0.85, 0.82, 35))
AFTER_BETTER = summary(("メロンパン", 0.96, 0.79, 40), ("あんぱん", 0.95, 0.80, 35))


@pytest.fixture
def s3(rotation: Rotation) -> Iterator[Stubber]:
    client = boto3.client("s3", region_name="ap-northeast-1")
    rotation.s3 = client
    with Stubber(client) as stub:
        yield stub
        stub.assert_no_pending_responses()


def serve(stub: Stubber, name: str, text: str) -> None:
    data = text.encode()
    body = StreamingBody(io.BytesIO(data), len(data))
    stub.add_response(
        "get_object", {"Body": body}, {"Bucket": "training-output", "Key": f"{name}.json"}
    )


def fail(stub: Stubber, name: str, code: str, message: str = "stubbed") -> None:
    stub.add_client_error(
        "get_object",
        code,
        message,
        expected_params={"Bucket": "training-output", "Key": f"{name}.json"},
    )


def rotate_with(rotation: Rotation, *args: str) -> int:
    rotation.versions((CURRENT, "RUNNING", 0.94), (NEW, "STOPPED", 0.95), summaries=True)
    return rotation.main(STORE, NEW, "--no-diff", *args)


def test_a_label_worse_is_refused_with_the_table(
    rotation: Rotation, s3: Stubber, capsys: pytest.CaptureFixture[str]
) -> None:
    serve(s3, CURRENT_NAME, BEFORE)
    serve(s3, NEW_NAME, AFTER_WORSE)
    before = rotation.cdk_json.read_bytes()
    assert rotate_with(rotation) == 1
    assert rotation.cdk_json.read_bytes() == before
    captured = capsys.readouterr()
    assert "labels, current -> new, worst change first:" in captured.out
    assert "あんぱん | 0.930 -> 0.850 (-0.080)" in captured.out
    refused = [line for line in captured.err.splitlines() if line.startswith("rotate: refused")]
    assert refused == [
        "rotate: refused: label 'あんぱん': F1 0.930 -> 0.850 (-0.080), more than maxLabelF1Drop "
        "0.05 (--accept-lower-label-f1); cdk.json is unchanged"
    ]


def test_an_accepted_drop_rotates(rotation: Rotation, s3: Stubber) -> None:
    serve(s3, CURRENT_NAME, BEFORE)
    serve(s3, NEW_NAME, AFTER_WORSE)
    assert rotate_with(rotation, "--accept-lower-label-f1") == 0


def test_every_label_better_rotates_and_advises_on_min_confidence(
    rotation: Rotation, s3: Stubber, capsys: pytest.CaptureFixture[str]
) -> None:
    """tokyo-ginza sends minConfidence 85 and expects メロンパン and あんぱん (its canary)."""
    serve(s3, CURRENT_NAME, BEFORE)
    serve(s3, NEW_NAME, AFTER_BETTER)
    assert rotate_with(rotation) == 0
    err = capsys.readouterr().err
    assert (
        "rotate: minConfidence: minConfidence 85 is above 'メロンパン''s assumed threshold" in err
    )
    assert "rotate: minConfidence: suggestion: minConfidence 76.0 to 78.0" in err


@pytest.mark.parametrize(
    ("code", "message", "says"),
    [
        ("AccessDenied", "Access Denied", "access denied reading bread-checkout.2026-11-01"),
        ("NoSuchKey", "gone", "is not found (NoSuchKey)"),
        ("AccessDenied", "User is not authorized to perform kms:Decrypt", "ask for kms:Decrypt"),
    ],
)
def test_a_summary_that_cannot_be_read_is_one_line_and_the_rotation_goes_on(
    rotation: Rotation,
    s3: Stubber,
    capsys: pytest.CaptureFixture[str],
    code: str,
    message: str,
    says: str,
) -> None:
    fail(s3, CURRENT_NAME, code, message)
    assert rotate_with(rotation) == 0
    lines = [line for line in capsys.readouterr().err.splitlines() if "labels not checked" in line]
    assert len(lines) == 1
    assert says in lines[0]
    assert lines[0].endswith("the rotation continues with the overall-F1 checks only")


def test_a_summary_that_is_not_json_is_one_line(
    rotation: Rotation, s3: Stubber, capsys: pytest.CaptureFixture[str]
) -> None:
    serve(s3, CURRENT_NAME, "<html>")
    assert rotate_with(rotation) == 0
    assert "labels not checked: the summary file is not JSON" in capsys.readouterr().err


def test_a_version_trained_without_a_test_set(
    rotation: Rotation, capsys: pytest.CaptureFixture[str]
) -> None:
    rotation.versions((CURRENT, "RUNNING", 0.94), (NEW, "STOPPED", 0.95))
    assert rotation.main(STORE, NEW, "--no-diff") == 0
    assert "was trained without a test set" in capsys.readouterr().err


def test_offline_says_labels_were_not_checked(
    rotation: Rotation, capsys: pytest.CaptureFixture[str]
) -> None:
    assert rotation.main(STORE, NEW, "--offline", "--no-diff") == 0
    assert "labels were not checked" in capsys.readouterr().err


def test_a_label_that_cannot_be_judged_is_named_and_the_rotation_goes_on(
    rotation: Rotation, s3: Stubber, capsys: pytest.CaptureFixture[str]
) -> None:
    """A NaN F1 in the new summary: "labels not checked" names the label; the overall F1
    decides (the pipeline's check fails instead, unless accepted)."""
    serve(s3, CURRENT_NAME, BEFORE)
    serve(s3, NEW_NAME, AFTER_BETTER.replace("0.95", "NaN"))
    assert rotate_with(rotation) == 0
    lines = [line for line in capsys.readouterr().err.splitlines() if "labels not checked" in line]
    assert len(lines) == 1
    assert "label 'あんぱん' has F1Score nan, not a number from 0 to 1" in lines[0]


class _Unreachable:
    """An S3 client whose every call times out, as without a network (Stubber cannot raise
    botocore's own errors)."""

    def get_object(self, **_: object) -> object:
        raise ReadTimeoutError(endpoint_url="https://training-output.s3.amazonaws.com/x.json")


def test_s3_out_of_reach_is_one_line_without_a_traceback(
    rotation: Rotation, capsys: pytest.CaptureFixture[str]
) -> None:
    rotation.s3 = _Unreachable()
    assert rotate_with(rotation) == 0
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if "labels not checked" in line]
    assert len(lines) == 1
    assert "summary file s3://training-output/" in lines[0]
    assert "cannot be reached: Read timeout on endpoint URL" in lines[0]


def test_the_operators_example_is_every_line_the_code_prints(
    rotation: Rotation, s3: Stubber, capsys: pytest.CaptureFixture[str]
) -> None:
    """docs/operator.md's rotation example, line for line (standard output, then error)."""
    serve(s3, CURRENT_NAME, BEFORE)
    serve(s3, NEW_NAME, AFTER_WORSE)
    assert rotate_with(rotation) == 1
    captured = capsys.readouterr()
    printed = [line.rstrip() for line in (captured.out + captured.err).rstrip("\n").split("\n")]
    docs = (ROOT / "docs" / "operator.md").read_text(encoding="utf-8")
    start = docs.index("     ```\n", docs.index("versions side by side (every line it prints"))
    end = docs.index("     ```\n", start + 1)
    shown = [line.removeprefix("     ") for line in docs[start:end].splitlines()[1:]]
    assert shown == printed
