"""Each account's dashboard stack, from the default fleet as `cdk synth` builds it."""

from __future__ import annotations

import json
import tempfile
from datetime import UTC, datetime, timedelta
from typing import Any

import aws_cdk as cdk
import pytest

import app as app_module
from fleet.config import FleetConfig
from scheduler_constructs.month_to_date_math import PERIOD_SECONDS, UNITS_ID
from tests.metric_math import Series, evaluate
from tests.synth import cli_context, default_fleet, synth

ACCOUNTS = {"111122223333": "ap-northeast-1", "444455556666": "ap-southeast-2"}


def bodies(template: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        json.loads(r["Properties"]["DashboardBody"])
        for r in template["Resources"].values()
        if r["Type"] == "AWS::CloudWatch::Dashboard"
    ]


def rows(body: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The widgets of each store, by store id (the title's prefix), in the body's order."""
    found: dict[str, list[dict[str, Any]]] = {}
    for widget in body["widgets"]:
        title = widget["properties"].get("title")
        if title:
            found.setdefault(title.split(":")[0], []).append(widget)
    return found


def test_one_dashboard_per_account_in_its_home_region(
    dashboard_templates: dict[str, Any], fleet: FleetConfig
) -> None:
    """Two accounts, two stacks, each with one dashboard named after the account; the home
    Region is the one most of the account's stores use (a tie goes to the first store)."""
    assert sorted(dashboard_templates) == [f"ModelScheduleDashboard-{a}" for a in ACCOUNTS]
    for dashboard in fleet.dashboards():
        assert dashboard.region == ACCOUNTS[dashboard.account]
        template = dashboard_templates[dashboard.stack_name]
        names = [
            r["Properties"]["DashboardName"]
            for r in template["Resources"].values()
            if r["Type"] == "AWS::CloudWatch::Dashboard"
        ]
        assert names == [f"rekognition-model-scheduler-{dashboard.account}"]


def test_one_row_of_four_widgets_per_store_in_cdk_json_order(
    dashboard_templates: dict[str, Any], fleet: FleetConfig
) -> None:
    """A header, then per store (as ordered in cdk.json) readiness, units, alarms and the
    month so far, side by side on one row of the 24-column grid."""
    for dashboard in fleet.dashboards():
        (body,) = bodies(dashboard_templates[dashboard.stack_name])
        assert body["widgets"][0]["type"] == "text"
        by_store = rows(body)
        assert list(by_store) == [s.store_id for s in dashboard.stores]
        for widgets in by_store.values():
            assert [w["type"] for w in widgets] == ["metric", "metric", "alarm", "metric"]
            assert len({w["y"] for w in widgets}) == 1
            assert sum(w["width"] for w in widgets) == 24
        assert len({ws[0]["y"] for ws in by_store.values()}) == len(by_store)


def test_each_store_is_read_in_its_own_region(
    dashboard_templates: dict[str, Any], fleet: FleetConfig
) -> None:
    """Seattle's widgets read us-west-2 on the Tokyo dashboard; its alarms are us-west-2 ARNs."""
    for dashboard in fleet.dashboards():
        (body,) = bodies(dashboard_templates[dashboard.stack_name])
        by_store = rows(body)
        for store in dashboard.stores:
            model = store.settings.model
            readiness, units, alarms, month = by_store[store.store_id]
            for widget in (readiness, units, month):
                assert widget["properties"]["region"] == model.region
            for arn in alarms["properties"]["alarms"]:
                assert arn.startswith(f"arn:aws:cloudwatch:{model.region}:{model.account}:alarm:")
            for metric in units["properties"]["metrics"] + month["properties"]["metrics"][:1]:
                assert metric[:6] == [
                    "AWS/Rekognition",
                    "InServiceInferenceUnits",
                    "ProjectName",
                    model.project_name,
                    "VersionName",
                    model.version_name,
                ]


def test_the_alarms_are_the_stores_alarms(
    dashboard_templates: dict[str, Any], fleet_templates: dict[str, Any], fleet: FleetConfig
) -> None:
    """The alarm widget names exactly the alarms the store's own stack creates (eight with a
    canary, seven without)."""
    for dashboard in fleet.dashboards():
        (body,) = bodies(dashboard_templates[dashboard.stack_name])
        for store in dashboard.stores:
            widget = rows(body)[store.store_id][2]
            shown = [arn.split(":alarm:")[1] for arn in widget["properties"]["alarms"]]
            created = [
                r["Properties"]["AlarmName"]
                for r in fleet_templates[store.stack_name]["Resources"].values()
                if r["Type"] == "AWS::CloudWatch::Alarm"
            ]
            assert shown == created
            assert len(shown) == (8 if store.settings.canary else 7)


def test_readiness_shows_the_canary_only_where_there_is_one(
    dashboard_templates: dict[str, Any], fleet: FleetConfig
) -> None:
    for dashboard in fleet.dashboards():
        (body,) = bodies(dashboard_templates[dashboard.stack_name])
        for store in dashboard.stores:
            readiness = rows(body)[store.store_id][0]["properties"]
            names = [m[1] for m in readiness["metrics"]]
            expected = ["ModelReadyAtOpening"]
            if store.settings.canary:
                expected.append("ModelAnswersAtOpening")
            assert names == expected
            assert (readiness["start"], readiness["period"], readiness["stat"]) == (
                "-P14D",
                86400,
                "Minimum",
            )


def test_month_to_date_evaluates_on_a_made_up_series(dashboard_templates: dict[str, Any]) -> None:
    """The expressions as written in the body, evaluated on three days of a store running
    13 h a day at one unit, the third day the first of a new month: 13 unit-hours, 52 USD."""
    (body,) = bodies(dashboard_templates["ModelScheduleDashboard-111122223333"])
    month = rows(body)["tokyo-ginza"][3]["properties"]
    assert (month["view"], month["start"], month["period"]) == ("singleValue", "-P32D", 300)
    units, *math = month["metrics"]
    assert units[-1] == {"id": UNITS_ID, "stat": "Average", "visible": False}
    steps = [(m[0]["id"], m[0]["expression"]) for m in math]
    start = datetime(2026, 12, 30, tzinfo=UTC)
    stamps, values = [], []
    for n in range(3 * 24 * 12):
        at = start + timedelta(seconds=n * PERIOD_SECONDS)
        stamps.append(int(at.timestamp()))
        in_service = timedelta(hours=6, minutes=30) <= at - at.replace(hour=0, minute=0)
        before_stop = at - at.replace(hour=0, minute=0) < timedelta(hours=19, minutes=30)
        values.append(1.0 if in_service and before_stop else None)
    result = evaluate(steps, {UNITS_ID: Series(tuple(stamps), tuple(values), PERIOD_SECONDS)})
    assert result["unithours"].values[-1] == pytest.approx(13.0)
    assert result["usd"].values[-1] == pytest.approx(52.0)
    shown = [m[0].get("label") for m in math if m[0].get("visible", True)]
    assert shown == ["unit-hours this month (UTC)", "USD this month at 4.00 a unit-hour"]


def test_price_and_home_region_come_from_the_settings() -> None:
    """fleet.dashboard moves the first account's dashboard and prices its figures."""
    fleet = default_fleet()
    fleet["dashboard"] = {
        "homeRegions": {"111122223333": "us-west-2"},
        "usdPerInferenceUnitHour": 3.5,
    }
    templates = synth(cli_context(fleet=fleet))
    app = cdk.App(context=cli_context(fleet=fleet), outdir=tempfile.mkdtemp())
    regions = {s.stack_name: s.region for s in app_module.build(app)}
    assert regions["ModelScheduleDashboard-111122223333"] == "us-west-2"
    (body,) = bodies(templates["ModelScheduleDashboard-111122223333"])
    expressions = [
        m[0]["expression"] for m in rows(body)["tokyo-ginza"][3]["properties"]["metrics"][1:]
    ]
    assert expressions[-1] == "unithours * 3.50"


def test_a_store_selection_builds_no_dashboard() -> None:
    """`cdk deploy -c store=<id>` must find a single stack to deploy."""
    app = cdk.App(context=cli_context(store="tokyo-ginza"), outdir=tempfile.mkdtemp())
    assert [s.stack_name for s in app_module.build(app)] == ["ModelSchedule-tokyo-ginza"]


def test_the_dashboard_stack_references_no_store_stack(dashboard_templates: dict[str, Any]) -> None:
    """Names and ARNs only: no export, import or parameter ties it to a store's stack."""
    for template in dashboard_templates.values():
        text = json.dumps(template)
        assert "Fn::ImportValue" not in text
        assert "Export" not in text
        assert set(template["Resources"]) == {"Dashboard9E4231ED"}  # pinned: a rename replaces it
