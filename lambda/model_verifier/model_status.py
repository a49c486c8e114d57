"""A model version's status, as Rekognition's DescribeProjectVersions reports it, and the sets
the verifier and the rotation pre-flight act on. One type for both (rotate/ imports it); a test
holds it equal to botocore's service model."""

from __future__ import annotations

from enum import StrEnum


class ModelStatus(StrEnum):
    TRAINING_IN_PROGRESS = "TRAINING_IN_PROGRESS"
    TRAINING_COMPLETED = "TRAINING_COMPLETED"
    TRAINING_FAILED = "TRAINING_FAILED"
    STARTING = "STARTING"
    RUNNING = "RUNNING"
    FAILED = "FAILED"
    STOPPING = "STOPPING"
    STOPPED = "STOPPED"
    DELETING = "DELETING"
    COPYING_IN_PROGRESS = "COPYING_IN_PROGRESS"
    COPYING_COMPLETED = "COPYING_COMPLETED"
    COPYING_FAILED = "COPYING_FAILED"
    DEPRECATED = "DEPRECATED"
    EXPIRED = "EXPIRED"


# Billed by the inference-unit hour.
BILLING = frozenset({ModelStatus.RUNNING, ModelStatus.STARTING})
# StartProjectVersion starts these: stopped, failed (try again), or trained or copied and never
# started. AWS documents copying a tested version into production but not that a fresh copy
# (COPYING_COMPLETED) starts: the verifier reports Rekognition's refusal as "cannot run".
STARTABLE = frozenset(
    {
        ModelStatus.STOPPED,
        ModelStatus.FAILED,
        ModelStatus.TRAINING_COMPLETED,
        ModelStatus.COPYING_COMPLETED,
    }
)
# A version a store can be switched to: one that starts, or one that already runs.
RUNNABLE = STARTABLE | {ModelStatus.RUNNING}
