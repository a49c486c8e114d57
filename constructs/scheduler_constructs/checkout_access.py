"""What the checkout application reads and may do: the store's model handle and a policy."""

from __future__ import annotations

from aws_cdk import aws_ssm as ssm

from constructs import Construct
from fleet.settings.arn import Location
from scheduler_constructs.nag import acknowledge
from scheduler_constructs.policies import allow, managed_policy


class CheckoutAccess(Construct):
    """The model handle (an SSM String parameter, standard tier: free) and the managed policy the
    checkout application's role attaches: read that one parameter, detect labels with the
    store's project. The handle changes in the same deployment as the schedules.

    CloudFormation resources (L1) rendered as the L2 `StringParameter` and `ManagedPolicy`
    rendered them (see policies.py for why).
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        store_id: str,
        parameter_name: str,
        handle_json: str,
        project_scope_arn: str,
        location: Location,
    ) -> None:
        super().__init__(scope, construct_id)
        self.parameter = ssm.CfnParameter(
            Construct(self, "ModelHandle"),
            "Resource",
            description=(
                f"Model handle of store {store_id} for the checkout (rekognition-model-client)"
            ),
            name=parameter_name,
            tier="Standard",
            type="String",
            value=handle_json,
        )
        # The name starts with "/": the ARN is ...:parameter + the name.
        where = location
        parameter_arn = (
            f"arn:{where.partition}:ssm:{where.region}:{where.account}:parameter"
            f"{self.parameter.ref}"
        )
        self.client_policy = managed_policy(
            self,
            "ClientPolicy",
            description=f"For the checkout of store {store_id}: its model handle and its model",
            statements=[
                allow("ReadModelHandle", ["ssm:GetParameter"], [parameter_arn]),
                allow(
                    "DetectLabelsWithTheStoreModel",
                    ["rekognition:DetectCustomLabels"],
                    [project_scope_arn],
                ),
            ],
        )
        self.client_policy_arn = self.client_policy.ref
        acknowledge(
            self.client_policy,
            f"AwsSolutions-IAM5[Resource::{project_scope_arn}]",
            "DetectCustomLabels takes the model version ARN, which changes with every rotation; "
            "project/<name>/* lets the checkout follow the handle to a new version of the same "
            "project without a policy change.",
        )
