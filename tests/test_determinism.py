"""Templates depend on the configuration only: two synths of the same configuration are
byte-identical, on the same day or months apart."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import time_machine

from tests.synth import cli_context, default_fleet, synth

# Clocks months apart, before, within and after the default horizon (2026-12..2027-12).
CLOCKS = (
    datetime(2026, 11, 26, 9, 0, tzinfo=UTC),
    datetime(2027, 6, 30, 23, 59, tzinfo=UTC),
    datetime(2028, 2, 1, 0, 0, tzinfo=UTC),
)


def closures_across_boundaries() -> dict[str, Any]:
    """Closures across a month and a year boundary, in both hemispheres."""
    fleet = default_fleet()
    fleet["stores"]["tokyo-ginza"]["closedDates"] = ["2026-12-30..2027-01-04", "2027-04-30"]
    fleet["stores"]["sydney-central"]["closedDates"] = ["2027-01-29..2027-02-02"]
    return cli_context(fleet=fleet)


def written(context: dict[str, Any], clock: datetime) -> dict[str, bytes]:
    out = Path(tempfile.mkdtemp(prefix="cdk.out."))
    with time_machine.travel(clock, tick=False):
        synth(context, out)
    return {p.name: p.read_bytes() for p in sorted(out.glob("*.template.json"))}


@pytest.mark.parametrize("make_context", [cli_context, closures_across_boundaries])
def test_synths_under_clocks_months_apart_are_byte_identical(make_context: Any) -> None:
    """No timestamps, random names, ordering noise or clock: a diff shows only real changes,
    and what a reviewer approves is what a later deploy synthesizes."""
    first, *others = (written(make_context(), clock) for clock in CLOCKS)
    assert len(first) == 5  # three stores, two accounts' dashboards
    for other in others:
        assert other.keys() == first.keys()
        for name in first:
            assert other[name] == first[name], name


def test_the_clock_is_really_moved() -> None:
    """The test above can fail: under time_machine the app's clock reads the travelled date."""
    with time_machine.travel(CLOCKS[2], tick=False):
        assert datetime.now(UTC) == CLOCKS[2]


def test_no_template_carries_a_date_the_scheduler_would_refuse(
    all_templates: dict[str, dict[str, Any]],
) -> None:
    """Nothing that expires: no StartDate, no EndDate, no at() expression."""
    for name, template in all_templates.items():
        for body in template["Resources"].values():
            properties = body.get("Properties", {})
            assert "StartDate" not in properties, name
            assert "EndDate" not in properties, name
            assert not str(properties.get("ScheduleExpression", "")).startswith("at("), name
