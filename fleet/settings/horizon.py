"""`fleet.horizon` in cdk.json: the calendar horizon's settings (fleet/calendar/horizon.py says what
it is)."""

from __future__ import annotations

import re
from typing import Annotated, Any, Self

from pydantic import BaseModel, BeforeValidator, Field, WithJsonSchema, model_validator

from fleet.calendar.horizon import REMINDER_DAYS, Horizon
from fleet.settings.fields import SETTINGS_MODEL_CONFIG, Expect, invalid

# Each month with closed days adds schedules to every store: a bounded horizon keeps a store's
# stack far from CloudFormation's 500 resources.
MAX_MONTHS = 60
# AWS cron years run from 1970 to 2199.
FIRST_YEAR = 2020
LAST_YEAR = 2199
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})", flags=re.ASCII)


def _month(value: Any) -> tuple[int, int]:
    match = _MONTH.fullmatch(value) if isinstance(value, str) else None
    if match is None or not 1 <= int(match[2]) <= 12:
        raise invalid('must be a month, "YYYY-MM", e.g. "2027-12"')
    year = int(match[1])
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise invalid(f"must be a month from {FIRST_YEAR} to {LAST_YEAR}")
    return year, int(match[2])


Month = Annotated[
    tuple[int, int],
    BeforeValidator(_month),
    Expect('a month, "YYYY-MM"'),
    WithJsonSchema({"type": "string", "pattern": f"^{_MONTH.pattern}$", "examples": ["2027-12"]}),
]


class HorizonError(ValueError):
    """A cross-field rule of the horizon failed; `setting` is the key to change."""

    def __init__(self, setting: str, message: str) -> None:
        super().__init__(message)
        self.setting = setting


class HorizonSettings(BaseModel):
    """`fleet.horizon`: required, since no default could be right for long."""

    model_config = SETTINGS_MODEL_CONFIG

    first_month: Month = Field(
        description="The first month whose closed dates, holidays and daylight-saving "
        "compensations the schedules carry; before it they fire weekly."
    )
    last_month: Month = Field(
        description="The last such month; after it the schedules fire weekly, without them. "
        f"Each stack e-mails a reminder {REMINDER_DAYS} days before it ends.",
    )

    @model_validator(mode="after")
    def _rule_span(self) -> Self:
        (y0, m0), (y1, m1) = self.first_month, self.last_month
        months = (y1 - y0) * 12 + m1 - m0 + 1
        if months < 1:
            raise HorizonError("lastMonth", "must not be before firstMonth")
        if months > MAX_MONTHS:
            raise HorizonError(
                "lastMonth",
                f"the horizon may cover at most {MAX_MONTHS} months (each month with closed days "
                "adds schedules to every store); move the horizon on as time passes",
            )
        return self

    @property
    def horizon(self) -> Horizon:
        return Horizon.of_months(self.first_month, self.last_month)
