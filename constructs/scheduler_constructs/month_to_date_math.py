"""Metric math for a dashboard's month-to-date figures, from Rekognition's own billing signal.

`InServiceInferenceUnits` is read as 5-minute averages, missing periods (the model not running)
filled with 0; each period's average times its length in hours is that period's unit-hours.
A period in which the model ran for part of the time counts whole, so a start and a stop each
add at most 5 minutes (hourly averages, as AWS's own walkthrough uses, would add up to an hour
to a model that starts at half past).

CloudWatch metric math has no calendar: it knows each data point's EPOCH (seconds) and its day
of the week, not its day of the month. The first instant of the current UTC month (billing
months are UTC) is therefore computed from the newest data point's epoch with the
days-to-civil-date algorithm (H. Hinnant), in integer arithmetic made of FLOOR: exact for every
date after 1970, with no table to renew.
"""

from __future__ import annotations

from dataclasses import dataclass

PERIOD_SECONDS = 5 * 60
# The widget's own time range: always reaches back to the first day of the month.
WINDOW = "-P32D"
UNITS_ID = "units"


@dataclass(frozen=True)
class Expression:
    id: str
    expression: str
    label: str | None = None  # shown when set; the steps in between are hidden

    @property
    def visible(self) -> bool:
        return self.label is not None


# The calendar, one step per line: days since 1970-01-01 to the day of the month.
_MONTH_START = (
    ("filled", f"FILL({UNITS_ID}, 0)"),
    ("t", "EPOCH(filled)"),
    ("newest", "MAX(t)"),
    ("days", "FLOOR(newest / 86400)"),
    # Days since 0000-03-01, in 400-year eras of 146097 days.
    ("z", "days + 719468"),
    ("era", "FLOOR(z / 146097)"),
    ("doe", "z - era * 146097"),
    ("yoe", "FLOOR((doe - FLOOR(doe / 1460) + FLOOR(doe / 36524) - FLOOR(doe / 146096)) / 365)"),
    ("doy", "doe - (365 * yoe + FLOOR(yoe / 4) - FLOOR(yoe / 100))"),
    ("mp", "FLOOR((5 * doy + 2) / 153)"),
    # Days since the first of the month: 0 on the first.
    ("dom", "doy - FLOOR((153 * mp + 2) / 5)"),
    ("monthstart", "(days - dom) * 86400"),
)


def month_to_date(usd_per_unit_hour: float) -> list[Expression]:
    """The expressions after the `units` metric: unit-hours and USD since the first of the
    current UTC month, each a running sum whose newest value is the figure."""
    return [
        *(Expression(id_, text) for id_, text in _MONTH_START),
        Expression(
            "unithours",
            f"RUNNING_SUM(IF(t >= monthstart, filled * PERIOD({UNITS_ID}) / 3600, 0))",
            "unit-hours this month (UTC)",
        ),
        Expression(
            "usd",
            f"unithours * {usd_per_unit_hour:.2f}",
            f"USD this month at {usd_per_unit_hour:.2f} a unit-hour",
        ),
    ]
