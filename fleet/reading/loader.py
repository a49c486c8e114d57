"""Build the FleetConfig from CDK context, collecting every problem before failing.

Where a setting comes from, lowest precedence first:
  1. `fleet.defaults.<setting>` in cdk.json
  2. `fleet.stores.<store-id>.<setting>` in cdk.json
  3. the top-level context key `<setting>:<store-id>`, in cdk.json or as
     `-c <setting>:<store-id>=...`
What each setting is, its bounds, default and cross-setting rules are in store.py; this module
only merges the layers, remembers where each value came from, and turns validation errors
into one line each that names the key the user wrote. Values from `-c` arrive as strings: `null`
and JSON lists or objects are read as such, and the settings' types accept numbers and lists in
string form.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from functools import cache
from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic_core import ErrorDetails

from fleet.calendar.closures import ended_long_ago
from fleet.calendar.horizon import Horizon
from fleet.config import FleetConfig, GroupConfig, StoreConfig
from fleet.handle import handle_of
from fleet.names import serving_stack_name
from fleet.pipeline.plan import PlanError, fleet_pipelines
from fleet.reading.blocks import Stores, cross_check, read_blocks
from fleet.reading.errors import ConfigError
from fleet.reading.problems import SETTINGS, Problems, as_object, check_keys, message, show
from fleet.reading.spreading import spreading
from fleet.settings.describe import adds_up, context_key_only, expected, nested_keys
from fleet.settings.fields import suggest
from fleet.settings.fleet import FleetSettings
from fleet.settings.group import (
    GROUP_KEY,
    GROUP_ONLY,
    GROUP_OWNED,
    GROUP_SETTINGS_MODEL,
    GroupLayer,
    GroupSettings,
)
from fleet.settings.store import RuleError, StoreLayer, StoreSettings
from rekognition_model_client import handle as model_handle

FLEET_KEY = "fleet"
SELECT_KEY = "store"
NOW_KEY = "now"
CONTROL_TOWER_KEY = "controlTowerChecks"
PIPELINE_KEY = "pipeline"
APP_KEYS = (FLEET_KEY, SELECT_KEY, NOW_KEY, CONTROL_TOWER_KEY, PIPELINE_KEY)

BaseModelT = TypeVar("BaseModelT", bound=BaseModel)

STORE_ID = re.compile(r"[a-z](?:[a-z0-9-]{0,38}[a-z0-9])?", flags=re.ASCII)

# Keys other tools put in the context (feature flags, CLI settings, lookups) are not ours.
_FOREIGN_PREFIXES = ("@", "aws:", "aws-cdk", "cdk")

# What `fleet.defaults` and a store object may contain; the rest only as `<setting>:<store-id>`.


# How long a start may take, for the lead warning: boto3's `ProjectVersionRunning` waiter polls
# every 30 s, 40 times, so AWS's own SDK gives a start 20 minutes (the documentation says only
# "a few minutes"; the product brief allows up to ~30). tests/fleet keeps it equal to the waiter.
START_MINUTES = 20
# A store's stack must stay well under CloudFormation's 500 resources (about 30 are not
# schedules), and every schedule costs synthesis time.
MAX_SCHEDULES_PER_STORE = 200


def _from_cli(value: Any) -> Any:
    """A `-c` value is a string: `null` means null, and JSON lists and objects are parsed
    (json.JSONDecodeError if they do not parse)."""
    if not isinstance(value, str):
        return value
    if value == "null":
        return None
    if value.startswith(("[", "{")):
        return json.loads(value)
    return value


def _context_overrides(
    context: Mapping[str, Any],
    store_ids: list[str],
    group_ids: list[str],
    problems: Problems,
) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    """Top-level `<setting>:<store-id>` and `<setting>:<group-id>` keys, by store or group, and
    `group:<store-id>` joins; complain about ones that look like ours."""
    known = list(SETTINGS)
    overrides: dict[str, dict[str, Any]] = {oid: {} for oid in [*store_ids, *group_ids]}
    joins: dict[str, Any] = {}
    owners = ", ".join(store_ids) + (f"; groups: {', '.join(group_ids)}" if group_ids else "")
    for key, value in context.items():
        if key in APP_KEYS or key.startswith(_FOREIGN_PREFIXES):
            continue
        setting, sep, owner = key.partition(":")
        if not sep:
            problems.add_key(
                key,
                f"unknown context key{suggest(key, list(APP_KEYS))}; this app reads "
                f"{', '.join(repr(k) for k in APP_KEYS)} and <setting>:<store-id> keys",
            )
        elif setting == GROUP_KEY:
            if owner in store_ids:
                joins[owner] = value
            else:
                problems.add_key(
                    key,
                    f"no store {owner!r} in fleet.stores{suggest(owner, store_ids)}: a store "
                    f"joins a serving group with -c group:<store-id>=<group-id>",
                )
        elif setting in known:
            if owner in overrides:
                try:
                    overrides[owner][setting] = _from_cli(value)
                except json.JSONDecodeError as error:
                    problems.add(
                        key,
                        value,
                        f"is not valid JSON ({error.msg}); in a shell, put a JSON value in single "
                        f"quotes: -c '{key}=[\"...\"]'",
                    )
            else:
                where = "fleet.stores or fleet.groups" if group_ids else "fleet.stores"
                problems.add_key(
                    key,
                    f"no store {owner!r} in {where}{suggest(owner, [*store_ids, *group_ids])}; "
                    f"known stores: {owners}",
                )
        elif owner in overrides or setting.lower() in (k.lower() for k in known):
            problems.add_key(
                key,
                f"unknown setting {setting!r}{suggest(setting, known)}; valid settings: "
                f"{', '.join(known)}",
            )
    return overrides, joins


def _check_id(owner_id: str, where: str, problems: Problems) -> bool:
    if STORE_ID.fullmatch(owner_id):
        return True
    kind = "store" if where.startswith("fleet.stores.") else "group"
    problems.add_key(
        where,
        f"a {kind} id is 1 to 40 lowercase letters, digits and hyphens, starting with a letter and "
        "not ending with a hyphen (it becomes part of the stack and schedule group names)",
    )
    return False


@dataclass(frozen=True)
class _Given:
    """A value as the user wrote it, and where."""

    where: str
    value: Any


@cache
def _adapter(key: str) -> TypeAdapter[Any]:
    return TypeAdapter(SETTINGS[key].rebuild_annotation())


@cache
def _nullable(key: str) -> bool:
    try:
        _adapter(key).validate_python(None, context={"horizon": None})
    except ValidationError:
        return False
    return True


NULLABLE = [key for key in SETTINGS if _nullable(key)]


def _null_message(key: str, where: str) -> str:
    """jsii used to drop these nulls silently; now they are an error that says what to do."""
    field = SETTINGS[key]
    if context_key_only(field):
        instead = ""
    elif where.startswith("fleet.stores."):
        instead = ", or leave the key out to inherit fleet.defaults"
    elif not where.startswith("fleet.defaults."):
        instead = ", or leave the key out to use the value in fleet (cdk.json)"
    elif field.is_required():
        instead = ", or leave the key out and set it per store"
    else:
        instead = f", or leave the key out for the default {show(field.get_default())}"
    return f"cannot be null (only {', '.join(NULLABLE)} may be): give {expected(field)}{instead}"


Layers = list[tuple[str, Mapping[str, Any]]]


def _validated(
    model: type[BaseModelT],
    owner: str,
    layers: Layers,
    problems: Problems,
    horizon: Horizon,
    today: date,
) -> tuple[BaseModelT, dict[str, _Given]] | None:
    """Merge the layers (lowest first, each with its `where` template) and validate them with
    `model` (a store's settings or a group's); `owner` is "store <id>" or "group <id>"."""
    given: dict[str, _Given] = {}
    added: dict[str, list[_Given]] = {}
    nulled: set[str] = set()  # reported already: not "missing" as well
    before = problems.count
    for template, layer in layers:
        for key, value in layer.items():
            if key in SETTINGS:
                entry = _Given(template.format(key=key), value)
                if value is None and not _nullable(key):
                    problems.add(entry.where, None, _null_message(key, entry.where))
                    nulled.add(key)
                    continue
                if adds_up(SETTINGS[key]):
                    added.setdefault(key, []).append(entry)
                else:
                    given[key] = entry
    context = {"horizon": horizon}
    data = {key: entry.value for key, entry in given.items()}
    # Values that add up are checked layer by layer, so that an error names its own layer.
    for key, entries in added.items():
        parsed: list[Any] = []
        for entry in entries:
            try:
                values = _adapter(key).validate_python(entry.value, context=context)
            except ValidationError as error:
                for detail in error.errors(include_url=False):
                    problems.add(entry.where, entry.value, message(detail, SETTINGS[key]))
                continue
            parsed.extend(values)
            for closure in values if key == "closedDates" else ():
                if ended_long_ago(closure, today):
                    problems.warn(
                        f"{entry.where}: {closure.last.isoformat()} ended more than a year ago: "
                        "remove it (it changes nothing)"
                    )
        data[key] = parsed
    try:
        settings = model.model_validate(data, context=context)
    except ValidationError as error:
        for detail in error.errors(include_url=False):
            if not (detail["type"] == "missing" and detail["loc"][0] in nulled):
                _report(detail, owner, given, problems)
        return None
    if problems.count > before:
        return None
    return settings, given


def _parse_store(
    store_id: str,
    layers: Layers,
    problems: Problems,
    horizon: Horizon,
    today: date,
    group_id: str | None = None,
) -> StoreConfig | None:
    """A store's settings from its layers (a member's include its group's), and its calendar."""
    validated = _validated(StoreSettings, f"store {store_id}", layers, problems, horizon, today)
    if validated is None:
        return None
    settings, given = validated
    _warn_short_lead(settings, given.get("startLeadMinutes"), problems)
    store = StoreConfig.of(store_id, settings, horizon, group_id)
    # A member's schedules are its group's: the group's window is checked instead.
    clash = None if group_id else store.stop_after_start_problem()
    if clash is not None:
        problems.add_key(f"fleet.stores.{store_id}", clash)
        return None
    count = store.schedule_count
    if count > MAX_SCHEDULES_PER_STORE and group_id is None:
        problems.add_key(
            f"fleet.stores.{store_id}",
            f"the store needs {count} schedules in {horizon.describe()}, over the "
            f"{MAX_SCHEDULES_PER_STORE} a store's stack may hold (CloudFormation allows 500 "
            "resources): shorten fleet.horizon, or close fewer separate days (each month with "
            "closed days costs one schedule per action)",
        )
        return None
    size = len(handle_of(store).to_json().encode())
    if size > model_handle.MAX_BYTES:
        problems.add_key(
            f"fleet.stores.{store_id}.closedDates",
            f"the store's model handle would be {size} bytes, over the {model_handle.MAX_BYTES} "
            f"an SSM standard parameter holds; it lists each of the {len(store.closed_days)} "
            "closed days in the horizon: close fewer days (or shorten fleet.horizon)",
        )
        return None
    return store


def _warn_short_lead(settings: StoreSettings, entry: _Given | None, problems: Problems) -> None:
    if entry is None or settings.start_lead_minutes >= START_MINUTES:
        return
    problems.warn(
        f"{entry.where} = {settings.start_lead_minutes}: shorter than the {START_MINUTES} "
        "minutes a start may take (boto3's ProjectVersionRunning waiter allows 30 s x 40 "
        "checks), so the opening check will report a late start (STARTING at opening, "
        f"ModelReadyAtOpening 0) most days: use at least {START_MINUTES} unless this model "
        "is known to start faster"
    )


def _report(detail: ErrorDetails, owner: str, given: dict[str, _Given], problems: Problems) -> None:
    violation = (detail.get("ctx") or {}).get("error")
    if isinstance(violation, RuleError):
        # A rule of several settings fails for this store: say which store when inherited.
        entry = given[violation.setting]
        where = entry.where
        if where.startswith("fleet.defaults."):
            where = f"{where} (inherited by {owner})"
        problems.add(where, entry.value, str(violation))
        return
    key = str(detail["loc"][0])
    field = SETTINGS[key]
    if detail["type"] == "extra_forbidden" and len(detail["loc"]) == 2:
        # An object setting's model refuses the key (extra="forbid"); say what it takes.
        unknown, allowed = str(detail["loc"][1]), nested_keys(field)
        problems.add(
            given[key].where,
            given[key].value,
            f"has unknown keys [{unknown!r}]{suggest(unknown, allowed)}; it takes "
            f"{' and '.join(allowed)}",
        )
        return
    if detail["type"] == "missing":
        kind, owner_id = owner.split(" ", 1)
        if context_key_only(field):
            example = (field.examples or ["..."])[0]
            problems.add_key(
                f"{key}:{owner_id}",
                f"missing: set it in cdk.json context or as -c {key}:{owner_id}={example}",
            )
        else:
            problems.add_key(
                f"fleet.{kind}s.{owner_id}.{key}",
                f"not set: set it in fleet.defaults or in fleet.{kind}s.{owner_id}",
            )
        return
    problems.add(given[key].where, given[key].value, message(detail, field))


def _selected(
    context: Mapping[str, Any], store_ids: list[str], group_ids: list[str], problems: Problems
) -> list[str]:
    """The stores and groups `-c store=a,b` names (a member brings its group along)."""
    value = context.get(SELECT_KEY)
    if value is None:
        return [*store_ids, *group_ids]
    known = ", ".join(store_ids) + (f"; groups: {', '.join(group_ids)}" if group_ids else "")
    if not isinstance(value, str) or not value.strip():
        problems.add(SELECT_KEY, value, f"must name a store: one of {known}")
        return []
    chosen = [v.strip() for v in value.split(",")]
    for owner in chosen:
        if owner not in store_ids and owner not in group_ids:
            problems.add(
                SELECT_KEY,
                value,
                f"no store {owner!r}{suggest(owner, [*store_ids, *group_ids])}; known stores: "
                f"{known}",
            )
    return chosen


def _store_objects(
    stores: Mapping[str, Any], problems: Problems
) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    """Each store's object (its keys checked), and the groups the objects join."""
    objects: dict[str, dict[str, Any]] = {}
    written: dict[str, Any] = {}
    for store_id, body in stores.items():
        where = f"fleet.stores.{store_id}"
        if not _check_id(store_id, where, problems):
            continue
        store_obj = as_object(body, where, problems)
        if store_obj is None:
            continue
        if GROUP_KEY in store_obj:
            written[store_id] = store_obj[GROUP_KEY]
        store_obj = {k: v for k, v in store_obj.items() if k != GROUP_KEY}
        check_keys(StoreLayer, store_obj, where, problems)
        objects[store_id] = store_obj
    return objects, written


def _membership(
    written: Mapping[str, Any], joins: Mapping[str, Any], group_ids: list[str], problems: Problems
) -> dict[str, str | None]:
    """Each member store's group (`-c group:<store-id>=` over its object's `group`; null: none),
    or None for a store whose group is unknown (said here; the store is not read further)."""
    found: dict[str, str | None] = {}
    for store_id in dict.fromkeys([*written, *joins]):
        where, value = (
            (f"{GROUP_KEY}:{store_id}", _from_cli(joins[store_id]))
            if store_id in joins
            else (f"fleet.stores.{store_id}.{GROUP_KEY}", written[store_id])
        )
        if value is None:
            continue
        if isinstance(value, str) and value in group_ids:
            found[store_id] = value
            continue
        declared = (
            f"known groups: {', '.join(group_ids)}"
            if group_ids
            else "declare it in fleet.groups first"
        )
        problems.add(
            where,
            value,
            f"is no serving group of fleet.groups{suggest(str(value), group_ids)}; {declared}",
        )
        found[store_id] = None
    return found


GroupParts = tuple[GroupSettings, Layers]


def _parse_group(
    group_id: str,
    body: Any,
    defaults: Mapping[str, Any],
    overrides: Mapping[str, Any],
    store_ids: list[str],
    membership: Mapping[str, str | None],
    problems: Problems,
    horizon: Horizon,
    today: date,
) -> GroupParts | None:
    """A group's settings (defaults, its object, `-c <setting>:<group-id>`), and those layers,
    which its members take the group's settings from."""
    where = f"fleet.groups.{group_id}"
    if not _check_id(group_id, where, problems):
        return None
    if group_id in store_ids:
        problems.add_key(
            where,
            f"is also a store of fleet.stores: group and store ids are one namespace (stacks "
            f"{serving_stack_name(group_id)} and ModelSchedule-<id>, schedule group "
            f"model-schedule-<id>): rename the group",
        )
        return None
    group_obj = as_object(body, where, problems)
    if group_obj is None:
        return None
    before = problems.count
    for key, place in [
        *((k, f"{where}.{k}") for k in group_obj),
        *((k, f"{k}:{group_id}") for k in overrides),
    ]:
        if key in SETTINGS and key not in GROUP_OWNED:
            problems.add_key(
                place,
                f"is each member store's own setting, not the group's (the group's model runs "
                f"from its members' earliest start to their latest stop): set {key} in "
                "fleet.defaults or on the members",
            )
    group_obj = {k: v for k, v in group_obj.items() if k not in SETTINGS or k in GROUP_OWNED}
    check_keys(GroupLayer, group_obj, where, problems)
    if group_id not in membership.values():
        problems.add_key(
            where,
            f'has no members: add "{GROUP_KEY}": "{group_id}" to the stores that share its '
            "model (fleet.stores.<store-id>), or remove the group",
        )
    if problems.count > before:
        return None
    layers: Layers = [
        ("fleet.defaults.{key}", {k: v for k, v in defaults.items() if k in GROUP_OWNED}),
        (where + ".{key}", group_obj),
        ("{key}:" + group_id, {k: v for k, v in overrides.items() if k in GROUP_OWNED}),
    ]
    validated = _validated(
        GROUP_SETTINGS_MODEL, f"group {group_id}", layers, problems, horizon, today
    )
    return None if validated is None else (validated[0], layers)


def _member_layers(
    store_id: str, group_id: str, own: Layers, group_layers: Layers, problems: Problems
) -> Layers | None:
    """A member's layers: the group's settings from the group's layers, the rest its own. A
    group setting written on the member is refused; one it inherits from fleet.defaults is the
    group's anyway."""
    before = problems.count
    for template, layer in own[1:]:
        for key, value in layer.items():
            if key not in GROUP_ONLY:
                continue
            place = template.format(key=key)
            if key == "modelVersionArn":
                problems.add(
                    place,
                    value,
                    f"store {store_id} is a member of serving group {group_id} and runs the "
                    f"group's version (modelVersionArn:{group_id}): remove this key, or the "
                    "store's group",
                )
                continue
            problems.add(
                place,
                value,
                f"store {store_id} is a member of serving group {group_id}, which holds its "
                f"model's settings: set {key} in fleet.groups.{group_id} (or -c "
                f"{key}:{group_id}=...), and remove it here",
            )
    if problems.count > before:
        return None
    defaults_template, defaults = own[0]
    return [
        (defaults_template, {k: v for k, v in defaults.items() if k not in GROUP_ONLY}),
        *((t, {k: v for k, v in layer.items() if k in GROUP_ONLY}) for t, layer in group_layers),
        *own[1:],
    ]


def _groups(
    groups: Mapping[str, GroupParts],
    stores: list[StoreConfig],
    membership: Mapping[str, str | None],
    problems: Problems,
) -> tuple[GroupConfig, ...]:
    """The groups whose settings and members all validated, their windows checked."""
    found = []
    for group_id, (settings, _) in groups.items():
        members = tuple(s for s in stores if s.group_id == group_id)
        if len(members) < list(membership.values()).count(group_id):
            continue  # a member's problems are said already
        group = GroupConfig(group_id=group_id, settings=settings, members=members)
        where = f"fleet.groups.{group_id}"
        clash = group.window_problem()
        if clash is not None:
            problems.add_key(where, clash)
            continue
        count = group.schedule_count
        if count > MAX_SCHEDULES_PER_STORE:
            problems.add_key(
                where,
                f"the group needs {count} schedules in {group.horizon.describe()}, over the "
                f"{MAX_SCHEDULES_PER_STORE} a stack may hold (CloudFormation allows 500 "
                "resources): its members' different hours and closed days each add schedules; "
                "shorten fleet.horizon, or give the members more alike calendars",
            )
            continue
        found.append(group)
    return tuple(found)


def _notice_now(context: Mapping[str, Any], problems: Problems) -> None:
    if NOW_KEY in context:
        problems.warn(
            f"the context key {NOW_KEY!r} no longer changes anything (templates do not depend "
            "on the clock): remove it"
        )


def _flag(context: Mapping[str, Any], key: str, problems: Problems) -> bool:
    value = context.get(key, False)
    if value in (True, "true"):
        return True
    if value not in (False, "false"):
        problems.add(key, value, f"must be true or false (-c {key}=true)")
    return False


def load_fleet(context: Mapping[str, Any], *, today: date) -> FleetConfig:
    """Parse and validate the whole fleet; raise ConfigError listing every problem.

    `today` (app.py passes the clock's date) is used for warnings only, never for what goes into
    a template."""
    problems = Problems()
    _notice_now(context, problems)
    control_tower = _flag(context, CONTROL_TOWER_KEY, problems)
    pipeline_synth = _flag(context, PIPELINE_KEY, problems)
    fleet = (
        as_object(context[FLEET_KEY], FLEET_KEY, problems, from_cli=True)
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

    check_keys(FleetSettings, fleet, FLEET_KEY, problems)
    defaults = as_object(fleet.get("defaults", {}), "fleet.defaults", problems) or {}
    stores = as_object(fleet.get("stores"), "fleet.stores", problems) if "stores" in fleet else None
    if "stores" not in fleet:
        problems.add_key("fleet.stores", "missing: define at least one store")
    if not stores:
        if stores == {}:
            problems.add_key("fleet.stores", "is empty: define at least one store")
        raise ConfigError(problems.lines)

    blocks = read_blocks(fleet, problems)
    if blocks is None:
        raise ConfigError(problems.lines)
    horizon = blocks.horizon.horizon
    warning = horizon.clock_warning(today)
    if warning:
        problems.warn(warning)
    groups_obj = (
        (as_object(fleet["groups"], "fleet.groups", problems) or {}) if "groups" in fleet else {}
    )
    if GROUP_KEY in defaults:
        problems.add_key(
            f"fleet.defaults.{GROUP_KEY}",
            "a store joins a serving group in its own object (fleet.stores.<store-id>.group) or "
            "with -c group:<store-id>=<group-id>, never for every store: remove it here",
        )
    defaults = {k: v for k, v in defaults.items() if k != GROUP_KEY}
    check_keys(StoreLayer, defaults, "fleet.defaults", problems)
    store_ids = list(stores)
    group_ids = list(groups_obj)
    overrides, joins = _context_overrides(context, store_ids, group_ids, problems)
    selected = _selected(context, store_ids, group_ids, problems)
    store_objs, written = _store_objects(stores, problems)
    membership = _membership(written, joins, group_ids, problems)

    groups: dict[str, GroupParts] = {}
    for group_id, body in groups_obj.items():
        group = _parse_group(
            group_id,
            body,
            defaults,
            overrides[group_id],
            store_ids,
            membership,
            problems,
            horizon,
            today,
        )
        if group is not None:
            groups[group_id] = group

    parsed: list[StoreConfig] = []
    store_layers: dict[str, Layers] = {}
    for store_id, store_obj in store_objs.items():
        where = f"fleet.stores.{store_id}"
        if store_id in membership and membership[store_id] is None:
            continue
        member_of = membership.get(store_id)
        own: Layers = [
            ("fleet.defaults.{key}", defaults),
            (where + ".{key}", store_obj),
            ("{key}:" + store_id, overrides[store_id]),
        ]
        layers: Layers | None = own
        if member_of is not None:
            if member_of not in groups:
                continue  # the group's own problems are said already
            layers = _member_layers(store_id, member_of, own, groups[member_of][1], problems)
        if layers is None:
            continue
        store = _parse_store(store_id, layers, problems, horizon, today, member_of)
        if store is not None:
            parsed.append(store)
            store_layers[store_id] = layers

    serving = _groups(groups, parsed, membership, problems)
    parsed = _spread(parsed, serving, store_layers, problems, horizon, today)
    _check_versions_are_not_shared(parsed, serving, problems)
    cross_check(blocks, Stores(store_ids, parsed, serving), problems)
    if problems.lines:
        raise ConfigError(problems.lines)
    config = FleetConfig(
        stores=tuple(parsed),
        selected_ids=tuple(selected),
        horizon=horizon,
        control_tower_checks=control_tower,
        dashboard=blocks.dashboard,
        whole_fleet=SELECT_KEY not in context,
        warnings=tuple(problems.warnings),
        pipeline=blocks.pipeline,
        pipeline_synth=pipeline_synth,
        groups=serving,
        distribution=blocks.distribution,
    )
    pipeline = blocks.pipeline
    if pipeline_synth and pipeline is None:
        raise ConfigError(
            [
                "pipeline = true: cdk.json has no fleet.pipeline block; add one (see "
                "docs/configuration.md) to synthesize the fleet's pipeline"
            ]
        )
    if pipeline is not None:
        try:
            fleet_pipelines(config, pipeline)
        except PlanError as error:
            raise ConfigError([f"fleet.pipeline: {error}"]) from None
    return config


def _spread(
    stores: list[StoreConfig],
    groups: tuple[GroupConfig, ...],
    layers: dict[str, Layers],
    problems: Problems,
    horizon: Horizon,
    today: date,
) -> list[StoreConfig]:
    """The stores whose calls crowd a minute of the control plane, with their effective lead,
    lag and opening check (fleet/reading/spreading.py); the rest as they were."""
    spreads, lines = spreading(stores, groups)
    for line in lines:
        problems.add_key("fleet.stores", line)
    found = []
    for store in stores:
        spread = spreads.get(store.store_id)
        if spread is None:
            found.append(store)
            continue
        s = store.settings
        effective = {
            "startLeadMinutes": s.start_lead_minutes + spread.start,
            "stopLagMinutes": s.stop_lag_minutes + spread.stop,
        }
        where = "{key} (after the control plane's spreading of store " + store.store_id + ")"
        moved = _parse_store(
            store.store_id, [*layers[store.store_id], (where, effective)], problems, horizon, today
        )
        if moved is not None:
            found.append(replace(moved, opening_check_delay_minutes=spread.opening_check))
    return found


def _check_versions_are_not_shared(
    stores: list[StoreConfig], groups: tuple[GroupConfig, ...], problems: Problems
) -> None:
    """A model version runs once: a store's or group's stop would stop it for the other too."""
    owners = [(f"group {g.group_id!r}", g.group_id, g.settings.model.arn) for g in groups]
    owners += [(f"store {s.store_id!r}", s.store_id, s.settings.model.arn) for s in stores]
    first_user: dict[str, str] = {}
    for name, owner_id, arn in owners:
        if any(s.store_id == owner_id and s.group_id for s in stores):
            continue
        other = first_user.setdefault(arn, name)
        if other != name:
            problems.add(
                f"modelVersionArn:{owner_id}",
                arn,
                f"is also the model of {other}: each one's schedule would start and stop it for "
                "the other too; give each its own model version (copy it, or train another "
                "version in the project), or make the stores members of one serving group "
                "(fleet.groups)",
            )
