"""Where EventBridge Scheduler puts a start or stop call that failed after all its retries."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_sqs as sqs

from constructs import Construct
from constructs.nag import Exemption, exempt


class SchedulerDeadLetterQueue(Construct):
    """A standard SQS queue (Scheduler accepts no FIFO DLQ), SSE-SQS encrypted, TLS only."""

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        self.queue = sqs.Queue(
            self,
            "Queue",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            # Long enough for on-call to read a failed call after a long weekend.
            retention_period=Duration.days(14),
            removal_policy=RemovalPolicy.DESTROY,
            # SQS's default, written out: Control Tower's CT.SQS.PR.1 wants a DLQ or, for a
            # queue that is one, its redrive-allow policy.
            redrive_allow_policy=sqs.RedriveAllowPolicy(
                redrive_permission=sqs.RedrivePermission.ALLOW_ALL
            ),
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
