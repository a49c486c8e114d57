"""The rotation check on a serving group: what runs is read from its members' deployed handles;
a group's rotation is checked once, and a store joining a group is a rotation of that store
(from its own version to the group's), accepted under the group's id."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from fleet.reading.loader import load_fleet
from pipeline_checks import rotations
from pipeline_checks.rotations import decide, subjects
from tests.groups import GROUP, GROUP_VERSION, grouped_context
from tests.pipeline_checks.test_rotations import BEFORE, NEW, WORSE, Stubs
from tests.synth import ROOT, TEST_TODAY

FLEET = load_fleet(grouped_context(), today=TEST_TODAY)
[SUBJECT] = subjects(FLEET, {GROUP})
GROUP_NAME = "bread-checkout.2026-12-01T09.00.00"
GINZA_NAME = "bread-checkout.2026-11-01T09.00.00"  # Ginza's own version before it joined


def test_a_group_is_one_subject_and_a_member_named_brings_it() -> None:
    assert (SUBJECT.label, SUBJECT.owner_id, SUBJECT.handles) == (
        f"serving group {GROUP}",
        GROUP,
        ("tokyo-ginza", "tokyo-shibuya"),
    )
    assert [s.owner_id for s in subjects(FLEET, {"tokyo-shibuya"})] == [GROUP]
    assert [s.owner_id for s in subjects(FLEET, set())] == [
        "seattle-pike-place",
        "sydney-central",
        GROUP,
    ]


def test_a_group_whose_members_run_its_version_is_not_checked(stubs: Stubs) -> None:
    stubs.deployed(GROUP_VERSION, "tokyo-ginza")
    stubs.deployed(GROUP_VERSION, "tokyo-shibuya")
    assert decide(SUBJECT, stubs.clients, frozenset()) == []


def test_a_group_rotation_is_checked_once_for_the_version_its_members_run(stubs: Stubs) -> None:
    old = NEW  # the group ran Ginza's former version; cdk.json names a new one
    stubs.deployed(old, "tokyo-ginza")
    stubs.deployed(old, "tokyo-shibuya")
    stubs.versions(old=old, new=GROUP_VERSION)
    stubs.summaries(BEFORE, WORSE, GINZA_NAME, GROUP_NAME)
    [line] = decide(SUBJECT, stubs.clients, frozenset())
    assert line.startswith(
        f"serving group {GROUP} (deployed for tokyo-ginza, tokyo-shibuya): label 'あんぱん'"
    )


def test_a_store_joining_a_group_is_a_rotation_of_that_store(stubs: Stubs) -> None:
    """Ginza still runs its own version; Shibuya is new (not deployed): one check, Ginza's."""
    stubs.deployed(NEW, "tokyo-ginza")
    stubs.deployed(None, "tokyo-shibuya")
    stubs.versions(old=NEW, new=GROUP_VERSION)
    stubs.summaries(BEFORE, WORSE, GINZA_NAME, GROUP_NAME)
    [line] = decide(SUBJECT, stubs.clients, frozenset())
    assert line.startswith(f"serving group {GROUP} (deployed for tokyo-ginza): label")


@pytest.mark.parametrize(("accept", "status"), [(None, 1), (["lower-label-f1"], 0)])
def test_the_pipeline_step_accepts_under_the_groups_id(
    stubs: Stubs, tmp_path: Path, capsys: pytest.CaptureFixture[str], accept: Any, status: int
) -> None:
    stubs.deployed(NEW, "tokyo-ginza")
    stubs.deployed(NEW, "tokyo-shibuya")
    stubs.versions(old=NEW, new=GROUP_VERSION)
    stubs.summaries(BEFORE, WORSE, GINZA_NAME, GROUP_NAME)
    document = json.loads((ROOT / "cdk.json").read_text(encoding="utf-8"))
    context = document["context"]
    pipeline = {**context["fleet"]["pipeline"], "canary": GROUP}
    if accept:
        pipeline["acceptRotations"] = {GROUP: {"modelVersionArn": GROUP_VERSION, "accept": accept}}
    context["fleet"] = {**grouped_context()["fleet"], "pipeline": pipeline}
    del context["modelVersionArn:tokyo-ginza"]
    context[f"modelVersionArn:{GROUP}"] = GROUP_VERSION
    path = tmp_path / "cdk.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    argv = ["--stores", GROUP, "--cdk-json", str(path)]
    assert rotations.main(argv, connect=lambda store: stubs.clients) == status
    out = capsys.readouterr().out
    if status:
        assert out.startswith(f"REFUSED serving group {GROUP} (deployed for tokyo-ginza, ")
    else:
        assert "0 stores and 1 serving group checked, nothing refused" in out
