"""What the CDK app and the verifier function agree on, written once.

The check schedules' Input is built with `VerifierEvent.to_input()` in the app and read back with
`VerifierEvent.from_event()` in the function; the function's environment is written with
`VerifierSettings.to_environment()` and read with `VerifierSettings.from_environment()`; the
alarms watch the metrics named here. The file
is part of the function's code asset and needs only the standard library, so the function
deploys on its own; the app imports this same module (scripts/setup.sh puts the folder on the
import path).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import datetime
from enum import StrEnum
from typing import Any

NAMESPACE = "RekognitionModelScheduler"
# EventBridge Scheduler replaces this in a target's Input with the occurrence's time.
SCHEDULED_TIME = "<aws.scheduler.scheduled-time>"
STORE_DIMENSION = "Store"

# botocore's ProjectVersionArn pattern, made strict where it is loose: re.ASCII so that `\d` is
# 0-9 only, fullmatch so that a trailing newline is refused, a real partition and region, and a
# 13-digit millisecond timestamp. A project ARN ends in its own, different timestamp.
_NAME = r"[a-zA-Z0-9_.\-]{1,255}"
_ACCOUNT_PREFIX = (
    r"arn:(?P<partition>aws|aws-cn|aws-us-gov):rekognition:"
    r"(?P<region>[a-z]{2}(?:-[a-z]+)+-\d{1,2}):(?P<account>\d{12}):"
)
VERSION_ARN = re.compile(
    rf"{_ACCOUNT_PREFIX}project/(?P<project>{_NAME})/version/(?P<version>{_NAME})/"
    r"(?P<timestamp>\d{13})",
    flags=re.ASCII,
)
PROJECT_ARN = re.compile(
    rf"{_ACCOUNT_PREFIX}project/(?P<project>{_NAME})/(?P<timestamp>\d{{13}})", flags=re.ASCII
)


class Check(StrEnum):
    """When the verifier runs: a few minutes after the start, at opening time, and a while
    after the scheduled stop."""

    START = "start"
    OPENING = "opening"
    CLOSING = "closing"


class StaleVersions(StrEnum):
    """What the sweep does with a running version that no store uses."""

    STOP = "stop"
    NOTIFY = "notify"


class Metric(StrEnum):
    """Metrics the verifier writes (namespace NAMESPACE, dimension STORE_DIMENSION)."""

    MODEL_STARTING_AFTER_START = "ModelStartingAfterStart"
    MODEL_READY_AT_OPENING = "ModelReadyAtOpening"
    MODEL_ANSWERS_AT_OPENING = "ModelAnswersAtOpening"
    MODEL_STOPPED_AFTER_CLOSING = "ModelStoppedAfterClosing"
    MISMATCH = "Mismatch"
    RECOVERY_ACTIONS = "RecoveryActions"
    STALE_VERSIONS_RUNNING = "StaleVersionsRunning"
    VERIFIER_FAILED = "VerifierFailed"


class MalformedEventError(ValueError):
    """The event is not what the check schedules send; the message says what is wrong."""


@dataclass(frozen=True)
class Canary:
    """An image the model must recognise at opening, and the labels it must find in it."""

    bucket: str
    key: str
    expect_labels: tuple[str, ...]
    # The store's MinConfidence, as the checkout sends it; None: the model's own thresholds.
    min_confidence: float | None

    @property
    def uri(self) -> str:
        return f"s3://{self.bucket}/{self.key}"

    def to_input(self) -> dict[str, Any]:
        return {
            "bucket": self.bucket,
            "key": self.key,
            "expectLabels": list(self.expect_labels),
            "minConfidence": self.min_confidence,
        }

    @classmethod
    def from_input(cls, body: Any) -> Canary:
        if not isinstance(body, dict):
            raise TypeError(f"canary must be an object, got {body!r}")
        labels = body["expectLabels"]
        if (
            not isinstance(labels, list)
            or not labels
            or not all(isinstance(label, str) and label for label in labels)
        ):
            raise ValueError(f"canary.expectLabels must be a non-empty list of names: {labels!r}")
        confidence = body.get("minConfidence")
        if confidence is not None and (
            isinstance(confidence, bool) or not isinstance(confidence, int | float)
        ):
            raise ValueError(f"canary.minConfidence must be a number or null: {confidence!r}")
        return cls(
            bucket=_text(body, "bucket"),
            key=_text(body, "key"),
            expect_labels=tuple(labels),
            min_confidence=None if confidence is None else float(confidence),
        )


@dataclass(frozen=True)
class VerifierEvent:
    """One check of one store's model version, as a check schedule's Input carries it."""

    check: Check
    store: str
    model_version_arn: str
    project_arn: str
    min_inference_units: int
    max_inference_units: int | None
    # Every store's current version in the project: the sweep never stops these.
    protected_versions: tuple[str, ...]
    stale_versions: StaleVersions
    canary: Canary | None = None
    scheduled_time: datetime | None = None

    @property
    def version_name(self) -> str:
        match = VERSION_ARN.fullmatch(self.model_version_arn)
        if match is None:
            raise MalformedEventError(f"modelVersionArn is not a model version ARN: {self!r}")
        return match["version"]

    def to_input(self, scheduled_time: str) -> dict[str, Any]:
        """The schedule's Input; `scheduled_time` is Scheduler's context attribute."""
        body: dict[str, Any] = {
            "check": str(self.check),
            "store": self.store,
            "modelVersionArn": self.model_version_arn,
            "projectArn": self.project_arn,
            "minInferenceUnits": self.min_inference_units,
            "protectedVersions": list(self.protected_versions),
            "staleVersions": str(self.stale_versions),
        }
        if self.max_inference_units is not None:
            body["maxInferenceUnits"] = self.max_inference_units
        if self.canary is not None and self.check == Check.OPENING:
            body["canary"] = self.canary.to_input()
        body["scheduledTime"] = scheduled_time
        return body

    @classmethod
    def from_event(cls, event: Any) -> VerifierEvent:
        """Parse what a check schedule sent; raise MalformedEventError saying what is wrong."""
        try:
            if not isinstance(event, dict):
                raise TypeError(f"the event is a {type(event).__name__}, not a JSON object")
            arn = event["modelVersionArn"]
            if not isinstance(arn, str) or VERSION_ARN.fullmatch(arn) is None:
                raise ValueError(f"modelVersionArn is not a model version ARN: {arn!r}")
            protected = event.get("protectedVersions", [])
            if not isinstance(protected, list) or not all(isinstance(v, str) for v in protected):
                raise ValueError(f"protectedVersions is not a list of ARNs: {protected!r}")
            maximum = event.get("maxInferenceUnits")
            scheduled = event.get("scheduledTime")
            return cls(
                check=Check(event["check"]),
                store=_text(event, "store"),
                model_version_arn=arn,
                project_arn=_text(event, "projectArn"),
                min_inference_units=_units(event["minInferenceUnits"], "minInferenceUnits"),
                max_inference_units=(
                    None if maximum is None else _units(maximum, "maxInferenceUnits")
                ),
                protected_versions=tuple(dict.fromkeys([arn, *protected])),
                stale_versions=StaleVersions(event.get("staleVersions", StaleVersions.STOP)),
                canary=Canary.from_input(event["canary"]) if "canary" in event else None,
                scheduled_time=_instant(scheduled, "scheduledTime") if scheduled else None,
            )
        except KeyError as missing:
            raise MalformedEventError(f"{missing} is missing: {_show(event)}") from missing
        except (TypeError, ValueError, AttributeError) as error:
            raise MalformedEventError(f"{error}: {_show(event)}") from error


def _instant(value: Any, key: str) -> datetime:
    """An ISO 8601 instant with its offset (Scheduler's <aws.scheduler.scheduled-time> is UTC):
    a time without one cannot be compared with the clock."""
    if not isinstance(value, str):
        raise ValueError(f"{key} must be an ISO 8601 time, got {value!r}")
    instant = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if instant.utcoffset() is None:
        raise ValueError(f"{key} has no time zone (e.g. 2026-12-01T21:35:00Z), got {value!r}")
    return instant


def _text(event: dict[str, Any], key: str) -> str:
    value = event[key]
    if not isinstance(value, str) or not value:
        raise ValueError(f"{key} must be a non-empty string, got {value!r}")
    return value


def _units(value: Any, key: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{key} must be a whole number of at least 1, got {value!r}")
    return value


def _show(event: Any) -> str:
    try:
        return json.dumps(event, ensure_ascii=False, default=str)
    except ValueError:
        return repr(event)


class SettingsError(ValueError):
    """A variable of the function's environment is missing or not a whole number."""


@dataclass(frozen=True)
class VerifierSettings:
    """The function's settings, from its environment: the store, where to notify, how long to
    wait. The construct writes them (`to_environment`), the function reads them
    (`from_environment`); each field's variable is its name in capitals."""

    store: str
    topic_arn: str
    late_start_wait_seconds: int
    stop_wait_seconds: int
    poll_seconds: int
    max_delay_seconds: int

    def to_environment(self) -> dict[str, str]:
        return {f.name.upper(): str(getattr(self, f.name)) for f in fields(self)}

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> VerifierSettings:
        """SettingsError names a variable that is missing or not whole seconds."""

        def text(name: str) -> str:
            variable = name.upper()
            if variable not in environ:
                raise SettingsError(
                    f"the function's environment has no {variable}: redeploy the store's stack"
                )
            return environ[variable]

        def seconds(name: str) -> int:
            value = text(name)
            if not value.isdigit():
                raise SettingsError(f"{name.upper()}={value!r} is not a whole number of seconds")
            return int(value)

        return cls(
            store=text("store"),
            topic_arn=text("topic_arn"),
            late_start_wait_seconds=seconds("late_start_wait_seconds"),
            stop_wait_seconds=seconds("stop_wait_seconds"),
            poll_seconds=seconds("poll_seconds"),
            max_delay_seconds=seconds("max_delay_seconds"),
        )
