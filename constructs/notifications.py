"""Where a store's alarms and the verifier tell people what went wrong."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs

from constructs import Construct


class StoreNotifications(Construct):
    """An SNS topic encrypted with its own KMS key, TLS only, with optional e-mail subscribers.

    A customer managed key because CloudWatch alarms cannot publish to a topic encrypted with
    the AWS managed SNS key: its key policy cannot be changed to let cloudwatch.amazonaws.com in.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        store_id: str,
        emails: tuple[str, ...],
        dead_letter_queue: sqs.IQueue,
    ) -> None:
        super().__init__(scope, construct_id)
        account = Stack.of(self).account

        self.key = kms.Key(
            self,
            "Key",
            description=f"Encrypts the notification topic of store {store_id}",
            enable_key_rotation=True,
            pending_window=Duration.days(7),
            removal_policy=RemovalPolicy.DESTROY,
        )
        cloudwatch = iam.ServicePrincipal("cloudwatch.amazonaws.com")
        self.key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="CloudWatchAlarmsPublishToTheEncryptedTopic",
                principals=[cloudwatch],
                actions=["kms:Decrypt", "kms:GenerateDataKey*"],
                resources=["*"],  # in a key policy, "*" is this key
                conditions={"StringEquals": {"aws:SourceAccount": account}},
            )
        )

        # Control Tower CT.KMS.PR.3: grants only for AWS resources and services.
        self.key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="GrantsOnlyForAwsResources",
                effect=iam.Effect.DENY,
                principals=[iam.AnyPrincipal()],
                actions=["kms:CreateGrant"],
                resources=["*"],  # in a key policy, "*" is this key
                conditions={
                    "BoolIfExists": {
                        "kms:GrantIsForAWSResource": "false",
                        "aws:PrincipalIsAWSService": "false",
                    }
                },
            )
        )

        # The verifier's log group is encrypted with this key too.
        region = Stack.of(self).region
        self.key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="CloudWatchLogsEncryptTheVerifierLogs",
                principals=[iam.ServicePrincipal(f"logs.{region}.amazonaws.com")],
                actions=[
                    "kms:Encrypt*",
                    "kms:Decrypt*",
                    "kms:ReEncrypt*",
                    "kms:GenerateDataKey*",
                    "kms:Describe*",
                ],
                resources=["*"],  # in a key policy, "*" is this key
                conditions={
                    "ArnLike": {
                        "kms:EncryptionContext:aws:logs:arn": (
                            f"arn:{Stack.of(self).partition}:logs:{region}:{account}:log-group:*"
                        )
                    }
                },
            )
        )

        self.topic = sns.Topic(
            self,
            "Topic",
            display_name=f"Model schedule {store_id}",
            master_key=self.key,
            enforce_ssl=True,
        )
        self.topic.add_to_resource_policy(
            iam.PolicyStatement(
                sid="CloudWatchAlarmsPublish",
                principals=[cloudwatch],
                actions=["sns:Publish"],
                resources=[self.topic.topic_arn],
                conditions={"StringEquals": {"aws:SourceAccount": account}},
            )
        )
        for email in emails:
            # An e-mail SNS could not deliver lands in the queue, which has its own alarm.
            self.topic.add_subscription(
                subscriptions.EmailSubscription(email, dead_letter_queue=dead_letter_queue)
            )
