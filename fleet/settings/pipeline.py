"""`fleet.pipeline`: where the fleet's deployment pipeline lives, what it builds from, which
store's project goes first, who approves and who hears of failures, and how the fleet is cut
into pipelines (fleet/pipeline/plan.py reads it)."""

from __future__ import annotations

import json
import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, Field, WithJsonSchema

from fleet.settings.dashboard import AccountId, RegionCode
from fleet.settings.fields import SETTINGS_MODEL_CONFIG, WHOLE_NUMBER, Emails, Expect, invalid
from fleet.settings.rotation import Refusal

_CONNECTION = re.compile(
    r"arn:(aws|aws-cn|aws-us-gov):(codeconnections|codestar-connections):"
    r"[a-z]{2}(-[a-z]+)+-[0-9]:[0-9]{12}:connection/[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}",
    flags=re.ASCII,
)
_REPOSITORY = re.compile(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+", flags=re.ASCII)
# A branch name git accepts, kept simple: no spaces, no "..", no leading "-" or "/".
_BRANCH = re.compile(r"[A-Za-z0-9_.][A-Za-z0-9_./-]{0,199}", flags=re.ASCII)
# Where the pipeline cannot run as built: it e-mails approvals and failures through AWS CodeStar
# Notifications, which the China Regions do not offer (docs.amazonaws.cn, "Amazon CodeCommit":
# "Amazon CodeStar Notifications is not available in the Beijing and Ningxia Regions").
PIPELINE_UNAVAILABLE = {
    "aws-cn": "is a China Region: the pipeline e-mails approvals and failures through AWS "
    "CodeStar Notifications, which the Beijing and Ningxia Regions do not offer; deploy the "
    "stores there with ./scripts/cdk deploy",
}


def partition_of(region: str) -> str:
    """The AWS partition of a Region code."""
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


CONNECTION_EXAMPLE = (
    "arn:aws:codeconnections:ap-northeast-1:999988887777:connection/"
    "0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"
)


def _matching(pattern: re.Pattern[str], what: str) -> Any:
    def check(value: Any) -> str:
        if not isinstance(value, str) or not pattern.fullmatch(value) or ".." in value:
            raise invalid(what)
        return value

    return check


def _alarm_names(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise invalid('must be a list of alarm names, e.g. ["sydney-central failed calls waiting"]')
    return tuple(value)


ConnectionArn = Annotated[
    str,
    BeforeValidator(
        _matching(
            _CONNECTION,
            "is not a CodeConnections connection ARN: copy it from the console (Developer "
            f"Tools, Settings, Connections), e.g. {CONNECTION_EXAMPLE}",
        )
    ),
    Expect("a CodeConnections connection ARN"),
    WithJsonSchema({"type": "string", "pattern": f"^{_CONNECTION.pattern}$"}),
]
Repository = Annotated[
    str,
    BeforeValidator(
        _matching(_REPOSITORY, 'is not a repository: write "owner/name", e.g. "bakery/scheduler"')
    ),
    Expect('a repository, "owner/name"'),
    WithJsonSchema({"type": "string", "pattern": f"^{_REPOSITORY.pattern}$"}),
]
Branch = Annotated[
    str,
    BeforeValidator(_matching(_BRANCH, 'is not a branch name, e.g. "main"')),
    Expect("a branch name"),
    WithJsonSchema({"type": "string", "pattern": f"^{_BRANCH.pattern}$"}),
]


class SourceSettings(BaseModel):
    """Where the pipeline takes the project from: a repository through a connection."""

    model_config = SETTINGS_MODEL_CONFIG

    connection_arn: ConnectionArn = Field(description="The CodeConnections connection.")
    repository: Repository = Field(description='The repository, "owner/name".')
    branch: Branch = Field(default="main", description="The branch that deploys.")


ACCEPT_ROTATIONS = (
    'an object by store id: {"modelVersionArn": "<the new ARN>", "accept": ['
    + " | ".join(json.dumps(r.value) for r in Refusal)
    + ", ...]}"
)


class AcceptRotation(BaseModel):
    """What the pipeline's rotation check lets through for one store, for one version only."""

    model_config = SETTINGS_MODEL_CONFIG

    model_version_arn: str = Field(
        description="The version this acceptance is for (the store's modelVersionArn)."
    )
    accept: tuple[Refusal, ...] = Field(
        description="What is accepted: "
        + ", ".join(f'"{r.value}" ({r.what})' for r in Refusal)
        + "; as rotate.sh's --accept-... flags."
    )


class PipelineSettings(BaseModel):
    """`fleet.pipeline`: optional; without it there is no pipeline to synthesize."""

    model_config = SETTINGS_MODEL_CONFIG

    account: Annotated[AccountId, Expect("an AWS account ID, 12 digits")] = Field(
        description="The pipeline's AWS account (a tooling account)."
    )
    region: Annotated[RegionCode, Expect('an AWS Region code, e.g. "ap-northeast-1"')] = Field(
        description="The pipeline's Region."
    )
    source: Annotated[
        SourceSettings, Expect('an object {"connectionArn", "repository", "branch"}')
    ] = Field(description="The repository the pipeline builds.")
    canary: Annotated[str, Expect("a store id of fleet.stores or a group id of fleet.groups")] = (
        Field(
            description="A store or serving group id: its whole Rekognition project deploys "
            "first, alone, before the approval."
        )
    )
    approval_emails: Emails = Field(
        description="Who is asked to approve after the canary unit (each must confirm the "
        "subscription e-mail)."
    )
    failure_emails: Emails = Field(
        default=(), description="Who hears of a failed pipeline execution."
    )
    waves: Literal["region", "account-region"] = Field(
        default="region",
        description='After the approval, one wave per Region (`"region"`) or per account and '
        'Region (`"account-region"`).',
    )
    ignore_alarms: Annotated[
        tuple[str, ...],
        BeforeValidator(_alarm_names),
        Expect("a list of alarm names"),
        WithJsonSchema({"type": "array", "items": {"type": "string", "minLength": 1}}),
    ] = Field(
        default=(),
        description="Alarms the check after each wave passes although in ALARM: known to be "
        "unrelated to the change (remove them once they are fixed).",
    )
    accept_rotations: Annotated[
        dict[str, AcceptRotation],
        Expect(ACCEPT_ROTATIONS),
    ] = Field(
        default_factory=dict,
        description="By store (or serving group) id: a refusal of the rotation check before the "
        "canary that this "
        "commit accepts, for the version named (it stops applying when the version changes).",
    )
    max_stores_per_pipeline: Annotated[int, Field(ge=1), WHOLE_NUMBER] = Field(
        default=200,
        description="A fleet with more stores gets more pipelines (shards), each within "
        "CodePipeline's limits.",
    )
