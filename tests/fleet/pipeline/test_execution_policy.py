"""The CloudFormation execution policy for the store accounts' bootstrap covers every resource
type the stacks hold, and fits in an IAM managed policy."""

from __future__ import annotations

import json
from typing import Any

import pytest

from fleet.pipeline.execution_policy import BY_TYPE, execution_policy, main

# IAM's limit for a managed policy document, without whitespace.
MAX_CHARACTERS = 6144


def test_every_resource_type_of_the_stacks_is_covered(
    all_templates: dict[str, dict[str, Any]],
) -> None:
    types = {r["Type"] for t in all_templates.values() for r in t["Resources"].values()} - {
        "AWS::CDK::Metadata"
    }
    assert types <= set(BY_TYPE), sorted(types - set(BY_TYPE))


def test_it_fits_an_iam_managed_policy() -> None:
    text = json.dumps(execution_policy(), separators=(",", ":"))
    assert len(text) <= MAX_CHARACTERS
    sids = [s["Sid"] for s in execution_policy()["Statement"]]
    assert len(sids) == len(set(sids))


def test_only_key_creation_is_on_every_resource() -> None:
    """A wildcard resource only where the action has none to name (kms:CreateKey)."""
    for statement in execution_policy("aws-cn")["Statement"]:
        resources = statement["Resource"]
        for resource in resources if isinstance(resources, list) else [resources]:
            assert resource == "*" or resource.startswith("arn:aws-cn:"), statement["Sid"]
            if resource == "*":
                assert statement["Sid"] == "Keys"


@pytest.mark.xdist_group("serving-groups")  # grouped_templates: made once
def test_a_serving_groups_stack_and_resources_are_allowed(
    grouped_templates: dict[str, dict[str, Any]],
) -> None:
    """What CloudFormation names after a stack (roles, functions, queues...) is allowed for
    ModelServing-<group> as for ModelSchedule-<store>, and its resource types are covered."""
    templates = grouped_templates
    types = {r["Type"] for r in templates["ModelServing-tokyo"]["Resources"].values()} - {
        "AWS::CDK::Metadata"
    }
    assert types <= set(BY_TYPE), sorted(types - set(BY_TYPE))
    by_sid = {s["Sid"]: s["Resource"] for s in execution_policy()["Statement"]}
    assert "arn:aws:iam::*:role/ModelServing-*" in by_sid["Roles"]
    assert "arn:aws:lambda:*:*:function:ModelServing-*" in by_sid["Functions"]
    assert "arn:aws:sqs:*:*:ModelServing-*" in by_sid["Queues"]


def test_the_command_prints_it(capsys: Any) -> None:
    assert main([]) == 0
    assert json.loads(capsys.readouterr().out) == execution_policy()
