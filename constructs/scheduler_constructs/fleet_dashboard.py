"""An account's fleet dashboard: one row of four widgets per store with a version of its own and
per serving group (its shared version's, titled with its members), in cdk.json's order.

The body is plain data built here and handed to CloudFormation as one JSON string (L1): the
CDK's widget and metric classes would cost several calls into its Node process per store and
add nothing to a body whose every field is known at synth time. How many stores a dashboard
holds, and why, is STORES_PER_DASHBOARD in fleet/config.py.
"""

from __future__ import annotations

import json
from typing import Any

from aws_cdk import aws_cloudwatch as cloudwatch

import verifier_contract
from constructs import Construct
from fleet.config import AccountDashboard, DashboardRow, GroupConfig, row_id
from scheduler_constructs.alarm_specs import alarm_names
from scheduler_constructs.month_to_date_math import PERIOD_SECONDS, UNITS_ID, WINDOW, month_to_date

ROW_HEIGHT = 6
HEADER_HEIGHT = 2
# Widths of a row's widgets on CloudWatch's 24-column grid.
READINESS_WIDTH, UNITS_WIDTH, ALARMS_WIDTH, COST_WIDTH = 7, 7, 5, 5

Widget = dict[str, Any]


def _widget(kind: str, at: tuple[int, int], size: tuple[int, int], **properties: Any) -> Widget:
    (x, y), (width, height) = at, size
    return {
        "type": kind,
        "x": x,
        "y": y,
        "width": width,
        "height": height,
        "properties": properties,
    }


def _metric(namespace: str, name: str, dimensions: dict[str, str], **options: Any) -> list[Any]:
    """A metric in the body's array form: namespace, name, dimension pairs, then options."""
    pairs = [part for pair in dimensions.items() for part in pair]
    return [namespace, name, *pairs, options]


def _title(row: DashboardRow, what: str) -> str:
    """`<store>: <what>`; a serving group's readiness names its members."""
    if isinstance(row, GroupConfig) and what.startswith("at opening"):
        ids = row.member_ids
        members = ", ".join(ids[:3]) + (f" and {len(ids) - 3} more" if len(ids) > 3 else "")
        return f"{row.group_id} (serving group of {members}): {what}"
    return f"{row_id(row)}: {what}"


def _units(store: DashboardRow, **options: Any) -> list[Any]:
    model = store.settings.model
    dimensions = {"ProjectName": model.project_name, "VersionName": model.version_name}
    return _metric("AWS/Rekognition", "InServiceInferenceUnits", dimensions, **options)


def readiness_widget(store: DashboardRow, at: tuple[int, int]) -> Widget:
    """The verifier's verdicts at opening, a point a day for 14 days: 1 yes, 0 no (a group's
    at its first member's opening)."""
    verdict = verifier_contract.Metric
    dimensions = {verifier_contract.STORE_DIMENSION: row_id(store)}
    metrics = [
        _metric(
            verifier_contract.NAMESPACE,
            verdict.MODEL_READY_AT_OPENING,
            dimensions,
            label="ready at opening",
        )
    ]
    if store.settings.canary is not None:
        metrics.append(
            _metric(
                verifier_contract.NAMESPACE,
                verdict.MODEL_ANSWERS_AT_OPENING,
                dimensions,
                label="answers the canary",
            )
        )
    return _widget(
        "metric",
        at,
        (READINESS_WIDTH, ROW_HEIGHT),
        title=_title(store, "at opening, last 14 days"),
        region=store.settings.model.region,
        view="timeSeries",
        stat="Minimum",
        period=86400,
        start="-P14D",
        metrics=metrics,
        yAxis={"left": {"min": 0, "max": 1, "showUnits": False}},
    )


def units_widget(store: DashboardRow, at: tuple[int, int]) -> Widget:
    """What the model bills for right now, from Rekognition itself."""
    return _widget(
        "metric",
        at,
        (UNITS_WIDTH, ROW_HEIGHT),
        title=_title(store, "inference units in service, last 48 hours"),
        region=store.settings.model.region,
        view="timeSeries",
        stat="Maximum",
        period=PERIOD_SECONDS,
        start="-PT48H",
        metrics=[_units(store, label="inference units")],
        yAxis={"left": {"min": 0, "showUnits": False}},
    )


def alarms_widget(dashboard: AccountDashboard, store: DashboardRow, at: tuple[int, int]) -> Widget:
    """The store's alarms by ARN, in its own Region: a dashboard shows alarms of any Region."""
    model = store.settings.model
    prefix = f"arn:{dashboard.partition}:cloudwatch:{model.region}:{model.account}:alarm:"
    names = alarm_names(row_id(store), canary=store.settings.canary is not None)
    return _widget(
        "alarm",
        at,
        (ALARMS_WIDTH, ROW_HEIGHT),
        title=_title(store, "alarms"),
        alarms=[prefix + name for name in names],
    )


def month_to_date_widget(
    dashboard: AccountDashboard, store: DashboardRow, at: tuple[int, int]
) -> Widget:
    """Unit-hours and USD since the first of the month (month_to_date_math.py)."""
    metrics: list[Any] = [_units(store, id=UNITS_ID, stat="Average", visible=False)]
    for step in month_to_date(dashboard.usd_per_unit_hour):
        shown = {"label": step.label} if step.visible else {"visible": False}
        metrics.append([{"expression": step.expression, "id": step.id, **shown}])
    return _widget(
        "metric",
        at,
        (COST_WIDTH, ROW_HEIGHT),
        title=_title(store, "this month (UTC)"),
        region=store.settings.model.region,
        view="singleValue",
        period=PERIOD_SECONDS,
        start=WINDOW,
        metrics=metrics,
    )


def store_row(dashboard: AccountDashboard, store: DashboardRow, y: int) -> list[Widget]:
    units_x = READINESS_WIDTH
    alarms_x = units_x + UNITS_WIDTH
    cost_x = alarms_x + ALARMS_WIDTH
    return [
        readiness_widget(store, (0, y)),
        units_widget(store, (units_x, y)),
        alarms_widget(dashboard, store, (alarms_x, y)),
        month_to_date_widget(dashboard, store, (cost_x, y)),
    ]


def body(dashboard: AccountDashboard) -> dict[str, Any]:
    """The dashboard's body: a header, then a row per store."""
    more = f" Page {dashboard.page} of {dashboard.pages}." if dashboard.pages > 1 else ""
    header = (
        f"## Rekognition model schedules, account {dashboard.account}\n"
        f"Per store, in cdk.json's order: the verifier's verdict at opening (1 = yes), what "
        f"Rekognition bills for now, the store's alarms, and this month's unit-hours and USD "
        f"at {dashboard.usd_per_unit_hour:.2f} USD a unit-hour.{more}"
    )
    if any(isinstance(r, GroupConfig) for r in dashboard.rows):
        header += " A serving group's row is its shared version's (its members' checkouts read it)."
    widgets = [_widget("text", (0, 0), (24, HEADER_HEIGHT), markdown=header)]
    for row, store in enumerate(dashboard.rows):
        widgets.extend(store_row(dashboard, store, HEADER_HEIGHT + row * ROW_HEIGHT))
    # The widgets' own periods hold: the month-to-date math depends on its period.
    return {"periodOverride": "inherit", "widgets": widgets}


class FleetDashboard(Construct):
    """One CloudWatch dashboard (L1) with the body above."""

    def __init__(self, scope: Construct, construct_id: str, *, dashboard: AccountDashboard) -> None:
        super().__init__(scope, construct_id)
        self.dashboard_name = dashboard.dashboard_name
        cloudwatch.CfnDashboard(
            self,
            "Resource",
            dashboard_name=dashboard.dashboard_name,
            dashboard_body=json.dumps(body(dashboard), separators=(",", ":")),
        )
