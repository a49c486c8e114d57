"""A model version's evaluation, label by label, and what changes from the current version to
the new one (issue 22's pre-flight; the reading from S3 and the wiring into rotate.sh come next).

Rekognition writes a training results summary file per version (DescribeProjectVersions'
EvaluationResult.Summary.S3Object): `Version` 1, `LabelEvaluationResults` with one entry per
label, `Metrics` (F1Score, Precision, Recall, Threshold: the assumed threshold, 0 to 1) and the
label's `NumberOfTestingImages`. Labels are compared after Unicode NFC normalisation, as the
canary compares them, and shown as trained.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from botocore.exceptions import BotoCoreError, ClientError

from fleet.settings.rotation import Refusal

SUMMARY_VERSION = 1
# A label evaluated on fewer test images than this gets a warning, not a refusal, for a drop.
FEW_IMAGES = 10
# minConfidence this far below a label's assumed threshold lets through more false positives.
FAR_BELOW = 10.0


class SummaryError(ValueError):
    """The summary file cannot be read as one; the message names the cause and the fix."""


@dataclass(frozen=True)
class LabelFigures:
    name: str  # as trained
    f1: float
    precision: float
    recall: float
    threshold: float  # the assumed threshold, 0 to 1
    test_images: int | None  # None: the summary does not say


def nfc(name: str) -> str:
    return unicodedata.normalize("NFC", name)


def _metric(name: str, key: str, value: Any) -> float:
    """A figure of 0 to 1; SummaryError for NaN (a number or "NaN"), a boolean or out of range
    (80 written for 0.80): a label the pre-flight cannot judge is named, never skipped."""
    number = None if isinstance(value, bool) else _number(value)
    if number is None or not 0.0 <= number <= 1.0:  # NaN compares false: refused too
        raise SummaryError(
            f"label {name!r} has {key} {value!r}, not a number from 0 to 1: the summary file "
            "cannot be judged label by label"
        )
    return number


def _number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _test_images(name: str, value: Any) -> int | None:
    """None: not given (compared without the few-images allowance)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise SummaryError(
            f"label {name!r} has NumberOfTestingImages {value!r}, not a whole number of 0 or more"
        )
    return value


def parse_summary(text: str | bytes) -> dict[str, LabelFigures]:
    """The labels of a version (those of its LabelEvaluationResults), by NFC name."""
    try:
        body = json.loads(text)
    except (ValueError, UnicodeDecodeError) as error:
        raise SummaryError(f"the summary file is not JSON ({error})") from error
    if not isinstance(body, dict):
        raise SummaryError("the summary file is not a JSON object")
    if body.get("Version") != SUMMARY_VERSION:
        raise SummaryError(
            f"the summary file has Version {body.get('Version')!r}; this pre-flight reads "
            f"Version {SUMMARY_VERSION}: update rekognition-model-scheduler"
        )
    found: dict[str, LabelFigures] = {}
    try:
        for entry in body["LabelEvaluationResults"]:
            metrics = entry["Metrics"]
            name = str(entry["Label"])
            key = nfc(name)
            if key in found:
                raise SummaryError(
                    f"labels {found[key].name!a} and {name!a} are one label after "
                    "Unicode normalization (NFC): rename one, and train again"
                )
            found[key] = LabelFigures(
                name=name,
                f1=_metric(name, "F1Score", metrics["F1Score"]),
                precision=_metric(name, "Precision", metrics["Precision"]),
                recall=_metric(name, "Recall", metrics["Recall"]),
                threshold=_metric(name, "Threshold", metrics["Threshold"]),
                test_images=_test_images(name, entry.get("NumberOfTestingImages")),
            )
    except (KeyError, TypeError, AttributeError) as error:
        raise SummaryError(
            f"the summary file's LabelEvaluationResults are malformed ({error!r})"
        ) from error
    return found


def printed(value: float) -> Decimal:
    """A figure as the tables print it: three decimals."""
    return Decimal(f"{value:.3f}")


def rounded_change(before: float, after: float) -> Decimal:
    """after - before, of the figures as printed: what the reader sees decides."""
    return printed(after) - printed(before)


def drops_more_than(before: float, after: float, limit: float) -> bool:
    """Whether the F1 drop from `before` to `after` exceeds `limit`, all three at the three
    decimals the tables print (0.920 -> 0.870 is a drop of exactly 0.05, not 0.0500000001)."""
    return -rounded_change(before, after) > printed(limit)


@dataclass(frozen=True)
class LabelChange:
    name: str  # NFC
    current: LabelFigures | None
    new: LabelFigures | None

    def shown(self) -> str:
        """The label as trained (the new version's spelling when both have it)."""
        figures = self.new or self.current
        return figures.name if figures is not None else self.name

    @property
    def f1_change(self) -> Decimal | None:
        if self.current is None or self.new is None:
            return None
        return rounded_change(self.current.f1, self.new.f1)


@dataclass(frozen=True)
class Refused:
    """One refusal: its kind (what accepts it) and why, in words."""

    kind: Refusal
    reason: str

    def __str__(self) -> str:
        return f"{self.reason} ({self.kind.flag})"


@dataclass(frozen=True)
class Comparison:
    changes: tuple[LabelChange, ...]  # worst change first
    refusals: tuple[Refused, ...]  # one line each, naming the flag that accepts it
    warnings: tuple[str, ...]
    notes: tuple[str, ...]


def compare(
    current: Mapping[str, LabelFigures],
    new: Mapping[str, LabelFigures],
    *,
    max_label_f1_drop: float,
    expect_labels: Iterable[str] = (),
) -> Comparison:
    """The label table, and what is refused, warned about and reported."""
    changes = [LabelChange(k, current.get(k), new.get(k)) for k in {**current, **new}]
    # Missing labels first, then the largest drop; new labels last.
    changes.sort(
        key=lambda c: (
            c.new is not None,
            c.current is None,
            c.f1_change if c.f1_change is not None else Decimal(0),
        )
    )
    refusals: list[Refused] = []
    warnings: list[str] = []
    notes: list[str] = []
    untold: list[str] = []  # labels whose summary gives no NumberOfTestingImages
    for change in changes:
        before, after = change.current, change.new
        if after is None and before is not None:
            refusals.append(
                Refused(
                    Refusal.MISSING_LABELS,
                    f"label {before.name!r} is missing from the new version: the register "
                    "would never see that product again",
                )
            )
        elif before is None and after is not None:
            notes.append(f"label {after.name!r} is new in the new version")
        elif before is not None and after is not None:
            if after.test_images is None:
                untold.append(after.name)
            if not drops_more_than(before.f1, after.f1, max_label_f1_drop):
                continue
            drop = (
                f"label {after.name!r}: F1 {before.f1:.3f} -> {after.f1:.3f} "
                f"({change.f1_change:+.3f}), more than maxLabelF1Drop {max_label_f1_drop:g}"
            )
            if after.test_images is not None and after.test_images < FEW_IMAGES:
                warnings.append(
                    f"{drop}, but evaluated on {after.test_images} test images only: too few "
                    "to trust"
                )
            else:
                refusals.append(Refused(Refusal.LOWER_LABEL_F1, drop))
    if untold:
        notes.append(
            f"test images: not given for {', '.join(repr(n) for n in untold)}: their drops are "
            "judged without the few-images allowance"
        )
    for label in expect_labels:
        if nfc(label) not in new:
            refusals.append(
                Refused(
                    Refusal.CANARY_LABELS,
                    f"canary label {label!r} is not a label of the new version: the canary "
                    "would fail at the next opening",
                )
            )
    return Comparison(tuple(changes), tuple(refusals), tuple(warnings), tuple(notes))


def min_confidence_advice(
    new: Mapping[str, LabelFigures], labels: Iterable[str], min_confidence: float | None
) -> list[str]:
    """For each expected label: minConfidence above its new assumed threshold (detections the
    model counts dropped), or more than 10 points below it (more false positives); and a value
    1 to 3 points below the lowest threshold among them. Advice only, never a refusal."""
    figures = [new[nfc(label)] for label in labels if nfc(label) in new]
    if min_confidence is None or not figures:
        return []
    lines = []
    for label in figures:
        threshold = label.threshold * 100
        if min_confidence > threshold:
            lines.append(
                f"minConfidence {min_confidence:g} is above {label.name!r}'s assumed threshold "
                f"{threshold:.1f}: detections the model counts as positive would be dropped"
            )
        elif threshold - min_confidence > FAR_BELOW:
            lines.append(
                f"minConfidence {min_confidence:g} is {threshold - min_confidence:.1f} points "
                f"below {label.name!r}'s assumed threshold {threshold:.1f}: more false positives"
            )
    if lines:
        lowest = min(label.threshold * 100 for label in figures)
        lines.append(
            f"suggestion: minConfidence {max(lowest - 3, 0):.1f} to {max(lowest - 1, 0):.1f} "
            f"(1 to 3 points below the lowest assumed threshold, {lowest:.1f})"
        )
    return lines


def _cell(figures: LabelFigures | None, attribute: str) -> str:
    if figures is None:
        return "-"
    value = getattr(figures, attribute)
    if attribute == "test_images":
        return "not given" if value is None else str(value)
    return f"{value:.3f}"


def table(comparison: Comparison) -> str:
    """Per label: F1, precision, recall, assumed threshold and test images, current -> new."""
    rows = ["label | F1 | precision | recall | threshold | test images"]
    for change in comparison.changes:
        name = change.shown()
        cells = [
            f"{_cell(change.current, a)} -> {_cell(change.new, a)}"
            for a in ("f1", "precision", "recall", "threshold", "test_images")
        ]
        if change.f1_change is not None:
            cells[0] += f" ({change.f1_change:+.3f})"
        rows.append(" | ".join([name, *cells]))
    return "\n".join(rows)


def read_summary(s3: Any, where: tuple[str, str] | None, version: str) -> dict[str, LabelFigures]:
    """A version's labels from its summary file in S3; SummaryError with the cause and the fix."""
    if where is None:
        raise SummaryError(
            f"{version} was trained without a test set: it has no evaluation to compare labels "
            "with (train it with a test dataset to have one)"
        )
    bucket, key = where
    uri = f"s3://{bucket}/{key}"
    try:
        body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    except BotoCoreError as error:  # no network, a timeout, a proxy: the SDK never got an answer
        said = " ".join(str(error).split())
        raise SummaryError(f"{version}'s summary file {uri} cannot be reached: {said}") from error
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        said = " ".join(str(error).split())
        if code in ("NoSuchKey", "NoSuchBucket", "404"):
            raise SummaryError(
                f"{version}'s summary file {uri} is not found ({code}): it was deleted or the "
                "training output moved"
            ) from error
        if "KMS" in code or "kms" in said.lower():
            raise SummaryError(
                f"{version}'s summary file {uri} is encrypted with a key these credentials may "
                f"not use ({code}): ask for kms:Decrypt on that key"
            ) from error
        if code in ("AccessDenied", "403", "AllAccessDisabled"):
            raise SummaryError(
                f"access denied reading {version}'s summary file {uri}: the operator needs "
                "s3:GetObject on the training output (a version copied from another account "
                "keeps its summary in that account's bucket)"
            ) from error
        raise SummaryError(f"{version}'s summary file {uri} cannot be read: {said}") from error
    return parse_summary(body)


class Evaluated(Protocol):
    """A described version: its name and where its summary file is (preflight.VersionInfo)."""

    @property
    def name(self) -> str: ...

    @property
    def summary(self) -> tuple[str, str] | None: ...


def compare_versions(
    s3: Any,
    current: Evaluated | None,
    new: Evaluated,
    *,
    max_label_f1_drop: float,
    expect_labels: Iterable[str] = (),
) -> tuple[Comparison, dict[str, LabelFigures]]:
    """Both summary files read and compared (rotate.sh and the pipeline's check alike), and the
    new version's labels; SummaryError when either cannot be read."""
    if current is None:
        raise SummaryError("the current version is not described: no labels to compare")
    before = read_summary(s3, current.summary, current.name)
    after = read_summary(s3, new.summary, new.name)
    result = compare(
        before, after, max_label_f1_drop=max_label_f1_drop, expect_labels=expect_labels
    )
    return result, after


def unaccepted(refusals: Iterable[Refused], accepted: Collection[Refusal]) -> list[str]:
    """The lines of the refusals whose kind is not accepted."""
    return [str(r) for r in refusals if r.kind not in accepted]
