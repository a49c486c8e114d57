"""Where a version comes from: a store's or group's sourceProjectArn (same Region, any account,
not its own project) and fleet.distribution.roleName; each misuse one line."""

from __future__ import annotations

from typing import Any

import pytest

from fleet.reading.errors import ConfigError
from fleet.reading.loader import load_fleet
from tests.groups import GROUP, grouped_context, grouped_fleet
from tests.synth import TEST_TODAY, cli_context, default_fleet

TRAINING = "arn:aws:rekognition:ap-northeast-1:999988887777:project/bread-training/1760000000000"
GINZA_PROJECT = (
    "arn:aws:rekognition:ap-northeast-1:111122223333:project/bread-checkout/1761900000000"
)


def problems(context: dict[str, Any]) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_fleet(context, today=TEST_TODAY)
    return caught.value.problems


def test_a_store_and_a_group_name_their_source_project() -> None:
    fleet = default_fleet()
    fleet["stores"]["tokyo-ginza"]["sourceProjectArn"] = TRAINING
    loaded = load_fleet(cli_context(fleet=fleet), today=TEST_TODAY)
    ginza = next(s for s in loaded.stores if s.store_id == "tokyo-ginza")
    assert ginza.settings.source_project_arn == TRAINING
    assert loaded.distribution.role_name == "rekognition-model-copier"
    grouped = grouped_fleet()
    grouped["groups"][GROUP]["sourceProjectArn"] = TRAINING
    [group] = load_fleet(grouped_context(grouped), today=TEST_TODAY).groups
    assert group.settings.source_project_arn == TRAINING


@pytest.mark.parametrize(
    ("value", "says"),
    [
        (
            TRAINING.replace("ap-northeast-1", "us-west-2"),
            "is in us-west-2, not in ap-northeast-1 where the model runs: CopyProjectVersion "
            "copies within a Region",
        ),
        (GINZA_PROJECT, "is the model's own project (projectArn): a version trained there"),
        ("bread-training", "is not a Rekognition Custom Labels project ARN"),
    ],
)
def test_a_misused_source_project_is_one_line(value: str, says: str) -> None:
    fleet = default_fleet()
    fleet["stores"]["tokyo-ginza"]["sourceProjectArn"] = value
    [line] = problems(cli_context(fleet=fleet))
    assert line.startswith("fleet.stores.tokyo-ginza.sourceProjectArn = "), line
    assert says in line, line


def test_a_members_source_project_is_its_groups() -> None:
    fleet = grouped_fleet()
    fleet["stores"]["tokyo-shibuya"]["sourceProjectArn"] = TRAINING
    [line] = problems(grouped_context(fleet))
    assert line.startswith("fleet.stores.tokyo-shibuya.sourceProjectArn"), line
    assert GROUP in line


def test_a_bad_role_name_is_one_line() -> None:
    fleet = default_fleet()
    fleet["distribution"] = {"roleName": "copier role"}
    [line] = problems(cli_context(fleet=fleet))
    assert line.startswith('fleet.distribution.roleName = "copier role": must be an IAM role name')
