"""StoreNotifications and SchedulerDeadLetterQueue alone."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk.assertions import Match, Template

from scheduler_constructs.dead_letter_queue import SchedulerDeadLetterQueue
from scheduler_constructs.notifications import StoreNotifications

from .conftest import ACCOUNT, LOCATION


def test_dead_letter_queue_is_standard_encrypted_tls_only(stack: cdk.Stack) -> None:
    """Scheduler refuses FIFO DLQs; SSE-SQS; 14 days; deleted with the stack."""
    SchedulerDeadLetterQueue(stack, "DeadLetters")
    template = Template.from_stack(stack)
    template.has_resource(
        "AWS::SQS::Queue",
        {
            "Properties": {
                "SqsManagedSseEnabled": True,
                "MessageRetentionPeriod": 14 * 24 * 3600,
                "FifoQueue": Match.absent(),
            },
            "DeletionPolicy": "Delete",
        },
    )
    template.has_resource_properties(
        "AWS::SQS::QueuePolicy",
        {
            "PolicyDocument": {
                "Statement": [
                    {"Effect": "Deny", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
                ]
            }
        },
    )


def test_topic_key_lets_cloudwatch_and_logs_in(stack: cdk.Stack) -> None:
    """The topic is encrypted with its own key; alarms (cloudwatch) and the verifier's log group
    (logs.<region>) may use the key, each limited to this account."""
    StoreNotifications(
        stack, "Notifications", store_id="test", emails=(), dead_letter_arn="dlq", location=LOCATION
    )
    template = Template.from_stack(stack)
    template.has_resource_properties(
        "AWS::KMS::Key",
        {
            "EnableKeyRotation": True,
            "KeyPolicy": {
                "Statement": Match.array_with(
                    [
                        Match.object_like(
                            {
                                "Sid": "CloudWatchAlarmsPublishToTheEncryptedTopic",
                                "Principal": {"Service": "cloudwatch.amazonaws.com"},
                                "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}},
                            }
                        ),
                        Match.object_like(
                            {
                                "Sid": "CloudWatchLogsEncryptTheVerifierLogs",
                                "Principal": {"Service": "logs.ap-northeast-1.amazonaws.com"},
                            }
                        ),
                    ]
                )
            },
        },
    )
    template.has_resource_properties(
        "AWS::SNS::TopicPolicy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [Match.object_like({"Sid": "CloudWatchAlarmsPublish", "Effect": "Allow"})]
                )
            }
        },
    )
    template.resource_count_is("AWS::SNS::Subscription", 0)


def test_each_address_is_a_subscription_with_a_dead_letter_queue(stack: cdk.Stack) -> None:
    StoreNotifications(
        stack,
        "Notifications",
        store_id="test",
        emails=("a@bakery.example", "b@bakery.example"),
        dead_letter_arn="arn:aws:sqs:ap-northeast-1:111122223333:dlq",
        location=LOCATION,
    )
    template = Template.from_stack(stack)
    template.resource_count_is("AWS::SNS::Subscription", 2)
    template.all_resources_properties(
        "AWS::SNS::Subscription",
        {
            "Protocol": "email",
            "RedrivePolicy": {"deadLetterTargetArn": "arn:aws:sqs:ap-northeast-1:111122223333:dlq"},
        },
    )


def test_the_queue_accepts_undeliverable_mail_only_from_that_topic(stack: cdk.Stack) -> None:
    """Its own method adds the statement; the topic's construct does not edit the queue."""
    queue = SchedulerDeadLetterQueue(stack, "DeadLetters")
    queue.accept_undeliverable_mail_from("arn:aws:sns:ap-northeast-1:111122223333:topic")
    Template.from_stack(stack).has_resource_properties(
        "AWS::SQS::QueuePolicy",
        {
            "PolicyDocument": {
                "Statement": [
                    Match.object_like({"Effect": "Deny"}),
                    {
                        "Action": "sqs:SendMessage",
                        "Condition": {
                            "ArnEquals": {
                                "aws:SourceArn": "arn:aws:sns:ap-northeast-1:111122223333:topic"
                            }
                        },
                        "Effect": "Allow",
                        "Principal": {"Service": "sns.amazonaws.com"},
                        "Resource": {"Fn::GetAtt": [Match.any_value(), "Arn"]},
                    },
                ]
            }
        },
    )
