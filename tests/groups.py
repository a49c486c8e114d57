"""A fleet with a serving group, for the tests of groups: cdk.json's default fleet with Ginza and
a new Shibuya store sharing the version of group `tokyo` (the pipeline block left out)."""

from __future__ import annotations

from typing import Any

from tests.synth import cli_context, default_fleet

GROUP = "tokyo"
GROUP_VERSION = (
    "arn:aws:rekognition:ap-northeast-1:111122223333:project/bread-checkout/version/"
    "bread-checkout.2026-12-01T09.00.00/1764579600000"
)
GROUP_PROJECT = (
    "arn:aws:rekognition:ap-northeast-1:111122223333:project/bread-checkout/1761900000000"
)


def grouped_fleet() -> dict[str, Any]:
    fleet = default_fleet()
    fleet.pop("pipeline", None)
    ginza = fleet["stores"]["tokyo-ginza"]
    fleet["groups"] = {
        GROUP: {
            "projectArn": ginza.pop("projectArn"),
            "canary": ginza.pop("canary"),
            "minInferenceUnits": 2,
            "maxInferenceUnits": 3,
            "minConfidence": 80,
        }
    }
    ginza["group"] = GROUP
    fleet["stores"]["tokyo-shibuya"] = {
        "group": GROUP,
        "opens": "10:00",
        "closes": "21:00",
        "openDays": ["MON", "TUE", "WED", "THU", "FRI", "SAT"],
        "closedDates": ["2027-01-01..2027-01-02"],
    }
    return fleet


def grouped_context(fleet: dict[str, Any] | None = None, **overrides: Any) -> dict[str, Any]:
    """The grouped fleet's context; `overrides` act like `-c key=value`."""
    context = cli_context(fleet=fleet or grouped_fleet())
    del context["modelVersionArn:tokyo-ginza"]
    context[f"modelVersionArn:{GROUP}"] = GROUP_VERSION
    context.update(overrides)
    return context
