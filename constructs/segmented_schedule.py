"""Recurring schedules split into StartDate/EndDate segments around closed days, and one-off
schedules for occurrences a daylight-saving gap would swallow."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import TimeZone
from aws_cdk import aws_scheduler as scheduler

from constructs import Construct
from fleet.closures import Segment, segment_id, segment_name
from fleet.dst import GapOccurrence
from fleet.weekly import WeeklyTime


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
    group: scheduler.IScheduleGroup,
    target: scheduler.IScheduleTarget,
) -> list[scheduler.Schedule]:
    """One schedule per segment (one in all when there are no closures), firing at `when` in
    `time_zone`. Ids and names carry the day a segment resumes (fleet/closures.py). Plus one
    at() schedule per occurrence in a DST gap (fleet/dst.py), named after its day."""
    zone = TimeZone.of(time_zone)
    recurring = [
        scheduler.Schedule(
            scope,
            segment_id(base_id, segment),
            schedule_name=segment_name(name, segment),
            schedule_group=group,
            description=f"{label} {when.describe()} ({time_zone}){segment.describe()}",
            start=segment.start,
            end=segment.end,
            schedule=scheduler.ScheduleExpression.expression(when.cron(), zone),
            target=target,
            # Fire when the store needs it, not somewhere in a window.
            time_window=scheduler.TimeWindow.off(),
        )
        for segment in segments
    ]
    once = [
        scheduler.Schedule(
            scope,
            f"{base_id}Dst{gap.day:%Y%m%d}",
            schedule_name=f"{name}-dst-{gap.day.isoformat()}",
            schedule_group=group,
            description=(
                f"{label} once at {gap.fires:%Y-%m-%d %H:%M} ({time_zone}): "
                f"{gap.skipped:%H:%M} does not exist that day (daylight saving)"
            ),
            # at() takes the local wall-clock time; the zone says which.
            schedule=scheduler.ScheduleExpression.expression(
                f"at({gap.fires:%Y-%m-%dT%H:%M:%S})", zone
            ),
            target=target,
            time_window=scheduler.TimeWindow.off(),
        )
        for gap in one_offs
    ]
    return recurring + once
