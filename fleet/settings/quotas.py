"""The per-account default quotas a fleet relies on: what one store's stack creates of each, and
the default AWS gives. A fleet whose stacks would pass a quota is refused at synth, with the
quota and how to raise it; `fleet.quotas` says that an account's quota has been raised.

What a store creates is checked against its synthesized template by a test, so that a construct
that adds a role or a policy cannot leave these counts behind."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Annotated

from pydantic import BaseModel, Field

from fleet.model import StoreConfig
from fleet.settings.fields import SETTINGS_MODEL_CONFIG, WHOLE_NUMBER


@dataclass(frozen=True)
class Quota:
    key: str  # the key of fleet.quotas that declares a raised quota
    what: str
    per_region: bool  # counted per account and region, else per account
    default: int
    per_store: int  # what one store's stack creates
    resource_type: str  # the CloudFormation type counted
    raise_it: str  # where to raise it


QUOTAS = (
    Quota(
        "iamRoles",
        "IAM roles",
        False,
        1000,
        2,
        "AWS::IAM::Role",
        "Service Quotas, AWS Identity and Access Management (IAM), Roles per account",
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
    ),
    Quota(
        "scheduleGroups",
        "EventBridge Scheduler schedule groups",
        True,
        500,
        1,
        "AWS::Scheduler::ScheduleGroup",
        "Service Quotas, Amazon EventBridge Scheduler, Number of schedule groups (per Region)",
    ),
)

Limit = Annotated[int, Field(ge=1), WHOLE_NUMBER]


class QuotaSettings(BaseModel):
    """`fleet.quotas`: an account's raised quotas, where the defaults are not enough."""

    model_config = SETTINGS_MODEL_CONFIG

    iam_roles: Limit | None = Field(
        default=None, description="IAM roles per account, once raised (default 1,000)."
    )
    iam_managed_policies: Limit | None = Field(
        default=None,
        description="IAM customer managed policies per account, once raised (default 1,500).",
    )
    schedule_groups: Limit | None = Field(
        default=None,
        description="EventBridge Scheduler schedule groups per account and Region, once raised "
        "(default 500).",
    )


def quota_problems(stores: list[StoreConfig], raised: QuotaSettings) -> list[tuple[str, str]]:
    """One line per quota and account (and Region) the fleet's stacks would pass."""
    limits = {
        "iamRoles": raised.iam_roles,
        "iamManagedPolicies": raised.iam_managed_policies,
        "scheduleGroups": raised.schedule_groups,
    }
    lines = []
    for quota in QUOTAS:
        counts: Counter[str] = Counter()
        for store in stores:
            model = store.settings.model
            scope = f"{model.account} in {model.region}" if quota.per_region else model.account
            counts[scope] += 1
        limit = limits[quota.key] or quota.default
        for scope, stores_there in counts.items():
            created = stores_there * quota.per_store
            if created > limit:
                lines.append(
                    (
                        "fleet.stores",
                        f"account {scope} would get {created} {quota.what} from its "
                        f"{stores_there} stores ({quota.per_store} each), over the quota of "
                        f"{limit}{'' if limits[quota.key] else ' (the default)'}: raise it "
                        f"({quota.raise_it}) and set fleet.quotas.{quota.key}, or move stores "
                        "to another account",
                    )
                )
    return lines
