"""One committed snapshot per stack: what a reviewer diffs in a pull request.

Change them only with ./scripts/update-snapshots.sh, read the diff, and say in the commit
message what changed in the template and why.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.json import JSONSnapshotExtension

from fleet.names import dashboard_stack_name
from fleet.reading.loader import load_fleet
from tests.synth import TEST_TODAY, cli_context

ACCOUNTS = [d.account for d in load_fleet(cli_context(), today=TEST_TODAY).dashboards()]

# The verifier's code asset is named by the hash of its files: every edit of the handler would
# change every snapshot. The handler has its own tests; the snapshot keeps a placeholder.
ASSET_KEY = re.compile(r"[0-9a-f]{64}\.zip")
ASSET_PLACEHOLDER = "<asset-hash>.zip"


def mask_asset_hash(data: Any, path: tuple[tuple[Any, Any], ...]) -> Any:
    if path and path[-1][0] == "S3Key" and isinstance(data, str) and ASSET_KEY.fullmatch(data):
        return ASSET_PLACEHOLDER
    return data


@pytest.fixture
def snapshot_json(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    return snapshot.with_defaults(extension_class=JSONSnapshotExtension, matcher=mask_asset_hash)


def test_template(template_json: dict[str, Any], snapshot_json: SnapshotAssertion) -> None:
    """The whole synthesized template of each store's stack equals its committed snapshot."""
    assert template_json == snapshot_json


@pytest.mark.parametrize("account", ACCOUNTS)
def test_dashboard_template(
    account: str, dashboard_templates: dict[str, Any], snapshot_json: SnapshotAssertion
) -> None:
    """Each account's dashboard stack equals its committed snapshot."""
    assert dashboard_templates[dashboard_stack_name(account)] == snapshot_json


def test_the_matcher_masks_only_asset_keys() -> None:
    """Only a 64-hex-digit .zip under S3Key is masked; anything else still has to match."""
    digest = "a" * 64 + ".zip"
    assert mask_asset_hash(digest, (("Code", dict), ("S3Key", str))) == ASSET_PLACEHOLDER
    assert mask_asset_hash("other.zip", (("S3Key", str),)) == "other.zip"
    assert mask_asset_hash(digest, (("Description", str),)) == digest
