"""Verify that a store's Rekognition Custom Labels model really started or stopped.

EventBridge Scheduler invokes this function at the store's opening time ("opening" check) and a
short while after the scheduled stop ("closing" check), with the store's settings in the event.

- opening: the version must be RUNNING. STOPPED or FAILED: start it again and notify. STARTING
  (a late start): notify, then look again every minute until it runs or the wait runs out.
- closing: the version must be STOPPED or STOPPING. RUNNING or STARTING: stop it and notify.
- both: other versions of the project that are RUNNING or STARTING and are no store's current
  version are stale (left over from a rotation, or started by hand): stop them, or only notify.

Every outcome is a CloudWatch metric data point (embedded metric format, so no PutMetricData
permission on "*" is needed). Starting what runs and stopping what is stopped are no-ops, so a
second invocation does no harm. Throttling is retried with backoff; access denied, a missing
version and unknown statuses are reported and make the invocation fail.
"""

from __future__ import annotations

import json
import logging
import os
import random
import time
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from verifier_contract import (
    NAMESPACE,
    STORE_DIMENSION,
    Canary,
    Check,
    MalformedEventError,
    Metric,
    StaleVersions,
    VerifierEvent,
)

if TYPE_CHECKING:
    from mypy_boto3_rekognition import RekognitionClient
    from mypy_boto3_sns import SNSClient

T = TypeVar("T")

RUNNING, STARTING, STOPPING, STOPPED, FAILED = (
    "RUNNING",
    "STARTING",
    "STOPPING",
    "STOPPED",
    "FAILED",
)
BILLING = frozenset({RUNNING, STARTING})
KNOWN_STATUSES = frozenset(
    {
        "TRAINING_IN_PROGRESS",
        "TRAINING_COMPLETED",
        "TRAINING_FAILED",
        STARTING,
        RUNNING,
        FAILED,
        STOPPING,
        STOPPED,
        "DELETING",
        "COPYING_IN_PROGRESS",
        "COPYING_COMPLETED",
        "COPYING_FAILED",
        "DEPRECATED",
        "EXPIRED",
    }
)
RETRYABLE = frozenset(
    {"ThrottlingException", "ProvisionedThroughputExceededException", "InternalServerError"}
)
RETRY_ATTEMPTS = 5

# With the function's JSON log format, Lambda's runtime formats these records as JSON and adds
# each `extra` field as a key.
LOGGER = logging.getLogger("model_verifier")
LOGGER.setLevel(logging.INFO)

# Throttling is retried below, with a backoff the tests can see (botocore's Stubber answers
# before botocore's own retry handler runs); botocore's retries are off so the two do not
# multiply.
REKOGNITION: RekognitionClient = boto3.client(
    "rekognition", config=Config(retries={"mode": "standard", "total_max_attempts": 1})
)
SNS: SNSClient = boto3.client("sns")

# Replaced in tests by a fake clock.
sleep: Callable[[float], None] = time.sleep
monotonic: Callable[[], float] = time.monotonic


def now() -> datetime:
    return datetime.now(UTC)


class VerifierError(Exception):
    """Something a person has to look at: the check could not be done."""


@dataclass(frozen=True)
class Settings:
    """From the function's environment: where to notify and publish metrics, how long to wait."""

    topic_arn: str
    late_start_wait_seconds: int
    poll_seconds: int
    max_delay_seconds: int

    @classmethod
    def from_environment(cls) -> Settings:
        return cls(
            topic_arn=os.environ["TOPIC_ARN"],
            late_start_wait_seconds=int(os.environ["LATE_START_WAIT_SECONDS"]),
            poll_seconds=int(os.environ["POLL_SECONDS"]),
            max_delay_seconds=int(os.environ["MAX_DELAY_SECONDS"]),
        )


@dataclass
class Outcome:
    """What one check found and did; becomes metrics, a notification and the return value."""

    check: VerifierEvent
    status: str | None = None
    final_status: str | None = None
    mismatch: bool = False
    recovery_actions: int = 0
    stale_versions: list[str] = field(default_factory=list)
    # Whether the canary image gave every expected label; None: not asked (no canary, the
    # model never ran, or asking failed).
    answers: bool | None = None
    notices: list[str] = field(default_factory=list)
    failure: str | None = None

    def notice(self, text: str) -> None:
        LOGGER.warning(text, extra={"store": self.check.store, "check": self.check.check})
        self.notices.append(text)

    @property
    def ok(self) -> bool:
        if self.check.check == Check.OPENING:
            return self.final_status == RUNNING
        return self.final_status in (STOPPED, STOPPING, FAILED)

    def metrics(self) -> dict[str, int]:
        values = {
            Metric.MISMATCH: int(self.mismatch or bool(self.stale_versions)),
            Metric.RECOVERY_ACTIONS: self.recovery_actions,
            Metric.STALE_VERSIONS_RUNNING: len(self.stale_versions),
            Metric.VERIFIER_FAILED: int(self.failure is not None),
        }
        name = (
            Metric.MODEL_READY_AT_OPENING
            if self.check.check == Check.OPENING
            else Metric.MODEL_STOPPED_AFTER_CLOSING
        )
        values[name] = int(self.failure is None and self.ok)
        if self.answers is not None:
            values[Metric.MODEL_ANSWERS_AT_OPENING] = int(self.answers)
        return {str(metric): value for metric, value in values.items()}


def call(operation: Callable[..., T], **kwargs: Any) -> T:
    """Call a Rekognition operation, retrying throttling and server errors with backoff."""
    for attempt in range(RETRY_ATTEMPTS):
        try:
            return operation(**kwargs)
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "")
            if code in RETRYABLE and attempt < RETRY_ATTEMPTS - 1:
                delay = min(2**attempt, 20) * (0.5 + random.random() / 2)
                LOGGER.info("retrying after a transient error", extra={"code": code, "wait": delay})
                sleep(delay)
                continue
            name = getattr(operation, "__name__", "call")
            if code == "AccessDeniedException":
                raise VerifierError(
                    f"access denied for {name} {kwargs}: the verifier role's policy must allow it "
                    "on the project (redeploy the store's stack)"
                ) from error
            if code == "ResourceNotFoundException":
                raise VerifierError(
                    f"not found: {name} {kwargs}; check modelVersionArn and projectArn in cdk.json"
                ) from error
            raise
    raise AssertionError("unreachable")  # pragma: no cover


def version_status(check: VerifierEvent) -> str:
    found = call(
        REKOGNITION.describe_project_versions,
        ProjectArn=check.project_arn,
        VersionNames=[check.version_name],
    )["ProjectVersionDescriptions"]
    mine = [d for d in found if d.get("ProjectVersionArn") == check.model_version_arn]
    if not mine:
        raise VerifierError(
            f"{check.model_version_arn} is not a version of {check.project_arn}: check "
            "modelVersionArn and projectArn in cdk.json"
        )
    status = str(mine[0].get("Status"))
    if status not in KNOWN_STATUSES:
        raise VerifierError(f"{check.model_version_arn} has an unknown status {status!r}")
    return status


def start(check: VerifierEvent) -> None:
    request: dict[str, Any] = {
        "ProjectVersionArn": check.model_version_arn,
        "MinInferenceUnits": check.min_inference_units,
    }
    if check.max_inference_units is not None:
        request["MaxInferenceUnits"] = check.max_inference_units
    try:
        call(REKOGNITION.start_project_version, **request)
    except ClientError as error:
        # Already starting or running (a race with the schedule or a person): that is the goal.
        if error.response.get("Error", {}).get("Code") != "ResourceInUseException":
            raise


def stop(arn: str) -> bool:
    """Stop a version; False if Rekognition refuses because it is busy (e.g. still starting)."""
    try:
        call(REKOGNITION.stop_project_version, ProjectVersionArn=arn)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "ResourceInUseException":
            return False
        raise
    return True


def ensure_running(check: VerifierEvent, outcome: Outcome, settings: Settings) -> None:
    deadline = monotonic() + settings.late_start_wait_seconds
    started = False
    status = outcome.status = version_status(check)
    while True:
        if status == RUNNING:
            if outcome.mismatch:
                outcome.notice(f"{check.model_version_arn} is RUNNING now.")
            break
        if status in (STOPPED, FAILED) and not started:
            outcome.mismatch = True
            start(check)
            started = True
            outcome.recovery_actions += 1
            outcome.notice(
                f"{check.model_version_arn} was {status} at opening: started it again "
                f"({check.min_inference_units} inference units). A start can take up to 30 min."
            )
        elif status in (STOPPED, FAILED):
            outcome.notice(f"{check.model_version_arn} is {status} again after the restart.")
            break
        elif status in (STARTING, STOPPING):
            if not outcome.mismatch:
                outcome.mismatch = True
                outcome.notice(
                    f"{check.model_version_arn} is still {status} at opening: the start is late."
                )
        else:
            outcome.mismatch = True
            outcome.notice(f"{check.model_version_arn} is {status} at opening and cannot run.")
            break
        if monotonic() >= deadline:
            outcome.notice(
                f"Gave up waiting: {check.model_version_arn} is still {status} "
                f"{settings.late_start_wait_seconds // 60} min after opening."
            )
            break
        sleep(settings.poll_seconds)
        status = version_status(check)
    outcome.final_status = status


def ensure_stopped(check: VerifierEvent, outcome: Outcome) -> None:
    status = outcome.status = outcome.final_status = version_status(check)
    if status not in BILLING:
        return
    outcome.mismatch = True
    if stop(check.model_version_arn):
        outcome.recovery_actions += 1
        outcome.final_status = STOPPING
        outcome.notice(
            f"{check.model_version_arn} was {status} after closing: stopped it "
            "(it bills about 4 USD per inference unit per hour while it runs)."
        )
    else:
        outcome.notice(
            f"{check.model_version_arn} is {status} after closing and Rekognition refused to "
            "stop it now: stop it by hand (see the README's runbook)."
        )


def project_versions(project_arn: str) -> Iterator[Any]:
    token: str | None = None
    while True:
        page = call(
            REKOGNITION.describe_project_versions,
            ProjectArn=project_arn,
            **({"NextToken": token} if token else {}),
        )
        yield from page["ProjectVersionDescriptions"]
        token = page.get("NextToken")
        if not token:
            return


def sweep_stale_versions(check: VerifierEvent, outcome: Outcome) -> None:
    for description in project_versions(check.project_arn):
        arn, status = description["ProjectVersionArn"], description["Status"]
        if status not in BILLING or arn in check.protected_versions:
            continue
        outcome.stale_versions.append(arn)
        if check.stale_versions == StaleVersions.NOTIFY:
            outcome.notice(
                f"Stale version {arn} is {status} and no store uses it; not stopped "
                "(staleVersions is 'notify'): stop it by hand if nobody needs it."
            )
        elif stop(arn):
            outcome.recovery_actions += 1
            outcome.notice(f"Stale version {arn} was {status} and no store uses it: stopped it.")
        else:
            outcome.notice(f"Stale version {arn} is {status}; Rekognition refused to stop it now.")


# What makes DetectCustomLabels on the canary fail, with the fix; never a "wrong answer".
CANARY_FAILURES = {
    "InvalidS3ObjectException": (
        "Rekognition cannot read the canary image {uri}: the object must exist, the verifier's "
        "role must be able to read it (the stack grants s3:GetObject on it; a bucket policy or "
        "a KMS key may still refuse), and the bucket must be in the model's region ({region})"
    ),
    "InvalidImageFormatException": (
        "the canary image {uri} is not an image Rekognition reads (JPEG or PNG): replace it"
    ),
    "ImageTooLargeException": (
        "the canary image {uri} is too large for DetectCustomLabels (at most 15 MB from S3, "
        "4096 x 4096 pixels): use a smaller image"
    ),
    "InvalidParameterException": (
        "Rekognition refused the canary request for {uri} (InvalidParameterException): check "
        "the image and minConfidence (0 to 100)"
    ),
    "ResourceNotReadyException": (
        "the model stopped being ready while the canary image {uri} was asked: check the model"
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
        found = call(REKOGNITION.detect_custom_labels, **request).get("CustomLabels", [])
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        if code in CANARY_FAILURES:
            region = check.model_version_arn.split(":")[3]
            raise VerifierError(
                CANARY_FAILURES[code].format(uri=canary.uri, region=region)
            ) from error
        raise
    confidence: dict[str, float] = {}
    for label in found:
        name = _nfc(str(label.get("Name", "")))
        confidence[name] = max(confidence.get(name, 0.0), float(label.get("Confidence", 0.0)))
    expected = [_nfc(label) for label in canary.expect_labels]
    outcome.answers = all(label in confidence for label in expected)
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
    outcome.notice("\n".join(lines))


def emit_metrics(outcome: Outcome) -> None:
    """One record in CloudWatch's embedded metric format on stdout: Lambda passes a JSON line
    through unchanged and CloudWatch Logs turns it into metrics (no PutMetricData on "*")."""
    values = outcome.metrics()
    record = {
        "_aws": {
            "Timestamp": int(now().timestamp() * 1000),
            "CloudWatchMetrics": [
                {
                    "Namespace": NAMESPACE,
                    "Dimensions": [[STORE_DIMENSION]],
                    "Metrics": [{"Name": name, "Unit": "Count"} for name in values],
                }
            ],
        },
        STORE_DIMENSION: outcome.check.store,
        "Check": str(outcome.check.check),
        **values,
    }
    print(json.dumps(record, sort_keys=True), flush=True)


def notify(outcome: Outcome, settings: Settings) -> None:
    check = outcome.check
    headline = outcome.failure or outcome.notices[0]
    subject = f"[{check.store}] {check.check} check: {headline}"
    lines = [
        f"Store: {check.store}",
        f"Check: {check.check}",
        f"Model version: {check.model_version_arn}",
        f"Status found: {outcome.status or 'unknown'}; now: {outcome.final_status or 'unknown'}",
        "",
        *outcome.notices,
        *([f"The check failed: {outcome.failure}"] if outcome.failure else []),
        "",
        "Runbook: README.md, section 'Runbook' (rekognition-model-scheduler).",
    ]
    SNS.publish(TopicArn=settings.topic_arn, Subject=subject[:99], Message="\n".join(lines))


def handler(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    settings = Settings.from_environment()
    try:
        check = VerifierEvent.from_event(event)
    except MalformedEventError as error:
        raise VerifierError(f"malformed event ({error})") from error
    outcome = Outcome(check)
    LOGGER.info("check started", extra={"store": check.store, "check": check.check, "event": event})
    try:
        delay = (now() - check.scheduled_time).total_seconds() if check.scheduled_time else 0
        if delay > settings.max_delay_seconds:
            # A check delivered hours late would act on the wrong part of the day.
            raise VerifierError(
                f"invoked {int(delay // 60)} min after its scheduled time; skipped so that a "
                "late check cannot start or stop the model at the wrong time"
            )
        if check.check == Check.OPENING:
            ensure_running(check, outcome, settings)
        else:
            ensure_stopped(check, outcome)
        sweep_stale_versions(check, outcome)
        # Only a model that runs is asked: one that never reached RUNNING gets no answer at all.
        if check.canary is not None and outcome.final_status == RUNNING:
            ask_canary(check, check.canary, outcome)
    except (VerifierError, ClientError) as error:
        outcome.failure = str(error)
        LOGGER.error(
            "check failed", extra={"store": check.store, "check": check.check, "error": str(error)}
        )
    emit_metrics(outcome)
    if outcome.notices or outcome.failure:
        notify(outcome, settings)
    summary = {
        "store": check.store,
        "check": check.check,
        "status": outcome.status,
        "finalStatus": outcome.final_status,
        "metrics": outcome.metrics(),
        "notices": outcome.notices,
    }
    LOGGER.info("check finished", extra=summary)
    if outcome.failure:
        raise VerifierError(outcome.failure)
    return summary
