"""One store's stack: what starts and stops its model, in the model's account and region."""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, Environment, Stack, Tags

import verifier_contract
from constructs import Construct
from fleet.calendar.closures import describe_days
from fleet.config import StoreConfig
from fleet.handle import handle_of
from fleet.names import APP_TAG
from rekognition_model_client import handle as model_handle
from scheduler_constructs.alarm_specs import StoreFacts
from scheduler_constructs.checkout_access import CheckoutAccess
from scheduler_constructs.cost_guard_math import allowed_intervals
from scheduler_constructs.dead_letter_queue import SchedulerDeadLetterQueue
from scheduler_constructs.horizon_reminder import HorizonReminder
from scheduler_constructs.model_schedule import ModelSchedule
from scheduler_constructs.model_verifier import ModelVerifier
from scheduler_constructs.nag import acknowledge
from scheduler_constructs.notifications import StoreNotifications
from scheduler_constructs.store_alarms import StoreAlarms

Check = verifier_contract.Check


class ModelScheduleStack(Stack):
    """Lives where the model lives: a universal target calls the API in the schedule's own region
    and account, so the environment comes from the model version ARN, never from the CLI's.

    Wiring only: each step builds one construct from the store's settings and plan."""

    def __init__(
        self,
        scope: Construct,
        *,
        store: StoreConfig,
        protected_versions: tuple[str, ...],
        **kwargs: Any,
    ) -> None:
        model = store.settings.model
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
        self.store = store

        dead_letters = SchedulerDeadLetterQueue(self, "DeadLetters")
        schedule = self._model_schedule(dead_letters)
        notifications = self._notifications(dead_letters)
        verifier = self._verifier(protected_versions, schedule, notifications, dead_letters)
        schedule.allow_invoking_verifier(verifier.function_arn)
        self._horizon_reminder(schedule, notifications, dead_letters)
        schedule.allow_publishing_to(notifications.topic_arn, notifications.key_arn)
        self._alarms(notifications, dead_letters, verifier)
        checkout = self._checkout()
        for output_id, value in outputs(store, schedule, dead_letters, notifications, checkout):
            CfnOutput(self, output_id, value=value)
        acknowledge(
            schedule.policy,
            f"AwsSolutions-IAM5[Resource::{model.project_scope_arn}]",
            "Scoped to one Rekognition project. The version ARN ends in a timestamp that changes "
            "with every rotation, and DescribeProjectVersions takes the project ARN, so "
            "project/<name>/* is the narrowest scope that survives a model rotation.",
        )

    def _model_schedule(self, dead_letters: SchedulerDeadLetterQueue) -> ModelSchedule:
        store, settings = self.store, self.store.settings
        return ModelSchedule(
            self,
            "ModelSchedule",
            group_name=store.schedule_group_name,
            model=settings.model,
            time_zone=settings.timezone,
            start=store.plan.start,
            stop=store.plan.stop,
            min_inference_units=settings.min_inference_units,
            max_inference_units=settings.max_inference_units,
            retry_attempts=settings.maximum_retry_attempts,
            max_event_age_minutes=settings.maximum_event_age_minutes,
            dead_letter_arn=dead_letters.queue_arn,
        )

    def _notifications(self, dead_letters: SchedulerDeadLetterQueue) -> StoreNotifications:
        settings = self.store.settings
        notifications = StoreNotifications(
            self,
            "Notifications",
            store_id=self.store.store_id,
            emails=settings.notify_emails,
            dead_letter_arn=dead_letters.queue_arn,
            location=settings.model.location,
        )
        if settings.notify_emails:
            dead_letters.accept_undeliverable_mail_from(notifications.topic_arn)
        return notifications

    def _verifier(
        self,
        protected_versions: tuple[str, ...],
        schedule: ModelSchedule,
        notifications: StoreNotifications,
        dead_letters: SchedulerDeadLetterQueue,
    ) -> ModelVerifier:
        store, model = self.store, self.store.settings.model
        return ModelVerifier(
            self,
            "Verifier",
            store_id=store.store_id,
            project_scope_arn=model.project_scope_arn,
            event=verifier_event(store, protected_versions),
            time_zone=store.settings.timezone,
            checks=store.plan.checks,
            group_name=schedule.group_name,
            scheduler_role_arn=schedule.role_arn,
            topic_arn=notifications.topic_arn,
            key_arn=notifications.key_arn,
            dead_letter_arn=dead_letters.queue_arn,
            partition=model.partition,
        )

    def _horizon_reminder(
        self,
        schedule: ModelSchedule,
        notifications: StoreNotifications,
        dead_letters: SchedulerDeadLetterQueue,
    ) -> None:
        HorizonReminder(
            self,
            "HorizonReminder",
            store_id=self.store.store_id,
            horizon=self.store.horizon,
            time_zone=self.store.settings.timezone,
            group_name=schedule.group_name,
            role_arn=schedule.role_arn,
            topic_arn=notifications.topic_arn,
            dead_letter_arn=dead_letters.queue_arn,
        )

    def _alarms(
        self,
        notifications: StoreNotifications,
        dead_letters: SchedulerDeadLetterQueue,
        verifier: ModelVerifier,
    ) -> None:
        store, settings = self.store, self.store.settings
        StoreAlarms(
            self,
            "Alarms",
            store=StoreFacts(
                store_id=store.store_id,
                group_name=store.schedule_group_name,
                dead_letter_queue_name=dead_letters.queue_name,
                verifier_function_name=verifier.function_name,
                project_name=settings.model.project_name,
                version_name=settings.model.version_name,
                allowed_utc=tuple(allowed_intervals(settings)),
                canary=settings.canary is not None,
            ),
            topic_arn=notifications.topic_arn,
        )

    def _checkout(self) -> CheckoutAccess:
        store, model = self.store, self.store.settings.model
        return CheckoutAccess(
            self,
            "Checkout",
            store_id=store.store_id,
            parameter_name=model_handle.parameter_name(store.store_id),
            handle_json=handle_of(store).to_json(),
            project_scope_arn=model.project_scope_arn,
            location=model.location,
        )


def verifier_event(
    store: StoreConfig, protected_versions: tuple[str, ...]
) -> verifier_contract.VerifierEvent:
    """The verifier's event for the store; each check schedule sends it with its own check."""
    settings = store.settings
    return verifier_contract.VerifierEvent(
        check=Check.OPENING,
        store=store.store_id,
        model_version_arn=settings.model.arn,
        project_arn=settings.project_arn,
        min_inference_units=settings.min_inference_units,
        max_inference_units=settings.max_inference_units,
        protected_versions=protected_versions,
        stale_versions=verifier_contract.StaleVersions(settings.stale_versions),
        canary=(settings.canary.for_check(settings.min_confidence) if settings.canary else None),
    )


def outputs(
    store: StoreConfig,
    schedule: ModelSchedule,
    dead_letters: SchedulerDeadLetterQueue,
    notifications: StoreNotifications,
    checkout: CheckoutAccess,
) -> list[tuple[str, str]]:
    """The stack's outputs: what the schedules do in words, and where to find things."""
    settings, zone, horizon = store.settings, store.settings.timezone, store.horizon
    found = [
        ("StartSchedule", f"start {settings.start.describe()} ({zone})"),
        ("StopSchedule", f"stop {settings.stop.describe()} ({zone})"),
        ("ScheduleGroupName", store.schedule_group_name),
        ("ExecutionRoleArn", schedule.role_arn),
        ("DeadLetterQueueUrl", dead_letters.queue_url),
        ("OpeningCheck", f"check {settings.opening_check.describe()} ({zone})"),
        ("ClosingCheck", f"check {settings.closing_check.describe()} ({zone})"),
        ("NotificationTopicArn", notifications.topic_arn),
        ("ClosedDays", describe_days(store.closed_days) or "none"),
        ("ModelHandleParameter", model_handle.parameter_name(store.store_id)),
        ("CheckoutClientPolicyArn", checkout.client_policy_arn),
    ]
    if settings.start_check is not None:
        found.append(("StartCheck", f"check {settings.start_check.describe()} ({zone})"))
    found.append(
        (
            "CalendarHorizon",
            f"closed dates and daylight-saving compensations from {horizon.first.isoformat()} "
            f"until {horizon.last.isoformat()}; weekly outside it (fleet.horizon)",
        )
    )
    if settings.holiday_calendar is not None:
        found.append(
            (
                "HolidaysKnownUntil",
                f"{settings.holiday_calendar} holidays are closed days until "
                f"{horizon.last.isoformat()}: raise fleet.horizon.lastMonth and deploy before then",
            )
        )
    return found
