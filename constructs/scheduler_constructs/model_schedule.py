"""The schedule pair that starts and stops one Rekognition Custom Labels model version."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import RemovalPolicy
from aws_cdk import aws_scheduler as scheduler

from constructs import Construct
from fleet.calendar.cron import CronSchedule
from fleet.settings.arn import ModelVersion
from scheduler_constructs.policies import Statement, allow, document, managed_policy, role
from scheduler_constructs.schedules import (
    ScheduleTarget,
    calendar_schedules,
    input_json,
    universal_target_arn,
)


class ModelSchedule(Construct):
    """Schedule group, managed policy, execution role, and the start and stop schedules.

    Everything the role may do is in the one managed policy below, scoped to the model's project
    and to the DLQ: the schedules are CloudFormation resources that add no policy of their own
    (no universal target's default `Resource: "*"`, no inline DLQ statement).
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        group_name: str,
        model: ModelVersion,
        time_zone: str,
        start: Sequence[CronSchedule],
        stop: Sequence[CronSchedule],
        min_inference_units: int,
        max_inference_units: int | None,
        retry_attempts: int,
        max_event_age_minutes: int,
        dead_letter_arn: str,
    ) -> None:
        super().__init__(scope, construct_id)
        project_scope_arn = model.project_scope_arn

        group = scheduler.CfnScheduleGroup(Construct(self, "Group"), "Resource", name=group_name)
        # The group has a fixed name: a retained group would make destroy-then-deploy fail.
        group.apply_removal_policy(RemovalPolicy.DESTROY)
        # Its Ref is that same name; a schedule that names its group through it is created
        # after the group (a literal name would let CloudFormation create both at once).
        self.group_name: str = group.ref
        group_arn = (
            f"arn:{model.partition}:scheduler:{model.region}:{model.account}:"
            f"schedule-group/{group_name}"
        )

        self._statements = [
            allow(
                "StartStopDescribeModelVersions",
                [
                    "rekognition:StartProjectVersion",
                    "rekognition:StopProjectVersion",
                    "rekognition:DescribeProjectVersions",
                ],
                [project_scope_arn],
            ),
            allow("SendFailedCallsToDeadLetterQueue", ["sqs:SendMessage"], [dead_letter_arn]),
        ]
        self.policy = managed_policy(
            self,
            "Policy",
            description=f"Start, stop and describe versions of {project_scope_arn}",
            statements=self._statements,
        )

        # Confused-deputy guard as AWS recommends it: the account, and the schedule *group*.
        self.role = role(
            self,
            "ExecutionRole",
            description=f"Assumed by EventBridge Scheduler for the schedules in {group_name}",
            service="scheduler.amazonaws.com",
            conditions={
                "StringEquals": {"aws:SourceAccount": model.account, "aws:SourceArn": group_arn}
            },
            managed_policy_arns=[self.policy.ref],
        )
        self.role_arn = self.role.attr_arn

        start_input: dict[str, object] = {
            "ProjectVersionArn": model.arn,
            "MinInferenceUnits": min_inference_units,
        }
        if max_inference_units is not None:
            start_input["MaxInferenceUnits"] = max_inference_units
        stop_input = {"ProjectVersionArn": model.arn}

        role_arn = self.role_arn
        # Without closed days or daylight-saving gaps, one schedule each (fleet/calendar/cron.py).
        self.schedules: list[scheduler.CfnSchedule] = []
        for base_id, name, verb, payload, plan in (
            ("Start", "start-model", "start", start_input, start),
            ("Stop", "stop-model", "stop", stop_input, stop),
        ):
            target = ScheduleTarget(
                arn=universal_target_arn("rekognition", f"{verb}ProjectVersion"),
                role_arn=role_arn,
                input=input_json(payload),
                retry_attempts=retry_attempts,
                max_event_age_seconds=max_event_age_minutes * 60,
                dead_letter_arn=dead_letter_arn,
            )
            self.schedules += calendar_schedules(
                self,
                base_id,
                name=name,
                label=verb,
                plan=plan,
                time_zone=time_zone,
                group_name=self.group_name,
                target=target,
            )

    def allow_invoking_verifier(self, function_arn: str) -> None:
        """Let the schedules of this group invoke the store's verifier."""
        self._allow(allow("InvokeModelVerifier", ["lambda:InvokeFunction"], [function_arn]))

    def allow_publishing_to(self, topic_arn: str, key_arn: str) -> None:
        """Let the schedules of this group publish to the store's encrypted topic."""
        self._allow(
            allow("PublishHorizonReminder", ["sns:Publish"], [topic_arn]),
            allow("EncryptHorizonReminder", ["kms:Decrypt", "kms:GenerateDataKey"], [key_arn]),
        )

    def _allow(self, *statements: Statement) -> None:
        self._statements.extend(statements)
        self.policy.policy_document = document(*self._statements)
