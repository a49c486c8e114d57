"""The cost of a change: `python -m report --compare` and what it says."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from report.__main__ import main
from report.cost import StoreCost
from report.diff import compare, diff_markdown, diff_table
from tests.report.fixtures import write_cdk_out
from tests.synth import cli_context, default_fleet, synth

OSAKA_ARN = (
    "arn:aws:rekognition:ap-northeast-1:111122223333:project/bread-checkout/version/"
    "osaka.v1/1761987600000"
)


def changed_fleet() -> dict[str, Any]:
    """A store added, a store's hours longer, a store's inference units doubled."""
    fleet = default_fleet()
    fleet["stores"]["osaka-umeda"] = {"projectArn": fleet["stores"]["tokyo-ginza"]["projectArn"]}
    fleet["stores"]["seattle-pike-place"]["closes"] = "20:00"
    fleet["stores"]["sydney-central"]["minInferenceUnits"] = 2
    fleet["stores"]["sydney-central"]["maxInferenceUnits"] = 3
    return fleet


def january(out: Path) -> list[str]:
    return ["--month", "2027-01", "--out", str(out)]


def cost(store: str, hours: float, units: int = 1, upper: int | None = None) -> StoreCost:
    return StoreCost(
        store=store,
        stack=f"ModelSchedule-{store}",
        timezone="UTC",
        model_version_arn="arn",
        period_first="2027-01-01",
        period_last="2027-01-31",
        running_hours=hours,
        min_units=units,
        max_units=upper,
        unit_hours=hours * units,
        unit_hours_upper=hours * upper if upper else None,
        usd=hours * units * 4,
        usd_upper=hours * upper * 4 if upper else None,
        always_on_hours=744,
        always_on_usd=744 * units * 4,
        saving_usd=0,
    )


def test_january_2027_by_hand(fleet_templates: dict[str, Any], tmp_path: Path) -> None:
    """Before: Ginza 28 open days x 13 h (closed Jan 1-3) = 1,456 USD; Pike Place 26 days
    (Tue-Sun, closed Jan 1) x 13 h = 1,352 USD; Sydney 280.5 h = 1,122 USD: 3,930 USD.
    After: Osaka added, every day x 13 h = 403 h, 1,612 USD; Pike Place 26 x 15 h = 1,560 USD;
    Sydney at 2 units 2,244 USD (3,366 at 3): 6,872 USD, +2,942 USD (+74.9 %)."""
    before = write_cdk_out(fleet_templates)
    after = write_cdk_out(
        synth(cli_context(fleet=changed_fleet(), **{"modelVersionArn:osaka-umeda": OSAKA_ARN}))
    )
    main(["--cdk-out", str(after), "--compare", str(before), *january(tmp_path)])
    report = json.loads((tmp_path / "cost-diff.json").read_text())
    by_store = {s["store"]: s for s in report["stores"]}
    assert by_store["osaka-umeda"]["change"] == "added"
    assert by_store["osaka-umeda"]["before"] is None
    assert by_store["osaka-umeda"]["after"]["runningHours"] == 403
    assert by_store["seattle-pike-place"]["before"]["runningHours"] == 338
    assert by_store["seattle-pike-place"]["after"]["runningHours"] == 390
    assert by_store["sydney-central"]["after"]["unitHours"] == 561
    assert by_store["sydney-central"]["after"]["usdUpper"] == 3366
    assert by_store["tokyo-ginza"]["change"] == "unchanged"
    assert report["total"] == {"usdBefore": 3930, "usdAfter": 6872, "usdDifference": 2942}
    markdown = (tmp_path / "cost-diff.md").read_text().splitlines()
    assert markdown[0] == "**+2,942.00 USD/month (+74.9 %)**"
    assert "| osaka-umeda (added) | — → 403.0 | — → 403.0 | — → 1,612.00 | +1,612.00 |" in markdown
    assert "| seattle-pike-place | 338.0 → 390.0 | 338.0 → 390.0 |" in "\n".join(markdown)


def test_nothing_changed_is_one_line(fleet_templates: dict[str, Any], tmp_path: Path) -> None:
    cdk_out = write_cdk_out(fleet_templates)
    main(["--cdk-out", str(cdk_out), "--compare", str(cdk_out), *january(tmp_path)])
    assert (tmp_path / "cost-diff.md").read_text() == (
        "**No change in cost: 3,930.00 USD/month for 3 stores.**\n"
    )


def test_a_removed_store_and_a_saving() -> None:
    diff = compare([cost("a", 100), cost("b", 300)], [cost("a", 100)], 4.0)
    assert [(s.store, s.kind, s.usd_delta) for s in diff.stores] == [
        ("a", "unchanged", 0),
        ("b", "removed", -1200),
    ]
    assert diff.headline == "-1,200.00 USD/month (-75.0 %)"
    assert "b (removed)" in diff_table(diff)


def test_only_the_auto_scaling_bound_changed() -> None:
    """maxInferenceUnits raised: nothing at the minimum, more at most; said in the headline."""
    diff = compare([cost("a", 100, 1, 2)], [cost("a", 100, 1, 3)], 4.0)
    assert diff.headline == "+0.00 USD/month (+0.0 %); with auto-scaling at most +400.00 USD/month"
    assert "(≤ 800.00 → 1,200.00)" in diff_markdown(diff)


def test_a_period_that_is_not_a_month_is_named() -> None:
    first = replace(cost("a", 10), period_last="2027-01-15")
    second = replace(cost("a", 20), period_last="2027-01-15")
    assert compare([first], [second], 4.0).headline.startswith(
        "+40.00 USD over 2027-01-01..2027-01-15 (+100.0 %)"
    )


def test_from_nothing_is_new() -> None:
    assert compare([], [cost("a", 10)], 4.0).headline == "+40.00 USD/month (new)"


def test_two_periods_cannot_be_compared() -> None:
    with pytest.raises(ValueError, match="different periods"):
        compare([cost("a", 1)], [replace(cost("a", 1), period_first="2027-01-02")], 4.0)
