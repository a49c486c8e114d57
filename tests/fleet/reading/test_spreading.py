"""The control plane's 5 requests a second: no API gets more than 150 calls scheduled in one
minute per account and Region; a start that must move moves earlier by its own slot (so it keeps
at least its lead, and the handle publishes the effective lead), a stop and an opening check
later; a new store in a crowded minute moves no other; a fleet that 30 minutes of spreading
cannot hold is refused with the figures."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from functools import cache
from typing import Any

import pytest

from fleet.config import FleetConfig, StoreConfig
from fleet.handle import handle_of
from fleet.reading.errors import ConfigError
from fleet.reading.loader import load_fleet
from fleet.reading.spreading import LIMIT, SLOTS, slot, spreading
from fleet.settings.store import CLOSING_CHECK_DELAY_MINUTES
from fleet.utc_week import weekly_minutes
from tests.synth import TEST_TODAY, cli_context, default_fleet

TOKYO = "arn:aws:rekognition:ap-northeast-1:111122223333:project/bread-checkout"
CROWD = LIMIT + 10  # Tokyo stores opening at one minute, Ginza among them


def crowded_context(count: int = CROWD - 1) -> dict[str, Any]:
    """Ginza and `count` more Tokyo stores with its hours, each with a version of its own."""
    fleet = default_fleet()
    fleet.pop("pipeline")
    limit = count + 10
    fleet["quotas"] = {
        "accounts": {"111122223333": {"regions": {"ap-northeast-1": {"runningModels": limit}}}}
    }
    context = cli_context(fleet=fleet)
    for n in range(count):
        fleet["stores"][f"bakery-{n:03d}"] = {"projectArn": f"{TOKYO}/1761900000000"}
        context[f"modelVersionArn:bakery-{n:03d}"] = f"{TOKYO}/version/v{n}/1761987{n:06d}"
    return context


@cache
def crowded() -> FleetConfig:
    return load_fleet(crowded_context(), today=TEST_TODAY)


def tokyo(fleet: FleetConfig) -> list[StoreConfig]:
    return [s for s in fleet.stores if s.settings.model.region == "ap-northeast-1"]


def calls_a_minute(stores: list[StoreConfig]) -> dict[str, Counter[int]]:
    """Each API's calls by UTC minute of the week, from the stores' effective settings."""
    found: dict[str, Counter[int]] = {"start": Counter(), "stop": Counter(), "describe": Counter()}
    for store in stores:
        s = store.settings
        days = [int(d) for d in s.open_days]
        found["start"].update(weekly_minutes(s.timezone, days, s.start_offset))
        found["stop"].update(weekly_minutes(s.timezone, days, s.stop_offset))
        for offset in (store.opening_check_offset, s.closing_check_offset, s.start_check_offset):
            if offset is not None:
                found["describe"].update(weekly_minutes(s.timezone, days, offset))
    return found


def test_the_default_fleet_moves_nothing() -> None:
    fleet = load_fleet(cli_context(), today=TEST_TODAY)
    assert spreading(fleet.stores, fleet.groups) == ({}, [])
    assert all(s.opening_check_delay_minutes == 0 for s in fleet.stores)


def test_no_api_gets_more_than_150_calls_a_minute() -> None:
    before = calls_a_minute(tokyo(load_fleet(crowded_context(LIMIT - 1), today=TEST_TODAY)))
    assert max(before["start"].values()) == LIMIT  # at the limit: nothing moves
    after = calls_a_minute(tokyo(crowded()))
    for api, counts in after.items():
        assert max(counts.values()) <= LIMIT, api


def test_a_start_that_must_move_moves_earlier_by_its_slot_and_the_handle_says_so() -> None:
    for store in tokyo(crowded()):
        n = slot(store.store_id)
        s = store.settings
        assert s.start_lead_minutes == 30 + n  # at least the configured 30 minutes
        assert s.stop_lag_minutes == 30 + n  # it stops no earlier than configured
        assert store.opening_check_delay_minutes == n
        assert handle_of(store).start_lead_minutes == s.start_lead_minutes
        assert s.closing_check_offset == s.stop_offset + CLOSING_CHECK_DELAY_MINUTES
    assert {slot(s.store_id) for s in tokyo(crowded())} > {0, SLOTS - 1}


def test_a_new_store_in_a_crowded_minute_moves_no_other() -> None:
    grown = tokyo(load_fleet(crowded_context(CROWD), today=TEST_TODAY))
    before = {s.store_id: s for s in tokyo(crowded())}
    for store in grown:
        if store.store_id in before:
            was = before[store.store_id]
            assert store.settings.start_lead_minutes == was.settings.start_lead_minutes
            assert store.opening_check_delay_minutes == was.opening_check_delay_minutes


def test_the_other_regions_stores_do_not_move() -> None:
    others = [s for s in crowded().stores if s.settings.model.region != "ap-northeast-1"]
    assert [s.settings.start_lead_minutes for s in others] == [30, 30]


def test_more_than_30_minutes_of_spreading_is_refused_with_the_figures() -> None:
    """Copies of Ginza's configuration: the spread cannot hold 30 x 150 starts at one minute."""
    ginza = next(s for s in crowded().stores if s.store_id == "tokyo-ginza")
    many = [replace(ginza, store_id=f"s{n}") for n in range(SLOTS * LIMIT + 300)]
    spreads, lines = spreading(many, ())
    assert len(spreads) == len(many) - sum(1 for s in many if slot(s.store_id) == 0)
    assert lines[0].startswith("account 111122223333 in ap-northeast-1 would get ")
    assert "StartProjectVersion calls at " in lines[0]
    assert (
        "even spread over 30 minutes: at most 150 a minute are scheduled (half of the quota "
        "L-C46E6F2E, 5 a second); put stores in serving groups (fleet.groups)" in lines[0]
    )
    assert {line.split(" calls at ")[0].split()[-1] for line in lines} == {
        "StartProjectVersion",
        "StopProjectVersion",
        "DescribeProjectVersions",
    }


def test_the_refusal_is_a_line_of_the_synth(monkeypatch: pytest.MonkeyPatch) -> None:
    """With a limit of 2 a minute and no room to spread, three Tokyo stores are refused."""
    monkeypatch.setattr("fleet.reading.spreading.LIMIT", 2)
    monkeypatch.setattr("fleet.reading.spreading.SLOTS", 1)
    with pytest.raises(ConfigError) as caught:
        load_fleet(crowded_context(2), today=TEST_TODAY)
    assert caught.value.problems[0] == (
        "fleet.stores: account 111122223333 in ap-northeast-1 would get 3 StartProjectVersion "
        "calls at Mon 21:30 UTC even spread over 1 minutes: at most 2 a minute are scheduled "
        "(half of the quota L-C46E6F2E, 5 a second); put stores in serving groups "
        "(fleet.groups), stagger their hours, or move stores to another account or Region"
    )
