"""A copy ./scripts/distribute.sh wrote runs like any version: the store's schedules start it
(the synthesized start names it) and the verifier starts a COPYING_COMPLETED version
(model_status.STARTABLE, tests/lambda/model_verifier/test_start_check.py)."""

from __future__ import annotations

import json
from pathlib import Path

from distribute.__main__ import main
from model_status import STARTABLE, ModelStatus
from tests.distribute.fleet import world_and_cdk_json
from tests.synth import CLI_CONTEXT, synth


def test_a_copy_written_by_the_command_is_started_at_the_next_opening(tmp_path: Path) -> None:
    world, path, source = world_and_cdk_json(tmp_path)
    argv = [source, "tokyo-ginza", "--cdk-json", str(path), "--poll-seconds", "0"]
    assert main(argv, reach=world.reach, sleep=lambda s: None, clock=lambda: 0.0) == 0
    context = json.loads(path.read_text(encoding="utf-8"))["context"]
    copy = context["modelVersionArn:tokyo-ginza"]
    assert "/version/bread-training.2026-12-05T09.00.00/" in copy
    template = synth({**context, **CLI_CONTEXT, "store": "tokyo-ginza"})[
        "ModelSchedule-tokyo-ginza"
    ]
    starts = [
        json.loads(r["Properties"]["Target"]["Input"])
        for r in template["Resources"].values()
        if r["Type"] == "AWS::Scheduler::Schedule"
        and "startProjectVersion" in json.dumps(r["Properties"]["Target"]["Arn"])
    ]
    assert starts
    assert {s["ProjectVersionArn"] for s in starts} == {copy}
    # Its status after the copy: one the verifier starts.
    [status] = {v.status for p in world.projects.values() for v in p.values() if v.arn == copy}
    assert status == ModelStatus.COPYING_COMPLETED
    assert status in STARTABLE
