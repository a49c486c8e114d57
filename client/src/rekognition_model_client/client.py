"""Detect labels with a store's current model: the handle read from SSM, cached briefly."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import boto3
from botocore.exceptions import ClientError

from rekognition_model_client.handle import ModelHandle, parameter_name

if TYPE_CHECKING:
    from mypy_boto3_rekognition import RekognitionClient
    from mypy_boto3_ssm import SSMClient

# A rotation reaches every register within this time, without a restart.
DEFAULT_CACHE_SECONDS = 60.0
# SSM's answers when reads come too fast (after botocore's own retries).
THROTTLING_CODES = frozenset({"ThrottlingException", "Throttling", "TooManyRequestsException"})
LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True)
class S3Image:
    """An image in S3. Rekognition reads it itself, from a bucket in the model's region."""

    bucket: str
    key: str
    version: str | None = None


@dataclass(frozen=True)
class Label:
    name: str  # as the model was trained, in any script: "メロンパン"
    confidence: float  # 0-100
    geometry: dict[str, Any] | None = None  # bounding box and polygon, for object labels


class HandleNotFoundError(LookupError):
    """The store has no model handle in this account and region."""


class ModelNotRunningError(RuntimeError):
    """The store's model version is not running (Rekognition's ResourceNotReadyException)."""

    def __init__(self, handle: ModelHandle, now: datetime) -> None:
        self.store = handle.store
        self.model_version_arn = handle.model_version_arn
        self.next_start = handle.next_start(now)
        zone = handle.zone()
        if handle.should_be_running(now):
            when = (
                "It should be running now (the store's schedule started it); the store's alarms "
                "and e-mails say why it is not, see the runbook."
            )
        elif self.next_start is not None:
            local = self.next_start.astimezone(zone)
            wait = self.next_start - now
            hours, minutes = divmod(int(wait.total_seconds()) // 60, 60)
            when = (
                f"It is scheduled to start at {local:%Y-%m-%d %H:%M} {handle.timezone} "
                f"(in {hours} h {minutes:02d} min) and may take up to 30 minutes to be ready."
            )
        else:
            when = "No start is scheduled in the next 60 days."
        super().__init__(
            f"The model of store {handle.store} is not running ({handle.model_version_arn}). "
            + when
        )


class ModelClient:
    """Reads the store's model handle (cached for `cache_seconds`) and detects labels with it.

    The handle is read from SSM in `region_name` (default: boto3's), the store's model region;
    Rekognition is called in the region of the handle's model version.
    """

    def __init__(
        self,
        store_id: str,
        *,
        cache_seconds: float = DEFAULT_CACHE_SECONDS,
        region_name: str | None = None,
        ssm: SSMClient | None = None,
        rekognition: RekognitionClient | None = None,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.store_id = store_id
        self.cache_seconds = cache_seconds
        self._ssm = ssm or boto3.client("ssm", region_name=region_name)
        self._rekognition = rekognition
        self._clock = clock
        self._now = now
        self._cached: tuple[ModelHandle, float] | None = None
        # One reader at a time: registers share a client across threads, and a cold or expired
        # cache must cost one GetParameter, not one per thread.
        self._lock = threading.Lock()
        self._reads = 0  # completed reads, so that a waiting refresh can see one it missed

    def handle(self, *, refresh: bool = False) -> ModelHandle:
        """The store's handle, from the cache while it is younger than `cache_seconds`.

        `refresh` reads it again now, unless another thread did while this one waited. When a
        re-read is throttled, the cached handle is kept (and read again at the next expiry)."""
        cached = self._cached
        if cached and not refresh and self._clock() - cached[1] < self.cache_seconds:
            return cached[0]
        reads = self._reads
        with self._lock:
            cached = self._cached
            if cached and (
                self._reads != reads
                or (not refresh and self._clock() - cached[1] < self.cache_seconds)
            ):
                return cached[0]
            try:
                handle = self._read()
            except ClientError as error:
                code = error.response.get("Error", {}).get("Code", "")
                if cached is None or code not in THROTTLING_CODES:
                    raise
                LOGGER.warning("model handle re-read throttled (%s); keeping the cached one", code)
                self._cached = (cached[0], self._clock())
                return cached[0]
            self._cached = (handle, self._clock())
            self._reads += 1
            return handle

    def _read(self) -> ModelHandle:
        name = parameter_name(self.store_id)
        try:
            value = self._ssm.get_parameter(Name=name)["Parameter"]["Value"]
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ParameterNotFound":
                raise HandleNotFoundError(
                    f"no model handle {name}: is the store's stack deployed in this account "
                    "and region (region_name)?"
                ) from error
            raise
        return ModelHandle.from_json(value)

    def _client_for(self, handle: ModelHandle) -> RekognitionClient:
        if self._rekognition is None:
            region = handle.model_version_arn.split(":")[3]
            self._rekognition = boto3.client("rekognition", region_name=region)
        return self._rekognition

    def detect_labels(
        self, image: bytes | S3Image, *, max_results: int | None = None
    ) -> list[Label]:
        """Labels of `image` found by the store's current model, with its MinConfidence.

        A model that is not running raises ModelNotRunningError, which says when it starts. If
        the handle changed meanwhile (a rotation), the new version is asked once first.
        """
        handle = self.handle()
        try:
            return self._detect(handle, image, max_results)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "ResourceNotReadyException":
                raise
            latest = self.handle(refresh=True)
            if latest.model_version_arn != handle.model_version_arn:
                try:
                    return self._detect(latest, image, max_results)
                except ClientError as again:
                    code = again.response.get("Error", {}).get("Code")
                    if code != "ResourceNotReadyException":
                        raise
            raise ModelNotRunningError(latest, self._now()) from error

    def _detect(
        self, handle: ModelHandle, image: bytes | S3Image, max_results: int | None
    ) -> list[Label]:
        request: dict[str, Any] = {"ProjectVersionArn": handle.model_version_arn}
        if isinstance(image, S3Image):
            s3: dict[str, str] = {"Bucket": image.bucket, "Name": image.key}
            if image.version:
                s3["Version"] = image.version
            request["Image"] = {"S3Object": s3}
        else:
            request["Image"] = {"Bytes": image}
        if handle.min_confidence is not None:
            request["MinConfidence"] = handle.min_confidence
        if max_results is not None:
            request["MaxResults"] = max_results
        response = self._client_for(handle).detect_custom_labels(**request)
        return [
            Label(
                name=found["Name"],
                confidence=float(found["Confidence"]),
                geometry=dict(found["Geometry"]) if "Geometry" in found else None,
            )
            for found in response.get("CustomLabels", [])
        ]
