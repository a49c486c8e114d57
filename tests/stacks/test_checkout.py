"""What the checkout application reads: the model handle parameter (parsed by the client
package's own parser) and the client policy its role attaches."""

from __future__ import annotations

from aws_cdk.assertions import Capture, Match, Template

from fleet.config import StoreConfig
from fleet.handle import handle_of
from rekognition_model_client import ModelHandle, parameter_name


def test_the_handle_is_a_free_string_parameter_the_client_reads(
    template: Template, store: StoreConfig
) -> None:
    """Standard tier String at /rekognition-model-scheduler/<store>/model; its value is the
    store's handle as the client package parses it."""
    value = Capture()
    template.has_resource_properties(
        "AWS::SSM::Parameter",
        {
            "Name": f"/rekognition-model-scheduler/{store.store_id}/model",
            "Type": "String",
            "Tier": "Standard",
            "Value": value,
        },
    )
    handle = ModelHandle.from_json(value.as_string())
    assert handle == handle_of(store)
    s = store.settings
    assert (handle.model_version_arn, handle.project_arn) == (s.model.arn, s.project_arn)
    assert handle.min_confidence == s.min_confidence
    assert len(value.as_string().encode()) <= 4096
    template.has_output("ModelHandleParameter", {"Value": parameter_name(store.store_id)})


def test_client_policy_reads_that_parameter_and_detects_with_the_project(
    template: Template, store: StoreConfig
) -> None:
    """ssm:GetParameter on exactly that parameter, DetectCustomLabels on project/<name>/*:
    no "*"; its ARN is an output for the checkout's role to attach."""
    parameter = template.get_resource_id("AWS::SSM::Parameter")
    m = store.settings.model
    found = template.find_resources(
        "AWS::IAM::ManagedPolicy",
        {
            "Properties": {
                "PolicyDocument": {
                    "Statement": Match.exact(
                        [
                            {
                                "Sid": "ReadModelHandle",
                                "Effect": "Allow",
                                "Action": "ssm:GetParameter",
                                "Resource": {
                                    "Fn::Join": [
                                        "",
                                        [
                                            f"arn:aws:ssm:{m.region}:{m.account}:parameter",
                                            {"Ref": parameter},
                                        ],
                                    ]
                                },
                            },
                            {
                                "Sid": "DetectLabelsWithTheStoreModel",
                                "Effect": "Allow",
                                "Action": "rekognition:DetectCustomLabels",
                                "Resource": m.project_scope_arn,
                            },
                        ]
                    )
                }
            }
        },
    )
    assert len(found) == 1
    template.has_output("CheckoutClientPolicyArn", {"Value": {"Ref": next(iter(found))}})


def test_min_confidence_reaches_the_handle() -> None:
    """`minConfidence` set for a store is what the checkout will send."""
    from tests.synth import cli_context, synth

    templates = synth(cli_context(store="tokyo-ginza", **{"minConfidence:tokyo-ginza": "85"}))
    value = Capture()
    Template.from_json(templates["ModelSchedule-tokyo-ginza"]).has_resource_properties(
        "AWS::SSM::Parameter", {"Value": value}
    )
    assert ModelHandle.from_json(value.as_string()).min_confidence == 85.0
