"""Where a pipeline tells people that it waits for them or has failed."""

from __future__ import annotations

from aws_cdk import RemovalPolicy
from aws_cdk import aws_codepipeline as codepipeline
from aws_cdk import aws_codestarnotifications as notifications
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions

from constructs import Construct
from scheduler_constructs.nag import Exemption, exempt

APPROVAL_NEEDED = "codepipeline-pipeline-manual-approval-needed"
EXECUTION_FAILED = "codepipeline-pipeline-pipeline-execution-failed"


class PipelineNotifications(Construct):
    """A topic encrypted with its own KMS key, TLS only, its e-mail subscribers, and the
    notification rule that publishes one event of the pipeline to it: shaped like a store's
    StoreNotifications, for the pipeline's people. The rule's service (AWS CodeStar
    Notifications) must be able to use the key. Nothing is created without an e-mail."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        pipeline: codepipeline.IPipeline,
        pipeline_name: str,
        event: str,
        emails: tuple[str, ...],
    ) -> None:
        super().__init__(scope, construct_id)
        key = kms.Key(
            self,
            "Key",
            description=f"Encrypts the {construct_id.lower()} topic of {pipeline_name}",
            enable_key_rotation=True,
            removal_policy=RemovalPolicy.DESTROY,
        )
        key.add_to_resource_policy(
            iam.PolicyStatement(
                actions=["kms:Decrypt", "kms:GenerateDataKey*"],
                principals=[iam.ServicePrincipal("codestar-notifications.amazonaws.com")],
                resources=["*"],  # in a key policy, "*" is this key
            )
        )
        topic = sns.Topic(self, "Topic", master_key=key, enforce_ssl=True)
        for email in emails:
            subscription = topic.add_subscription(subscriptions.EmailSubscription(email))
            exempt(
                subscription,
                Exemption(
                    "A notice that the pipeline waits for approval or has failed is also shown "
                    "by the pipeline itself; a dead-letter queue for undeliverable e-mail would "
                    "be one more queue nobody reads.",
                    findings=("Serverless-SNSRedrivePolicy",),
                ),
            )
        notifications.NotificationRule(
            self,
            "Rule",
            source=pipeline,
            events=[event],
            targets=[topic],
            detail_type=notifications.DetailType.BASIC,
        )
