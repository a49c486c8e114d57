"""python -m report.pipelines: one line per pipeline, read from its template; a stage that
deploys one stack (actions named Prepare and Deploy alone) and a wave CDK split into stages
`<wave>.1`, `<wave>.2` are counted right."""

from __future__ import annotations

from typing import Any

from report.pipelines import describe


def pipeline(*stages: tuple[str, list[str]]) -> dict[str, Any]:
    fixed = [("Source", ["Source"]), ("Build", ["Synth"]), ("UpdatePipeline", ["SelfMutate"])]
    return {
        "Resources": {
            "Pipeline": {
                "Type": "AWS::CodePipeline::Pipeline",
                "Properties": {
                    "Stages": [
                        {"Name": name, "Actions": [{"Name": a} for a in actions]}
                        for name, actions in [*fixed, *stages]
                    ]
                },
            }
        }
    }


def stacks(*names: str, step: str) -> list[str]:
    return [f"ModelSchedule-{n}.{step}" for n in names]


def test_one_dashboard_is_one_stack_and_a_split_wave_is_one_wave() -> None:
    many = [f"s{i:02d}" for i in range(30)]
    template = pipeline(
        (
            "P-1-Canary",
            [
                "CheckRotations",
                *stacks("a", step="Prepare"),
                *stacks("a", step="Deploy"),
                "CheckAlarms",
                "Approve",
            ],
        ),
        ("P-1-us-west-2.1", stacks(*many, step="Prepare") + stacks(*many[:20], step="Deploy")),
        ("P-1-us-west-2.2", [*stacks(*many[20:], step="Deploy"), "CheckAlarms"]),
        ("P-1-Dashboards", ["Prepare", "Deploy"]),
    )
    assert describe("P-1", template) == (
        "P-1: Canary 1 stack, approval, us-west-2 30 stacks in 2 stages, Dashboards 1 stack "
        "(71 actions in 7 stages)"
    )
