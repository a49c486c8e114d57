"""What must hold before a store switches to a new model version.

Offline: the version is in the store's project (same partition, region, account, project) and is
not another store's current version. With the operator's credentials (DescribeProjectVersions,
read-only): it exists, finished training in a state that can be started, and its F1 score is not
below the store's `minF1Score` nor more than `maxF1Drop` below the current version's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectTimeoutError,
    CredentialRetrievalError,
    EndpointConnectionError,
    NoCredentialsError,
    PartialCredentialsError,
    ProfileNotFound,
    ProxyConnectionError,
    ReadTimeoutError,
    SSOTokenLoadError,
    TokenRetrievalError,
    UnauthorizedSSOTokenError,
)

from fleet.config import FleetConfig, StoreConfig
from fleet.settings.arn import ModelVersion, parse_version_arn
from fleet.settings.rotation import Refusal
from model_status import RUNNABLE, ModelStatus
from rotate.labels import (
    SummaryError,
    compare_versions,
    drops_more_than,
    rounded_change,
    unaccepted,
)

if TYPE_CHECKING:
    from mypy_boto3_rekognition import RekognitionClient

EXPIRED_CREDENTIALS = frozenset(
    {
        "ExpiredToken",
        "ExpiredTokenException",
        "RequestExpired",
        "InvalidClientTokenId",
        "UnrecognizedClientException",
    }
)


class RefusedError(Exception):
    """The rotation must not go ahead; the message is the one line to show."""


OFFLINE = "or pass --offline to skip the checks against AWS"


def aws_problem(error: BotoCoreError, region: str) -> str:
    """One line for what kept the SDK from signing in or connecting, naming the fix."""
    said = " ".join(str(error).split())  # a credential_process's stderr may span lines
    if isinstance(error, ProfileNotFound):
        return (
            f"the AWS profile {error.kwargs.get('profile')!r} does not exist (AWS_PROFILE?): "
            f"`aws configure list-profiles` lists them; {OFFLINE}"
        )
    if isinstance(error, SSOTokenLoadError):
        return f"the profile's AWS SSO session was never started: run `aws sso login`; {OFFLINE}"
    if isinstance(error, UnauthorizedSSOTokenError | TokenRetrievalError):
        return f"the AWS SSO session has expired: run `aws sso login` again; {OFFLINE}"
    if isinstance(error, CredentialRetrievalError):
        return f"the profile's credential_process failed ({said}): fix the command; {OFFLINE}"
    if isinstance(error, NoCredentialsError | PartialCredentialsError):
        return (
            f"no AWS credentials ({said}): sign in (e.g. `aws sso login`, AWS_PROFILE) for the "
            f"store's account, {OFFLINE}"
        )
    if isinstance(error, ProxyConnectionError):
        return (
            f"cannot reach the proxy {error.kwargs.get('proxy_url')} (HTTPS_PROXY or "
            f"HTTP_PROXY): fix or unset it; {OFFLINE}"
        )
    if isinstance(error, EndpointConnectionError | ConnectTimeoutError | ReadTimeoutError):
        return f"cannot reach Rekognition in {region} (no network?): {said}; {OFFLINE}"
    return f"the AWS SDK could not sign in or connect: {said}; {OFFLINE}"


@dataclass(frozen=True)
class VersionInfo:
    arn: str
    name: str
    status: str
    created: datetime | None
    f1: float | None
    # Where the training results summary file is (bucket, key); None: trained without a test set.
    summary: tuple[str, str] | None = None
    # Rekognition's words on the status (why a training or a copy failed).
    status_message: str = ""

    @classmethod
    def of(cls, description: dict[str, Any], name: str) -> VersionInfo:
        evaluation = description.get("EvaluationResult") or {}
        f1 = evaluation.get("F1Score")
        where = (evaluation.get("Summary") or {}).get("S3Object") or {}
        return cls(
            arn=str(description["ProjectVersionArn"]),
            name=name,
            status=str(description.get("Status", "UNKNOWN")),
            created=description.get("CreationTimestamp"),
            f1=None if f1 is None else float(f1),
            summary=(str(where["Bucket"]), str(where["Name"])) if "Bucket" in where else None,
            status_message=" ".join(str(description.get("StatusMessage") or "").split()),
        )


def check_offline(fleet: FleetConfig, store: StoreConfig, new: ModelVersion) -> None:
    """Refuse a version outside the store's project, or one another store runs."""
    current = store.settings.model
    mine = (current.partition, current.region, current.account, current.project_name)
    theirs = (new.partition, new.region, new.account, new.project_name)
    if mine != theirs:
        raise RefusedError(
            f"{new.arn} is not in store {store.store_id}'s project: it is project "
            f"{new.project_name} in {new.region}, account {new.account}; the store runs project "
            f"{current.project_name} in {current.region}, account {current.account} (to move the "
            "store to another project, change projectArn too, by hand)"
        )
    for other in fleet.stores:
        same = other.store_id == store.store_id or (
            store.group_id is not None and other.group_id == store.group_id
        )
        if not same and other.settings.model.arn == new.arn:
            raise RefusedError(
                f"{new.arn} is the current version of store {other.store_id}: each store's "
                "schedule would start and stop it for the other; train or copy another version"
            )


def describe(
    client: RekognitionClient, project_arn: str, versions: list[ModelVersion]
) -> dict[str, VersionInfo]:
    """The versions' descriptions by ARN; one clear RefusedError for what stops the look-up."""
    names = {v.version_name: v for v in versions}
    region = versions[0].region
    try:
        # At most two names: one page holds them.
        page = client.describe_project_versions(ProjectArn=project_arn, VersionNames=list(names))
        found: dict[str, VersionInfo] = {}
        for description in page["ProjectVersionDescriptions"]:
            arn = str(description["ProjectVersionArn"])
            name = arn.split("/version/")[1].split("/")[0]
            found[arn] = VersionInfo.of(dict(description), name)
        return found
    except BotoCoreError as error:
        raise RefusedError(aws_problem(error, region)) from error
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        if code in EXPIRED_CREDENTIALS:
            raise RefusedError(
                f"the AWS credentials are expired or invalid ({code}): sign in again (e.g. "
                "`aws sso login`), or pass --offline to skip the checks against AWS"
            ) from error
        if code == "AccessDeniedException":
            raise RefusedError(
                f"access denied for rekognition:DescribeProjectVersions on {project_arn}: use "
                "credentials that may read the project, or pass --offline"
            ) from error
        if code == "ResourceNotFoundException":
            raise RefusedError(
                f"project {project_arn} does not exist in {region} for these credentials: "
                "check the account (AWS_PROFILE) and the store's projectArn"
            ) from error
        raise RefusedError(f"DescribeProjectVersions failed: {code}: {error}") from error


_PICK = "pick another version"
# What to do about a version that cannot be switched to, by its status.
_NOT_RUNNABLE: dict[str, str] = {
    ModelStatus.TRAINING_IN_PROGRESS: f"wait for training to finish, or {_PICK}",
    ModelStatus.COPYING_IN_PROGRESS: f"wait for the copy to finish, or {_PICK}",
    ModelStatus.TRAINING_FAILED: f"train it again, or {_PICK}",
    ModelStatus.COPYING_FAILED: f"copy it again, or {_PICK}",
}


def check_online(
    store: StoreConfig,
    new: ModelVersion,
    found: dict[str, VersionInfo],
    *,
    accept_lower_f1: bool,
    current_arn: str | None = None,
) -> tuple[VersionInfo | None, VersionInfo]:
    """(current, new) descriptions; RefusedError if the new version must not be used. The
    current version is cdk.json's, or `current_arn` (the pipeline's check: what is deployed)."""
    s = store.settings
    candidate = found.get(new.arn)
    if candidate is None:
        raise RefusedError(
            f"{new.arn} does not exist in project {s.project_arn}: check the ARN "
            "(`aws rekognition describe-project-versions --project-arn <projectArn>`)"
        )
    if candidate.status not in RUNNABLE:
        raise RefusedError(
            f"{new.version_name} is {candidate.status}, not a state a model starts from "
            f"({', '.join(sorted(RUNNABLE))}): {_NOT_RUNNABLE.get(candidate.status, _PICK)}"
            + (f" (Rekognition: {candidate.status_message})" if candidate.status_message else "")
        )
    current = found.get(current_arn or s.model.arn)
    if s.min_f1_score is not None:
        if candidate.f1 is None:
            raise RefusedError(
                f"{new.version_name} has no F1 score (no evaluation), and store "
                f"{store.store_id} requires at least minF1Score = {s.min_f1_score}"
            )
        if candidate.f1 < s.min_f1_score:
            raise RefusedError(
                f"{new.version_name} has F1 {candidate.f1:.3f}, below store {store.store_id}'s "
                f"minF1Score {s.min_f1_score}"
            )
    if current is not None and current.f1 is not None and not accept_lower_f1:
        if candidate.f1 is None:
            raise RefusedError(
                f"{new.version_name} has no F1 score to compare with the current version's "
                f"{current.f1:.3f}: pass {Refusal.LOWER_F1.flag} if you have checked it otherwise"
            )
        if drops_more_than(current.f1, candidate.f1, s.max_f1_drop):
            raise RefusedError(
                f"{new.version_name} has F1 {candidate.f1:.3f}, more than maxF1Drop "
                f"{s.max_f1_drop} below the current version's {current.f1:.3f}: pass "
                f"{Refusal.LOWER_F1.flag} to rotate anyway"
            )
    return current, candidate


def side_by_side(current: VersionInfo | None, new: VersionInfo, current_name: str) -> str:
    """The two versions in columns: name, status, created, F1 (with the difference)."""

    def created(info: VersionInfo | None) -> str:
        return f"{info.created:%Y-%m-%d %H:%M %Z}".strip() if info and info.created else "?"

    def f1(info: VersionInfo | None) -> str:
        return f"{info.f1:.3f}" if info and info.f1 is not None else "none"

    change = ""
    if current and current.f1 is not None and new.f1 is not None:
        change = f" ({rounded_change(current.f1, new.f1):+.3f})"
    rows = [
        ("", "current", "new"),
        ("name", current_name, new.name),
        ("status", current.status if current else "not found", new.status),
        ("created", created(current), created(new)),
        ("F1", f1(current), f1(new) + change),
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )


@dataclass(frozen=True)
class Verdict:
    """A version checked against the one a store or group runs: the refusals not accepted (one
    line each), and why its labels could not be compared, if they could not."""

    refused: tuple[str, ...]
    unchecked: str | None = None


def check_version(
    store: StoreConfig,
    rekognition: RekognitionClient,
    s3: Any,
    *,
    current_arn: str,
    new: ModelVersion,
    accepted: frozenset[Refusal],
) -> Verdict:
    """The rotation's checks of `new` against `current_arn` in the store's project (state,
    minF1Score, maxF1Drop, then each label and the canary's labels from both summary files):
    what the pipeline's rotation check and ./scripts/distribute.sh ask of every version.
    RefusedError when the versions cannot be described (the caller could not look)."""
    s = store.settings
    found = describe(rekognition, s.project_arn, [parse_version_arn(current_arn), new])
    try:
        current, candidate = check_online(
            store,
            new,
            found,
            accept_lower_f1=Refusal.LOWER_F1 in accepted,
            current_arn=current_arn,
        )
    except RefusedError as error:
        return Verdict((str(error),))
    expected = s.canary.expect_labels if s.canary else ()
    try:
        comparison, _ = compare_versions(
            s3, current, candidate, max_label_f1_drop=s.max_label_f1_drop, expect_labels=expected
        )
    except SummaryError as error:
        return Verdict((), str(error))
    return Verdict(tuple(unaccepted(comparison.refusals, accepted)))
