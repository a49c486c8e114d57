"""cdk.json's `fleet` object, as one typed model whose fields are its blocks. Each block is a
settings model of its own (horizon.py, dashboard.py, quotas.py, pipeline.py, distribution.py); a
field's description introduces the block's table in docs/configuration.md, and the fleet part of
cdk.schema.json is generated from this model (fleet/reading/json_schema.py).

Adding a block: its settings model in a module here, a field below, and, if it must agree with
the stores, a cross-check in fleet/reading/blocks.py."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from fleet.settings.dashboard import DashboardSettings
from fleet.settings.distribution import DistributionSettings
from fleet.settings.horizon import HorizonSettings
from fleet.settings.pipeline import PipelineSettings
from fleet.settings.quotas import QuotaSettings


class FleetSettings(BaseModel):
    """The fleet: defaults and stores (read by the loader layer by layer, so that an error names
    the layer it is in), and the blocks."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)

    defaults: dict[str, Any] = Field(
        default_factory=dict, description="Settings every store inherits."
    )
    stores: dict[str, Any] = Field(description="The stores, by store id.")
    groups: dict[str, Any] = Field(
        default_factory=dict,
        description="Serving groups, by group id: stores of one account and Region that share "
        "one model version (a store joins one with `group`).",
    )
    horizon: HorizonSettings = Field(description="The calendar horizon, `fleet.horizon` (required)")
    dashboard: DashboardSettings = Field(
        default_factory=DashboardSettings,
        description="The dashboards' settings, in `fleet.dashboard`",
    )
    pipeline: PipelineSettings | None = Field(
        default=None,
        description="The fleet's deployment pipeline, `fleet.pipeline` (optional; every synth "
        "checks that the fleet can be cut into pipelines and waves within CodePipeline's "
        "limits, fleet/pipeline/plan.py)",
    )
    distribution: DistributionSettings = Field(
        default_factory=DistributionSettings,
        description="How ./scripts/distribute.sh copies a new version into the destination "
        "accounts, in `fleet.distribution`",
    )
    quotas: QuotaSettings = Field(
        default_factory=QuotaSettings,
        description="Quotas raised above AWS's defaults, in `fleet.quotas` (the synth refuses a "
        "fleet whose stacks would pass a quota)",
    )


# The blocks, in the order the reference documents them: every field holding a settings model.
BLOCKS = tuple(
    name for name in FleetSettings.model_fields if name not in ("defaults", "stores", "groups")
)
