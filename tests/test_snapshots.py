"""One committed snapshot per stack: what a reviewer diffs in a pull request.

Change them only with ./scripts/update-snapshots.sh, read the diff, and say in the commit
message what changed in the template and why.
"""

from __future__ import annotations

from typing import Any

import pytest
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.json import JSONSnapshotExtension


@pytest.fixture
def snapshot_json(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    return snapshot.with_defaults(extension_class=JSONSnapshotExtension)


def test_template(template_json: dict[str, Any], snapshot_json: SnapshotAssertion) -> None:
    """The whole synthesized template of each store's stack equals its committed snapshot."""
    assert template_json == snapshot_json
