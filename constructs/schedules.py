"""EventBridge Scheduler schedules as CloudFormation resources (L1), in small helpers.

The L2 `Schedule` and its targets add nothing these schedules use (the roles take no policy
updates, the group name is fixed, the window is always off) but cost many calls into the CDK's
Node process per schedule, and a fleet has hundreds. Each helper renders what the L2 rendered,
byte for byte, under the same logical ID: the resource is the child `Resource` of a construct
with the schedule's id, as the L2 placed it. Recurring schedules are split into StartDate/EndDate
segments around closed days, plus one-off at() schedules for occurrences a daylight-saving gap
would swallow.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aws_cdk import Aws
from aws_cdk import aws_scheduler as scheduler

from constructs import Construct
from fleet.closures import Segment, segment_id, segment_name
from fleet.dst import GapOccurrence
from fleet.weekly import WeeklyTime

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


def _iso(instant: datetime) -> str:
    """StartDate/EndDate as the CDK writes a date (toISOString): UTC with milliseconds."""
    return f"{instant:%Y-%m-%dT%H:%M:%S}.{instant.microsecond // 1000:03d}Z"


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
    start: datetime | None = None,
    end: datetime | None = None,
) -> scheduler.CfnSchedule:
    """One enabled schedule that fires on time (no flexible window)."""
    return scheduler.CfnSchedule(
        Construct(scope, construct_id),
        "Resource",
        name=name,
        group_name=group_name,
        description=description,
        flexible_time_window=scheduler.CfnSchedule.FlexibleTimeWindowProperty(mode="OFF"),
        schedule_expression=expression,
        schedule_expression_timezone=time_zone,
        state="ENABLED",
        start_date=_iso(start) if start else None,
        end_date=_iso(end) if end else None,
        target=target.render(),
    )


def segmented_schedules(
    scope: Construct,
    base_id: str,
    *,
    name: str,
    label: str,
    when: WeeklyTime,
    segments: Sequence[Segment],
    one_offs: Sequence[GapOccurrence] = (),
    time_zone: str,
    group_name: str,
    target: ScheduleTarget,
) -> list[scheduler.CfnSchedule]:
    """One schedule per segment (one in all when there are no closures), firing at `when` in
    `time_zone`. Ids and names carry the day a segment resumes (fleet/closures.py). Plus one
    at() schedule per occurrence in a DST gap (fleet/dst.py), named after its day."""
    recurring = [
        schedule(
            scope,
            segment_id(base_id, segment),
            name=segment_name(name, segment),
            group_name=group_name,
            description=f"{label} {when.describe()} ({time_zone}){segment.describe()}",
            expression=when.cron(),
            time_zone=time_zone,
            target=target,
            start=segment.start,
            end=segment.end,
        )
        for segment in segments
    ]
    once = [
        schedule(
            scope,
            f"{base_id}Dst{gap.day:%Y%m%d}",
            name=f"{name}-dst-{gap.day.isoformat()}",
            group_name=group_name,
            description=(
                f"{label} once at {gap.fires:%Y-%m-%d %H:%M} ({time_zone}): "
                f"{gap.skipped:%H:%M} does not exist that day (daylight saving)"
            ),
            # at() takes the local wall-clock time; the zone says which.
            expression=f"at({gap.fires:%Y-%m-%dT%H:%M:%S})",
            time_zone=time_zone,
            target=target,
        )
        for gap in one_offs
    ]
    return recurring + once
