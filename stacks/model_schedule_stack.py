"""One store's stack: what starts and stops its model, in the model's account and region."""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, Environment, Stack, Tags

from constructs import Construct
from fleet.calendar.closures import describe_days
from fleet.config import StoreConfig
from fleet.handle import handle_of
from fleet.names import APP_TAG, MEMBER_METADATA_KEY, serving_stack_name
from rekognition_model_client import handle as model_handle
from scheduler_constructs.checkout_access import CheckoutAccess
from scheduler_constructs.cost_guard_math import allowed_intervals
from stacks.model_runner import RunnerParts, run_model


class ModelScheduleStack(Stack):
    """Lives where the model lives: a universal target calls the API in the schedule's own region
    and account, so the environment comes from the model version ARN, never from the CLI's.

    Wiring only. A store with a version of its own runs it here (stacks/model_runner.py); a
    member of a serving group keeps what is the store's: its model handle, its checkout's
    client policy and its outputs (its group's stack runs the model)."""

    def __init__(
        self,
        scope: Construct,
        *,
        store: StoreConfig,
        protected_versions: tuple[str, ...],
        **kwargs: Any,
    ) -> None:
        model = store.settings.model
        runs = (
            f"Starts and stops the Rekognition Custom Labels model of store {store.store_id}"
            if store.group_id is None
            else f"Publishes the model of store {store.store_id}, a member of serving group "
            f"{store.group_id}"
        )
        super().__init__(
            scope,
            store.stack_name,
            env=Environment(account=model.account, region=model.region),
            description=f"{runs} ({store.describe_hours()}) - {APP_TAG}",
            **kwargs,
        )
        Tags.of(self).add(f"{APP_TAG}:store", store.store_id)
        self.store = store
        if store.group_id is not None:
            self.template_options.metadata = {MEMBER_METADATA_KEY: member_metadata(store)}
            checkout = self._checkout()
            for output_id, value in member_outputs(store, checkout):
                CfnOutput(self, output_id, value=value)
            return
        parts = run_model(
            self,
            store.runner,
            protected_versions=protected_versions,
            allowed_utc=tuple(allowed_intervals(store.settings)),
        )
        checkout = self._checkout()
        for output_id, value in outputs(store, parts, checkout):
            CfnOutput(self, output_id, value=value)

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


def member_metadata(store: StoreConfig) -> dict[str, Any]:
    """What a member would run alone, for the cost report's split (report/cost.py): read, never
    deployed as schedules."""
    return {
        "Store": store.store_id,
        "ServingGroup": store.group_id,
        "TimeZone": store.settings.timezone,
        "Starts": [entry.expression for entry in store.start_schedules],
        "Stops": [entry.expression for entry in store.stop_schedules],
    }


def member_outputs(store: StoreConfig, checkout: CheckoutAccess) -> list[tuple[str, str]]:
    """A member's outputs: its group, its closed days, and where its checkout reads."""
    return [
        ("ServingGroup", f"{store.group_id} (stack {serving_stack_name(store.group_id or '')})"),
        ("ClosedDays", describe_days(store.closed_days) or "none"),
        ("ModelHandleParameter", model_handle.parameter_name(store.store_id)),
        ("CheckoutClientPolicyArn", checkout.client_policy_arn),
    ]


def outputs(
    store: StoreConfig, parts: RunnerParts, checkout: CheckoutAccess
) -> list[tuple[str, str]]:
    """The stack's outputs: what the schedules do in words, and where to find things."""
    settings, zone, horizon = store.settings, store.settings.timezone, store.horizon
    schedule, dead_letters, notifications = parts.schedule, parts.dead_letters, parts.notifications
    found = [
        ("StartSchedule", f"start {settings.start.describe()} ({zone})"),
        ("StopSchedule", f"stop {settings.stop.describe()} ({zone})"),
        ("ScheduleGroupName", store.schedule_group_name),
        ("ExecutionRoleArn", schedule.role_arn),
        ("DeadLetterQueueUrl", dead_letters.queue_url),
        ("OpeningCheck", f"check {store.opening_check.describe()} ({zone})"),
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
