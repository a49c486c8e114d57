"""A fleet whose eight targets are trained in one project: four in account 111122223333 (Ginza,
serving group tokyo-east, and two stores sharing one project), three in 444455556666 and one in
the source's own account 999988887777, all in ap-northeast-1; and the world they run in."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.distribute.fake_aws import World
from tests.rotate.test_labels import summary
from tests.synth import ROOT

REGION = "ap-northeast-1"
A, B, SOURCE_ACCOUNT = "111122223333", "444455556666", "999988887777"
TRAINING = f"arn:aws:rekognition:{REGION}:{SOURCE_ACCOUNT}:project/bread-training/1760000000000"
SOURCE_NAME = "bread-training.2026-12-05T09.00.00"


def project(account: str, name: str) -> str:
    return f"arn:aws:rekognition:{REGION}:{account}:project/{name}/1761900000000"


# Target id -> (account, project name, kind).
TARGETS = {
    "tokyo-ginza": (A, "bread-checkout", "store"),
    "tokyo-east": (A, "bread-east", "group"),
    "a-3": (A, "bread-a", "store"),
    "a-4": (A, "bread-a", "store"),
    "b-1": (B, "bread-b1", "store"),
    "b-2": (B, "bread-b", "store"),
    "b-3": (B, "bread-b", "store"),
    "s-1": (SOURCE_ACCOUNT, "bread-s", "store"),
}
GOOD = summary(("メロンパン", 0.95, 0.80, 40), ("あんぱん", 0.93, 0.817, 35))
NEW = summary(("メロンパン", 0.96, 0.79, 40), ("あんぱん", 0.94, 0.82, 35))
# b-2's current version knows あんぱん far better than the new one: the copy is refused.
BETTER = summary(("メロンパン", 0.95, 0.80, 40), ("あんぱん", 0.999, 0.817, 35))


def world_and_cdk_json(tmp_path: Path) -> tuple[World, Path, str]:
    """The world (each target's current version, the source) and a cdk.json naming them."""
    world = World()
    document: dict[str, Any] = json.loads((ROOT / "cdk.json").read_text(encoding="utf-8"))
    context = document["context"]
    fleet = context["fleet"]
    fleet.pop("pipeline", None)
    del context["modelVersionArn:tokyo-ginza"]
    fleet["quotas"] = {
        "accounts": {account: {"regions": {REGION: {"runningModels": 10}}} for account in (A, B)}
    }
    fleet["groups"] = {}
    for target, (account, name, kind) in TARGETS.items():
        arn = world.add_version(
            project(account, name), f"{name}.{target}.v1", 0.94, BETTER if target == "b-2" else GOOD
        )
        context[f"modelVersionArn:{target}"] = arn
        own = {"projectArn": project(account, name), "sourceProjectArn": TRAINING}
        if kind == "group":
            fleet["groups"][target] = own
            for member in ("east-1", "east-2"):
                fleet["stores"][member] = {"group": target}
        elif target == "tokyo-ginza":
            fleet["stores"][target].update(own)
        else:
            fleet["stores"][target] = own
    source = world.add_version(TRAINING, SOURCE_NAME, 0.95, NEW, status="TRAINING_COMPLETED")
    path = tmp_path / "cdk.json"
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return world, path, source
