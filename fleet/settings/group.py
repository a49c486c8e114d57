"""Serving groups' settings: which settings a group owns (the table), and a group's settings model.

A serving group is stores of one account and Region that share one model version. What is about
the model (its version, project, units, retries, notifications, sweep, canary and rotation
limits) belongs to the group; what is about a store's hours and checkout belongs to the store.
The table below decides it: the loader refuses a group setting written on a member, ignores an
inherited one for members, and gives each member the group's; GroupSettings is built from
StoreSettings' own declarations of those settings, so that a group's value is read and checked
exactly as a store's would be.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

from pydantic import BaseModel, ConfigDict, create_model, model_validator

from fleet.settings.arn import ModelVersion
from fleet.settings.fields import SETTINGS_MODEL_CONFIG, CanarySetting
from fleet.settings.store import (
    StoreSettings,
    layer_model,
    project_rule,
    source_rule,
    units_rule,
)
from verifier_contract import StaleVersions

# The key a store joins a group with: in its object or as `-c group:<store-id>=<group-id>`.
GROUP_KEY = "group"

# Settings a group owns, by their cdk.json names.
GROUP_OWNED: tuple[str, ...] = (
    "modelVersionArn",
    "projectArn",
    "sourceProjectArn",
    "minInferenceUnits",
    "maxInferenceUnits",
    "startCheckMinutes",
    "maximumRetryAttempts",
    "maximumEventAgeMinutes",
    "notifyEmails",
    "staleVersions",
    "canary",
    "minConfidence",
    "minF1Score",
    "maxF1Drop",
    "maxLabelF1Drop",
)
# Owned by both: a group's is what its canary asks with, a member's what its checkout sends.
BOTH_OWN: tuple[str, ...] = ("minConfidence",)
# What a member may not write: the group's alone.
GROUP_ONLY: tuple[str, ...] = tuple(k for k in GROUP_OWNED if k not in BOTH_OWN)


def _alias(name: str) -> str:
    return StoreSettings.model_fields[name].alias or name


class GroupSettings(BaseModel):
    """Everything a serving group can set, as the stacks read it; its fields are StoreSettings'
    own (GROUP_SETTINGS_MODEL). The rules here are those among a group's own settings: the rules
    that need a store's hours are checked on each member, and on the group's running window."""

    model_config = ConfigDict(**SETTINGS_MODEL_CONFIG, arbitrary_types_allowed=True)

    if TYPE_CHECKING:
        # For the type checker only: the fields themselves are StoreSettings' (below).
        model_version_arn: ModelVersion
        project_arn: str
        source_project_arn: str | None
        min_inference_units: int
        max_inference_units: int | None
        start_check_minutes: int
        maximum_retry_attempts: int
        maximum_event_age_minutes: int
        notify_emails: tuple[str, ...]
        stale_versions: StaleVersions
        canary: CanarySetting | None
        min_confidence: float | None
        min_f1_score: float | None
        max_f1_drop: float
        max_label_f1_drop: float

    @property
    def model(self) -> ModelVersion:
        return self.model_version_arn

    @model_validator(mode="after")
    def _rule_project_of_the_version(self) -> Self:
        project_rule(self.project_arn, self.model)
        return self

    @model_validator(mode="after")
    def _rule_units_range(self) -> Self:
        units_rule(self.min_inference_units, self.max_inference_units)
        return self

    @model_validator(mode="after")
    def _rule_source_project(self) -> Self:
        source_rule(self.source_project_arn, self.project_arn, self.model)
        return self


def _group_settings() -> type[GroupSettings]:
    fields: dict[str, Any] = {
        name: (field.annotation, field)
        for name, field in StoreSettings.model_fields.items()
        if _alias(name) in GROUP_OWNED
    }
    return create_model("GroupSettings", __base__=GroupSettings, **fields)


# What the loader validates a group with, context={"horizon": <fleet.horizon>}.
GROUP_SETTINGS_MODEL = _group_settings()


GroupLayer = layer_model(GROUP_SETTINGS_MODEL, "GroupLayer")
