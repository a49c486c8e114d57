"""./scripts/distribute.sh against an in-process Rekognition and S3 (tests/distribute/fake_aws.py):
eight targets in two destination accounts and the source's own, the source project's policies
packed over two documents, one copy failing, one target refused by its per-label check, an
interrupted run run again, a concurrent policy change, an account that cannot be reached, and
--dry-run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from distribute import policies
from distribute.__main__ import main
from distribute.policies import MAX_CHARS, documents
from fleet.names import COPY_POLICY_PREFIX
from tests.distribute.fake_aws import World
from tests.distribute.fleet import (
    NEW,
    SOURCE_NAME,
    TARGETS,
    TRAINING,
    A,
    B,
    world_and_cdk_json,
)


def run(world: World, path: Path, *argv: str) -> int:
    return main(
        [*argv, "--cdk-json", str(path), "--poll-seconds", "0"],
        reach=world.reach,
        sleep=lambda seconds: None,
        clock=lambda: 0.0,
    )


def context(path: Path) -> dict[str, Any]:
    document: dict[str, dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    return document["context"]


@pytest.fixture
def setup(tmp_path: Path) -> tuple[World, Path, str]:
    return world_and_cdk_json(tmp_path)


def test_a_whole_distribution(
    setup: tuple[World, Path, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Eight targets: six written in one edit, a-4's copy failed, b-2 refused by its labels;
    two policies (one per destination account, each document held to 300 characters)."""
    world, path, source = setup
    world.failing_copies[f"{SOURCE_NAME}-a-4"] = "The training results could not be copied."
    monkeypatch.setattr(policies, "MAX_CHARS", 300)
    before = path.read_text(encoding="utf-8")
    assert run(world, path, source) == 1
    out = capsys.readouterr().out
    written = context(path)
    for target in TARGETS:
        key = f"modelVersionArn:{target}"
        if target in ("a-4", "b-2"):
            assert written[key] == json.loads(before)["context"][key], target
        else:
            assert "/version/bread-training.2026-12-05T09.00.00" in written[key], target
    # One edit: every other line as it was.
    changed = [
        (old, new)
        for old, new in zip(before.splitlines(), path.read_text().splitlines(), strict=True)
        if old != new
    ]
    assert len(changed) == 6
    names = sorted(world.policies[TRAINING])
    assert names == [f"{COPY_POLICY_PREFIX}1", f"{COPY_POLICY_PREFIX}2"]
    assert "failed: COPYING_FAILED: The training results could not be copied." in out
    assert "refused: label 'あんぱん'" in out
    assert out.splitlines()[-9].split() == ["target", "account", "copy", "outcome"]
    # Two targets share project bread-a (and bread-b): their copies carry their ids.
    copies = [p["VersionName"] for _, op, p in world.calls if op == "copy_project_version"]
    assert {f"{SOURCE_NAME}-a-3", f"{SOURCE_NAME}-a-4", SOURCE_NAME} <= set(copies)
    # Policies are written in the source's account, for the two others' roles only.
    principals = [
        p
        for _, doc in world.policies[TRAINING].values()
        for p in json.loads(doc)["Statement"][0]["Principal"]["AWS"]
    ]
    assert principals == [
        f"arn:aws:iam::{A}:role/rekognition-model-copier",
        f"arn:aws:iam::{B}:role/rekognition-model-copier",
    ]
    assert max(world.most_at_once.values()) <= 5


def test_a_run_interrupted_after_three_copies_does_not_copy_twice(
    setup: tuple[World, Path, str],
) -> None:
    world, path, source = setup
    world.interrupt_after_copies = 3
    with pytest.raises(KeyboardInterrupt):
        run(world, path, source)
    world.interrupt_after_copies = None
    assert run(world, path, source) == 1  # b-2 is refused by its labels
    copies = [
        (p["DestinationProjectArn"], p["VersionName"])
        for _, op, p in world.calls
        if op == "copy_project_version"
    ]
    # The fourth call was the interrupted one (it never reached Rekognition's copy).
    made = copies[:3] + copies[4:]
    assert len(made) == len(set(made)) == len(TARGETS)


def test_a_concurrent_policy_change_stops_the_other_accounts_only(
    setup: tuple[World, Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    world, path, source = setup
    world.policy_race = True
    assert run(world, path, source) == 1
    out = capsys.readouterr().out
    assert out.count("changed while this run wrote them") == 7  # every target outside S
    assert "modelVersionArn:s-1" in context(path)
    assert "bread-training" in context(path)["modelVersionArn:s-1"]


def test_an_account_that_cannot_be_reached_is_one_line_and_the_others_go_on(
    setup: tuple[World, Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    world, path, source = setup
    world.unreachable[B] = "no credentials for role rekognition-model-copier"
    assert run(world, path, source) == 1
    out = capsys.readouterr().out
    assert out.count(f"not reached: account {B}: no credentials") == 3
    assert "bread-training" in context(path)["modelVersionArn:tokyo-ginza"]
    assert not any(account == B for account, _ in world.changed())


def test_a_dry_run_changes_nothing(
    setup: tuple[World, Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    world, path, source = setup
    before = path.read_text(encoding="utf-8")
    assert run(world, path, source, "--dry-run") == 0
    out = capsys.readouterr().out
    assert world.changed() == []
    assert path.read_text(encoding="utf-8") == before
    assert f"policy {COPY_POLICY_PREFIX}1: would create" in out
    assert out.count("would copy into") == len(TARGETS)


def test_named_targets_and_flags_after_the_arguments(
    setup: tuple[World, Path, str],
) -> None:
    world, path, source = setup
    assert run(world, path, "b-2", source, "--accept-lower-label-f1") == 2  # the ARN comes first
    assert (
        main(
            [
                source,
                "b-2",
                "--accept-lower-label-f1",
                "--cdk-json",
                str(path),
                "--poll-seconds",
                "0",
            ],
            reach=world.reach,
            sleep=lambda seconds: None,
            clock=lambda: 0.0,
        )
        == 0
    )
    assert "bread-training" in context(path)["modelVersionArn:b-2"]
    assert {p["VersionName"] for _, op, p in world.calls if op == "copy_project_version"} == {
        f"{SOURCE_NAME}-b-2"  # b-2 shares its project with b-3: the name says whose
    }


@pytest.mark.parametrize(
    ("ids", "says"),
    [
        (["east-1"], "east-1 is a member of serving group tokyo-east"),
        (["nowhere"], "nowhere is no store or serving group of cdk.json"),
        (["seattle-pike-place"], "store seattle-pike-place's sourceProjectArn is not set"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    setup: tuple[World, Path, str], capsys: pytest.CaptureFixture[str], ids: list[str], says: str
) -> None:
    world, path, source = setup
    assert run(world, path, source, *ids) == 2
    assert says in capsys.readouterr().out
    assert world.calls == []


def test_policies_pack_principals_within_2000_characters() -> None:
    roles = [f"arn:aws:iam::{n:012d}:role/{'r' * 64}" for n in range(30)]
    packed = documents(f"{TRAINING.rsplit('/', 1)[0]}/version/v/1", roles)
    assert len(packed) == 2
    assert all(len(text) <= MAX_CHARS for text in packed)
    principals = [
        p for text in packed for p in json.loads(text)["Statement"][0]["Principal"]["AWS"]
    ]
    assert principals == roles


def test_prune_deletes_old_copies_but_the_newest_unnamed(
    setup: tuple[World, Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    """Three versions distributed to b-1 in turn: after the third with --prune, its project
    keeps the third (named) and the second (to rotate back to); the first copy is deleted, and
    the version it ran before the copies (not a copy) is left alone."""
    world, path, source = setup
    names = [f"bread-training.2026-12-0{day}T09.00.00" for day in (5, 6, 7)]
    for n, name in enumerate(names):
        arn = source
        if n:
            arn = world.add_version(TRAINING, name, 0.95, NEW, status="TRAINING_COMPLETED")
        assert run(world, path, arn, "b-1", *(["--prune"] if n == 2 else [])) == 0
    project = next(p for p in world.projects if "bread-b1" in p)
    assert sorted(world.projects[project]) == sorted(["bread-b1.b-1.v1", names[1], names[2]])
    assert "prune: deleted " in capsys.readouterr().out


def test_a_source_no_target_names_is_bad_input(
    setup: tuple[World, Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    world, path, _ = setup
    other = "arn:aws:rekognition:ap-northeast-1:999988887777:project/other/version/v1/1765000000000"
    assert run(world, path, other) == 2
    assert "no store or serving group names project other" in capsys.readouterr().out
    assert world.calls == []
