"""The destination accounts' stacks of ./scripts/distribute.sh: one per account and Region with
a store or group whose sourceProjectArn is set (a copies bucket), the account's role in its
first Region only, trusted by the source projects' accounts; no stack for the default fleet."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest

from fleet.names import copies_bucket_name
from fleet.pipeline.execution_policy import BY_TYPE, execution_policy
from fleet.reading.loader import load_fleet
from stacks.distribution_stack import ModelScheduleDistributionStack
from stacks.fleet_app import add_checks
from tests.stacks.test_nag import CONTROL_TOWER, findings, withheld
from tests.synth import TEST_TODAY, cli_context, default_fleet, synth

A, B, S = "111122223333", "444455556666", "999988887777"
TRAINING = f"arn:aws:rekognition:ap-northeast-1:{S}:project/bread-training/1760000000000"
TRAINING_US = TRAINING.replace("ap-northeast-1", "us-west-2")
# Sydney's source is a project of its own account: no role there.
TRAINING_AU = f"arn:aws:rekognition:ap-southeast-2:{B}:project/bread-training-au/1760000000000"


def with_sources() -> dict[str, Any]:
    fleet = default_fleet()
    fleet["stores"]["tokyo-ginza"]["sourceProjectArn"] = TRAINING
    fleet["stores"]["seattle-pike-place"]["sourceProjectArn"] = TRAINING_US
    fleet["stores"]["sydney-central"]["sourceProjectArn"] = TRAINING_AU
    return cli_context(fleet=fleet)


@pytest.fixture(scope="session")
def templates() -> dict[str, dict[str, Any]]:
    return {k: v for k, v in synth(with_sources()).items() if "Distribution" in k}


def _of_type(template: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [r["Properties"] for r in template["Resources"].values() if r["Type"] == kind]


def test_one_stack_per_account_and_region_with_a_source(
    templates: dict[str, dict[str, Any]], all_templates: dict[str, dict[str, Any]]
) -> None:
    assert sorted(templates) == [
        f"ModelScheduleDistribution-{A}-ap-northeast-1",
        f"ModelScheduleDistribution-{A}-us-west-2",
        f"ModelScheduleDistribution-{B}-ap-southeast-2",
    ]
    assert not [k for k in all_templates if "Distribution" in k]


def test_the_bucket_is_named_from_its_place_s3_encrypted_and_tls_only(
    templates: dict[str, dict[str, Any]],
) -> None:
    for name, template in templates.items():
        account, region = name.removeprefix("ModelScheduleDistribution-").split("-", 1)
        [bucket] = _of_type(template, "AWS::S3::Bucket")
        assert bucket["BucketName"] == copies_bucket_name(account, region)
        rule = bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
        assert rule["ServerSideEncryptionByDefault"] == {"SSEAlgorithm": "AES256"}
        [policy] = _of_type(template, "AWS::S3::BucketPolicy")
        [deny] = policy["PolicyDocument"]["Statement"]
        assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_the_role_is_the_accounts_once_trusted_by_the_source_accounts(
    templates: dict[str, dict[str, Any]],
) -> None:
    roles = {name: _of_type(t, "AWS::IAM::Role") for name, t in templates.items()}
    assert [name for name, found in roles.items() if found] == [
        f"ModelScheduleDistribution-{A}-ap-northeast-1"
    ]
    [role] = roles[f"ModelScheduleDistribution-{A}-ap-northeast-1"]
    assert role["RoleName"] == "rekognition-model-copier"
    [trust] = role["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"AWS": f"arn:aws:iam::{S}:root"}
    [policy] = _of_type(
        templates[f"ModelScheduleDistribution-{A}-ap-northeast-1"], "AWS::IAM::ManagedPolicy"
    )
    statements = {s["Sid"]: s for s in policy["PolicyDocument"]["Statement"]}
    assert sorted(statements["CopyIntoTheTargetsProjects"]["Resource"]) == [
        f"arn:aws:rekognition:ap-northeast-1:{A}:project/bread-checkout/*",
        f"arn:aws:rekognition:ap-northeast-1:{S}:project/bread-training/*",
        f"arn:aws:rekognition:us-west-2:{A}:project/bread-checkout-us/*",
        f"arn:aws:rekognition:us-west-2:{S}:project/bread-training/*",
    ]
    assert statements["WriteAndReadTheCopiesResults"]["Resource"] == [
        f"arn:aws:s3:::{copies_bucket_name(A, 'ap-northeast-1')}/*",
        f"arn:aws:s3:::{copies_bucket_name(A, 'us-west-2')}/*",
    ]


def test_each_acknowledgment_answers_exactly_one_real_finding() -> None:
    """The distribution stacks alone, with the app's checks and AWS Control Tower's controls
    (as -c controlTowerChecks=true adds them) and acknowledgments withheld: the findings are
    exactly those acknowledged. (The stores' stacks are test_nag's and test_pipeline's.)"""
    fleet = load_fleet(with_sources(), today=TEST_TODAY)

    def synthesize(outdir: Path) -> None:
        app = cdk.App(outdir=str(outdir))
        for place in fleet.distribution_places():
            ModelScheduleDistributionStack(app, place=place)
        add_checks(app, control_tower=True)
        app.synth()

    recorder, outdir = withheld(synthesize)
    found = findings(outdir)
    assert found == recorder.paths()
    assert any(f.startswith(CONTROL_TOWER) for _, f in found)


def test_the_execution_policy_allows_them(templates: dict[str, dict[str, Any]]) -> None:
    types = {r["Type"] for t in templates.values() for r in t["Resources"].values()}
    assert types - {"AWS::CDK::Metadata"} <= set(BY_TYPE)
    by_sid = {s["Sid"]: s["Resource"] for s in execution_policy()["Statement"]}
    assert "arn:aws:iam::*:role/rekognition-model-copier" in by_sid["Roles"]
    assert by_sid["CopiesBuckets"] == "arn:aws:s3:::rekognition-model-copies-*"
    custom = json.dumps(execution_policy("aws", "bakery-copier"))
    assert "role/bakery-copier" in custom
