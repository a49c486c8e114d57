"""One serving group's stack: what starts and stops the model version its member stores share,
in the version's account and Region. The members' own stacks publish their model handles."""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, Environment, Stack, Tags

from constructs import Construct
from fleet.calendar.cron import Plan
from fleet.config import GroupConfig
from fleet.names import APP_TAG
from fleet.utc_week import window_week
from scheduler_constructs.cost_guard_math import GRACE_MINUTES
from stacks.model_runner import RunnerParts, run_model

# CDK refuses a stack description of more than 512 characters (its message says 1,024 bytes,
# CloudFormation's limit); the Members output names them within this much.
DESCRIPTION_CHARS = 512
MEMBERS_CHARS = 800


class ModelServingStack(Stack):
    """Wiring only: the group's model runs as a store's would (stacks/model_runner.py), from its
    members' earliest start to their latest stop on each day one of them opens."""

    def __init__(
        self,
        scope: Construct,
        *,
        group: GroupConfig,
        protected_versions: tuple[str, ...],
        **kwargs: Any,
    ) -> None:
        model = group.settings.model
        runs = (
            "Starts and stops the Rekognition Custom Labels model shared by serving group "
            f"{group.group_id} (stores "
        )
        suffix = f") - {APP_TAG}"
        members = group.members_in_words(DESCRIPTION_CHARS - len(runs) - len(suffix))
        super().__init__(
            scope,
            group.stack_name,
            env=Environment(account=model.account, region=model.region),
            description=f"{runs}{members}{suffix}",
            **kwargs,
        )
        Tags.of(self).add(f"{APP_TAG}:group", group.group_id)
        after_stop = group.settings.maximum_event_age_minutes + GRACE_MINUTES
        windows = ((d.start, d.stop) for d in group.windows.ordinary.values())
        parts = run_model(
            self,
            group.runner,
            protected_versions=protected_versions,
            allowed_utc=tuple(window_week(windows, after_stop)),
        )
        for output_id, value in outputs(group, parts):
            CfnOutput(self, output_id, value=value)


def _weekly(label: str, plan: Plan, zone: str) -> str:
    """The usual times (the weekly crons), in words; the calendar's exceptions counted."""
    usual = [s.covers for s in plan if s.key.removeprefix("At")[4:] == "" or s.key == ""]
    others = len(plan) - len(usual)
    return f"{label} {', '.join(usual)} ({zone})" + (
        f" and {others} dated schedule{'s' * (others != 1)}" if others else ""
    )


def outputs(group: GroupConfig, parts: RunnerParts) -> list[tuple[str, str]]:
    zone, horizon, plan = group.time_zone, group.horizon, group.plan
    return [
        ("StartSchedule", _weekly("start", plan.start, zone)),
        ("StopSchedule", _weekly("stop", plan.stop, zone)),
        ("Members", group.members_in_words(MEMBERS_CHARS)),
        ("ScheduleGroupName", group.schedule_group_name),
        ("ExecutionRoleArn", parts.schedule.role_arn),
        ("DeadLetterQueueUrl", parts.dead_letters.queue_url),
        ("NotificationTopicArn", parts.notifications.topic_arn),
        (
            "CalendarHorizon",
            f"the members' closed dates and daylight-saving compensations from "
            f"{horizon.first.isoformat()} until {horizon.last.isoformat()}; weekly outside it "
            "(fleet.horizon)",
        ),
    ]
