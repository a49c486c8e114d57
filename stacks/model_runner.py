"""What runs a model version on a calendar, wired into a stack: the schedules, their role and
dead-letter queue, the verifier and its checks, notifications, the horizon's reminder and the
alarms. A store with a version of its own and a serving group's stack both build it, from a
ModelRunner (fleet/config.py), directly in the stack, so that a store's logical IDs stay those
it always had."""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import Stack

import verifier_contract
from fleet.config import ModelRunner
from fleet.utc_week import Interval
from scheduler_constructs.alarm_specs import StoreFacts
from scheduler_constructs.dead_letter_queue import SchedulerDeadLetterQueue
from scheduler_constructs.horizon_reminder import HorizonReminder
from scheduler_constructs.model_schedule import ModelSchedule
from scheduler_constructs.model_verifier import ModelVerifier
from scheduler_constructs.nag import acknowledge
from scheduler_constructs.notifications import StoreNotifications
from scheduler_constructs.store_alarms import StoreAlarms

Check = verifier_contract.Check


@dataclass(frozen=True)
class RunnerParts:
    """What the stack's outputs name."""

    schedule: ModelSchedule
    dead_letters: SchedulerDeadLetterQueue
    notifications: StoreNotifications


def run_model(
    stack: Stack,
    runner: ModelRunner,
    *,
    protected_versions: tuple[str, ...],
    allowed_utc: tuple[Interval, ...],
) -> RunnerParts:
    """Each step builds one construct from the runner's settings and plan."""
    dead_letters = SchedulerDeadLetterQueue(stack, "DeadLetters")
    schedule = ModelSchedule(
        stack,
        "ModelSchedule",
        group_name=runner.schedule_group_name,
        model=runner.model,
        time_zone=runner.time_zone,
        start=runner.plan.start,
        stop=runner.plan.stop,
        min_inference_units=runner.min_inference_units,
        max_inference_units=runner.max_inference_units,
        retry_attempts=runner.maximum_retry_attempts,
        max_event_age_minutes=runner.maximum_event_age_minutes,
        dead_letter_arn=dead_letters.queue_arn,
    )
    notifications = _notifications(stack, runner, dead_letters)
    verifier = ModelVerifier(
        stack,
        "Verifier",
        store_id=runner.owner_id,
        project_scope_arn=runner.model.project_scope_arn,
        event=verifier_event(runner, protected_versions),
        time_zone=runner.time_zone,
        checks=runner.plan.checks,
        group_name=schedule.group_name,
        scheduler_role_arn=schedule.role_arn,
        topic_arn=notifications.topic_arn,
        key_arn=notifications.key_arn,
        dead_letter_arn=dead_letters.queue_arn,
        partition=runner.model.partition,
    )
    schedule.allow_invoking_verifier(verifier.function_arn)
    HorizonReminder(
        stack,
        "HorizonReminder",
        store_id=runner.owner_id,
        horizon=runner.horizon,
        time_zone=runner.time_zone,
        group_name=schedule.group_name,
        role_arn=schedule.role_arn,
        topic_arn=notifications.topic_arn,
        dead_letter_arn=dead_letters.queue_arn,
    )
    schedule.allow_publishing_to(notifications.topic_arn, notifications.key_arn)
    StoreAlarms(
        stack,
        "Alarms",
        store=StoreFacts(
            store_id=runner.owner_id,
            group_name=runner.schedule_group_name,
            dead_letter_queue_name=dead_letters.queue_name,
            verifier_function_name=verifier.function_name,
            project_name=runner.model.project_name,
            version_name=runner.model.version_name,
            allowed_utc=allowed_utc,
            canary=runner.canary is not None,
        ),
        topic_arn=notifications.topic_arn,
    )
    acknowledge(
        schedule.policy,
        f"AwsSolutions-IAM5[Resource::{runner.model.project_scope_arn}]",
        "Scoped to one Rekognition project. The version ARN ends in a timestamp that changes "
        "with every rotation, and DescribeProjectVersions takes the project ARN, so "
        "project/<name>/* is the narrowest scope that survives a model rotation.",
    )
    return RunnerParts(schedule, dead_letters, notifications)


def _notifications(
    stack: Stack, runner: ModelRunner, dead_letters: SchedulerDeadLetterQueue
) -> StoreNotifications:
    notifications = StoreNotifications(
        stack,
        "Notifications",
        store_id=runner.owner_id,
        emails=runner.notify_emails,
        dead_letter_arn=dead_letters.queue_arn,
        location=runner.model.location,
    )
    if runner.notify_emails:
        dead_letters.accept_undeliverable_mail_from(notifications.topic_arn)
    return notifications


def verifier_event(
    runner: ModelRunner, protected_versions: tuple[str, ...]
) -> verifier_contract.VerifierEvent:
    """The verifier's event; each check schedule sends it with its own check."""
    return verifier_contract.VerifierEvent(
        check=Check.OPENING,
        store=runner.owner_id,
        model_version_arn=runner.model.arn,
        project_arn=runner.project_arn,
        min_inference_units=runner.min_inference_units,
        max_inference_units=runner.max_inference_units,
        protected_versions=protected_versions,
        stale_versions=runner.stale_versions,
        canary=runner.canary,
    )
