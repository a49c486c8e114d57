"""The acknowledgment helper: one exact finding, with a reason a reviewer can check."""

from __future__ import annotations

import aws_cdk as cdk
import pytest

from scheduler_constructs.nag import MIN_REASON_LENGTH, acknowledge


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


def test_checkov_skips_add_up_in_the_metadata(stack: cdk.Stack) -> None:
    from aws_cdk import aws_sqs as sqs
    from aws_cdk.assertions import Template

    from scheduler_constructs.nag import Exemption, exempt

    queue = sqs.Queue(stack, "Queue")
    reason = "y" * MIN_REASON_LENGTH
    exempt(queue, Exemption(reason, checkov=("CKV_AWS_27",)), Exemption(reason, checkov=("CKV_X",)))
    Template.from_stack(stack).has_resource(
        "AWS::SQS::Queue",
        {
            "Metadata": {
                "checkov": {
                    "skip": [
                        {"id": "CKV_AWS_27", "comment": reason},
                        {"id": "CKV_X", "comment": reason},
                    ]
                }
            }
        },
    )
    with pytest.raises(ValueError, match="needs a specific reason"):
        exempt(queue, Exemption("fine", checkov=("CKV_AWS_27",)))
