"""Stores whose start, checks or stop fall in a daylight-saving gap, north (Los Angeles) and
south (Sydney): the templates add a compensation (a cron for that one date), and the cost
report and the year simulation count those days with their full hours."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest
from aws_cdk.assertions import Template

from fleet.config import FleetConfig
from fleet.reading.loader import load_fleet
from report.cost import Period, store_cost
from report.templates import StoreSchedules
from tests.report.fixtures import fleet_schedules
from tests.report.test_simulation import simulate
from tests.synth import TEST_TODAY, cli_context, default_fleet, synth

VERSION = (
    "arn:aws:rekognition:{region}:111122223333:project/night/version/night.{n}/176198760000{n}"
)
PROJECT = "arn:aws:rekognition:{region}:111122223333:project/night/1761900000000"
STORES = {
    # Opens 02:45, start 02:15, start check 02:20, opening check 02:45: all in 02:00-03:00.
    "la-night-bakery": ("America/Los_Angeles", "us-west-2", "02:45", date(2027, 3, 14)),
    # Opens 02:30, start 02:00, start check 02:05, opening check 02:30.
    "sydney-night-bakery": ("Australia/Sydney", "ap-southeast-2", "02:30", date(2027, 10, 3)),
}


def context() -> dict[str, Any]:
    fleet = default_fleet()
    fleet.pop("pipeline", None)  # a generated fleet: no pipeline, no canary store
    fleet["stores"] = {
        store: {
            "timezone": zone,
            "opens": opens,
            "closes": "14:00",
            "projectArn": PROJECT.format(region=region),
        }
        for store, (zone, region, opens, _) in STORES.items()
    }
    keys = {
        f"modelVersionArn:{store}": VERSION.format(region=region, n=n)
        for n, (store, (_, region, _, _)) in enumerate(STORES.items())
    }
    base = {k: v for k, v in cli_context().items() if not k.startswith("modelVersionArn:")}
    return {**base, "fleet": fleet, **keys}


@pytest.fixture(scope="session")
def templates() -> dict[str, dict[str, Any]]:
    return synth(context())


@pytest.fixture(scope="session")
def fleet() -> FleetConfig:
    return load_fleet(context(), today=TEST_TODAY)


@pytest.mark.parametrize("store", sorted(STORES))
def test_a_compensation_replaces_each_swallowed_occurrence(
    templates: dict[str, dict[str, Any]], store: str
) -> None:
    """The opening check fires at 03:00, the first minute after the gap; the start 30 real
    minutes before that (01:30, the lead kept), the start check 5 minutes after the start; the
    stop and the closing check (afternoon) need none."""
    zone, _, _, day = STORES[store]
    template = Template.from_json(templates[f"ModelSchedule-{store}"])
    found = {
        r["Properties"]["Name"]: r["Properties"]
        for r in template.find_resources("AWS::Scheduler::Schedule").values()
        if "-dst-" in r["Properties"]["Name"]
    }
    dated = f"{day.day} {day.month} ? {day.year})"
    assert {name: p["ScheduleExpression"] for name, p in found.items()} == {
        f"start-model-dst-{day}": f"cron(30 1 {dated}",
        f"verify-start-dst-{day}": f"cron(35 1 {dated}",
        f"verify-opening-dst-{day}": f"cron(0 3 {dated}",
    }
    for properties in found.values():
        assert properties["ScheduleExpressionTimezone"] == zone
        assert f"does not exist on {day} (daylight saving)" in properties["Description"]
        assert properties["FlexibleTimeWindow"] == {"Mode": "OFF"}


@pytest.mark.parametrize("store", sorted(STORES))
def test_the_simulated_year_runs_the_model_on_the_gap_day(
    templates: dict[str, dict[str, Any]], fleet: FleetConfig, store: str
) -> None:
    """Every minute of 2027 with a model that starts at once: no open minute without the model
    (the gap day included), and the billed hours equal the cost report's."""
    schedules = fleet_schedules(templates)[store]
    config = next(s for s in fleet.stores if s.store_id == store)
    result = simulate(config, schedules, 0)
    assert result["problems"] == []
    gap_day = STORES[store][3]
    assert result["open_minutes"][gap_day] == 14 * 60 - 3 * 60  # 03:00-14:00: the clock skipped
    year = Period(date(2027, 1, 1), date(2027, 12, 31))
    cost, _ = store_cost(schedules, year, 4.0, timedelta(0))
    assert result["billed_hours"] == pytest.approx(cost.running_hours, abs=1e-6)


def test_without_the_compensation_the_gap_day_is_lost(
    templates: dict[str, dict[str, Any]], fleet: FleetConfig
) -> None:
    """The simulation can fail: drop the compensated start and Los Angeles opens without its
    model."""
    schedules: StoreSchedules = fleet_schedules(templates)["la-night-bakery"]
    recurring = tuple(s for s in schedules.starts if "-dst-" not in s.name)
    config = next(s for s in fleet.stores if s.store_id == "la-night-bakery")
    result = simulate(config, replace(schedules, starts=recurring), 0)
    assert result["problems"]
    assert result["problems"][0].startswith("2027-03-14 03:00 PDT: open, model STOPPED")
