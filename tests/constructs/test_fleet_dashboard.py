"""The fleet dashboard alone on a bare Stack, with accounts of many stores."""

from __future__ import annotations

import json
from typing import Any

import aws_cdk as cdk
from aws_cdk.assertions import Template

from fleet.config import STORES_PER_DASHBOARD, AccountDashboard
from fleet.reading.loader import load_fleet
from scheduler_constructs.fleet_dashboard import FleetDashboard, body
from tests.groups import GROUP, GROUP_VERSION, grouped_context
from tests.synth import TEST_TODAY, cli_context, default_fleet

# CloudWatch's quotas for one dashboard, and CloudFormation's for one template.
MAX_WIDGETS, MAX_METRICS, MAX_METRICS_PER_WIDGET = 500, 2500, 500
MAX_TEMPLATE_BYTES = 1_000_000


def account_of(count: int, *, canary_every: int = 3) -> tuple[AccountDashboard, ...]:
    """`count` stores in account 111122223333, in two Regions, some with a canary."""
    fleet = default_fleet()
    template = fleet["stores"]["tokyo-ginza"]
    fleet.pop("pipeline", None)  # a generated fleet: no pipeline, no canary store
    fleet["stores"] = {}
    # Each store runs a version of its own at the same hours: the running-models quota raised.
    fleet["quotas"] = {
        "accounts": {"111122223333": {"regions": {"ap-northeast-1": {"runningModels": count}}}}
    }
    context = cli_context(fleet=fleet)
    for n in range(count):
        store = {k: v for k, v in template.items() if k != "canary"}
        if n % canary_every == 0:
            store["canary"] = template["canary"]
        fleet["stores"][f"store-{n:04d}"] = store
        context[f"modelVersionArn:store-{n:04d}"] = (
            "arn:aws:rekognition:ap-northeast-1:111122223333:project/bread-checkout/version/"
            f"bread.v{n:04d}/1761987600000"
        )
    for key in [k for k in context if k.startswith("modelVersionArn:") and "store-" not in k]:
        del context[key]
    return load_fleet(context, today=TEST_TODAY).dashboards()


def metric_count(widget: dict[str, Any]) -> int:
    return len(widget["properties"].get("metrics", []))


def test_a_dashboard_is_one_resource_with_the_body(stack: cdk.Stack) -> None:
    (dashboard,) = account_of(3)
    FleetDashboard(stack, "Dashboard", dashboard=dashboard)
    template = Template.from_stack(stack)
    template.resource_count_is("AWS::CloudWatch::Dashboard", 1)
    resource = next(iter(template.find_resources("AWS::CloudWatch::Dashboard").values()))
    assert resource["Properties"]["DashboardName"] == "rekognition-model-scheduler-111122223333"
    assert json.loads(resource["Properties"]["DashboardBody"]) == body(dashboard)


def test_a_large_account_continues_on_more_dashboards() -> None:
    """250 stores: three dashboards (100, 100, 50 stores), each its own stack, in order."""
    pages = account_of(250)
    assert [len(p.stores) for p in pages] == [STORES_PER_DASHBOARD, STORES_PER_DASHBOARD, 50]
    assert [p.stack_name for p in pages] == [
        "ModelScheduleDashboard-111122223333",
        "ModelScheduleDashboard-111122223333-2",
        "ModelScheduleDashboard-111122223333-3",
    ]
    assert [p.dashboard_name for p in pages][1:] == [
        "rekognition-model-scheduler-111122223333-2",
        "rekognition-model-scheduler-111122223333-3",
    ]
    assert [s.store_id for p in pages for s in p.stores] == [f"store-{n:04d}" for n in range(250)]
    assert "Page 2 of 3" in body(pages[1])["widgets"][0]["properties"]["markdown"]


def test_a_full_dashboard_stays_within_the_quotas(stack: cdk.Stack) -> None:
    """A full page (every store with a canary, the largest rows) fits CloudWatch's widget and
    metric quotas, and its stack fits a CloudFormation template."""
    full = account_of(STORES_PER_DASHBOARD, canary_every=1)[0]
    widgets = body(full)["widgets"]
    assert len(widgets) == 1 + 4 * STORES_PER_DASHBOARD <= MAX_WIDGETS
    assert sum(metric_count(w) for w in widgets) <= MAX_METRICS
    assert max(metric_count(w) for w in widgets) <= MAX_METRICS_PER_WIDGET
    FleetDashboard(stack, "Dashboard", dashboard=full)
    size = len(json.dumps(Template.from_stack(stack).to_json()))
    assert size < MAX_TEMPLATE_BYTES / 2, size


def test_a_serving_group_is_one_row_titled_with_its_members() -> None:
    """Group tokyo where Ginza was: its version's units, its verdicts and alarms by its id; no
    row for a member (it runs no version of its own)."""
    [account] = [
        d
        for d in load_fleet(grouped_context(), today=TEST_TODAY).dashboards()
        if d.account == "111122223333"
    ]
    assert account.row_ids == (GROUP, "seattle-pike-place")
    assert account.store_ids == ("tokyo-ginza", "tokyo-shibuya", "seattle-pike-place")
    widgets = body(account)["widgets"]
    titles = [w["properties"].get("title", "") for w in widgets]
    assert f"{GROUP} (serving group of tokyo-ginza, tokyo-shibuya): at opening, last 14 days" in (
        titles
    )
    assert not any(t.startswith(("tokyo-ginza", "tokyo-shibuya")) for t in titles)
    units = next(
        w
        for w in widgets
        if w["properties"].get("title") == f"{GROUP}: inference units in service, last 48 hours"
    )
    assert units["properties"]["metrics"][0][5] == GROUP_VERSION.split("/version/")[1].split("/")[0]
    alarms = next(w for w in widgets if w["properties"].get("title") == f"{GROUP}: alarms")
    assert all(f":alarm:{GROUP} " in a for a in alarms["properties"]["alarms"])
    assert "A serving group's row is its shared version's" in widgets[0]["properties"]["markdown"]
