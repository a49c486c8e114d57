"""Where EventBridge Scheduler puts a start or stop call that failed after all its retries."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_sqs as sqs

from constructs import Construct
from constructs.nag import acknowledge


class SchedulerDeadLetterQueue(Construct):
    """A standard SQS queue (Scheduler accepts no FIFO DLQ), SSE-SQS encrypted, TLS only.

    SSE-SQS rather than a customer managed key: a KMS key would need a key policy for
    scheduler.amazonaws.com and costs 1 USD a month per store, for messages that carry only
    the request Scheduler failed to deliver (a model ARN and inference units).
    """

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
        )
        # Both rules look for an SQS redrive policy; this queue is the end of the line itself.
        for finding in ("AwsSolutions-SQS3", "Serverless-SQSRedrivePolicy"):
            acknowledge(
                self.queue,
                finding,
                "This queue is the dead-letter queue of EventBridge Scheduler targets "
                "(DeadLetterConfig), not a work queue: nothing consumes it automatically, so "
                "there is no receive count to redrive on and no further DLQ to send to.",
            )
