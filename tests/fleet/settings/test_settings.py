"""How settings are merged and read: defaults, store, `-c` keys; strings from the CLI."""

from __future__ import annotations

import json

import pytest

from fleet.calendar.weekly import Weekday
from fleet.config import FleetConfig, StoreConfig
from fleet.reading.loader import load_fleet
from tests.synth import TEST_TODAY, cli_context, default_fleet

OTHER_VERSION = (
    "arn:aws:rekognition:ap-northeast-1:111122223333:project/bread-checkout/version/"
    "bread-checkout.2026-12-01T09.00.00/1764579600000"
)


def store_of(fleet: FleetConfig, store_id: str = "tokyo-ginza") -> StoreConfig:
    return next(s for s in fleet.stores if s.store_id == store_id)


def test_default_fleet_loads_every_store_in_cdk_json_order() -> None:
    """cdk.json's embedded fleet is valid and every store is selected by default."""
    fleet = load_fleet(cli_context(), today=TEST_TODAY)
    assert [s.store_id for s in fleet.stores] == list(default_fleet()["stores"])
    assert fleet.selected == fleet.stores


def test_a_store_inherits_what_it_does_not_set() -> None:
    """tokyo-ginza sets nothing itself: everything comes from fleet.defaults."""
    store = store_of(load_fleet(cli_context(), today=TEST_TODAY)).settings
    assert store.timezone == "Asia/Tokyo"
    assert (store.opens, store.closes) == (7 * 60, 19 * 60)
    assert store.open_days == frozenset(Weekday)
    assert store.min_inference_units == 1
    assert store.max_inference_units is None
    assert store.start.cron() == "cron(30 6 * * ? *)"
    assert store.stop.cron() == "cron(30 19 * * ? *)"


def test_a_store_setting_overrides_the_default() -> None:
    """seattle-pike-place has its own zone, hours and a closed Monday."""
    store = store_of(load_fleet(cli_context(), today=TEST_TODAY), "seattle-pike-place").settings
    assert store.timezone == "America/Los_Angeles"
    assert Weekday.MON not in store.open_days
    assert store.start.cron() == "cron(30 5 ? * SUN,TUE-SAT *)"


def test_a_context_key_overrides_the_store_and_accepts_strings() -> None:
    """`-c minInferenceUnits:tokyo-ginza=2` arrives as the string "2" and wins over cdk.json."""
    context = cli_context(
        **{
            "minInferenceUnits:tokyo-ginza": "2",
            "maxInferenceUnits:tokyo-ginza": "4",
            "openDays:tokyo-ginza": "mon,tue, wed",
            "opens:tokyo-ginza": "08:00",
        }
    )
    store = store_of(load_fleet(context, today=TEST_TODAY)).settings
    assert (store.min_inference_units, store.max_inference_units) == (2, 4)
    assert store.open_days == frozenset({Weekday.MON, Weekday.TUE, Weekday.WED})
    assert store.opens == 8 * 60


def test_rotation_is_one_context_value() -> None:
    """Changing modelVersionArn:<store> changes that store's model and nothing else."""
    before = load_fleet(cli_context(), today=TEST_TODAY)
    after = load_fleet(
        cli_context(**{"modelVersionArn:tokyo-ginza": OTHER_VERSION}), today=TEST_TODAY
    )
    assert store_of(after).settings.model.arn == OTHER_VERSION
    assert (
        store_of(after).settings.model.project_scope_arn
        == store_of(before).settings.model.project_scope_arn
    )
    assert store_of(after, "sydney-central") == store_of(before, "sydney-central")


def test_environment_and_iam_scope_come_from_the_arn() -> None:
    """The stack lives in the model's account and region; IAM covers project/<name>/*."""
    model = store_of(load_fleet(cli_context(), today=TEST_TODAY), "sydney-central").settings.model
    assert (model.partition, model.region, model.account) == (
        "aws",
        "ap-southeast-2",
        "444455556666",
    )
    assert model.project_scope_arn == (
        "arn:aws:rekognition:ap-southeast-2:444455556666:project/bread-checkout-au/*"
    )


def test_store_selection_picks_one_or_several() -> None:
    """`-c store=<id>` (or a comma list) synthesizes only those stores' stacks."""
    one = load_fleet(cli_context(store="sydney-central"), today=TEST_TODAY)
    assert [s.store_id for s in one.selected] == ["sydney-central"]
    assert len(one.stores) == len(default_fleet()["stores"])
    two = load_fleet(cli_context(store="tokyo-ginza, sydney-central"), today=TEST_TODAY)
    assert {s.store_id for s in two.selected} == {"tokyo-ginza", "sydney-central"}


def test_fleet_can_come_whole_from_the_command_line() -> None:
    """`-c fleet='<json>'` arrives as a string and is parsed as JSON."""
    fleet = default_fleet()
    fleet["stores"] = {"tokyo-ginza": fleet["stores"]["tokyo-ginza"]}
    context = cli_context(fleet=json.dumps(fleet))
    for key in [k for k in context if k.startswith("modelVersionArn:") and "tokyo" not in k]:
        del context[key]
    assert [s.store_id for s in load_fleet(context, today=TEST_TODAY).stores] == ["tokyo-ginza"]


def test_zero_lead_and_lag_are_allowed() -> None:
    """A store may choose to start exactly at opening (e.g. a model that starts fast)."""
    context = cli_context(**{"startLeadMinutes:tokyo-ginza": 0, "stopLagMinutes:tokyo-ginza": "0"})
    store = store_of(load_fleet(context, today=TEST_TODAY)).settings
    assert store.start.cron() == "cron(0 7 * * ? *)"
    assert store.stop.cron() == "cron(0 19 * * ? *)"


def test_verifier_settings_have_defaults_and_accept_strings() -> None:
    """staleVersions defaults to stop; notifyEmails may come from -c as a comma list."""
    context = cli_context(**{"notifyEmails:tokyo-ginza": "a@bakery.example, b@bakery.example"})
    store = store_of(load_fleet(context, today=TEST_TODAY)).settings
    assert store.notify_emails == ("a@bakery.example", "b@bakery.example")
    assert store.stale_versions == "stop"
    assert store.project_arn.endswith(":project/bread-checkout/1761900000000")
    notify = load_fleet(cli_context(**{"staleVersions:tokyo-ginza": "notify"}), today=TEST_TODAY)
    assert store_of(notify).settings.stale_versions == "notify"


def test_protected_versions_are_every_store_version_in_the_project() -> None:
    """The sweep of one store never stops the current version of another store."""
    osaka = (
        "arn:aws:rekognition:ap-northeast-1:111122223333:project/bread-checkout/version/"
        "bread-checkout.2026-11-15T09.00.00/1763197200000"
    )
    fleet_json = default_fleet()
    fleet_json["stores"]["osaka-umeda"] = {
        "projectArn": fleet_json["stores"]["tokyo-ginza"]["projectArn"]
    }
    fleet = load_fleet(
        cli_context(fleet=fleet_json, **{"modelVersionArn:osaka-umeda": osaka}), today=TEST_TODAY
    )
    tokyo = store_of(fleet)
    assert fleet.protected_versions(tokyo) == tuple(sorted([tokyo.settings.model.arn, osaka]))
    assert fleet.protected_versions(store_of(fleet, "sydney-central")) == (
        store_of(fleet, "sydney-central").settings.model.arn,
    )


@pytest.mark.parametrize(
    ("key", "text", "expected"),
    [
        ("holidayCalendar:sydney-central", "null", None),
        ("maxInferenceUnits:sydney-central", "null", None),
        ("closedDates:tokyo-ginza", '["2027-05-05", "2027-05-06..2027-05-07"]', 4),
        ("notifyEmails:tokyo-ginza", '["a@bakery.example"]', ("a@bakery.example",)),
        ("openDays:tokyo-ginza", '["MON", "TUE"]', frozenset({Weekday.MON, Weekday.TUE})),
    ],
)
def test_cli_strings_null_and_json(key: str, text: str, expected: object) -> None:
    """`-c` values are strings: `null` sets a nullable setting to null, and a JSON list is
    read as a list (shells need single quotes around it)."""
    store_id = key.split(":")[1]
    store = store_of(load_fleet(cli_context(**{key: text}), today=TEST_TODAY), store_id)
    if key.startswith("closedDates"):
        # cdk.json's own closure (4 days) and the three from -c (2027-05-05 is a Wednesday).
        assert len(store.closed_days) == 4 + 3
        return
    attribute = {
        "holidayCalendar": "holiday_calendar",
        "maxInferenceUnits": "max_inference_units",
        "notifyEmails": "notify_emails",
        "openDays": "open_days",
    }[key.split(":")[0]]
    assert getattr(store.settings, attribute) == expected


def test_null_from_the_cli_ends_the_holiday_closures() -> None:
    """Without its calendar sydney-central has no holiday closed days."""
    with_calendar = store_of(load_fleet(cli_context(), today=TEST_TODAY), "sydney-central")
    without = store_of(
        load_fleet(cli_context(**{"holidayCalendar:sydney-central": "null"}), today=TEST_TODAY),
        "sydney-central",
    )
    assert with_calendar.closed_days
    assert without.closed_days == ()


def test_a_canary_from_the_command_line_is_json() -> None:
    """`-c 'canary:<store>={...}'` arrives as a string of JSON; labels keep their script and are
    stored NFC-normalised; `null` removes a canary set in cdk.json."""
    canary = '{"image": "s3://bakery-canary-apne1/ginza/tray.jpg", "expectLabels": ["メロンパン"]}'
    store = store_of(
        load_fleet(cli_context(**{"canary:seattle-pike-place": canary}), today=TEST_TODAY),
        "seattle-pike-place",
    )
    assert store.settings.canary is not None
    assert (store.settings.canary.bucket, store.settings.canary.key) == (
        "bakery-canary-apne1",
        "ginza/tray.jpg",
    )
    assert store.settings.canary.expect_labels == ("メロンパン",)
    removed = load_fleet(cli_context(**{"canary:tokyo-ginza": "null"}), today=TEST_TODAY)
    assert store_of(removed).settings.canary is None


def test_min_confidence_from_the_command_line() -> None:
    store = store_of(
        load_fleet(cli_context(**{"minConfidence:seattle-pike-place": "72.5"}), today=TEST_TODAY),
        "seattle-pike-place",
    )
    assert store.settings.min_confidence == 72.5


def test_the_start_check_comes_before_opening_or_not_at_all() -> None:
    """Five minutes after a 30-minute lead: 06:35 for 07:00. With a lead of 5 minutes or less
    the opening check is the first look, and there is no separate start check."""
    tokyo = store_of(load_fleet(cli_context(), today=TEST_TODAY)).settings
    assert tokyo.start_check is not None
    assert tokyo.start_check.cron() == "cron(35 6 * * ? *)"
    short = load_fleet(cli_context(**{"startLeadMinutes:tokyo-ginza": "5"}), today=TEST_TODAY)
    assert store_of(short).settings.start_check is None
    later = load_fleet(cli_context(**{"startCheckMinutes:tokyo-ginza": "20"}), today=TEST_TODAY)
    start_check = store_of(later).settings.start_check
    assert start_check is not None
    assert start_check.cron() == "cron(50 6 * * ? *)"


def test_unknown_keys_are_refused_by_the_models_themselves() -> None:
    """A layer of cdk.json, the fleet block, the horizon, the dashboard and the canary are models
    with extra="forbid": the loader only puts their refusal in words (with a likely meant key)."""
    from fleet.settings.dashboard import DashboardSettings
    from fleet.settings.fields import CanarySetting
    from fleet.settings.fleet import FleetSettings
    from fleet.settings.horizon import HorizonSettings
    from fleet.settings.store import StoreLayer

    for model in (StoreLayer, FleetSettings, HorizonSettings, DashboardSettings, CanarySetting):
        assert model.model_config.get("extra") == "forbid", model
    assert "modelVersionArn" not in StoreLayer.model_json_schema(by_alias=True)["properties"]
