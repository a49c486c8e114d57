"""The schedule pair that starts and stops one Rekognition Custom Labels model version."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_scheduler_targets as targets
from aws_cdk import aws_sqs as sqs

from constructs import Construct
from constructs.segmented_schedule import segmented_schedules
from fleet.arn import ModelVersion
from fleet.closures import Segment
from fleet.dst import GapOccurrence
from fleet.weekly import WeeklyTime


class ModelSchedule(Construct):
    """Schedule group, managed policy, execution role, and the start and stop schedules.

    The role is passed to the targets as `without_policy_updates()`, so the targets cannot add
    their default `Resource: "*"` policy or an inline DLQ statement: everything the role may do is
    in the one managed policy below, scoped to the model's project and to the DLQ.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        group_name: str,
        model: ModelVersion,
        time_zone: str,
        start: WeeklyTime,
        stop: WeeklyTime,
        start_segments: list[Segment],
        stop_segments: list[Segment],
        start_one_offs: Sequence[GapOccurrence] = (),
        stop_one_offs: Sequence[GapOccurrence] = (),
        min_inference_units: int,
        max_inference_units: int | None,
        retry_attempts: int,
        max_event_age_minutes: int,
        dead_letter_queue: sqs.IQueue,
    ) -> None:
        super().__init__(scope, construct_id)
        project_scope_arn = model.project_scope_arn

        self.group = scheduler.ScheduleGroup(
            self,
            "Group",
            schedule_group_name=group_name,
            # The group has a fixed name: a retained group would make destroy-then-deploy fail.
            removal_policy=RemovalPolicy.DESTROY,
        )
        group_arn = (
            f"arn:{model.partition}:scheduler:{model.region}:{model.account}:"
            f"schedule-group/{group_name}"
        )

        model_statement = iam.PolicyStatement(
            sid="StartStopDescribeModelVersions",
            actions=[
                "rekognition:StartProjectVersion",
                "rekognition:StopProjectVersion",
                "rekognition:DescribeProjectVersions",
            ],
            resources=[project_scope_arn],
        )
        self.policy = iam.ManagedPolicy(
            self,
            "Policy",
            description=f"Start, stop and describe versions of {project_scope_arn}",
            statements=[
                model_statement,
                iam.PolicyStatement(
                    sid="SendFailedCallsToDeadLetterQueue",
                    actions=["sqs:SendMessage"],
                    resources=[dead_letter_queue.queue_arn],
                ),
            ],
        )

        # Confused-deputy guard as AWS recommends it: the account, and the schedule *group*.
        self.role = iam.Role(
            self,
            "ExecutionRole",
            description=f"Assumed by EventBridge Scheduler for the schedules in {group_name}",
            assumed_by=iam.ServicePrincipal(
                "scheduler.amazonaws.com",
                conditions={
                    "StringEquals": {"aws:SourceAccount": model.account, "aws:SourceArn": group_arn}
                },
            ),
            managed_policies=[self.policy],
        )
        fixed_role = self.role.without_policy_updates()

        start_input: dict[str, object] = {
            "ProjectVersionArn": model.arn,
            "MinInferenceUnits": min_inference_units,
        }
        if max_inference_units is not None:
            start_input["MaxInferenceUnits"] = max_inference_units

        # One schedule per segment between closures (fleet/closures.py); without closures, one.
        self.schedules: list[scheduler.Schedule] = []
        stop_input = {"ProjectVersionArn": model.arn}
        for base_id, name, verb, payload, when, segments, one_offs in (
            ("Start", "start-model", "start", start_input, start, start_segments, start_one_offs),
            ("Stop", "stop-model", "stop", stop_input, stop, stop_segments, stop_one_offs),
        ):
            target = targets.Universal(
                service="rekognition",
                action=f"{verb}ProjectVersion",
                input=scheduler.ScheduleTargetInput.from_object(payload),
                role=fixed_role,
                # Already in the managed policy, and the role takes no updates; given only so
                # that Universal does not fall back to its default statement with Resource "*".
                policy_statements=[model_statement],
                dead_letter_queue=dead_letter_queue,
                retry_attempts=retry_attempts,
                max_event_age=Duration.minutes(max_event_age_minutes),
            )
            self.schedules += segmented_schedules(
                self,
                base_id,
                name=name,
                label=verb,
                when=when,
                segments=segments,
                one_offs=one_offs,
                time_zone=time_zone,
                group=self.group,
                target=target,
            )

    def allow_invoking_verifier(self, function: lambda_.IFunction) -> None:
        """Let the schedules of this group invoke `function` (the store's verifier)."""
        self.policy.add_statements(
            iam.PolicyStatement(
                sid="InvokeModelVerifier",
                actions=["lambda:InvokeFunction"],
                resources=[function.function_arn],
            )
        )
