"""The function that checks the model really started, answers and stopped, and its schedules."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_destinations as destinations
from aws_cdk import aws_logs as logs
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_scheduler_targets as targets
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs

from constructs import Construct
from constructs.nag import Exemption, acknowledge, exempt
from constructs.segmented_schedule import segmented_schedules
from fleet.closures import Segment
from fleet.contracts import VERIFIER_CODE, verifier_contract
from fleet.dst import GapOccurrence
from fleet.weekly import WeeklyTime

# At opening, a late start is watched this long (polling every minute) before giving up.
LATE_START_WAIT = Duration.minutes(10)
# After closing, a version still STARTING is waited for this long until it can be stopped.
STOP_WAIT = Duration.minutes(13)
# A check delivered later than this after its scheduled time is skipped by the function.
MAX_CHECK_DELAY = Duration.minutes(20)
# Scheduler's retries of the invocation itself end well before the function would skip it.
CHECK_RETRY_ATTEMPTS = 2
CHECK_MAX_EVENT_AGE = Duration.minutes(15)


@dataclass(frozen=True)
class CheckSchedule:
    """When one check runs: a weekly time in the store's zone, in segments around closures."""

    check: verifier_contract.Check
    when: WeeklyTime
    segments: Sequence[Segment]
    one_offs: Sequence[GapOccurrence] = ()


class ModelVerifier(Construct):
    """Invoked after the start ("start" check), at opening ("opening") and after the stop
    ("closing"), each by its own schedule.

    Its role may only describe, start and stop versions of the store's project, publish to the
    store's topic, and write its own logs: a managed policy, no AWS managed policies.

    `scheduler_role` is the role the check schedules run as, given without policy updates: what
    it may invoke is granted by its owner (ModelSchedule.allow_invoking_verifier), not here.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        store_id: str,
        project_scope_arn: str,
        event: verifier_contract.VerifierEvent,
        time_zone: str,
        checks: Sequence[CheckSchedule],
        group: scheduler.IScheduleGroup,
        scheduler_role: iam.IRole,
        topic: sns.ITopic,
        key: kms.IKey,
        dead_letter_queue: sqs.IQueue,
    ) -> None:
        super().__init__(scope, construct_id)

        self.log_group = logs.LogGroup(
            self,
            "Logs",
            # A year (Control Tower CT.CLOUDWATCH.PR.2): a few kilobytes a day.
            retention=logs.RetentionDays.ONE_YEAR,
            encryption_key=key,
            # Deleted with the stack, like the key that encrypts it: logs kept without their
            # key could not be read.
            removal_policy=RemovalPolicy.DESTROY,
        )
        self.policy = iam.ManagedPolicy(
            self,
            "Policy",
            description=f"What the model verifier of store {store_id} may do",
            statements=[
                iam.PolicyStatement(
                    sid="CheckAndCorrectModelVersions",
                    actions=[
                        "rekognition:DescribeProjectVersions",
                        "rekognition:StartProjectVersion",
                        "rekognition:StopProjectVersion",
                    ],
                    resources=[project_scope_arn],
                ),
                iam.PolicyStatement(
                    sid="Notify",
                    actions=["sns:Publish"],
                    resources=[topic.topic_arn],
                ),
                iam.PolicyStatement(
                    sid="EncryptNotifications",
                    actions=["kms:Decrypt", "kms:GenerateDataKey"],
                    resources=[key.key_arn],
                ),
                iam.PolicyStatement(
                    sid="WriteOwnLogs",
                    actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                    resources=[self.log_group.log_group_arn],
                ),
                iam.PolicyStatement(
                    sid="SendFailedInvocationsToTheQueue",
                    actions=["sqs:SendMessage"],
                    resources=[dead_letter_queue.queue_arn],
                ),
                *self._canary_statements(event.canary, project_scope_arn),
            ],
        )
        self.role = iam.Role(
            self,
            "Role",
            description=f"Execution role of the model verifier of store {store_id}",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            managed_policies=[self.policy],
        )

        self.function = lambda_.Function(
            self,
            "Function",
            description=f"Checks that the model of store {store_id} started and stopped",
            runtime=lambda_.Runtime.PYTHON_3_14,
            architecture=lambda_.Architecture.ARM_64,
            handler="model_verifier.handler",
            # Tests import the handler; their bytecode must not change the asset hash.
            code=lambda_.Code.from_asset(str(VERIFIER_CODE), exclude=["__pycache__", "*.pyc"]),
            memory_size=256,
            # The longest wait plus the calls around it; 15 minutes is Lambda's limit.
            timeout=STOP_WAIT.plus(Duration.minutes(2)),
            # The role is complete as it is: no inline policies added by CDK.
            role=self.role.without_policy_updates(),
            log_group=self.log_group,
            # Lambda's own JSON log format: the function logs with the `logging` module and
            # its `extra` fields become keys of the JSON record; EMF lines pass through as is.
            logging_format=lambda_.LoggingFormat.JSON,
            application_log_level_v2=lambda_.ApplicationLogLevel.INFO,
            system_log_level_v2=lambda_.SystemLogLevel.WARN,
            environment={
                "STORE": store_id,
                "TOPIC_ARN": topic.topic_arn,
                "LATE_START_WAIT_SECONDS": str(int(LATE_START_WAIT.to_seconds())),
                "STOP_WAIT_SECONDS": str(int(STOP_WAIT.to_seconds())),
                "POLL_SECONDS": "60",
                "MAX_DELAY_SECONDS": str(int(MAX_CHECK_DELAY.to_seconds())),
            },
            # Scheduler invokes asynchronously: a failed check is reported once, not three
            # times, and the failed event goes to the same queue as failed schedule calls.
            retry_attempts=0,
            on_failure=destinations.SqsDestination(dead_letter_queue),
        )
        # CDK makes the function depend on its role although the Role property's GetAtt already
        # orders them; cfn-lint warns (W3005) about the redundant DependsOn.
        function_resource = self.function.node.default_child
        assert isinstance(function_resource, lambda_.CfnFunction)
        function_resource.add_deletion_override("DependsOn")

        acknowledge(
            self.policy,
            f"AwsSolutions-IAM5[Resource::{project_scope_arn}]",
            "Scoped to one Rekognition project: the sweep must see and stop every version of it "
            "(rotated-away versions included), and DescribeProjectVersions takes the project ARN.",
        )
        exempt(
            self.function,
            Exemption(
                "Invoked a few times a day by its own schedules. Reserved concurrency would fail "
                "the deployment in accounts whose concurrency quota is still the default 10.",
                findings=("NIST.800.53.R5-LambdaConcurrency",),
                checkov=("CKV_AWS_115",),
            ),
            Exemption(
                "Calls only the Rekognition, S3 (the canary), SNS and CloudWatch Logs APIs and "
                "reaches no VPC resource; a VPC would need NAT or interface endpoints per store.",
                # NIST 800-53 (cdk-nag), Control Tower CT.LAMBDA.PR.3 (cfn-guard), checkov.
                findings=(
                    "NIST.800.53.R5-LambdaInsideVPC",
                    "cdk-validator-cfnguard::lambda_inside_vpc_check",
                ),
                checkov=("CKV_AWS_117",),
            ),
            Exemption(
                "Failed asynchronous invocations go to an on-failure destination, the store's "
                "dead-letter queue, which keeps the request and the error (a DLQ keeps less); "
                "both at once would write every failure twice.",
                findings=("NIST.800.53.R5-LambdaDLQ", "Serverless-LambdaDLQ"),
                checkov=("CKV_AWS_116",),
            ),
            Exemption(
                "A single-function check with no downstream services to trace; X-Ray permissions "
                "cannot be scoped below Resource '*', which this project keeps out of its IAM.",
                findings=("Serverless-LambdaTracing",),
            ),
            Exemption(
                "Its variables hold no secret (the store id, the topic ARN, wait times); Lambda "
                "encrypts them at rest with its AWS managed key, and a customer managed key "
                "would add a key policy and 1 USD a month per store for nothing secret.",
                checkov=("CKV_AWS_173",),
            ),
        )

        for check in checks:
            payload = replace(event, check=check.check).to_input(
                scheduled_time=scheduler.ContextAttribute.scheduled_time
            )
            target = targets.LambdaInvoke(
                self.function,
                input=scheduler.ScheduleTargetInput.from_object(payload),
                role=scheduler_role,
                dead_letter_queue=dead_letter_queue,
                retry_attempts=CHECK_RETRY_ATTEMPTS,
                max_event_age=CHECK_MAX_EVENT_AGE,
            )
            segmented_schedules(
                self,
                f"{check.check.title()}Check",
                name=f"verify-{check.check}",
                label=f"{check.check} check",
                when=check.when,
                segments=check.segments,
                one_offs=check.one_offs,
                time_zone=time_zone,
                group=group,
                target=target,
            )

    def _canary_statements(
        self, canary: verifier_contract.Canary | None, project_scope_arn: str
    ) -> list[iam.PolicyStatement]:
        """With a canary: ask the model about the image, and read exactly that object (Rekognition
        reads S3 with the caller's permissions). Without one: neither."""
        if canary is None:
            return []
        partition = Stack.of(self).partition
        return [
            iam.PolicyStatement(
                sid="AskTheModelAboutTheCanary",
                actions=["rekognition:DetectCustomLabels"],
                resources=[project_scope_arn],
            ),
            iam.PolicyStatement(
                sid="ReadTheCanaryImage",
                actions=["s3:GetObject"],
                resources=[f"arn:{partition}:s3:::{canary.bucket}/{canary.key}"],
            ),
        ]
