"""What the checkout application reads and may do: the store's model handle and a policy."""

from __future__ import annotations

from aws_cdk import aws_iam as iam
from aws_cdk import aws_ssm as ssm

from constructs import Construct
from constructs.nag import acknowledge


class CheckoutAccess(Construct):
    """The model handle (an SSM String parameter, standard tier: free) and the managed policy the
    checkout application's role attaches: read that one parameter, detect labels with the
    store's project. The handle changes in the same deployment as the schedules."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        store_id: str,
        parameter_name: str,
        handle_json: str,
        project_scope_arn: str,
    ) -> None:
        super().__init__(scope, construct_id)
        self.parameter = ssm.StringParameter(
            self,
            "ModelHandle",
            parameter_name=parameter_name,
            string_value=handle_json,
            tier=ssm.ParameterTier.STANDARD,
            description=(
                f"Model handle of store {store_id} for the checkout (rekognition-model-client)"
            ),
        )
        self.client_policy = iam.ManagedPolicy(
            self,
            "ClientPolicy",
            description=f"For the checkout of store {store_id}: its model handle and its model",
            statements=[
                iam.PolicyStatement(
                    sid="ReadModelHandle",
                    actions=["ssm:GetParameter"],
                    resources=[self.parameter.parameter_arn],
                ),
                iam.PolicyStatement(
                    sid="DetectLabelsWithTheStoreModel",
                    actions=["rekognition:DetectCustomLabels"],
                    resources=[project_scope_arn],
                ),
            ],
        )
        acknowledge(
            self.client_policy,
            f"AwsSolutions-IAM5[Resource::{project_scope_arn}]",
            "DetectCustomLabels takes the model version ARN, which changes with every rotation; "
            "project/<name>/* lets the checkout follow the handle to a new version of the same "
            "project without a policy change.",
        )
