"""The cost report of a serving group: one row for the group as billed, a row for each member
with its share (each day's cost split among the members open that day in proportion to their own
start-to-stop minutes), the totals counting stores and groups only, and what the same stores
would cost with a version each."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import pytest

from fleet.config import FleetConfig
from fleet.reading.loader import load_fleet
from report.cost import Period, StoreCost, fleet_costs, version_each_usd
from report.diff import compare, diff_json, diff_markdown, diff_table, rows
from report.render import as_json, table
from report.templates import read_cdk_out
from tests.groups import GROUP, grouped_context
from tests.report.fixtures import write_cdk_out
from tests.synth import TEST_TODAY

# The tests of groups share the session fixture grouped_templates: one worker makes it once.
pytestmark = pytest.mark.xdist_group("serving-groups")

MARCH = Period.month(2027, 3)
PRICE = 4.0


@pytest.fixture(scope="session")
def fleet() -> FleetConfig:
    return load_fleet(grouped_context(), today=TEST_TODAY)


@pytest.fixture(scope="session")
def costs(grouped_templates: dict[str, dict[str, Any]]) -> list[StoreCost]:
    schedules = read_cdk_out(write_cdk_out(grouped_templates))
    return [c for c, _ in fleet_costs(schedules, MARCH, PRICE, timedelta(0))]


def _clipped(window: tuple[datetime, datetime], bounds: tuple[datetime, datetime]) -> float:
    start, stop = max(window[0], bounds[0]), min(window[1], bounds[1])
    return max((stop - start).total_seconds() / 3600, 0.0)


def test_the_group_is_one_row_followed_by_its_members(costs: list[StoreCost]) -> None:
    kinds = [(c.store, c.kind, c.group) for c in costs]
    at = kinds.index((GROUP, "group", None))
    assert kinds[at + 1 : at + 3] == [
        ("tokyo-ginza", "member", GROUP),
        ("tokyo-shibuya", "member", GROUP),
    ]
    assert {k for _, k, _ in kinds} == {"store", "group", "member"}


def test_the_groups_hours_are_the_evaluators_windows(
    costs: list[StoreCost], fleet: FleetConfig
) -> None:
    """Each day's window from the first member's start to the last member's stop."""
    [group] = fleet.groups
    bounds = MARCH.bounds(group.time_zone)
    expected = sum(_clipped((d.start, d.stop), bounds) for d in group.windows.days.values())
    row = next(c for c in costs if c.kind == "group")
    assert row.running_hours == pytest.approx(expected, abs=1e-3)
    assert row.usd == pytest.approx(expected * 2 * PRICE, abs=0.01)  # 2 units, its minimum
    assert row.usd_upper == pytest.approx(expected * 3 * PRICE, abs=0.01)  # up to 3


def test_members_share_each_day_by_their_own_minutes(
    costs: list[StoreCost], fleet: FleetConfig
) -> None:
    """The split stated in the docs, computed from the evaluator's windows: on each day, a
    member's share of that day's cost is its own minutes over those of the members open."""
    [group] = fleet.groups
    members = {m.store_id: m for m in group.members}
    bounds = MARCH.bounds(group.time_zone)
    days = [d for d in group.windows.days.values() if _clipped((d.start, d.stop), bounds)]
    total = sum(_clipped((d.start, d.stop), bounds) for d in days)
    expected = dict.fromkeys(members, 0.0)
    for d in days:
        own = {}
        for store_id in d.members:
            window = members[store_id].running_window(d.day)
            assert window is not None
            own[store_id] = (window[1] - window[0]).total_seconds()
        for store_id, seconds in own.items():
            expected[store_id] += (
                _clipped((d.start, d.stop), bounds) / total * seconds / sum(own.values())
            )
    rows = {c.store: c for c in costs if c.kind == "member"}
    group_row = next(c for c in costs if c.kind == "group")
    assert set(rows) == set(members)
    for store_id, share in expected.items():
        assert rows[store_id].share == pytest.approx(share, abs=1e-5), store_id
        assert rows[store_id].usd == pytest.approx(group_row.usd * share, abs=0.01)
    assert sum(r.usd for r in rows.values()) == pytest.approx(group_row.usd, abs=0.02)
    # Shibuya (10:00-21:00, closed Sundays) has its own hours, not the group's.
    shibuya = members["tokyo-shibuya"]
    own_hours = sum(
        _clipped(w, MARCH.bounds(shibuya.settings.timezone))
        for day in (MARCH.first + timedelta(days=n) for n in range(-1, 32))
        if (w := shibuya.running_window(day)) is not None
    )
    assert rows["tokyo-shibuya"].running_hours == pytest.approx(own_hours, abs=1e-3)


def test_the_totals_count_the_bill_once_and_compare_with_a_version_each(
    costs: list[StoreCost],
) -> None:
    document: dict[str, Any] = json.loads(as_json(costs, PRICE))
    billed = [c for c in costs if c.kind != "member"]
    assert document["total"]["usd"] == pytest.approx(sum(c.usd for c in billed), abs=0.01)
    members = [c for c in costs if c.kind == "member"]
    alone = sum(c.usd for c in costs if c.kind == "store") + sum(
        c.running_hours * PRICE for c in members
    )
    assert document["total"]["versionEachUsd"] == pytest.approx(alone, abs=0.01)
    assert version_each_usd(costs, PRICE) == document["total"]["versionEachUsd"]
    assert [r["kind"] for r in document["stores"]].count("member") == 2
    shown = table(costs, PRICE)
    assert f"{GROUP} (serving group, 2 members)" in shown
    assert "  tokyo-shibuya (" in shown
    assert "With a version each (each member for its own hours at 1 inference unit" in shown


def test_a_fleet_without_groups_reports_as_before(
    grouped_templates: dict[str, dict[str, Any]],
) -> None:
    """No kind-specific note, no version-each line: the default fleet's report is unchanged."""
    schedules = read_cdk_out(write_cdk_out(grouped_templates))
    alone = [s for s in schedules if s.kind == "store"]
    costs = [c for c, _ in fleet_costs(alone, MARCH, PRICE, timedelta(0))]
    shown = table(costs, PRICE)
    assert "version each" not in shown
    assert "versionEachUsd" not in as_json(costs, PRICE)


def test_a_store_that_joins_a_group_shows_in_the_diff_as_its_share(
    costs: list[StoreCost], all_templates: dict[str, dict[str, Any]]
) -> None:
    """Ginza's own cost before, its share after (not added to the total); the group added."""
    schedules = read_cdk_out(write_cdk_out(all_templates))
    before = [c for c, _ in fleet_costs(schedules, MARCH, PRICE, timedelta(0))]
    diff = compare(before, costs, PRICE)
    billed_after = sum(c.usd for c in costs if c.kind != "member")
    assert diff.total("after") == pytest.approx(billed_after, abs=0.01)
    assert diff.total("before") == pytest.approx(sum(c.usd for c in before), abs=0.01)
    labels = [row[0] for row in rows(diff)]
    assert "tokyo-ginza (a member's share)" in labels
    assert f"{GROUP} (added)" in labels
    assert "tokyo-shibuya (added) (a member's share)" in labels


def test_the_diff_compares_with_a_version_each_when_a_side_has_groups(
    costs: list[StoreCost], all_templates: dict[str, dict[str, Any]]
) -> None:
    """Before (no group) a version each is the bill itself; after, the members' own hours at 1
    unit; both in the table, the Markdown and the JSON. Without groups, no such line."""
    schedules = read_cdk_out(write_cdk_out(all_templates))
    before = [c for c, _ in fleet_costs(schedules, MARCH, PRICE, timedelta(0))]
    diff = compare(before, costs, PRICE)
    alone_before, alone_after = diff.version_each
    assert alone_before == pytest.approx(sum(c.usd for c in before), abs=0.01)
    assert alone_after == version_each_usd(costs, PRICE)
    assert diff.version_each_line is not None
    assert diff.version_each_line in diff_table(diff)
    assert diff.version_each_line in diff_markdown(diff)
    total = json.loads(diff_json(diff))["total"]
    assert total["versionEachUsdAfter"] == version_each_usd(costs, PRICE)
    plain = compare(before, before, PRICE)
    assert plain.version_each_line is None
    assert "versionEachUsdBefore" not in diff_json(plain)
