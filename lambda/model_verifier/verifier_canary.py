"""The canary: at opening, the running model is asked about a known image with the checkout's
MinConfidence, and must find every expected label. An image it cannot read is a failed check,
never a wrong answer."""

from __future__ import annotations

import unicodedata
from typing import Any

from botocore.exceptions import ClientError

import verifier_aws
from verifier_aws import call
from verifier_contract import Canary, VerifierEvent
from verifier_outcome import Outcome, VerifierError

# What makes DetectCustomLabels on the canary fail, with the fix; never a "wrong answer".
CANARY_FAILURES = {
    "InvalidS3ObjectException": (
        "Rekognition cannot read the canary image {uri}: the object must exist, the verifier's "
        "role must be able to read it (the stack grants s3:GetObject on it; a bucket policy or "
        "a KMS key may still refuse), and the bucket must be in the model's region ({region})",
        "canary image unreadable",
    ),
    "InvalidImageFormatException": (
        "the canary image {uri} is not an image Rekognition reads (JPEG or PNG): replace it",
        "canary is not an image",
    ),
    "ImageTooLargeException": (
        "the canary image {uri} is too large for DetectCustomLabels (at most 15 MB from S3, "
        "4096 x 4096 pixels): use a smaller image",
        "canary image too large",
    ),
    "InvalidParameterException": (
        "Rekognition refused the canary request for {uri} (InvalidParameterException): check "
        "the image and minConfidence (0 to 100)",
        "canary request refused",
    ),
    "ResourceNotReadyException": (
        "the model stopped being ready while the canary image {uri} was asked: check the model",
        "model not ready for the canary",
    ),
}


def _nfc(name: str) -> str:
    return unicodedata.normalize("NFC", name)


def ask_canary(check: VerifierEvent, canary: Canary, outcome: Outcome) -> None:
    """Ask the running model about the canary image, with the checkout's MinConfidence, and
    compare its labels with the expected ones (exact, after NFC normalisation)."""
    request: dict[str, Any] = {
        "ProjectVersionArn": check.model_version_arn,
        "Image": {"S3Object": {"Bucket": canary.bucket, "Name": canary.key}},
    }
    if canary.min_confidence is not None:
        request["MinConfidence"] = canary.min_confidence
    try:
        found = call(verifier_aws.REKOGNITION.detect_custom_labels, **request).get(
            "CustomLabels", []
        )
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        if code in CANARY_FAILURES:
            text, short = CANARY_FAILURES[code]
            region = check.model_version_arn.split(":")[3]
            raise VerifierError(text.format(uri=canary.uri, region=region), short) from error
        raise
    confidence: dict[str, float] = {}
    for label in found:
        name = _nfc(str(label.get("Name", "")))
        confidence[name] = max(confidence.get(name, 0.0), float(label.get("Confidence", 0.0)))
    expected = [_nfc(label) for label in canary.expect_labels]
    missing = [label for label in expected if label not in confidence]
    outcome.answers = not missing
    if outcome.answers:
        return
    threshold = (
        f"MinConfidence {canary.min_confidence:g}"
        if canary.min_confidence is not None
        else "the model's own thresholds"
    )
    lines = [f"The canary image {canary.uri} did not give every expected label ({threshold}):"]
    lines += [
        f"  {label}: {confidence[label]:.1f} %"
        if label in confidence
        else f"  {label}: not returned"
        for label in expected
    ]
    extra = [f"{name} {value:.1f} %" for name, value in confidence.items() if name not in expected]
    lines.append(f"Returned but not expected: {', '.join(extra) or 'none'}")
    outcome.notice(
        "\n".join(lines), f"answers wrong, {len(missing)} of {len(expected)} labels missing"
    )
