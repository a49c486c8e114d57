"""Verify that a store's Rekognition Custom Labels model really started, runs, answers and stopped.

EventBridge Scheduler invokes this function with the store's check event (verifier_contract.py):

- start (a few minutes after the scheduled start): the version must be STARTING or RUNNING.
  STOPPED, FAILED or TRAINING_COMPLETED (never started): start it again at once and notify, so a
  failed start is found before the store opens, not at opening.
- opening: the version must be RUNNING. STOPPED, FAILED or TRAINING_COMPLETED: start it and
  notify. STARTING (a late start): notify, then look again every minute until it runs or the
  wait runs out. With a canary, a running model is then asked about the canary image.
- closing: the version must be STOPPED or STOPPING. RUNNING: stop it and notify. STARTING cannot
  be stopped yet: wait until it can, stop it, and notify only if that does not work in time.
- every check: other versions of the project that are RUNNING or STARTING and are no store's
  current version are stale (left over from a rotation, or started by hand): stop or report them.

Every outcome is a CloudWatch metric (embedded metric format: no PutMetricData on "*"). Starting
what runs and stopping what is stopped are no-ops, so a repeated check does no harm. Throttling is
retried with backoff; access denied, a missing version, unknown statuses, an unreadable canary, a
late or malformed invocation are reported (e-mail, VerifierFailed) and fail the invocation.
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
TRAINING_COMPLETED = "TRAINING_COMPLETED"
BILLING = frozenset({RUNNING, STARTING})
# StartProjectVersion takes these: stopped, failed (try again) or trained and never started.
STARTABLE = frozenset({STOPPED, FAILED, TRAINING_COMPLETED})
KNOWN_STATUSES = frozenset(
    {
        "TRAINING_IN_PROGRESS",
        TRAINING_COMPLETED,
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
# What each check's result metric is called; 1 when the model is where the check wants it.
RESULT_METRIC = {
    Check.START: Metric.MODEL_STARTING_AFTER_START,
    Check.OPENING: Metric.MODEL_READY_AT_OPENING,
    Check.CLOSING: Metric.MODEL_STOPPED_AFTER_CLOSING,
}
# SNS subjects: ASCII, under 100 characters; short enough for a phone's lock screen.
SUBJECT_LENGTH = 90

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
    """Something a person has to look at: the check could not be done. `short` is the few
    words the e-mail subject gives it."""

    def __init__(self, message: str, short: str) -> None:
        super().__init__(message)
        self.short = short


@dataclass(frozen=True)
class Settings:
    """From the function's environment: the store, where to notify, how long to wait."""

    store: str
    topic_arn: str
    late_start_wait_seconds: int
    stop_wait_seconds: int
    poll_seconds: int
    max_delay_seconds: int

    @classmethod
    def from_environment(cls) -> Settings:
        return cls(
            store=os.environ["STORE"],
            topic_arn=os.environ["TOPIC_ARN"],
            late_start_wait_seconds=int(os.environ["LATE_START_WAIT_SECONDS"]),
            stop_wait_seconds=int(os.environ["STOP_WAIT_SECONDS"]),
            poll_seconds=int(os.environ["POLL_SECONDS"]),
            max_delay_seconds=int(os.environ["MAX_DELAY_SECONDS"]),
        )


@dataclass
class Outcome:
    """What one check found and did; becomes metrics, a notification and the return value."""

    store: str
    check_name: str
    event: VerifierEvent | None = None
    status: str | None = None
    final_status: str | None = None
    mismatch: bool = False
    recovery_actions: int = 0
    stale_versions: list[str] = field(default_factory=list)
    # Whether the canary image gave every expected label; None: not asked (no canary, the
    # model never ran, or asking failed).
    answers: bool | None = None
    notices: list[str] = field(default_factory=list)
    # What was found and done, in a few words each: the e-mail's subject.
    headlines: list[str] = field(default_factory=list)
    failure: VerifierError | None = None

    def notice(self, text: str, headline: str | None = None) -> None:
        LOGGER.warning(text, extra={"store": self.store, "check": self.check_name})
        self.notices.append(text)
        if headline:
            self.headlines.append(headline)

    def ok(self) -> bool:
        if self.check_name == Check.START:
            return self.final_status in (STARTING, RUNNING)
        if self.check_name == Check.OPENING:
            return self.final_status == RUNNING
        return self.final_status in (STOPPED, STOPPING, FAILED)

    def metrics(self) -> dict[str, int]:
        values: dict[str, int] = {
            Metric.MISMATCH: int(self.mismatch or bool(self.stale_versions)),
            Metric.RECOVERY_ACTIONS: self.recovery_actions,
            Metric.STALE_VERSIONS_RUNNING: len(self.stale_versions),
            Metric.VERIFIER_FAILED: int(self.failure is not None),
        }
        result = RESULT_METRIC.get(Check(self.check_name)) if self.event else None
        if result is not None:
            values[result] = int(self.failure is None and self.ok())
        if self.answers is not None:
            values[Metric.MODEL_ANSWERS_AT_OPENING] = int(self.answers)
        return {str(metric): value for metric, value in values.items()}

    def subject(self) -> str:
        """`[tokyo-ginza] opening: model was STOPPED, restarted`: what was found and done."""
        if self.failure is not None:
            what = f"check failed: {self.failure.short}"
        else:
            what = "; ".join(self.headlines) or "see the message"
        text = f"[{self.store}] {self.check_name}: {what}"
        text = text.encode("ascii", "replace").decode().replace("\n", " ")
        return text if len(text) <= SUBJECT_LENGTH else text[: SUBJECT_LENGTH - 3] + "..."


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
                    "on the project (redeploy the store's stack)",
                    "access denied",
                ) from error
            if code == "ResourceNotFoundException":
                raise VerifierError(
                    f"not found: {name} {kwargs}; check modelVersionArn and projectArn in cdk.json",
                    "model or project not found",
                ) from error
            if code in RETRYABLE:
                raise VerifierError(
                    f"{name} still answers {code} after {RETRY_ATTEMPTS} attempts with backoff; "
                    "the next check will look again",
                    "throttled",
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
            "modelVersionArn and projectArn in cdk.json",
            "version not in project",
        )
    status = str(mine[0].get("Status"))
    if status not in KNOWN_STATUSES:
        raise VerifierError(
            f"{check.model_version_arn} has an unknown status {status!r}",
            f"unknown status {status}",
        )
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


def ensure_started(check: VerifierEvent, outcome: Outcome, settings: Settings) -> None:
    """Start check: STARTING or RUNNING is fine. Opening check: wait for RUNNING. A version
    that is stopped, failed or never started is started once; STOPPING is waited out first."""
    wanted = {RUNNING} if check.check == Check.OPENING else {RUNNING, STARTING}
    when = "at opening" if check.check == Check.OPENING else "after the start"
    deadline = monotonic() + settings.late_start_wait_seconds
    arn = check.model_version_arn
    started = False
    status = outcome.status = version_status(check)
    while True:
        if status in wanted:
            if outcome.mismatch:
                headline = "running now" if status == RUNNING else None
                outcome.notice(f"{arn} is {status} now.", headline)
            break
        if status in STARTABLE and not started:
            outcome.mismatch = True
            start(check)
            started = True
            outcome.recovery_actions += 1
            outcome.notice(
                f"{arn} was {status} {when}: started it again ({check.min_inference_units} "
                "inference units). A start can take up to 30 min.",
                f"model was {status}, restarted",
            )
            if check.check == Check.START:
                break  # STARTING is all the start check waits for; the opening check follows
        elif status in STARTABLE:
            outcome.notice(f"{arn} is {status} again after the restart.", f"{status} again")
            break
        elif status in (STARTING, STOPPING):
            if not outcome.mismatch:
                outcome.mismatch = True
                late = "the start is late" if status == STARTING else "someone is stopping it"
                outcome.notice(f"{arn} is still {status} {when}: {late}.", f"model {status}")
        else:
            outcome.mismatch = True
            outcome.notice(f"{arn} is {status} {when} and cannot run.", f"{status}, cannot run")
            break
        if monotonic() >= deadline:
            minutes = settings.late_start_wait_seconds // 60
            outcome.notice(
                f"Gave up waiting: {arn} is still {status} {minutes} min later.",
                f"not ready after {minutes} min",
            )
            break
        sleep(settings.poll_seconds)
        status = version_status(check)
    outcome.final_status = STARTING if started and check.check == Check.START else status


def ensure_stopped(check: VerifierEvent, outcome: Outcome, settings: Settings) -> None:
    """After closing: stop a RUNNING version; wait until a STARTING one can be stopped."""
    arn = check.model_version_arn
    status = outcome.status = outcome.final_status = version_status(check)
    if status not in BILLING:
        return
    deadline = monotonic() + settings.stop_wait_seconds
    waited = False
    while True:
        if stop(arn):
            outcome.recovery_actions += 1
            outcome.final_status = STOPPING
            if outcome.status == RUNNING:
                outcome.mismatch = True
                outcome.notice(
                    f"{arn} was RUNNING after closing: stopped it (it bills about 4 USD per "
                    "inference unit per hour while it runs).",
                    "model was RUNNING, stopped",
                )
            else:
                # Fixed without anyone: the metrics and the log keep it, nobody is woken.
                LOGGER.warning(
                    f"{arn} was STARTING after closing; stopped it once it could be stopped",
                    extra={"store": check.store, "check": check.check, "waited": waited},
                )
            return
        if monotonic() >= deadline:
            minutes = settings.stop_wait_seconds // 60
            outcome.mismatch = True
            outcome.notice(
                f"{arn} is still {status} {minutes} min after the closing check and Rekognition "
                "refuses to stop it: stop it by hand (see the README's runbook), it bills about "
                "4 USD per inference unit per hour.",
                f"model still {status}, could not stop",
            )
            return
        sleep(settings.poll_seconds)
        waited = True
        status = outcome.final_status = version_status(check)
        if status not in BILLING:  # stopped meanwhile (by a person or a retried stop)
            return


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
    stopped = 0
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
            stopped += 1
            outcome.recovery_actions += 1
            outcome.notice(f"Stale version {arn} was {status} and no store uses it: stopped it.")
        else:
            outcome.notice(f"Stale version {arn} is {status}; Rekognition refused to stop it now.")
    if outcome.stale_versions:
        count = len(outcome.stale_versions)
        outcome.headlines.append(
            f"stopped {stopped} stale version{'s' if stopped != 1 else ''}"
            if stopped
            else f"{count} stale version{'s' if count != 1 else ''} running"
        )


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
        found = call(REKOGNITION.detect_custom_labels, **request).get("CustomLabels", [])
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
        STORE_DIMENSION: outcome.store,
        "Check": outcome.check_name,
        **values,
    }
    print(json.dumps(record, sort_keys=True), flush=True)


def notify(outcome: Outcome, settings: Settings, event: Any) -> None:
    check = outcome.event
    lines = [
        f"Store: {outcome.store}",
        f"Check: {outcome.check_name}",
        f"Model version: {check.model_version_arn if check else 'unknown'}",
        f"Status found: {outcome.status or 'unknown'}; now: {outcome.final_status or 'unknown'}",
        "",
        *outcome.notices,
        *([f"The check failed: {outcome.failure}"] if outcome.failure else []),
        *([f"The event: {json.dumps(event, default=str)}"] if check is None else []),
        "",
        "Runbook: README.md, section 'Runbook' (rekognition-model-scheduler).",
    ]
    SNS.publish(TopicArn=settings.topic_arn, Subject=outcome.subject(), Message="\n".join(lines))


def run_check(check: VerifierEvent, outcome: Outcome, settings: Settings) -> None:
    delay = (now() - check.scheduled_time).total_seconds() if check.scheduled_time else 0
    if delay > settings.max_delay_seconds:
        # A check delivered hours late would act on the wrong part of the day.
        raise VerifierError(
            f"invoked {int(delay // 60)} min after its scheduled time; skipped so that a late "
            "check cannot start or stop the model at the wrong time",
            "invoked too late, skipped",
        )
    if check.check == Check.CLOSING:
        ensure_stopped(check, outcome, settings)
    else:
        ensure_started(check, outcome, settings)
    sweep_stale_versions(check, outcome)
    # Only a model that runs is asked: one that never reached RUNNING gets no answer at all.
    if check.canary is not None and outcome.final_status == RUNNING:
        ask_canary(check, check.canary, outcome)


def handler(event: Any, context: Any = None) -> dict[str, Any]:
    settings = Settings.from_environment()
    raw_check = event.get("check") if isinstance(event, dict) else None
    outcome = Outcome(settings.store, str(raw_check or "check"))
    try:
        check = VerifierEvent.from_event(event)
        if check.store != settings.store:
            raise MalformedEventError(
                f"the event is for store {check.store!r}, this function checks {settings.store!r}"
            )
        outcome.event = check
        LOGGER.info(
            "check started", extra={"store": check.store, "check": check.check, "event": event}
        )
        run_check(check, outcome, settings)
    except MalformedEventError as error:
        outcome.failure = VerifierError(
            f"malformed event: {error}. The schedules' Input is built from the contract; "
            "redeploy the store's stack, or fix whatever invoked the function by hand.",
            "malformed event",
        )
    except VerifierError as error:
        outcome.failure = error
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "error")
        outcome.failure = VerifierError(str(error), code)
    if outcome.failure is not None:
        LOGGER.error(
            "check failed",
            extra={
                "store": outcome.store,
                "check": outcome.check_name,
                "error": str(outcome.failure),
            },
        )
    emit_metrics(outcome)
    if outcome.notices or outcome.failure:
        notify(outcome, settings, event)
    summary = {
        "store": outcome.store,
        "check": outcome.check_name,
        "status": outcome.status,
        "finalStatus": outcome.final_status,
        "metrics": outcome.metrics(),
        "notices": outcome.notices,
        "subject": outcome.subject(),
    }
    LOGGER.info("check finished", extra=summary)
    if outcome.failure:
        raise outcome.failure
    return summary
