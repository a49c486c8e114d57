"""One store's stack: what starts and stops its model, in the model's account and region."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aws_cdk import CfnOutput, Environment, Stack, Tags

from constructs import Construct
from constructs.dead_letter_queue import SchedulerDeadLetterQueue
from constructs.model_schedule import ModelSchedule
from constructs.model_verifier import METRIC_NAMESPACE, ModelVerifier
from constructs.notifications import StoreNotifications
from constructs.store_alarms import StoreAlarms
from fleet.closures import describe_days
from fleet.guard import allowed_intervals
from fleet.model import StoreConfig
from stacks.nag import acknowledge

APP_TAG = "rekognition-model-scheduler"


class ModelScheduleStack(Stack):
    """Lives where the model lives: a universal target calls the API in the schedule's own region
    and account, so the environment comes from the model version ARN, never from the CLI's."""

    def __init__(
        self,
        scope: Construct,
        *,
        store: StoreConfig,
        protected_versions: tuple[str, ...],
        now: datetime,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            scope,
            store.stack_name,
            env=Environment(account=store.model.account, region=store.model.region),
            description=(
                f"Starts and stops the Rekognition Custom Labels model of store {store.store_id} "
                f"({store.describe_hours()}) - {APP_TAG}"
            ),
            **kwargs,
        )
        Tags.of(self).add(f"{APP_TAG}:store", store.store_id)

        dead_letters = SchedulerDeadLetterQueue(self, "DeadLetters")
        schedule = ModelSchedule(
            self,
            "ModelSchedule",
            group_name=store.schedule_group_name,
            model=store.model,
            time_zone=store.timezone,
            start=store.start,
            stop=store.stop,
            start_segments=store.segments(store.opens - store.start_lead_minutes, now),
            stop_segments=store.segments(store.closes + store.stop_lag_minutes, now),
            min_inference_units=store.min_inference_units,
            max_inference_units=store.max_inference_units,
            retry=store.retry,
            dead_letter_queue=dead_letters.queue,
        )

        notifications = StoreNotifications(
            self,
            "Notifications",
            store_id=store.store_id,
            emails=store.notify_emails,
            dead_letter_queue=dead_letters.queue,
        )
        check_input: dict[str, object] = {
            "store": store.store_id,
            "modelVersionArn": store.model.arn,
            "projectArn": store.project_arn,
            "minInferenceUnits": store.min_inference_units,
            "protectedVersions": list(protected_versions),
            "staleVersions": "stop" if store.stop_stale_versions else "notify",
        }
        if store.max_inference_units is not None:
            check_input["maxInferenceUnits"] = store.max_inference_units
        verifier = ModelVerifier(
            self,
            "Verifier",
            store_id=store.store_id,
            project_scope_arn=store.model.project_scope_arn,
            check_input=check_input,
            time_zone=store.timezone,
            opening=store.opening_check,
            opening_segments=store.segments(store.opens, now),
            closing=store.closing_check,
            group=schedule.group,
            scheduler_role=schedule.role.without_policy_updates(),
            scheduler_policy=schedule.policy,
            topic=notifications.topic,
            key=notifications.key,
            dead_letter_queue=dead_letters.queue,
        )
        StoreAlarms(
            self,
            "Alarms",
            store_id=store.store_id,
            topic=notifications.topic,
            group=schedule.group,
            dead_letter_queue=dead_letters.queue,
            verifier=verifier.function,
            metric_namespace=METRIC_NAMESPACE,
            project_name=store.model.project_name,
            version_name=store.model.version_name,
            allowed_utc=allowed_intervals(store),
        )

        outputs = {
            "StartSchedule": f"start {store.start.describe()} ({store.timezone})",
            "StopSchedule": f"stop {store.stop.describe()} ({store.timezone})",
            "ScheduleGroupName": store.schedule_group_name,
            "ExecutionRoleArn": schedule.role.role_arn,
            "DeadLetterQueueUrl": dead_letters.queue.queue_url,
            "OpeningCheck": f"check {store.opening_check.describe()} ({store.timezone})",
            "ClosingCheck": f"check {store.closing_check.describe()} ({store.timezone})",
            "NotificationTopicArn": notifications.topic.topic_arn,
            "ClosedDays": describe_days(store.closed_days) or "none",
        }
        if store.holidays_until is not None:
            outputs["HolidaysKnownUntil"] = (
                f"{store.holiday_calendar} holidays are closed days until "
                f"{store.holidays_until.isoformat()}: deploy again before then"
            )
        for output_id, value in outputs.items():
            CfnOutput(self, output_id, value=value)

        acknowledge(
            schedule.policy,
            f"AwsSolutions-IAM5[Resource::{store.model.project_scope_arn}]",
            "Scoped to one Rekognition project. The version ARN ends in a timestamp that changes "
            "with every rotation, and DescribeProjectVersions takes the project ARN, so "
            "project/<name>/* is the narrowest scope that survives a model rotation.",
        )
