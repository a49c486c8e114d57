"""The e-mail a store's people get before the calendar horizon ends."""

from __future__ import annotations

from constructs import Construct
from fleet.calendar.horizon import REMINDER_DAYS, Horizon
from scheduler_constructs.schedules import ScheduleTarget, schedule

# At 09:00 local time: read during working hours.
REMINDER_MINUTE_OF_DAY = 9 * 60
RETRY_ATTEMPTS = 2
MAX_EVENT_AGE_SECONDS = 60 * 60


class HorizonReminder(Construct):
    """One schedule, `REMINDER_DAYS` before the horizon ends, that publishes a reminder to the
    store's topic: a cron for that one date and year, like everything else clock-free. After the
    horizon the schedules fire weekly, without closed dates, holidays or daylight-saving
    compensations, and nobody would notice by chance.

    `role_arn` runs it; what that role may publish is granted by its owner
    (ModelSchedule.allow_publishing_to)."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        store_id: str,
        horizon: Horizon,
        time_zone: str,
        group_name: str,
        role_arn: str,
        topic_arn: str,
        dead_letter_arn: str,
    ) -> None:
        super().__init__(scope, construct_id)
        day = horizon.reminder_day
        hour, minute = divmod(REMINDER_MINUTE_OF_DAY, 60)
        message = (
            f"[{store_id}] The calendar horizon of the model schedule ends on "
            f"{horizon.last.isoformat()}, in {REMINDER_DAYS} days. After it the store's model "
            "starts and stops weekly, without closed dates, holidays or daylight-saving "
            "compensations. Raise fleet.horizon.lastMonth in cdk.json and deploy."
        )
        schedule(
            self,
            "Schedule",
            name="horizon-reminder",
            group_name=group_name,
            description=f"reminder on {day.isoformat()}: the calendar horizon ends on "
            f"{horizon.last.isoformat()} ({time_zone})",
            expression=f"cron({minute} {hour} {day.day} {day.month} ? {day.year})",
            time_zone=time_zone,
            # A templated target: Scheduler publishes the input as the message.
            target=ScheduleTarget(
                arn=topic_arn,
                role_arn=role_arn,
                input=message,
                retry_attempts=RETRY_ATTEMPTS,
                max_event_age_seconds=MAX_EVENT_AGE_SECONDS,
                dead_letter_arn=dead_letter_arn,
            ),
        )
