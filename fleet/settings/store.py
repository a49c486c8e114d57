"""A store's settings: the one declarative schema.

Each setting is written once here: its name (the camelCase alias is the key in cdk.json), its type
and bounds (fields.py), its default, and its help text. The loader validates the merged layers
against it, the JSON Schema and the settings table of docs/configuration.md are generated from it
(json_schema.py), and stacks read the validated values from it.

Cross-setting rules are the `_rule_*` validators at the end. Each blames one setting by raising
`RuleError(<alias>, message)`, so that the error names the key the user wrote; they run in
the order written, and the first that fails stops the others (later rules may rely on earlier
ones, e.g. the retry window needs hours that do not cross midnight).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, create_model, model_validator

from fleet.calendar.closures import closed_open_days, holiday_dates
from fleet.calendar.horizon import Horizon
from fleet.calendar.weekly import MINUTES_PER_DAY, WeeklyTime, format_minutes, shortest_gap
from fleet.settings.arn import PROJECT_ARN, ModelVersion, check_project_of
from fleet.settings.describe import context_key_only
from fleet.settings.fields import (
    NUMBER,
    SETTINGS_MODEL_CONFIG,
    WHOLE_NUMBER,
    Canary,
    ClockTime,
    ClosedDates,
    Dates,
    Emails,
    HolidayCalendar,
    ProjectArn,
    VersionArn,
    Weekdays,
    ZoneName,
    horizon_of,
)
from verifier_contract import StaleVersions

# Scheduler may deliver a retry at any point inside maximumEventAge, and a DST change can
# shorten the wall-clock gap between a start and the following stop by up to an hour.
RETRY_MARGIN_MINUTES = 60
# The closing check runs this long after the stop: time for STOPPING to settle.
CLOSING_CHECK_DELAY_MINUTES = 15


class RuleError(ValueError):
    """A cross-setting rule failed; `setting` is the alias of the setting to change."""

    def __init__(self, setting: str, message: str) -> None:
        super().__init__(message)
        self.setting = setting


def project_rule(project_arn: str, model: ModelVersion) -> None:
    """The version belongs to the project (a store's rule, and a serving group's)."""
    try:
        check_project_of(project_arn, model)
    except ValueError as error:
        raise RuleError("projectArn", str(error)) from error


def source_rule(source: str | None, project_arn: str, model: ModelVersion) -> None:
    """A version is copied from another project of its own Region (CopyProjectVersion's)."""
    if source is None:
        return
    parsed = PROJECT_ARN.fullmatch(source)
    assert parsed is not None, "the field checked it"
    if (parsed["partition"], parsed["region"]) != (model.partition, model.region):
        raise RuleError(
            "sourceProjectArn",
            f"is in {parsed['region']}, not in {model.region} where the model runs: "
            "CopyProjectVersion copies within a Region; name a project of "
            f"{model.region} that trains this model (train one there if none does)",
        )
    if source == project_arn:
        raise RuleError(
            "sourceProjectArn",
            "is the model's own project (projectArn): a version trained there needs no copy; "
            "leave sourceProjectArn out",
        )


def units_rule(minimum: int, maximum: int | None) -> None:
    if maximum is not None and maximum < minimum:
        raise RuleError("maxInferenceUnits", f"must be at least minInferenceUnits ({minimum})")


class StoreSettings(BaseModel):
    """Everything one store can set. Validated with context={"horizon": <fleet.horizon>}."""

    model_config = ConfigDict(**SETTINGS_MODEL_CONFIG, arbitrary_types_allowed=True)

    model_version_arn: VersionArn = Field(
        description="The model version the store runs; given only as the context key "
        "`modelVersionArn:<store-id>`, so that rotating a model is one value.",
        examples=[
            "arn:aws:rekognition:ap-northeast-1:111122223333:project/bread/version/"
            "bread.2026-11-01T09.00.00/1761987600000"
        ],
    )
    timezone: ZoneName = Field(
        description="The store's time zone; every time setting is local time in it."
    )
    opens: ClockTime = Field(description="Opening time.")
    closes: ClockTime = Field(
        description="Closing time; later than `opens` (hours that cross midnight are not "
        "supported)."
    )
    open_days: Weekdays = Field(description="The days the store opens.")
    start_lead_minutes: Annotated[int, Field(ge=0, le=720), WHOLE_NUMBER] = Field(
        description="Start the model this long before opening (a start takes up to ~30 min)."
    )
    stop_lag_minutes: Annotated[int, Field(ge=0, le=720), WHOLE_NUMBER] = Field(
        description="Stop the model this long after closing."
    )
    min_inference_units: Annotated[int, Field(ge=1), WHOLE_NUMBER] = Field(
        description="Inference units to start with (each bills about 4 USD an hour)."
    )
    max_inference_units: Annotated[int, Field(ge=1), WHOLE_NUMBER] | None = Field(
        default=None,
        description="Upper bound for auto-scaling, at least `minInferenceUnits`; null: no "
        "auto-scaling.",
    )
    start_check_minutes: Annotated[int, Field(ge=1, le=60), WHOLE_NUMBER] = Field(
        default=5,
        description="The verifier checks this long after the start that the model is starting, "
        "and starts it again if not (skipped when it would not come before opening).",
    )
    maximum_retry_attempts: Annotated[int, Field(ge=0, le=185), WHOLE_NUMBER] = Field(
        description="EventBridge Scheduler's retries of a failed start or stop call."
    )
    maximum_event_age_minutes: Annotated[int, Field(ge=1, le=1440), WHOLE_NUMBER] = Field(
        description="How long Scheduler keeps retrying; must end an hour before the opposite "
        "action (see Retries)."
    )
    project_arn: ProjectArn = Field(
        description="The Rekognition project of the store's model version "
        "(`aws rekognition describe-projects` lists them); checked against the version ARN."
    )
    source_project_arn: ProjectArn | None = Field(
        default=None,
        description="The project that trains this model, in the same Region (any account): "
        "./scripts/distribute.sh copies its new versions into projectArn.",
    )
    notify_emails: Emails = Field(
        default=(),
        description="E-mail addresses subscribed to the store's notification topic; each must "
        "confirm the subscription e-mail.",
    )
    # The verifier contract's own type: the value travels in the check event as is.
    stale_versions: StaleVersions = Field(
        default=StaleVersions.STOP,
        description='`"stop"`: the verifier stops running versions of the project that no '
        'store uses; `"notify"`: it only reports them.',
    )
    closed_dates: ClosedDates = Field(
        default=(),
        description="Days the store is closed, in its time zone. The lists of `fleet.defaults`, "
        "the store and `-c` add up.",
    )
    holiday_calendar: HolidayCalendar = Field(
        default=None,
        description="Public holidays as closed days, from the `holidays` package, in the years "
        "of `fleet.horizon`; null: none.",
    )
    open_on_holidays: Dates = Field(
        default=(),
        description="Holidays of the calendar on which the store opens anyway.",
    )
    min_confidence: Annotated[float, Field(ge=0, le=100), NUMBER] | None = Field(
        default=None,
        description="The MinConfidence the checkout sends with DetectCustomLabels (published in "
        "the model handle); null: the model's own assumed threshold per label, under which labels "
        "are left out silently.",
    )
    min_f1_score: Annotated[float, Field(ge=0, le=1), NUMBER] | None = Field(
        default=None,
        description="Rotation pre-flight: refuse a new version whose F1 score is below this; "
        "null: no floor.",
    )
    canary: Canary = Field(
        default=None,
        description="An image in S3 and the labels the model must find in it: at opening, once "
        "the model runs, the verifier asks it with the store's minConfidence and alarms when a "
        "label is missing. The bucket must be in the model's region; null: no canary.",
    )
    max_f1_drop: Annotated[float, Field(ge=0, le=1), NUMBER] = Field(
        default=0.02,
        description="Rotation pre-flight: refuse a new version whose F1 score is more than this "
        "below the current version's, unless `--accept-lower-f1` is given.",
    )
    max_label_f1_drop: Annotated[float, Field(ge=0, le=1), NUMBER] = Field(
        default=0.05,
        description="Rotation pre-flight: refuse a new version in which a label's F1 score is "
        "more than this below the current version's (a warning for a label evaluated on fewer "
        "than 10 test images), unless `--accept-lower-label-f1` is given.",
    )

    # --- derived times

    @property
    def model(self) -> ModelVersion:
        return self.model_version_arn

    # Each schedule fires at an offset in minutes from local midnight of each open day
    # (negative: the evening before; over 1440: after midnight).

    @property
    def start_offset(self) -> int:
        return self.opens - self.start_lead_minutes

    @property
    def stop_offset(self) -> int:
        return self.closes + self.stop_lag_minutes

    @property
    def start_check_offset(self) -> int | None:
        """A while after the start, when that is still before opening; else None: the opening
        check covers it."""
        if self.start_check_minutes >= self.start_lead_minutes:
            return None
        return self.start_offset + self.start_check_minutes

    @property
    def closing_check_offset(self) -> int:
        return self.stop_offset + CLOSING_CHECK_DELAY_MINUTES

    def _weekly(self, offset: int) -> WeeklyTime:
        return WeeklyTime.offset_from(self.open_days, 0, offset)

    @property
    def start(self) -> WeeklyTime:
        return self._weekly(self.start_offset)

    @property
    def stop(self) -> WeeklyTime:
        return self._weekly(self.stop_offset)

    @property
    def start_check(self) -> WeeklyTime | None:
        offset = self.start_check_offset
        return None if offset is None else self._weekly(offset)

    @property
    def opening_check(self) -> WeeklyTime:
        return self._weekly(self.opens)

    @property
    def closing_check(self) -> WeeklyTime:
        return self._weekly(self.closing_check_offset)

    @property
    def running_minutes_per_open_day(self) -> int:
        return self.stop_offset - self.start_offset

    # --- cross-setting rules, in order

    @model_validator(mode="after")
    def _rule_closes_after_opens(self) -> Self:
        if self.closes <= self.opens:
            raise RuleError(
                "closes",
                f"must be later than opens ({format_minutes(self.opens)}); hours that cross "
                "midnight are not supported: the store opens and closes on the same day",
            )
        return self

    @model_validator(mode="after")
    def _rule_project_of_the_version(self) -> Self:
        project_rule(self.project_arn, self.model)
        return self

    @model_validator(mode="after")
    def _rule_units_range(self) -> Self:
        units_rule(self.min_inference_units, self.max_inference_units)
        return self

    @model_validator(mode="after")
    def _rule_source_project(self) -> Self:
        source_rule(self.source_project_arn, self.project_arn, self.model)
        return self

    @model_validator(mode="after")
    def _rule_stopped_part_of_each_day(self) -> Self:
        running = self.running_minutes_per_open_day
        if running + RETRY_MARGIN_MINUTES > MINUTES_PER_DAY:
            raise RuleError(
                "stopLagMinutes",
                f"start lead + opening hours + stop lag = {running} min; the model must be "
                f"stopped at least {RETRY_MARGIN_MINUTES} min a day before the next start: "
                "shorten the lead or the lag",
            )
        return self

    @model_validator(mode="after")
    def _rule_retries_end_before_the_opposite_action(self) -> Self:
        """A retried start must not land after the stop, nor a retried stop after the next
        start."""
        age = self.maximum_event_age_minutes
        for action, after, before, opposite in (
            ("start", self.start, self.stop, "stop"),
            ("stop", self.stop, self.start, "start"),
        ):
            gap = shortest_gap(after, before)
            if age + RETRY_MARGIN_MINUTES > gap:
                raise RuleError(
                    "maximumEventAgeMinutes",
                    f"a {action} retried that late could land after the next {opposite}, which "
                    f"can follow it after only {gap} min; use at most "
                    f"{gap - RETRY_MARGIN_MINUTES} (the gap minus a {RETRY_MARGIN_MINUTES} min "
                    "margin for DST and delivery delay)",
                )
        return self

    @model_validator(mode="after")
    def _rule_open_on_real_holidays(self, info: ValidationInfo) -> Self:
        if not self.open_on_holidays:
            return self
        if self.holiday_calendar is None:
            raise RuleError("openOnHolidays", "needs a holidayCalendar to make exceptions to")
        horizon = horizon_of(info)
        known = holiday_dates(self.holiday_calendar, horizon)
        for day in self.open_on_holidays:
            if day not in horizon:
                raise RuleError(
                    "openOnHolidays",
                    f"{day.isoformat()} is outside the calendar horizon ({horizon.describe()}, "
                    "fleet.horizon): remove it, or move the horizon",
                )
            if day not in known:
                same_month = [
                    f"{d.isoformat()} {name}"
                    for d, name in sorted(known.items())
                    if d.month == day.month
                ]
                raise RuleError(
                    "openOnHolidays",
                    f"{day.isoformat()} is not a holiday in {self.holiday_calendar}; its "
                    f"holidays in that month: {', '.join(same_month) or 'none'}",
                )
        return self

    # --- what the store's closures make of its open days

    def closed_days(self, horizon: Horizon) -> tuple[date, ...]:
        """The days in the horizon that the store would open by weekday but is closed."""
        known = holiday_dates(self.holiday_calendar, horizon) if self.holiday_calendar else {}
        return closed_open_days(
            self.closed_dates, known, self.open_on_holidays, self.open_days, horizon
        )


def layer_model(model: type[BaseModel], model_name: str) -> type[BaseModel]:
    """One layer of `model`'s settings as cdk.json writes it (fleet.defaults, a store's or a
    group's object): any of the settings that may be written there, each optional, and nothing
    else (extra="forbid"). The values are checked once the layers are merged."""
    fields: dict[str, Any] = {
        name: (Any, Field(default=None, alias=field.alias or name))
        for name, field in model.model_fields.items()
        if not context_key_only(field)
    }
    config = ConfigDict(extra="forbid", validate_by_alias=True, validate_by_name=False)
    return create_model(model_name, __config__=config, **fields)


StoreLayer = layer_model(StoreSettings, "StoreLayer")
