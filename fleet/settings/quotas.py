"""The per-account and per-Region default quotas a fleet relies on: what one store's stack
creates of each, what the CDK bootstrap adds, and the default AWS gives. A fleet whose stacks
would pass a quota is refused at synth (fleet/reading/quotas.py counts), with the quota and how
to raise it; `fleet.quotas` says that an account's (or an account's Region's) quota has been
raised:

    "quotas": {"accounts": {"111122223333": {
        "iamRoles": 2000, "regions": {"ap-northeast-1": {"scheduleGroups": 800}}}}}

Rekognition's own quotas (REKOGNITION_QUOTAS: models running at once, inference units of one
model) are declared the same way, per account and Region; they are counted from what the fleet
runs, not from what its stacks create.

The flat form (`"quotas": {"iamRoles": 2000}`) stays valid while the fleet's stores are in one
account (and one Region, for a regional quota): it cannot say which account it was raised in.

What a store creates is checked against its synthesized template by a test, so that a construct
that adds a role or a policy cannot leave these counts behind."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from pydantic import BaseModel, Field

from fleet.settings.dashboard import AccountId, RegionCode
from fleet.settings.fields import SETTINGS_MODEL_CONFIG, WHOLE_NUMBER, Expect


@dataclass(frozen=True)
class Quota:
    key: str  # the key that declares a raised quota, in fleet.quotas.accounts.<account>[...]
    what: str
    per_region: bool  # counted per account and region, else per account
    default: int
    per_store: int  # what one store's stack creates
    resource_type: str  # the CloudFormation type counted
    raise_it: str  # where to raise it
    # A serving group's stack runs the model as a store's does; a member's holds its handle and
    # client policy only.
    per_group: int
    per_member: int
    # The default CDK bootstrap template's, in every Region where the account has stores.
    bootstrap_per_region: int = 0
    # Once per account: the bootstrap's execution policy (fleet/pipeline/execution_policy.py).
    per_account: int = 0


# cdk-hnb659fds-{cfn-exec,deploy,file-publishing,image-publishing,lookup}-role-<account>-<region>
BOOTSTRAP_ROLES = 5

QUOTAS = (
    Quota(
        "iamRoles",
        "IAM roles",
        False,
        1000,
        2,
        "AWS::IAM::Role",
        "Service Quotas, AWS Identity and Access Management (IAM), Roles per account",
        per_group=2,
        per_member=0,
        bootstrap_per_region=BOOTSTRAP_ROLES,
    ),
    Quota(
        "iamManagedPolicies",
        "IAM customer managed policies",
        False,
        1500,
        3,
        "AWS::IAM::ManagedPolicy",
        "Service Quotas, AWS Identity and Access Management (IAM), Customer managed policies "
        "per account",
        per_group=2,
        per_member=1,
        per_account=1,
    ),
    Quota(
        "scheduleGroups",
        "EventBridge Scheduler schedule groups",
        True,
        500,
        1,
        "AWS::Scheduler::ScheduleGroup",
        "Service Quotas, Amazon EventBridge Scheduler, Number of schedule groups (per Region)",
        per_group=1,
        per_member=0,
    ),
)


@dataclass(frozen=True)
class ServiceQuota:
    """A quota on what the fleet runs rather than on what its stacks create: Rekognition Custom
    Labels', per account and Region (fleet/reading/quotas.py counts them)."""

    key: str
    what: str
    code: str  # Service Quotas' code: what to ask for
    default: int
    raise_it: str


RUNNING_MODELS = ServiceQuota(
    "runningModels",
    "Rekognition Custom Labels models at once",
    "L-5E225387",
    2,
    "Service Quotas, Amazon Rekognition, Concurrently running models (L-5E225387)",
)
INFERENCE_UNITS = ServiceQuota(
    "inferenceUnitsPerModel",
    "inference units in one model",
    "L-4FA65ECB",
    5,
    "Service Quotas, Amazon Rekognition, Inference units per running model (L-4FA65ECB)",
)
REKOGNITION_QUOTAS = (RUNNING_MODELS, INFERENCE_UNITS)

ACCOUNT_KEYS = tuple(q.key for q in QUOTAS if not q.per_region)
REGION_KEYS = tuple(q.key for q in QUOTAS if q.per_region) + tuple(
    q.key for q in REKOGNITION_QUOTAS
)

Limit = Annotated[int, Field(ge=1), WHOLE_NUMBER]


class RegionQuotas(BaseModel):
    """`fleet.quotas.accounts.<account>.regions.<region>`: an account's raised quotas in one
    Region."""

    model_config = SETTINGS_MODEL_CONFIG

    schedule_groups: Limit | None = Field(
        default=None,
        description="EventBridge Scheduler schedule groups in this account and Region, once "
        "raised (default 500).",
    )
    running_models: Limit | None = Field(
        default=None,
        description="Rekognition Custom Labels models running at once in this account and "
        "Region (L-5E225387), once raised (default 2).",
    )
    inference_units_per_model: Limit | None = Field(
        default=None,
        description="Inference units of one running model in this account and Region "
        "(L-4FA65ECB), once raised (default 5).",
    )


class AccountQuotas(BaseModel):
    """`fleet.quotas.accounts.<account>`: one account's raised quotas."""

    model_config = SETTINGS_MODEL_CONFIG

    iam_roles: Limit | None = Field(
        default=None, description="IAM roles in this account, once raised (default 1,000)."
    )
    iam_managed_policies: Limit | None = Field(
        default=None,
        description="IAM customer managed policies in this account, once raised (default 1,500).",
    )
    regions: Annotated[
        dict[RegionCode, RegionQuotas],
        Expect(
            'an object: Region code to {"scheduleGroups", "runningModels", '
            '"inferenceUnitsPerModel"}'
        ),
    ] = Field(default_factory=dict, description="By Region: the account's regional quotas.")


class QuotaSettings(BaseModel):
    """`fleet.quotas`: raised quotas, by account (and Region), where the defaults are not
    enough."""

    model_config = SETTINGS_MODEL_CONFIG

    accounts: Annotated[
        dict[AccountId, AccountQuotas],
        Expect('an object: account ID to {"iamRoles", "iamManagedPolicies", "regions"}'),
    ] = Field(
        default_factory=dict,
        description='By account ID: its raised quotas, e.g. {"111122223333": {"iamRoles": 2000, '
        '"regions": {"ap-northeast-1": {"scheduleGroups": 800}}}}.',
    )
    iam_roles: Limit | None = Field(
        default=None,
        description="IAM roles, once raised (default 1,000); only while the fleet is in one "
        "account: else `accounts.<account>.iamRoles`.",
    )
    iam_managed_policies: Limit | None = Field(
        default=None,
        description="IAM customer managed policies, once raised (default 1,500); only while the "
        "fleet is in one account: else `accounts.<account>.iamManagedPolicies`.",
    )
    schedule_groups: Limit | None = Field(
        default=None,
        description="EventBridge Scheduler schedule groups, once raised (default 500); only "
        "while the fleet is in one account and Region: else "
        "`accounts.<account>.regions.<region>.scheduleGroups`.",
    )
    running_models: Limit | None = Field(
        default=None,
        description="Rekognition Custom Labels models running at once (L-5E225387), once raised "
        "(default 2); only while the fleet is in one account and Region: else "
        "`accounts.<account>.regions.<region>.runningModels`.",
    )
    inference_units_per_model: Limit | None = Field(
        default=None,
        description="Inference units of one running model (L-4FA65ECB), once raised (default "
        "5); only while the fleet is in one account and Region: else "
        "`accounts.<account>.regions.<region>.inferenceUnitsPerModel`.",
    )

    def flat(self, key: str) -> int | None:
        return _by_key(self, key)

    def declared(self, key: str, account: str, region: str) -> int | None:
        """The raised quota for `key` in this account (and Region), if declared."""
        found = self.accounts.get(account)
        if found is not None:
            if key in REGION_KEYS:
                there = found.regions.get(region)
                value = _by_key(there, key) if there is not None else None
            else:
                value = _by_key(found, key)
            if value is not None:
                return value
        return self.flat(key)


def _by_key(settings: BaseModel, key: str) -> int | None:
    """The value of the field cdk.json calls `key`."""
    for name, field in type(settings).model_fields.items():
        if field.alias == key:
            value = getattr(settings, name)
            assert value is None or isinstance(value, int)
            return value
    raise KeyError(key)
