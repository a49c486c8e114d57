"""One store's stack: what starts and stops its model, in the model's account and region."""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, Environment, Stack, Tags

import verifier_contract
from constructs import Construct
from fleet.calendar.closures import describe_days
from fleet.handle import handle_of
from fleet.model import StoreConfig
from rekognition_model_client import handle as model_handle
from scheduler_constructs.checkout_access import CheckoutAccess
from scheduler_constructs.cost_guard_math import allowed_intervals
from scheduler_constructs.dead_letter_queue import SchedulerDeadLetterQueue
from scheduler_constructs.horizon_reminder import HorizonReminder
from scheduler_constructs.model_schedule import ModelSchedule
from scheduler_constructs.model_verifier import CheckSchedule, ModelVerifier
from scheduler_constructs.nag import acknowledge
from scheduler_constructs.notifications import StoreNotifications
from scheduler_constructs.store_alarms import StoreAlarms

APP_TAG = "rekognition-model-scheduler"
Check = verifier_contract.Check


class ModelScheduleStack(Stack):
    """Lives where the model lives: a universal target calls the API in the schedule's own region
    and account, so the environment comes from the model version ARN, never from the CLI's."""

    def __init__(
        self,
        scope: Construct,
        *,
        store: StoreConfig,
        protected_versions: tuple[str, ...],
        **kwargs: Any,
    ) -> None:
        settings = store.settings
        model = settings.model
        super().__init__(
            scope,
            store.stack_name,
            env=Environment(account=model.account, region=model.region),
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
            model=model,
            time_zone=settings.timezone,
            start=store.start_schedules,
            stop=store.stop_schedules,
            min_inference_units=settings.min_inference_units,
            max_inference_units=settings.max_inference_units,
            retry_attempts=settings.maximum_retry_attempts,
            max_event_age_minutes=settings.maximum_event_age_minutes,
            dead_letter_arn=dead_letters.queue_arn,
        )

        notifications = StoreNotifications(
            self,
            "Notifications",
            store_id=store.store_id,
            emails=settings.notify_emails,
            dead_letter_arn=dead_letters.queue_arn,
            location=model.location,
        )
        if settings.notify_emails:
            dead_letters.accept_undeliverable_mail_from(notifications.topic_arn)
        verifier = ModelVerifier(
            self,
            "Verifier",
            store_id=store.store_id,
            project_scope_arn=model.project_scope_arn,
            event=verifier_contract.VerifierEvent(
                check=Check.OPENING,
                store=store.store_id,
                model_version_arn=model.arn,
                project_arn=settings.project_arn,
                min_inference_units=settings.min_inference_units,
                max_inference_units=settings.max_inference_units,
                protected_versions=protected_versions,
                stale_versions=verifier_contract.StaleVersions(settings.stale_versions),
                canary=(
                    verifier_contract.Canary(
                        bucket=settings.canary.bucket,
                        key=settings.canary.key,
                        expect_labels=settings.canary.expect_labels,
                        min_confidence=settings.min_confidence,
                    )
                    if settings.canary
                    else None
                ),
            ),
            time_zone=settings.timezone,
            checks=self._checks(store),
            group_name=schedule.group_name,
            scheduler_role_arn=schedule.role_arn,
            topic_arn=notifications.topic_arn,
            key_arn=notifications.key_arn,
            dead_letter_arn=dead_letters.queue_arn,
            partition=model.partition,
        )
        schedule.allow_invoking_verifier(verifier.function_arn)
        HorizonReminder(
            self,
            "HorizonReminder",
            store_id=store.store_id,
            horizon=store.horizon,
            time_zone=settings.timezone,
            group_name=schedule.group_name,
            role_arn=schedule.role_arn,
            topic_arn=notifications.topic_arn,
            dead_letter_arn=dead_letters.queue_arn,
        )
        schedule.allow_publishing_to(notifications.topic_arn, notifications.key_arn)
        StoreAlarms(
            self,
            "Alarms",
            store_id=store.store_id,
            topic_arn=notifications.topic_arn,
            group_name=store.schedule_group_name,
            dead_letter_queue_name=dead_letters.queue_name,
            verifier_function_name=verifier.function_name,
            project_name=model.project_name,
            version_name=model.version_name,
            allowed_utc=allowed_intervals(settings),
            canary=settings.canary is not None,
        )

        handle_parameter = model_handle.parameter_name(store.store_id)
        checkout = CheckoutAccess(
            self,
            "Checkout",
            store_id=store.store_id,
            parameter_name=handle_parameter,
            handle_json=handle_of(store).to_json(),
            project_scope_arn=model.project_scope_arn,
            location=model.location,
        )

        outputs = {
            "StartSchedule": f"start {settings.start.describe()} ({settings.timezone})",
            "StopSchedule": f"stop {settings.stop.describe()} ({settings.timezone})",
            "ScheduleGroupName": store.schedule_group_name,
            "ExecutionRoleArn": schedule.role_arn,
            "DeadLetterQueueUrl": dead_letters.queue_url,
            "OpeningCheck": f"check {settings.opening_check.describe()} ({settings.timezone})",
            "ClosingCheck": f"check {settings.closing_check.describe()} ({settings.timezone})",
            "NotificationTopicArn": notifications.topic_arn,
            "ClosedDays": describe_days(store.closed_days) or "none",
            "ModelHandleParameter": handle_parameter,
            "CheckoutClientPolicyArn": checkout.client_policy_arn,
        }
        if settings.start_check is not None:
            outputs["StartCheck"] = f"check {settings.start_check.describe()} ({settings.timezone})"
        horizon = store.horizon
        outputs["CalendarHorizon"] = (
            f"closed dates and daylight-saving compensations from {horizon.first.isoformat()} "
            f"until {horizon.last.isoformat()}; weekly outside it (fleet.horizon)"
        )
        if settings.holiday_calendar is not None:
            outputs["HolidaysKnownUntil"] = (
                f"{settings.holiday_calendar} holidays are closed days until "
                f"{horizon.last.isoformat()}: raise fleet.horizon.lastMonth and deploy before then"
            )
        for output_id, value in outputs.items():
            CfnOutput(self, output_id, value=value)

        acknowledge(
            schedule.policy,
            f"AwsSolutions-IAM5[Resource::{model.project_scope_arn}]",
            "Scoped to one Rekognition project. The version ARN ends in a timestamp that changes "
            "with every rotation, and DescribeProjectVersions takes the project ARN, so "
            "project/<name>/* is the narrowest scope that survives a model rotation.",
        )

    @staticmethod
    def _checks(store: StoreConfig) -> list[CheckSchedule]:
        """The start and opening checks would start the model on a closed day: they skip
        closures like the start does. The closing check runs on closed days too: it finds the
        model stopped, or stops one that someone left running."""
        checks = []
        if store.start_check_schedules is not None:
            checks.append(CheckSchedule(Check.START, store.start_check_schedules))
        checks.append(CheckSchedule(Check.OPENING, store.opening_check_schedules))
        checks.append(CheckSchedule(Check.CLOSING, store.closing_check_schedules))
        return checks
