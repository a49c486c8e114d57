"""The function that checks the model really started, answers and stopped, and its schedules."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from aws_cdk import RemovalPolicy
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3_assets as s3_assets

import verifier_contract
from constructs import Construct
from fleet.config import CheckPlan
from scheduler_constructs.nag import Exemption, acknowledge, exempt
from scheduler_constructs.policies import Statement, allow, managed_policy, role
from scheduler_constructs.schedules import ScheduleTarget, calendar_schedules, input_json
from verifier_contract import VerifierSettings

# The function's code: the folder its contract module is imported from (lambda/model_verifier).
VERIFIER_CODE = Path(verifier_contract.__file__).resolve().parent
# At opening, a late start is watched this long (polling every minute) before giving up.
LATE_START_WAIT_SECONDS = 10 * 60
# After closing, a version still STARTING is waited for this long until it can be stopped.
STOP_WAIT_SECONDS = 13 * 60
# How often a waiting check looks again.
POLL_SECONDS = 60
# A check delivered later than this after its scheduled time is skipped by the function.
MAX_CHECK_DELAY_SECONDS = 20 * 60
# Scheduler's retries of the invocation itself end well before the function would skip it.
CHECK_RETRY_ATTEMPTS = 2
CHECK_MAX_EVENT_AGE_SECONDS = 15 * 60


class ModelVerifier(Construct):
    """Invoked after the start ("start" check), at opening ("opening") and after the stop
    ("closing"), each by its own schedule.

    Its role may only describe, start and stop versions of the store's project, publish to the
    store's topic, and write its own logs: a managed policy, no AWS managed policies. The function
    and its role, policy and log group are CloudFormation resources (L1) rendered as the L2s
    rendered them (see policies.py for why).

    `scheduler_role_arn` is the role the check schedules run as: what it may invoke is granted
    by its owner (ModelSchedule.allow_invoking_verifier), not here.
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
        checks: Sequence[CheckPlan],
        group_name: str,
        scheduler_role_arn: str,
        topic_arn: str,
        key_arn: str,
        dead_letter_arn: str,
        partition: str,
    ) -> None:
        super().__init__(scope, construct_id)
        self.store_id = store_id
        log_group = self._log_group(key_arn)
        self.policy = managed_policy(
            self,
            "Policy",
            description=f"What the model verifier of store {store_id} may do",
            statements=[
                allow(
                    "CheckAndCorrectModelVersions",
                    [
                        "rekognition:DescribeProjectVersions",
                        "rekognition:StartProjectVersion",
                        "rekognition:StopProjectVersion",
                    ],
                    [project_scope_arn],
                ),
                allow("Notify", ["sns:Publish"], [topic_arn]),
                allow("EncryptNotifications", ["kms:Decrypt", "kms:GenerateDataKey"], [key_arn]),
                allow(
                    "WriteOwnLogs",
                    ["logs:CreateLogStream", "logs:PutLogEvents"],
                    [log_group.attr_arn],
                ),
                allow("SendFailedInvocationsToTheQueue", ["sqs:SendMessage"], [dead_letter_arn]),
                *_canary_statements(event.canary, project_scope_arn, partition),
            ],
        )
        verifier_role = role(
            self,
            "Role",
            description=f"Execution role of the model verifier of store {store_id}",
            service="lambda.amazonaws.com",
            managed_policy_arns=[self.policy.ref],
        )

        place = Construct(self, "Function")
        self.function = self._function(place, topic_arn, log_group.ref, verifier_role.attr_arn)
        self.function_arn = self.function.attr_arn
        self.function_name = self.function.ref
        self._send_failures_to(place, dead_letter_arn)
        self._acknowledge(project_scope_arn)
        for check in checks:
            payload = replace(event, check=check.check).to_input(
                scheduled_time=verifier_contract.SCHEDULED_TIME
            )
            target = ScheduleTarget(
                arn=self.function_arn,
                role_arn=scheduler_role_arn,
                input=input_json(payload),
                retry_attempts=CHECK_RETRY_ATTEMPTS,
                max_event_age_seconds=CHECK_MAX_EVENT_AGE_SECONDS,
                dead_letter_arn=dead_letter_arn,
            )
            calendar_schedules(
                self,
                f"{check.check.title()}Check",
                name=f"verify-{check.check}",
                label=f"{check.check} check",
                plan=check.schedules,
                time_zone=time_zone,
                group_name=group_name,
                target=target,
            )

    def _log_group(self, key_arn: str) -> logs.CfnLogGroup:
        log_group = logs.CfnLogGroup(
            Construct(self, "Logs"),
            "Resource",
            # A year (Control Tower CT.CLOUDWATCH.PR.2): a few kilobytes a day.
            retention_in_days=365,
            kms_key_id=key_arn,
        )
        # Deleted with the stack, like the key that encrypts it: logs kept without their key
        # could not be read.
        log_group.apply_removal_policy(RemovalPolicy.DESTROY)
        return log_group

    def _function(
        self, place: Construct, topic_arn: str, log_group_name: str, role_arn: str
    ) -> lambda_.CfnFunction:
        # Tests import the handler; their bytecode must not change the asset hash.
        code = s3_assets.Asset(
            place,
            "Code",
            path=str(VERIFIER_CODE),
            exclude=["__pycache__", "*.pyc"],
            deploy_time=True,
        )
        return lambda_.CfnFunction(
            place,
            "Resource",
            architectures=["arm64"],
            code=lambda_.CfnFunction.CodeProperty(
                s3_bucket=code.s3_bucket_name, s3_key=code.s3_object_key
            ),
            description=f"Checks that the model of store {self.store_id} started and stopped",
            environment=lambda_.CfnFunction.EnvironmentProperty(
                variables=VerifierSettings(
                    store=self.store_id,
                    topic_arn=topic_arn,
                    late_start_wait_seconds=LATE_START_WAIT_SECONDS,
                    stop_wait_seconds=STOP_WAIT_SECONDS,
                    poll_seconds=POLL_SECONDS,
                    max_delay_seconds=MAX_CHECK_DELAY_SECONDS,
                ).to_environment()
            ),
            handler="model_verifier.handler",
            # Lambda's own JSON log format: the function logs with the `logging` module and its
            # `extra` fields become keys of the JSON record; EMF lines pass through as is.
            logging_config=lambda_.CfnFunction.LoggingConfigProperty(
                application_log_level="INFO",
                log_format="JSON",
                log_group=log_group_name,
                system_log_level="WARN",
            ),
            memory_size=256,
            role=role_arn,
            runtime="python3.14",
            # The longest wait plus the calls around it; 15 minutes is Lambda's limit.
            timeout=STOP_WAIT_SECONDS + 120,
        )

    def _send_failures_to(self, place: Construct, dead_letter_arn: str) -> None:
        """Scheduler invokes asynchronously: a failed check is reported once, not three times,
        and the failed event goes to the same queue as failed schedule calls."""
        lambda_.CfnEventInvokeConfig(
            Construct(place, "EventInvokeConfig"),
            "Resource",
            function_name=self.function_name,
            qualifier="$LATEST",
            maximum_retry_attempts=0,
            destination_config=lambda_.CfnEventInvokeConfig.DestinationConfigProperty(
                on_failure=lambda_.CfnEventInvokeConfig.OnFailureProperty(
                    destination=dead_letter_arn
                )
            ),
        )

    def _acknowledge(self, project_scope_arn: str) -> None:
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


def _canary_statements(
    canary: verifier_contract.Canary | None, project_scope_arn: str, partition: str
) -> list[Statement]:
    """With a canary: ask the model about the image, and read exactly that object (Rekognition
    reads S3 with the caller's permissions). Without one: neither."""
    if canary is None:
        return []
    return [
        allow("AskTheModelAboutTheCanary", ["rekognition:DetectCustomLabels"], [project_scope_arn]),
        allow(
            "ReadTheCanaryImage",
            ["s3:GetObject"],
            [f"arn:{partition}:s3:::{canary.bucket}/{canary.key}"],
        ),
    ]
