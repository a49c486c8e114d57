"""Rotating a serving group: `./scripts/rotate.sh <group-id> <ARN>` runs the same pre-flight and
edits the one value `modelVersionArn:<group-id>`; the diff is the group's stack and its
members'. A member is not rotated on its own."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from botocore.stub import Stubber

from tests.groups import GROUP, grouped_fleet
from tests.rotate.conftest import CURRENT, NEW, Rotation
from tests.synth import ROOT

MEMBERS = ["tokyo-ginza", "tokyo-shibuya"]


@pytest.fixture
def group_rotation(tmp_path: Path) -> Iterator[Rotation]:
    """cdk.json with the group `tokyo` (Ginza and Shibuya) on the version Ginza ran alone."""
    data = json.loads((ROOT / "cdk.json").read_text(encoding="utf-8"))
    data["context"]["fleet"] = grouped_fleet()
    del data["context"]["modelVersionArn:tokyo-ginza"]
    data["context"][f"modelVersionArn:{GROUP}"] = CURRENT
    path = tmp_path / "cdk.json"
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    client = boto3.client("rekognition", region_name="ap-northeast-1")
    with Stubber(client) as stub:
        yield Rotation(path, client, stub)
        stub.assert_no_pending_responses()


def test_a_group_rotates_its_one_value_and_diffs_its_stacks(
    group_rotation: Rotation, capsys: pytest.CaptureFixture[str]
) -> None:
    """Checked against AWS like a store's rotation; only modelVersionArn:tokyo changes; cdk diff
    runs for ModelServing-tokyo and both members' stacks, which the next step deploys."""
    before = group_rotation.cdk_json.read_text(encoding="utf-8")
    group_rotation.versions((CURRENT, "RUNNING", 0.941), (NEW, "TRAINING_COMPLETED", 0.952))
    assert group_rotation.main(GROUP, NEW) == 0
    assert group_rotation.cdk_json.read_text(encoding="utf-8") == before.replace(CURRENT, NEW)
    stacks = [f"ModelServing-{GROUP}", *(f"ModelSchedule-{m}" for m in MEMBERS)]
    selection = ",".join([GROUP, *MEMBERS])
    assert group_rotation.commands == [["diff", "-c", f"store={selection}", *stacks]]
    out = capsys.readouterr().out
    assert f"rotate: cdk.json: modelVersionArn:{GROUP} = {NEW}" in out
    assert f"./scripts/cdk deploy {' '.join(stacks)}" in out


def test_a_groups_rotation_is_refused_like_a_stores(group_rotation: Rotation) -> None:
    """The pre-flight is the same: a lower F1 than maxF1Drop allows is refused."""
    before = group_rotation.cdk_json.read_text(encoding="utf-8")
    group_rotation.versions((CURRENT, "RUNNING", 0.941), (NEW, "TRAINING_COMPLETED", 0.90))
    assert group_rotation.main(GROUP, NEW) == 1
    assert group_rotation.cdk_json.read_text(encoding="utf-8") == before


def test_offline_diffs_each_stack_against_its_template_before(group_rotation: Rotation) -> None:
    assert group_rotation.main(GROUP, NEW, "--offline") == 0
    synths = [c for c in group_rotation.commands if c[0] == "synth"]
    diffs = [c for c in group_rotation.commands if c[0] == "diff"]
    assert len(synths) == 2
    assert [d[-1] for d in diffs] == [
        f"ModelServing-{GROUP}",
        *(f"ModelSchedule-{m}" for m in MEMBERS),
    ]


def test_a_member_is_rotated_through_its_group(
    group_rotation: Rotation, capsys: pytest.CaptureFixture[str]
) -> None:
    assert group_rotation.main("tokyo-shibuya", NEW) == 2
    assert capsys.readouterr().err.strip() == (
        f"rotate: store tokyo-shibuya is a member of serving group {GROUP} and runs the group's "
        f"version: rotate the group, ./scripts/rotate.sh {GROUP} {NEW}"
    )
