"""CheckoutAccess alone: the handle parameter and the client policy scoped to it."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk.assertions import Match, Template

from scheduler_constructs.checkout_access import CheckoutAccess

from .conftest import ACCOUNT, LOCATION, PROJECT_SCOPE, REGION

NAME = "/rekognition-model-scheduler/test/model"


def test_parameter_and_policy(stack: cdk.Stack) -> None:
    CheckoutAccess(
        stack,
        "Checkout",
        store_id="test",
        parameter_name=NAME,
        handle_json='{"version":1}',
        project_scope_arn=PROJECT_SCOPE,
        location=LOCATION,
    )
    template = Template.from_stack(stack)
    template.has_resource_properties(
        "AWS::SSM::Parameter",
        {"Name": NAME, "Type": "String", "Tier": "Standard", "Value": '{"version":1}'},
    )
    parameter = template.get_resource_id("AWS::SSM::Parameter")
    template.has_resource_properties(
        "AWS::IAM::ManagedPolicy",
        {
            "PolicyDocument": {
                "Statement": Match.exact(
                    [
                        Match.object_like(
                            {
                                "Action": "ssm:GetParameter",
                                "Resource": {
                                    "Fn::Join": [
                                        "",
                                        [
                                            f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter",
                                            {"Ref": parameter},
                                        ],
                                    ]
                                },
                            }
                        ),
                        Match.object_like(
                            {"Action": "rekognition:DetectCustomLabels", "Resource": PROJECT_SCOPE}
                        ),
                    ]
                )
            }
        },
    )
    template.resource_count_is("AWS::IAM::Role", 0)
