"""PipelineNotifications alone: an encrypted, TLS-only topic that AWS CodeStar Notifications may
use, one e-mail subscription per address, and the rule that publishes one pipeline event."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_codepipeline as codepipeline
from aws_cdk.assertions import Match, Template

from scheduler_constructs.pipeline_notifications import APPROVAL_NEEDED, PipelineNotifications

from .conftest import ACCOUNT, REGION


def build(stack: cdk.Stack, *emails: str) -> Template:
    pipeline = codepipeline.Pipeline.from_pipeline_arn(
        stack, "Pipeline", f"arn:aws:codepipeline:{REGION}:{ACCOUNT}:ModelSchedulePipeline-1"
    )
    PipelineNotifications(
        stack,
        "Approvals",
        pipeline=pipeline,
        pipeline_name="ModelSchedulePipeline-1",
        event=APPROVAL_NEEDED,
        emails=emails,
    )
    return Template.from_stack(stack)


def test_an_encrypted_topic_the_notification_service_may_use(stack: cdk.Stack) -> None:
    template = build(stack, "release@bakery.example")
    template.has_resource_properties(
        "AWS::KMS::Key",
        {
            "EnableKeyRotation": True,
            "Description": "Encrypts the approvals topic of ModelSchedulePipeline-1",
            "KeyPolicy": {
                "Statement": Match.array_with(
                    [
                        Match.object_like(
                            {
                                "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
                                "Principal": {"Service": "codestar-notifications.amazonaws.com"},
                            }
                        )
                    ]
                )
            },
        },
    )
    key = template.get_resource_id("AWS::KMS::Key")
    template.has_resource_properties(
        "AWS::SNS::Topic", {"KmsMasterKeyId": {"Fn::GetAtt": [key, "Arn"]}}
    )
    template.has_resource_properties(
        "AWS::SNS::TopicPolicy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [
                        Match.object_like(
                            {
                                "Effect": "Deny",
                                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                            }
                        )
                    ]
                )
            }
        },
    )


def test_one_subscription_per_address_and_one_rule_for_the_event(stack: cdk.Stack) -> None:
    template = build(stack, "release@bakery.example", "platform@bakery.example")
    template.resource_count_is("AWS::SNS::Subscription", 2)
    template.all_resources_properties("AWS::SNS::Subscription", {"Protocol": "email"})
    template.has_resource_properties(
        "AWS::CodeStarNotifications::NotificationRule",
        {"EventTypeIds": [APPROVAL_NEEDED], "DetailType": "BASIC"},
    )
