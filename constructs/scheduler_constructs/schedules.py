"""EventBridge Scheduler schedules as CloudFormation resources (L1), in small helpers.

The L2 `Schedule` and its targets add nothing these schedules use (the roles take no policy
updates, the group name is fixed, the window is always off) but cost many calls into the CDK's
Node process per schedule, and a fleet has hundreds. Each helper renders what the L2 rendered,
byte for byte, under the same logical ID: the resource is the child `Resource` of a construct
with the schedule's id, as the L2 placed it. An action's schedules carry the calendar in their
cron fields (fleet/calendar/cron.py): no StartDate, EndDate or at(), so a template does not
depend on when it was synthesized and does not expire.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from aws_cdk import Aws
from aws_cdk import aws_scheduler as scheduler

from constructs import Construct
from fleet.calendar.cron import CronSchedule

# Read once: every use of a CDK constant is a call into Node.
PARTITION = Aws.PARTITION


def universal_target_arn(service: str, action: str) -> str:
    """A universal target calls `service:action` through the AWS SDK (camelCase action)."""
    return f"arn:{PARTITION}:scheduler:::aws-sdk:{service}:{action}"


def _for_json(value: Any) -> Any:
    """Numbers as JavaScript writes them: 85.0 is 85."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _for_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_for_json(v) for v in value]
    return value


def input_json(payload: dict[str, Any]) -> str:
    """A target's Input, as the CDK writes an object (JSON.stringify): compact, key order kept,
    characters unescaped."""
    return json.dumps(_for_json(payload), separators=(",", ":"), ensure_ascii=False)


@dataclass(frozen=True)
class ScheduleTarget:
    """What a schedule calls, with the role it runs as, its retries and its dead letters."""

    arn: str
    role_arn: str
    input: str
    retry_attempts: int
    max_event_age_seconds: int
    dead_letter_arn: str

    def render(self) -> scheduler.CfnSchedule.TargetProperty:
        return scheduler.CfnSchedule.TargetProperty(
            arn=self.arn,
            role_arn=self.role_arn,
            input=self.input,
            retry_policy=scheduler.CfnSchedule.RetryPolicyProperty(
                maximum_event_age_in_seconds=self.max_event_age_seconds,
                maximum_retry_attempts=self.retry_attempts,
            ),
            dead_letter_config=scheduler.CfnSchedule.DeadLetterConfigProperty(
                arn=self.dead_letter_arn
            ),
        )


def schedule(
    scope: Construct,
    construct_id: str,
    *,
    name: str,
    group_name: str,
    description: str,
    expression: str,
    time_zone: str,
    target: ScheduleTarget,
    as_l2: bool = True,
) -> scheduler.CfnSchedule:
    """One enabled schedule that fires on time (no flexible window). `as_l2`: under the logical
    ID the L2 gave it (a child `Resource`); schedules the L2 never made need no such wrapper,
    which costs a call into Node each."""
    return scheduler.CfnSchedule(
        Construct(scope, construct_id) if as_l2 else scope,
        "Resource" if as_l2 else construct_id,
        name=name,
        group_name=group_name,
        description=description,
        flexible_time_window=scheduler.CfnSchedule.FlexibleTimeWindowProperty(mode="OFF"),
        schedule_expression=expression,
        schedule_expression_timezone=time_zone,
        state="ENABLED",
        target=target.render(),
    )


def calendar_schedules(
    scope: Construct,
    base_id: str,
    *,
    name: str,
    label: str,
    plan: Sequence[CronSchedule],
    time_zone: str,
    group_name: str,
    target: ScheduleTarget,
) -> list[scheduler.CfnSchedule]:
    """An action's schedules, one per entry of its plan: the construct id and the name carry
    what each covers (`Start`/`start-model`, `Start2027`/`start-model-2027`,
    `Start202701`/`start-model-2027-01`, `StartDst20270314`/`start-model-dst-2027-03-14`), so
    a name is never reused under another logical ID."""
    return [
        schedule(
            scope,
            f"{base_id}{entry.key}",
            name=f"{name}{entry.name_suffix}",
            group_name=group_name,
            description=entry.describe(label, time_zone),
            expression=entry.expression,
            time_zone=time_zone,
            target=target,
            as_l2=not entry.key,
        )
        for entry in plan
    ]
