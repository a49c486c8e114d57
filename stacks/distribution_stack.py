"""One destination account and Region of ./scripts/distribute.sh: its copies bucket, and in the
account's first Region the role the command assumes there (docs/operator.md, "Distributing a new
version to every account")."""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, Environment, Stack, Tags

from constructs import Construct
from fleet.config import DistributionPlace
from fleet.names import APP_TAG
from scheduler_constructs.copy_access import CopyAccess


class ModelScheduleDistributionStack(Stack):
    """Wiring only."""

    def __init__(self, scope: Construct, *, place: DistributionPlace, **kwargs: Any) -> None:
        super().__init__(
            scope,
            place.stack_name,
            env=Environment(account=place.account, region=place.region),
            description=f"Receives model versions copied by ./scripts/distribute.sh - {APP_TAG}",
            **kwargs,
        )
        Tags.of(self).add(f"{APP_TAG}:distribution", f"{place.account}-{place.region}")
        access = CopyAccess(
            self,
            "CopyAccess",
            bucket_name=place.bucket_name,
            role=place.role,
            partition=place.partition,
        )
        CfnOutput(self, "CopiesBucketName", value=access.bucket_name)
        if access.role_arn is not None:
            CfnOutput(self, "CopierRoleArn", value=access.role_arn)
