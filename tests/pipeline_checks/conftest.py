"""The Stubber-backed clients of the rotation check's tests, each test's stubs used up."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.pipeline_checks.test_rotations import Stubs


@pytest.fixture
def stubs() -> Iterator[Stubs]:
    found = Stubs()
    with found.ssm, found.rekognition, found.s3:
        yield found
        for stub in (found.ssm, found.rekognition, found.s3):
            stub.assert_no_pending_responses()
