"""Rekognition Custom Labels ARNs.

A model *version* ARN is `...:project/<project>/version/<version>/<timestamp>`; a *project* ARN is
`...:project/<project>/<timestamp>` with a different timestamp, so one cannot be derived from the
other. What can be derived is the IAM scope `project/<project>/*`, which covers the project and all
its versions: rotating to another version of the same project changes no IAM.
"""

from __future__ import annotations

from dataclasses import dataclass

import verifier_contract

VERSION_ARN = verifier_contract.VERSION_ARN
PROJECT_ARN = verifier_contract.PROJECT_ARN
MIN_LENGTH, MAX_LENGTH = 20, 2048  # botocore's bounds for ProjectVersionArn

EXAMPLE_PROJECT = "arn:aws:rekognition:ap-northeast-1:111122223333:project/bread/1761900000000"
EXAMPLE = (
    "arn:aws:rekognition:ap-northeast-1:111122223333:"
    "project/bread/version/bread.2026-11-01T09.00.00/1761987600000"
)


@dataclass(frozen=True)
class Location:
    """Where a store's resources live: its model's partition, region and account."""

    partition: str
    region: str
    account: str


@dataclass(frozen=True)
class ModelVersion:
    arn: str
    partition: str
    region: str
    account: str
    project_name: str
    version_name: str

    @property
    def location(self) -> Location:
        return Location(self.partition, self.region, self.account)

    @property
    def project_scope_arn(self) -> str:
        return (
            f"arn:{self.partition}:rekognition:{self.region}:{self.account}:"
            f"project/{self.project_name}/*"
        )


def parse_version_arn(value: str) -> ModelVersion:
    """Parse a version ARN or raise ValueError saying what is wrong with it."""
    if not value:
        raise ValueError("is empty")
    if value != value.strip():
        raise ValueError("has leading or trailing whitespace (a newline from copy-paste?)")
    if not (MIN_LENGTH <= len(value) <= MAX_LENGTH):
        raise ValueError(
            f"is {len(value)} characters long; an ARN has {MIN_LENGTH} to {MAX_LENGTH}"
        )
    if not value.isascii():
        raise ValueError("contains non-ASCII characters")
    if PROJECT_ARN.fullmatch(value):
        raise ValueError(
            "is a project ARN, not a model version ARN: use the ARN of the version to run "
            "(it contains /version/<name>/)"
        )
    match = VERSION_ARN.fullmatch(value)
    if match is None:
        raise ValueError(
            "is not a Rekognition Custom Labels model version ARN "
            "(arn:<partition>:rekognition:<region>:<account>:project/<project>/version/<version>/<timestamp>)"
        )
    return ModelVersion(
        arn=value,
        partition=match["partition"],
        region=match["region"],
        account=match["account"],
        project_name=match["project"],
        version_name=match["version"],
    )


def parse_project_arn(value: str) -> str:
    """Check that `value` is a project ARN; raise ValueError saying what is wrong if not."""
    if not isinstance(value, str) or value != value.strip() or not value.isascii():
        raise ValueError("must be a project ARN without whitespace")
    if PROJECT_ARN.fullmatch(value) is None:
        raise ValueError(
            "is not a Rekognition Custom Labels project ARN "
            "(arn:<partition>:rekognition:<region>:<account>:project/<project>/<timestamp>); "
            "`aws rekognition describe-projects` lists them"
        )
    return value


def check_project_of(project_arn: str, model: ModelVersion) -> None:
    """Raise ValueError unless `model` is a version of the project `project_arn`."""
    match = PROJECT_ARN.fullmatch(project_arn)
    assert match is not None, "parse_project_arn checked it"
    mine = (model.partition, model.region, model.account, model.project_name)
    theirs = (match["partition"], match["region"], match["account"], match["project"])
    if mine != theirs:
        raise ValueError(
            f"is not the project of the store's model version (project {model.project_name} in "
            f"{model.region}, account {model.account})"
        )
