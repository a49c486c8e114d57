"""Build the FleetConfig from CDK context, collecting every problem before failing.

Where a setting comes from, lowest precedence first:
  1. `fleet.defaults.<setting>` in cdk.json
  2. `fleet.stores.<store-id>.<setting>` in cdk.json
  3. the top-level context key `<setting>:<store-id>`, in cdk.json or as
     `-c <setting>:<store-id>=...`
The model version ARN is only ever given the third way, so rotating a model is one value.
Values from `-c` arrive as strings; numbers and day lists are accepted in string form too.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import available_timezones

from fleet.arn import EXAMPLE as EXAMPLE_ARN
from fleet.arn import EXAMPLE_PROJECT, ModelVersion, parse_project_arn, parse_version_arn
from fleet.closures import (
    HOLIDAY_HORIZON,
    ClosureError,
    check_range_is_current,
    closed_open_days,
    holiday_dates,
    parse_closed_dates,
    parse_dates,
)
from fleet.errors import ConfigError
from fleet.model import FleetConfig, RetryPolicy, StoreConfig
from fleet.weekly import MINUTES_PER_DAY, Weekday, shortest_gap

FLEET_KEY = "fleet"
SELECT_KEY = "store"
NOW_KEY = "now"
ARN_SETTING = "modelVersionArn"
# Collected from every layer instead of overridden: fleet-wide closures plus the store's own.
CLOSED_DATES = "closedDates"

# Scheduler may deliver a retry at any point inside maximumEventAge, and a DST change can
# shorten the wall-clock gap between a start and the following stop by up to an hour.
RETRY_MARGIN_MINUTES = 60

STORE_ID = re.compile(r"[a-z](?:[a-z0-9-]{0,38}[a-z0-9])?", flags=re.ASCII)
_HHMM = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])", flags=re.ASCII)
_DIGITS = re.compile(r"[0-9]+", flags=re.ASCII)

# Keys other tools put in the context (feature flags, CLI settings, lookups) are not ours.
_FOREIGN_PREFIXES = ("@", "aws:", "aws-cdk", "cdk")


class SettingError(ValueError):
    """A setting's value is wrong; the message says why and how to fix it."""


def _show(value: Any) -> str:
    return json.dumps(value, ensure_ascii=True)


def _suggest(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _whole_number(value: Any, lo: int, hi: int | None) -> int:
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, str) and _DIGITS.fullmatch(value):
        number = int(value)
    else:
        number = None
    bounds = f"from {lo} to {hi}" if hi is not None else f"of at least {lo}"
    if number is None or number < lo or (hi is not None and number > hi):
        raise SettingError(f"must be a whole number {bounds}")
    return number


def _minutes(lo: int, hi: int) -> Callable[[Any], int]:
    return lambda value: _whole_number(value, lo, hi)


def _inference_units(value: Any) -> int:
    return _whole_number(value, 1, None)


def _optional_inference_units(value: Any) -> int | None:
    if value is None:
        return None
    return _inference_units(value)


def _clock(value: Any) -> int:
    match = _HHMM.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise SettingError('must be a 24-hour local time "HH:MM", e.g. "07:00" or "19:30"')
    return int(match[1]) * 60 + int(match[2])


_ZONES = sorted(available_timezones())


def _timezone(value: Any) -> str:
    if not isinstance(value, str) or value not in _ZONES:
        hint = _suggest(value, _ZONES) if isinstance(value, str) else ""
        raise SettingError(
            f"is not an IANA time zone{hint}; use a name such as Asia/Tokyo or America/Los_Angeles"
        )
    return value


def _weekdays(value: Any) -> frozenset[Weekday]:
    names = [n.strip() for n in value.split(",")] if isinstance(value, str) else value
    valid = ", ".join(d.name for d in Weekday)
    if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
        raise SettingError(f"must be a non-empty list of weekday names from {valid}")
    days: list[Weekday] = []
    for name in names:
        if name.upper() not in Weekday.__members__:
            raise SettingError(f"{name!r} is not a weekday; use {valid}")
        day = Weekday[name.upper()]
        if day in days:
            raise SettingError(f"{name!r} is listed twice")
        days.append(day)
    return frozenset(days)


def _retry_attempts(value: Any) -> int:
    return _whole_number(value, 0, 185)  # EventBridge Scheduler's own bounds


_EMAIL = re.compile(r"[^@\s,]+@[^@\s,]+\.[^@\s,]+", flags=re.ASCII)


def _emails(value: Any) -> tuple[str, ...]:
    addresses = (
        [a.strip() for a in value.split(",") if a.strip()] if isinstance(value, str) else value
    )
    if not isinstance(addresses, list) or not all(isinstance(a, str) for a in addresses):
        raise SettingError('must be a list of e-mail addresses, e.g. ["oncall@bakery.example"]')
    for address in addresses:
        if not _EMAIL.fullmatch(address):
            raise SettingError(f"{address!r} is not an e-mail address")
    if len(set(addresses)) != len(addresses):
        raise SettingError("lists an address twice")
    return tuple(addresses)


def _stale_versions(value: Any) -> bool:
    if value not in ("stop", "notify"):
        raise SettingError('must be "stop" (stop versions no store uses) or "notify" (only report)')
    return bool(value == "stop")


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise SettingError("must be a string")
    return value


def _calendar(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not re.fullmatch(r"[A-Z]{2}(-[A-Za-z0-9 ]+)?", value):
        raise SettingError(
            'must be an ISO country code, optionally with a subdivision ("JP", "US-WA", '
            '"AU-NSW"), or null'
        )
    return value


def _dates(value: Any) -> tuple[date, ...]:
    try:
        return tuple(parse_dates(value))
    except ClosureError as error:
        raise SettingError(str(error)) from error


# Every setting a store has, with its parser. Order is the order of the README's table.
SETTINGS: dict[str, Callable[[Any], Any]] = {
    "timezone": _timezone,
    "opens": _clock,
    "closes": _clock,
    "openDays": _weekdays,
    "startLeadMinutes": _minutes(0, 720),
    "stopLagMinutes": _minutes(0, 720),
    "minInferenceUnits": _inference_units,
    "maxInferenceUnits": _optional_inference_units,
    "maximumRetryAttempts": _retry_attempts,
    "maximumEventAgeMinutes": _minutes(1, 1440),  # Scheduler: 60 s to 24 h
    "projectArn": _text,  # checked against the model version below
    "notifyEmails": _emails,
    "staleVersions": _stale_versions,
    "holidayCalendar": _calendar,
    "openOnHolidays": _dates,
}
OPTIONAL_SETTINGS: dict[str, Any] = {
    "maxInferenceUnits": None,
    "notifyEmails": (),
    "staleVersions": True,
    "holidayCalendar": None,
    "openOnHolidays": (),
}
# What a store object may contain: every setting, and its closed dates.
STORE_KEYS = [*SETTINGS, CLOSED_DATES]


class _Problems:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.count = 0  # reports, including repeats: tells a caller whether its checks failed

    def add(self, where: str, value: Any, message: str) -> None:
        self._append(f"{where} = {_show(value)}: {message}")

    def add_key(self, where: str, message: str) -> None:
        self._append(f"{where}: {message}")

    def _append(self, line: str) -> None:
        self.count += 1
        # A bad default inherited by several stores is one problem, not one per store.
        if line not in self.lines:
            self.lines.append(line)


def _object(
    value: Any, where: str, problems: _Problems, *, from_cli: bool = False
) -> dict[str, Any] | None:
    if from_cli and isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as error:
            problems.add(where, value, f"is not valid JSON ({error.msg}); pass a JSON object")
            return None
    if not isinstance(value, dict):
        problems.add(where, value, "must be a JSON object")
        return None
    return value


def _check_keys(
    obj: Mapping[str, Any], where: str, allowed: list[str], problems: _Problems
) -> None:
    for key in obj:
        if key == ARN_SETTING:
            problems.add_key(
                f"{where}.{key}",
                f"the model version ARN is set only as the top-level context key "
                f"{ARN_SETTING}:<store-id>, so that rotating a model is one value; move it there",
            )
        elif key not in allowed:
            problems.add_key(
                f"{where}.{key}",
                f"unknown setting{_suggest(key, allowed)}; valid settings: {', '.join(allowed)}",
            )


def _context_overrides(
    context: Mapping[str, Any], store_ids: list[str], problems: _Problems
) -> dict[str, dict[str, Any]]:
    """Top-level `<setting>:<store-id>` keys, by store; complain about ones that look like ours."""
    known = [*STORE_KEYS, ARN_SETTING]
    overrides: dict[str, dict[str, Any]] = {sid: {} for sid in store_ids}
    for key, value in context.items():
        if key in (FLEET_KEY, SELECT_KEY, NOW_KEY) or key.startswith(_FOREIGN_PREFIXES):
            continue
        setting, sep, store_id = key.partition(":")
        if not sep:
            problems.add_key(
                key,
                f"unknown context key{_suggest(key, [FLEET_KEY, SELECT_KEY, NOW_KEY])}; this app "
                f"reads {FLEET_KEY!r}, {SELECT_KEY!r}, {NOW_KEY!r} and <setting>:<store-id> keys",
            )
        elif setting in known:
            if store_id in overrides:
                overrides[store_id][setting] = value
            else:
                problems.add_key(
                    key,
                    f"no store {store_id!r} in fleet.stores{_suggest(store_id, store_ids)}; "
                    f"known stores: {', '.join(store_ids)}",
                )
        elif store_id in overrides or setting.lower() in (k.lower() for k in known):
            problems.add_key(
                key,
                f"unknown setting {setting!r}{_suggest(setting, known)}; valid settings: "
                f"{', '.join(known)}",
            )
    return overrides


def _check_store_id(store_id: str, problems: _Problems) -> bool:
    if STORE_ID.fullmatch(store_id):
        return True
    problems.add_key(
        f"fleet.stores.{store_id}",
        "a store id is 1 to 40 lowercase letters, digits and hyphens, starting with a letter and "
        "not ending with a hyphen (it becomes part of the stack and schedule group names)",
    )
    return False


def _parse_store(
    store_id: str,
    layers: list[tuple[str, Mapping[str, Any]]],
    problems: _Problems,
    now: datetime,
) -> StoreConfig | None:
    """Merge the layers (lowest first, each with its `where` template) and validate the store."""
    values: dict[str, Any] = {}
    where_of: dict[str, str] = {}
    raw: dict[str, Any] = {}
    closures: list[tuple[str, Any]] = []
    before = problems.count
    for template, layer in layers:
        for key, value in layer.items():
            if key in SETTINGS or key == ARN_SETTING:
                raw[key] = value
                where_of[key] = template.format(key=key)
            elif key == CLOSED_DATES:
                closures.append((template.format(key=key), value))

    arn_where = f"{ARN_SETTING}:{store_id}"
    model: ModelVersion | None = None
    if ARN_SETTING not in raw:
        problems.add_key(
            arn_where,
            f"missing: set the ARN of the model version this store runs, in cdk.json context or "
            f"as -c {arn_where}={EXAMPLE_ARN}",
        )
    else:
        value = raw[ARN_SETTING]
        try:
            if not isinstance(value, str):
                raise SettingError("must be a string")
            model = parse_version_arn(value)
        except ValueError as error:
            problems.add(arn_where, value, f"{error}; e.g. {EXAMPLE_ARN}")

    for key, parse in SETTINGS.items():
        if key not in raw:
            if key in OPTIONAL_SETTINGS:
                values[key] = OPTIONAL_SETTINGS[key]
                continue
            problems.add_key(
                f"fleet.stores.{store_id}.{key}",
                f"not set: set it in fleet.defaults or in fleet.stores.{store_id}",
            )
            continue
        try:
            values[key] = parse(raw[key])
        except SettingError as error:
            problems.add(where_of[key], raw[key], str(error))

    if problems.count > before or model is None:
        return None

    # A cross-setting check fails for this store; say which store when the value is inherited.
    for key, where in where_of.items():
        if where.startswith("fleet.defaults."):
            where_of[key] = f"{where} (inherited by store {store_id})"

    def fail(key: str, message: str) -> None:
        problems.add(where_of[key], raw[key], message)

    if values["closes"] <= values["opens"]:
        fail(
            "closes",
            f"must be later than opens ({raw['opens']}); hours that cross midnight are not "
            "supported: the store opens and closes on the same day",
        )
        return None
    try:
        project_arn = parse_project_arn(values["projectArn"], model)
    except ValueError as error:
        fail("projectArn", f"{error}; e.g. {EXAMPLE_PROJECT}")
        return None
    units_max = values["maxInferenceUnits"]
    if units_max is not None and units_max < values["minInferenceUnits"]:
        fail(
            "maxInferenceUnits",
            f"must be at least minInferenceUnits ({values['minInferenceUnits']})",
        )

    store = StoreConfig(
        store_id=store_id,
        model=model,
        timezone=values["timezone"],
        opens=values["opens"],
        closes=values["closes"],
        open_days=values["openDays"],
        start_lead_minutes=values["startLeadMinutes"],
        stop_lag_minutes=values["stopLagMinutes"],
        min_inference_units=values["minInferenceUnits"],
        max_inference_units=units_max,
        retry=RetryPolicy(
            maximum_retry_attempts=values["maximumRetryAttempts"],
            maximum_event_age_minutes=values["maximumEventAgeMinutes"],
        ),
        project_arn=project_arn,
        notify_emails=values["notifyEmails"],
        stop_stale_versions=values["staleVersions"],
        holiday_calendar=values["holidayCalendar"],
    )
    running = store.running_minutes_per_open_day
    if running + RETRY_MARGIN_MINUTES > MINUTES_PER_DAY:
        fail(
            "stopLagMinutes",
            f"start lead + opening hours + stop lag = {running} min; the model must be stopped "
            f"at least {RETRY_MARGIN_MINUTES} min a day before the next start: shorten the lead "
            "or the lag",
        )
        return None
    _check_retry_window(store, where_of, raw, problems)
    if problems.count > before:
        return None
    return _with_closures(store, closures, values["openOnHolidays"], where_of, raw, problems, now)


def _with_closures(
    store: StoreConfig,
    closures: list[tuple[str, Any]],
    open_on: tuple[date, ...],
    where_of: dict[str, str],
    raw: dict[str, Any],
    problems: _Problems,
    now: datetime,
) -> StoreConfig | None:
    """Add the closed days: explicit dates and ranges from every layer, and the holidays of the
    store's calendar for a year ahead, except those it opens on."""
    before = problems.count
    today = now.date()
    ranges = []
    for where, value in closures:
        try:
            for closure in parse_closed_dates(value):
                check_range_is_current(closure, today)
                ranges.append(closure)
        except ClosureError as error:
            problems.add(where, value, str(error))
    holidays: dict[date, str] = {}
    if store.holiday_calendar is not None:
        try:
            holidays = holiday_dates(store.holiday_calendar, today)
        except ClosureError as error:
            problems.add(where_of["holidayCalendar"], raw["holidayCalendar"], str(error))
    for day in open_on:
        if store.holiday_calendar is None:
            problems.add(
                where_of["openOnHolidays"],
                raw["openOnHolidays"],
                "needs a holidayCalendar to make exceptions to",
            )
            break
        if holidays and day not in holidays and today <= day <= today + HOLIDAY_HORIZON:
            problems.add(
                where_of["openOnHolidays"],
                raw["openOnHolidays"],
                f"{day.isoformat()} is not a holiday in {store.holiday_calendar}; its holidays "
                f"in that month: {_holidays_in_month(holidays, day)}",
            )
    if problems.count > before:
        return None
    return replace(
        store,
        closed_days=closed_open_days(ranges, holidays, open_on, store.open_days, today),
        holidays_until=today + HOLIDAY_HORIZON if store.holiday_calendar else None,
    )


def _holidays_in_month(holidays: dict[date, str], day: date) -> str:
    same = [
        f"{d.isoformat()} {name}" for d, name in sorted(holidays.items()) if d.month == day.month
    ]
    return ", ".join(same) or "none"


def _check_retry_window(
    store: StoreConfig, where_of: dict[str, str], raw: dict[str, Any], problems: _Problems
) -> None:
    """A retried start must not land after the stop, nor a retried stop after the next start."""
    age = store.retry.maximum_event_age_minutes
    for action, after, before, opposite in (
        ("start", store.start, store.stop, "stop"),
        ("stop", store.stop, store.start, "start"),
    ):
        gap = shortest_gap(after, before)
        if age + RETRY_MARGIN_MINUTES > gap:
            problems.add(
                where_of["maximumEventAgeMinutes"],
                raw["maximumEventAgeMinutes"],
                f"a {action} retried that late could land after the next {opposite}, which can "
                f"follow it after only {gap} min; use at most {gap - RETRY_MARGIN_MINUTES} "
                f"(the gap minus a {RETRY_MARGIN_MINUTES} min margin for DST and delivery delay)",
            )
            return


def _selected(context: Mapping[str, Any], store_ids: list[str], problems: _Problems) -> list[str]:
    value = context.get(SELECT_KEY)
    if value is None:
        return store_ids
    if not isinstance(value, str) or not value.strip():
        problems.add(SELECT_KEY, value, f"must name a store: one of {', '.join(store_ids)}")
        return []
    chosen = [v.strip() for v in value.split(",")]
    for store_id in chosen:
        if store_id not in store_ids:
            problems.add(
                SELECT_KEY,
                value,
                f"no store {store_id!r}{_suggest(store_id, store_ids)}; known stores: "
                f"{', '.join(store_ids)}",
            )
    return chosen


def _now(context: Mapping[str, Any], default: datetime, problems: _Problems) -> datetime:
    value = context.get(NOW_KEY)
    if value is None:
        return default
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        if parsed.tzinfo is None:
            raise ValueError("no time zone")
        return parsed.astimezone(UTC)
    except ValueError:
        problems.add(
            NOW_KEY, value, 'must be an ISO 8601 time with a zone, e.g. "2026-11-26T09:00:00Z"'
        )
        return default


def load_fleet(context: Mapping[str, Any], *, now: datetime) -> FleetConfig:
    """Parse and validate the whole fleet; raise ConfigError listing every problem.

    `now` is the synth's reference instant (app.py passes the clock); the context key `now`
    overrides it, so a synth can be repeated exactly, as the tests do."""
    problems = _Problems()
    now = _now(context, now, problems)
    fleet = (
        _object(context[FLEET_KEY], FLEET_KEY, problems, from_cli=True)
        if FLEET_KEY in context
        else None
    )
    if FLEET_KEY not in context:
        problems.add_key(
            FLEET_KEY,
            "missing: define it in cdk.json context (see README), and run the app through the "
            "CDK CLI (./scripts/cdk synth), which passes that context to app.py",
        )
    if fleet is None:
        raise ConfigError(problems.lines)

    _check_keys(fleet, FLEET_KEY, ["defaults", "stores"], problems)
    defaults = _object(fleet.get("defaults", {}), "fleet.defaults", problems) or {}
    stores = _object(fleet.get("stores"), "fleet.stores", problems) if "stores" in fleet else None
    if "stores" not in fleet:
        problems.add_key("fleet.stores", "missing: define at least one store")
    if not stores:
        if stores == {}:
            problems.add_key("fleet.stores", "is empty: define at least one store")
        raise ConfigError(problems.lines)

    settings = STORE_KEYS
    _check_keys(defaults, "fleet.defaults", settings, problems)
    store_ids = list(stores)
    overrides = _context_overrides(context, store_ids, problems)
    selected = _selected(context, store_ids, problems)

    parsed: list[StoreConfig] = []
    for store_id, body in stores.items():
        where = f"fleet.stores.{store_id}"
        if not _check_store_id(store_id, problems):
            continue
        store_obj = _object(body, where, problems)
        if store_obj is None:
            continue
        _check_keys(store_obj, where, settings, problems)
        store = _parse_store(
            store_id,
            [
                ("fleet.defaults.{key}", defaults),
                (where + ".{key}", store_obj),
                ("{key}:" + store_id, overrides[store_id]),
            ],
            problems,
            now,
        )
        if store is not None:
            parsed.append(store)

    _check_versions_are_not_shared(parsed, problems)
    if problems.lines:
        raise ConfigError(problems.lines)
    return FleetConfig(stores=tuple(parsed), selected_ids=tuple(selected), now=now)


def _check_versions_are_not_shared(stores: list[StoreConfig], problems: _Problems) -> None:
    """A model version runs once: a store's stop would stop it for the other store too."""
    first_user: dict[str, str] = {}
    for store in stores:
        other = first_user.setdefault(store.model.arn, store.store_id)
        if other != store.store_id:
            problems.add(
                f"{ARN_SETTING}:{store.store_id}",
                store.model.arn,
                f"is also the model of store {other!r}: each store's schedule would start and stop "
                "it for the other store too; give each store its own model version (copy it, or "
                "train another version in the project)",
            )
