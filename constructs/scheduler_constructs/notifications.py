"""Where a store's alarms and the verifier tell people what went wrong."""

from __future__ import annotations

from aws_cdk import RemovalPolicy
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns

from constructs import Construct
from fleet.settings.arn import Location
from scheduler_constructs.policies import allow, deny, document


class StoreNotifications(Construct):
    """An SNS topic encrypted with its own KMS key, TLS only, with optional e-mail subscribers.

    A customer managed key because CloudWatch alarms cannot publish to a topic encrypted with
    the AWS managed SNS key: its key policy cannot be changed to let cloudwatch.amazonaws.com in.
    CloudFormation resources (L1) rendered as the L2 `Key` and `Topic` (with `enforce_ssl`)
    rendered them (see policies.py for why).
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        store_id: str,
        emails: tuple[str, ...],
        dead_letter_arn: str,
        location: Location,
    ) -> None:
        super().__init__(scope, construct_id)
        account, region, partition = location.account, location.region, location.partition
        cloudwatch = {"Service": "cloudwatch.amazonaws.com"}
        from_this_account = {"StringEquals": {"aws:SourceAccount": account}}

        self.key = kms.CfnKey(
            Construct(self, "Key"),
            "Resource",
            description=f"Encrypts the notification topic of store {store_id}",
            enable_key_rotation=True,
            # In a key policy, Resource "*" is this key.
            key_policy=document(
                # The account administers the key (the CDK's default key policy).
                allow(
                    None,
                    ["kms:*"],
                    ["*"],
                    principal={"AWS": f"arn:{partition}:iam::{account}:root"},
                ),
                allow(
                    "CloudWatchAlarmsPublishToTheEncryptedTopic",
                    ["kms:Decrypt", "kms:GenerateDataKey*"],
                    ["*"],
                    principal=cloudwatch,
                    conditions=from_this_account,
                ),
                # Control Tower CT.KMS.PR.3: grants only for AWS resources and services.
                deny(
                    "GrantsOnlyForAwsResources",
                    ["kms:CreateGrant"],
                    ["*"],
                    principal={"AWS": "*"},
                    conditions={
                        "BoolIfExists": {
                            "kms:GrantIsForAWSResource": "false",
                            "aws:PrincipalIsAWSService": "false",
                        }
                    },
                ),
                # The verifier's log group is encrypted with this key too.
                allow(
                    "CloudWatchLogsEncryptTheVerifierLogs",
                    [
                        "kms:Encrypt*",
                        "kms:Decrypt*",
                        "kms:ReEncrypt*",
                        "kms:GenerateDataKey*",
                        "kms:Describe*",
                    ],
                    ["*"],
                    principal={"Service": f"logs.{region}.amazonaws.com"},
                    conditions={
                        "ArnLike": {
                            "kms:EncryptionContext:aws:logs:arn": (
                                f"arn:{partition}:logs:{region}:{account}:log-group:*"
                            )
                        }
                    },
                ),
            ),
            pending_window_in_days=7,
        )
        self.key.apply_removal_policy(RemovalPolicy.DESTROY)
        self.key_arn = self.key.attr_arn

        place = Construct(self, "Topic")
        self.topic = sns.CfnTopic(
            place,
            "Resource",
            display_name=f"Model schedule {store_id}",
            kms_master_key_id=self.key_arn,
        )
        self.topic_arn = self.topic.ref
        sns.CfnTopicPolicy(
            Construct(place, "Policy"),
            "Resource",
            policy_document=document(
                deny(
                    "AllowPublishThroughSSLOnly",
                    ["sns:Publish"],
                    [self.topic_arn],
                    principal="*",
                    conditions={"Bool": {"aws:SecureTransport": "false"}},
                ),
                allow(
                    "CloudWatchAlarmsPublish",
                    ["sns:Publish"],
                    [self.topic_arn],
                    principal=cloudwatch,
                    conditions=from_this_account,
                ),
            ),
            topics=[self.topic_arn],
        )
        for email in emails:
            # An e-mail SNS could not deliver lands in the queue, which has its own alarm; the
            # stack lets SNS write there (SchedulerDeadLetterQueue.accept_undeliverable_mail_from).
            sns.CfnSubscription(
                Construct(place, email),
                "Resource",
                endpoint=email,
                protocol="email",
                redrive_policy={"deadLetterTargetArn": dead_letter_arn},
                topic_arn=self.topic_arn,
            )
