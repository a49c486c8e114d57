"""The function's AWS calls: Rekognition with its retries, and the clock the waits use.

Throttling and server errors are retried here with a backoff the tests can see (botocore's
Stubber answers before botocore's own retry handler runs); botocore's retries are off so the two
do not multiply: at most RETRY_ATTEMPTS calls, about 1 + 2 + 4 + 8 s of backoff between them.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from model_status import ModelStatus
from verifier_contract import VerifierEvent
from verifier_outcome import LOGGER, VerifierError

if TYPE_CHECKING:
    from mypy_boto3_rekognition import RekognitionClient
    from mypy_boto3_sns import SNSClient

T = TypeVar("T")

RETRYABLE = frozenset(
    {"ThrottlingException", "ProvisionedThroughputExceededException", "InternalServerError"}
)
RETRY_ATTEMPTS = 5

REKOGNITION: RekognitionClient = boto3.client(
    "rekognition", config=Config(retries={"mode": "standard", "total_max_attempts": 1})
)
SNS: SNSClient = boto3.client("sns")

# Replaced in tests by a fake clock.
sleep: Callable[[float], None] = time.sleep
monotonic: Callable[[], float] = time.monotonic


def now() -> datetime:
    return datetime.now(UTC)


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


def version_status(check: VerifierEvent) -> ModelStatus:
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
    if status not in ModelStatus.__members__:
        raise VerifierError(
            f"{check.model_version_arn} has an unknown status {status!r}",
            f"unknown status {status}",
        )
    return ModelStatus(status)


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
