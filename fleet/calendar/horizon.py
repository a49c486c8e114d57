"""The calendar horizon: `fleet.horizon` in cdk.json, the months the templates spell out.

Within the horizon the schedules' cron expressions carry every closed date, every holiday of a
store's calendar and every daylight-saving compensation; outside it they fire weekly. The horizon
is configuration, not the synth's clock, so that the same cdk.json always gives the same
templates: a reviewer sees it move, and each store's stack reminds its people before it ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

# The stack's reminder fires this many days before the horizon ends; synth, rotate.sh and
# cost-diff.sh warn from then on.
REMINDER_DAYS = 60


@dataclass(frozen=True)
class Horizon:
    """From the first day of its first month to the last day of its last month."""

    first: date
    last: date

    @classmethod
    def of_months(cls, first: tuple[int, int], last: tuple[int, int]) -> Horizon:
        after = date(last[0] + last[1] // 12, last[1] % 12 + 1, 1)
        return cls(date(first[0], first[1], 1), after - timedelta(days=1))

    @property
    def years(self) -> range:
        return range(self.first.year, self.last.year + 1)

    @property
    def reminder_day(self) -> date:
        return self.last - timedelta(days=REMINDER_DAYS)

    def days(self) -> list[date]:
        """Every day of the horizon, in order."""
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.first <= day <= self.last

    def describe(self) -> str:
        return f"{self.first:%Y-%m}..{self.last:%Y-%m}"

    def clock_warning(self, today: date) -> str | None:
        """What a person should hear from the synth about the horizon, given today's date."""
        left = (self.last - today).days
        if left < 0:
            return (
                f"fleet.horizon.lastMonth: the calendar horizon ended on {self.last.isoformat()}, "
                f"{-left} days ago: the schedules fire weekly, without closed dates, holidays or "
                "daylight-saving compensations; raise fleet.horizon.lastMonth and deploy"
            )
        if left <= REMINDER_DAYS:
            return (
                f"fleet.horizon.lastMonth: the calendar horizon ends on {self.last.isoformat()}, "
                f"in {left} days; after it the schedules fire weekly, without closed dates, "
                "holidays or daylight-saving compensations: raise fleet.horizon.lastMonth and "
                "deploy"
            )
        return None
