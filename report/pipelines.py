"""python -m report.pipelines cdk.out: one line per synthesized pipeline, read from its template:
its waves in order, how many stacks each deploys, where the approval is."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from report.templates import assembly_templates

# CDK Pipelines' own stages, before the waves.
FIXED = ("Source", "Build", "UpdatePipeline", "Assets")


def _wave(stage: str) -> str:
    """CDK splits a wave over 50 actions into stages `<wave>.1`, `<wave>.2`: one wave."""
    head, dot, tail = stage.rpartition(".")
    return head if dot and tail.isdigit() else stage


def _deploys(action: str) -> bool:
    # `<stack>.Deploy`, or a bare `Deploy` when a stage deploys one stack and nothing else.
    return action == "Deploy" or action.endswith(".Deploy")


def describe(name: str, template: dict[str, Any]) -> str | None:
    pipelines = [
        r
        for r in template.get("Resources", {}).values()
        if r["Type"] == "AWS::CodePipeline::Pipeline"
    ]
    if not pipelines:
        return None
    stages = pipelines[0]["Properties"]["Stages"]
    actions = sum(len(stage["Actions"]) for stage in stages)
    # Wave by wave, in order: its stacks, its stages, whether the approval follows it.
    waves: dict[str, list[int]] = {}
    approvals: set[str] = set()
    for stage in stages:
        if stage["Name"] in FIXED:
            continue
        wave = _wave(stage["Name"])
        names = [a["Name"] for a in stage["Actions"]]
        counted = waves.setdefault(wave, [0, 0])
        counted[0] += sum(1 for n in names if _deploys(n))
        counted[1] += 1
        if "Approve" in names:
            approvals.add(wave)
    parts = []
    for wave, (stacks, parts_of_it) in waves.items():
        split = f" in {parts_of_it} stages" if parts_of_it > 1 else ""
        parts.append(f"{wave.removeprefix(name + '-')} {stacks} stack{'s' * (stacks != 1)}{split}")
        if wave in approvals:
            parts.append("approval")
    return f"{name}: {', '.join(parts)} ({actions} actions in {len(stages)} stages)"


def main(argv: list[str]) -> int:
    for path in assembly_templates(Path(argv[0] if argv else "cdk.out")):
        line = describe(path.name.removesuffix(".template.json"), json.loads(path.read_text()))
        if line:
            print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
