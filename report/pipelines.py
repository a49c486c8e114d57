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


def describe(name: str, template: dict[str, Any]) -> str | None:
    pipelines = [
        r
        for r in template.get("Resources", {}).values()
        if r["Type"] == "AWS::CodePipeline::Pipeline"
    ]
    if not pipelines:
        return None
    parts = []
    actions = 0
    stages = pipelines[0]["Properties"]["Stages"]
    for stage in stages:
        actions += len(stage["Actions"])
        if stage["Name"] in FIXED:
            continue
        names = [a["Name"] for a in stage["Actions"]]
        stacks = sum(1 for n in names if n.endswith(".Deploy"))
        parts.append(
            f"{stage['Name'].removeprefix(name + '-')} {stacks} stack{'s' * (stacks != 1)}"
        )
        if "Approve" in names:
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
