"""One account's dashboard stack: the fleet at a glance, in the account's home Region."""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, Environment, Stack, Tags

from constructs import Construct
from fleet.config import AccountDashboard
from fleet.names import APP_TAG
from scheduler_constructs.fleet_dashboard import FleetDashboard


class ModelScheduleDashboardStack(Stack):
    """Reads the stores' metrics and alarms in their own Regions by name and ARN: it references
    no store stack, so deploying it changes none and it may be deployed before or after them."""

    def __init__(self, scope: Construct, *, dashboard: AccountDashboard, **kwargs: Any) -> None:
        super().__init__(
            scope,
            dashboard.stack_name,
            env=Environment(account=dashboard.account, region=dashboard.region),
            description=(
                f"CloudWatch dashboard of {len(dashboard.rows)} Rekognition model schedule(s) "
                f"in account {dashboard.account} - {APP_TAG}"
            ),
            **kwargs,
        )
        Tags.of(self).add(f"{APP_TAG}:dashboard", dashboard.account)
        FleetDashboard(self, "Dashboard", dashboard=dashboard)
        CfnOutput(self, "DashboardName", value=dashboard.dashboard_name)
        CfnOutput(self, "Stores", value=", ".join(dashboard.store_ids))
