"""The cost report, read from the synthesized templates of the default fleet."""

from __future__ import annotations

import copy
import json
import math
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from report.__main__ import main
from report.cost import Period, store_cost
from report.diff import compare, diff_json
from report.render import as_json
from report.templates import assembly_templates, read_cdk_out, read_template
from tests.report.fixtures import fleet_schedules, write_cdk_out

DECEMBER = Period.month(2026, 12)


@pytest.fixture(scope="session")
def schedules(fleet_templates: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return fleet_schedules(fleet_templates)


def test_templates_give_each_stores_schedules(schedules: dict[str, Any]) -> None:
    """Every start and stop schedule, zone and inference units come from the templates."""
    tokyo, sydney = schedules["tokyo-ginza"], schedules["sydney-central"]
    assert tokyo.timezone == "Asia/Tokyo"
    assert (len(tokyo.starts), len(tokyo.stops)) == (5, 5)
    assert tokyo.starts[0].name == "start-model"
    assert all(s.start is None and s.end is None for s in tokyo.starts)
    assert (sydney.min_units, sydney.max_units) == (1, 2)
    assert set(schedules) == {"tokyo-ginza", "seattle-pike-place", "sydney-central"}


def test_the_store_comes_from_the_group_by_ref_or_by_name(
    fleet_templates: dict[str, dict[str, Any]],
) -> None:
    """Schedules name their group by Ref; templates synthesized before that named it literally,
    and a report comparing with them must find the same store."""
    template = copy.deepcopy(fleet_templates["ModelSchedule-tokyo-ginza"])
    assert read_template("S", template).store == "tokyo-ginza"  # type: ignore[union-attr]
    for body in template["Resources"].values():
        if body["Type"] == "AWS::Scheduler::Schedule":
            body["Properties"]["GroupName"] = "model-schedule-tokyo-ginza"
    assert read_template("S", template).store == "tokyo-ginza"  # type: ignore[union-attr]


def test_a_template_without_schedules_is_skipped() -> None:
    assert read_template("Other", {"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}}) is None


def test_missing_cdk_out_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"run \./scripts/synth\.sh first"):
        read_cdk_out(tmp_path)


@pytest.mark.parametrize(
    ("store", "running_hours"),
    [
        # 31 days minus the closed 12-31, 13 h a day (06:30-19:30).
        ("tokyo-ginza", 30 * 13),
        # Tue-Sun: 31 days minus 4 Mondays minus Christmas, 13 h a day (05:30-18:30).
        ("seattle-pike-place", 26 * 13),
        # 23 weekdays minus 12-25 and 12-28 (holidays), 14.75 h a day (23:45 the evening
        # before to 14:30); 12-01's run started on 11-30 at 23:45, before the period: -0.25 h.
        ("sydney-central", 21 * 14.75 - 0.25),
    ],
)
def test_december_hours_match_a_count_by_hand(
    schedules: dict[str, Any], store: str, running_hours: float
) -> None:
    cost, _ = store_cost(schedules[store], DECEMBER, 4.0, timedelta(0))
    assert cost.running_hours == running_hours
    assert cost.unit_hours == running_hours * cost.min_units
    assert cost.usd == round(running_hours * 4.0 * cost.min_units, 2)
    assert cost.always_on_hours == 31 * 24
    assert cost.always_on_usd == 31 * 24 * 4.0
    assert cost.saving_usd == round((31 * 24 - running_hours) * 4.0, 2)


def test_auto_scaling_gives_an_upper_bound(schedules: dict[str, Any]) -> None:
    """sydney-central may scale to 2 units: the upper bound doubles the unit-hours."""
    cost, _ = store_cost(schedules["sydney-central"], DECEMBER, 4.0, timedelta(0))
    assert cost.unit_hours_upper == 2 * cost.unit_hours
    assert cost.usd_upper == 2 * cost.usd


def test_start_time_and_price_are_parameters(schedules: dict[str, Any]) -> None:
    """A model that takes 30 min to start bills 30 min less a day; the price scales USD."""
    cost, _ = store_cost(schedules["tokyo-ginza"], DECEMBER, 2.5, timedelta(minutes=30))
    assert cost.running_hours == 30 * 12.5
    assert cost.usd == 30 * 12.5 * 2.5


def test_next_month_is_the_default_period() -> None:
    assert Period.next_month(date(2026, 11, 26)) == Period(date(2026, 12, 1), date(2026, 12, 31))
    assert Period.next_month(date(2026, 12, 3)) == Period(date(2027, 1, 1), date(2027, 1, 31))


def test_command_writes_table_markdown_json_and_pictures(
    fleet_templates: dict[str, dict[str, Any]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`python -m report --month 2026-12` prints the table and writes the files next to it."""
    cdk_out = write_cdk_out(fleet_templates)
    assert main(["--cdk-out", str(cdk_out), "--out", str(tmp_path), "--month", "2026-12"]) == 0
    printed = capsys.readouterr().out
    assert "tokyo-ginza" in printed
    assert "1,560.00" in printed  # 390 h x 4 USD
    markdown = (tmp_path / "cost-report.md").read_text()
    assert markdown.startswith("### Model running cost 2026-12-01 to 2026-12-31")
    assert "| **total** |" in markdown
    document = json.loads((tmp_path / "cost-report.json").read_text())
    assert {s["store"] for s in document["stores"]} == {
        "tokyo-ginza",
        "seattle-pike-place",
        "sydney-central",
    }
    assert document["total"]["usd"] == round(sum(s["usd"] for s in document["stores"]), 2)
    for store in document["stores"]:
        svg = ET.parse(tmp_path / f"timeline-{store['store']}.svg").getroot()
        bars = [e for e in svg.iter("{http://www.w3.org/2000/svg}rect") if e.get("fill") != "white"]
        assert bars, store["store"]


def test_command_refuses_a_backwards_period(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="--to is before --from"):
        main(["--from", "2027-01-10", "--to", "2027-01-01", "--out", str(tmp_path)])


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--price", "nan"),
        ("--price", "inf"),
        ("--price", "-4"),
        ("--price", "four"),
        ("--start-minutes", "-5"),
        ("--start-minutes", "ten"),
    ],
)
def test_a_price_or_minutes_that_make_no_sense_are_refused(
    option: str, value: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """argparse's usage line and one error naming the option and the value; nothing written
    (a NaN price would have written NaN, which is not JSON, into cost-report.json)."""
    with pytest.raises(SystemExit) as exited:
        main([option, value, "--out", str(tmp_path / "reports")])
    assert exited.value.code == 2
    assert f"argument {option}: {value!r}" in capsys.readouterr().err
    assert not (tmp_path / "reports").exists()


def test_the_json_files_refuse_to_hold_nan(schedules: dict[str, Any]) -> None:
    """The last guard: a NaN that got past the options would fail loudly, not write bad JSON."""
    cost, _ = store_cost(schedules["tokyo-ginza"], DECEMBER, math.nan, timedelta(0))
    with pytest.raises(ValueError, match="JSON compliant"):
        as_json([cost], math.nan)
    with pytest.raises(ValueError, match="JSON compliant"):
        diff_json(compare([cost], [cost], math.nan))


def test_a_template_the_manifest_does_not_list_is_not_read(
    fleet_templates: dict[str, dict[str, Any]],
) -> None:
    """`cdk synth` leaves the templates of stacks that no longer exist in cdk.out/: a store
    removed from cdk.json must not be priced, so only what the manifest lists is read."""
    out = write_cdk_out({"ModelSchedule-tokyo-ginza": fleet_templates["ModelSchedule-tokyo-ginza"]})
    stale = fleet_templates["ModelSchedule-sydney-central"]
    (out / "ModelSchedule-sydney-central.template.json").write_text(json.dumps(stale))
    assert [s.store for s in read_cdk_out(out)] == ["tokyo-ginza"]
    assert assembly_templates(out) == [out / "ModelSchedule-tokyo-ginza.template.json"]


@pytest.mark.parametrize(
    "argv",
    [
        ["--month", "9999-12"],
        ["--month", "1969-12"],
        ["--from", "9999-12-30", "--to", "9999-12-31"],
    ],
)
def test_a_period_outside_the_cron_years_is_one_line(argv: list[str], tmp_path: Path) -> None:
    """9999-12 used to end in a traceback (year 10000 is out of range)."""
    with pytest.raises(SystemExit) as exited:
        main([*argv, "--out", str(tmp_path)])
    assert str(exited.value.code).endswith(
        "the schedules fire only in 1970-2199 (AWS cron years); pick a period within them"
    )
