"""The acknowledgment helper: one exact finding, with a reason a reviewer can check."""

from __future__ import annotations

import aws_cdk as cdk
import pytest

from constructs.nag import MIN_REASON_LENGTH, acknowledge


def test_a_vague_reason_is_refused(stack: cdk.Stack) -> None:
    """cdk-nag 3 does not check reasons any more; our helper does."""
    with pytest.raises(ValueError, match="needs a specific reason"):
        acknowledge(stack, "AwsSolutions-SQS3", "ok")


def test_a_specific_reason_is_recorded(stack: cdk.Stack) -> None:
    """The acknowledgment lands on the construct, under the unprefixed finding id."""
    reason = "x" * MIN_REASON_LENGTH
    acknowledge(stack, "AwsSolutions-SQS3", reason)
    recorded = [entry.data for entry in stack.node.metadata]
    assert any("AwsSolutions-SQS3" in str(data) for data in recorded), recorded
