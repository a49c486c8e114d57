"""Rotating a store's model version changes the schedules' inputs, the cost guard's metric and
the model handle's value, and nothing else: no IAM, no logical ID, no other store."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tests.synth import cli_context, synth

ROTATED = (
    "arn:aws:rekognition:ap-northeast-1:111122223333:project/bread-checkout/version/"
    "bread-checkout.2026-12-01T09.00.00/1764579600000"
)


def leaves(node: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """Every (path, value) of a JSON document; aws_cdk.assertions matches, it does not diff."""
    if isinstance(node, dict):
        for key, child in node.items():
            yield from leaves(child, f"{path}/{key}")
    elif isinstance(node, list):
        for index, child in enumerate(node):
            yield from leaves(child, f"{path}/{index}")
    else:
        yield path, node


def differences(a: dict[str, Any], b: dict[str, Any]) -> set[str]:
    left, right = dict(leaves(a)), dict(leaves(b))
    return {
        path
        for path in left.keys() | right.keys()
        if left.get(path) != right.get(path) or (path in left) != (path in right)
    }


def test_rotation_touches_only_inputs_and_the_guard(all_templates: dict[str, Any]) -> None:
    """Same project, new version: the start/stop inputs, the verifier's inputs (which name the
    version and protect it from the sweep), the version the cost guard watches, and the model
    handle the checkout reads (in the same deployment); and in the account's dashboard, the
    version whose inference units it shows."""
    rotated = synth(cli_context(**{"modelVersionArn:tokyo-ginza": ROTATED}))
    assert rotated.keys() == all_templates.keys()
    for name, template in all_templates.items():
        changed = differences(template, rotated[name])
        if name == "ModelScheduleDashboard-111122223333":
            (body,) = changed
            assert body.endswith("/Properties/DashboardBody")
            before = template["Resources"][body.split("/")[2]]["Properties"]["DashboardBody"]
            after = rotated[name]["Resources"][body.split("/")[2]]["Properties"]["DashboardBody"]
            old_version = "bread-checkout.2026-11-01T09.00.00"
            assert after == before.replace(old_version, ROTATED.split("/")[-2])
        elif name == "ModelSchedule-tokyo-ginza":
            schedules = [
                lid
                for lid, body in template["Resources"].items()
                if body["Type"] == "AWS::Scheduler::Schedule"
                and body["Properties"]["Name"] != "horizon-reminder"
            ]
            # start, stop, start check, opening check: 5 schedules each around the new year's
            # closure; closing check: 1. The horizon's reminder names no version.
            assert len(schedules) == 21
            assert changed == {
                *(f"/Resources/{lid}/Properties/Target/Input" for lid in schedules),
                "/Resources/AlarmsModelBillingOutsideHoursCE275594/Properties/Metrics/1/"
                "MetricStat/Metric/Dimensions/1/Value",
                "/Resources/CheckoutModelHandle9CBF5B79/Properties/Value",
            }
            assert (
                ROTATED
                in rotated[name]["Resources"]["ModelScheduleStop0F41E678"]["Properties"]["Target"][
                    "Input"
                ]
            )
        else:
            assert changed == set(), name


def test_the_difference_check_can_fail() -> None:
    """`differences` sees a changed leaf deep in a list."""
    assert differences({"a": [{"b": 1}]}, {"a": [{"b": 2}]}) == {"/a/0/b"}
