"""Recurring schedules split into StartDate/EndDate segments around closed days."""

from __future__ import annotations

from aws_cdk import TimeZone
from aws_cdk import aws_scheduler as scheduler

from constructs import Construct
from fleet.closures import Segment, segment_id, segment_name
from fleet.weekly import WeeklyTime


def segmented_schedules(
    scope: Construct,
    base_id: str,
    *,
    name: str,
    label: str,
    when: WeeklyTime,
    segments: list[Segment],
    time_zone: str,
    group: scheduler.IScheduleGroup,
    target: scheduler.IScheduleTarget,
) -> list[scheduler.Schedule]:
    """One schedule per segment (one in all when there are no closures), firing at `when` in
    `time_zone`. Ids and names carry the day a segment resumes (fleet/closures.py)."""
    return [
        scheduler.Schedule(
            scope,
            segment_id(base_id, segment),
            schedule_name=segment_name(name, segment),
            schedule_group=group,
            description=f"{label} {when.describe()} ({time_zone}){segment.describe()}",
            start=segment.start,
            end=segment.end,
            schedule=scheduler.ScheduleExpression.expression(when.cron(), TimeZone.of(time_zone)),
            target=target,
            # Fire when the store needs it, not somewhere in a window.
            time_window=scheduler.TimeWindow.off(),
        )
        for segment in segments
    ]
