"""Where EventBridge Scheduler puts a start or stop call that failed after all its retries."""

from __future__ import annotations

from aws_cdk import RemovalPolicy
from aws_cdk import aws_sqs as sqs

from constructs import Construct
from scheduler_constructs.nag import Exemption, exempt
from scheduler_constructs.policies import Statement, allow, deny, document


class SchedulerDeadLetterQueue(Construct):
    """A standard SQS queue (Scheduler accepts no FIFO DLQ), SSE-SQS encrypted, TLS only.

    CloudFormation resources (L1) rendered as the L2 `Queue` with `enforce_ssl` rendered them
    (see policies.py for why).
    """

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        place = Construct(self, "Queue")
        self.queue = sqs.CfnQueue(
            place,
            "Resource",
            # Long enough for on-call to read a failed call after a long weekend.
            message_retention_period=14 * 24 * 3600,
            # SQS's default, written out: Control Tower's CT.SQS.PR.1 wants a DLQ or, for a
            # queue that is one, its redrive-allow policy.
            redrive_allow_policy={"redrivePermission": "allowAll"},
            sqs_managed_sse_enabled=True,
        )
        self.queue.apply_removal_policy(RemovalPolicy.DESTROY)
        self.queue_arn = self.queue.attr_arn
        self.queue_name = self.queue.attr_queue_name
        self.queue_url = self.queue.ref
        self._statements: list[Statement] = [
            deny(
                None,
                ["sqs:*"],
                [self.queue_arn],
                principal={"AWS": "*"},
                conditions={"Bool": {"aws:SecureTransport": "false"}},
            )
        ]
        self.policy = sqs.CfnQueuePolicy(
            Construct(place, "Policy"),
            "Resource",
            policy_document=document(*self._statements),
            queues=[self.queue_url],
        )
        exempt(
            self.queue,
            Exemption(
                # Both rules look for a redrive policy; this queue is the end of the line itself.
                "This queue is the dead-letter queue of EventBridge Scheduler targets "
                "(DeadLetterConfig), not a work queue: nothing consumes it automatically, so "
                "there is no receive count to redrive on and no further DLQ to send to.",
                findings=("AwsSolutions-SQS3", "Serverless-SQSRedrivePolicy"),
            ),
            Exemption(
                "Encrypted at rest with SSE-SQS: a customer managed key would need a key policy "
                "for scheduler.amazonaws.com and 1 USD a month per store, for messages that "
                "carry only the request Scheduler could not deliver (a model ARN, unit counts).",
                checkov=("CKV_AWS_27",),
            ),
        )

    def accept_undeliverable_mail_from(self, topic_arn: str) -> None:
        """Let SNS put here the e-mails of `topic_arn` it could not deliver (only that topic)."""
        self._statements.append(
            allow(
                None,
                ["sqs:SendMessage"],
                [self.queue_arn],
                principal={"Service": "sns.amazonaws.com"},
                conditions={"ArnEquals": {"aws:SourceArn": topic_arn}},
            )
        )
        self.policy.policy_document = document(*self._statements)
