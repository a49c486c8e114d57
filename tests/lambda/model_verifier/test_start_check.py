"""A few minutes after the start the version must be STARTING or RUNNING: a start that did not
happen is found and repaired before the store opens, not at opening."""

from __future__ import annotations

from types import ModuleType

import pytest

from .conftest import VERSION, Stubs, emitted_metrics, event


@pytest.mark.parametrize("status", ["STARTING", "RUNNING"])
def test_starting_or_running_is_fine_and_quiet(
    stubs: Stubs, verifier: ModuleType, status: str, capsys: pytest.CaptureFixture[str]
) -> None:
    stubs.status(status)
    stubs.project((VERSION, status))
    result = verifier.handler(event("start"))
    assert result["metrics"]["ModelStartingAfterStart"] == 1
    assert result["metrics"]["Mismatch"] == 0
    assert emitted_metrics(capsys.readouterr().out)["ModelStartingAfterStart"] == 1
    assert stubs.published == []


@pytest.mark.parametrize("status", ["STOPPED", "FAILED", "TRAINING_COMPLETED", "COPYING_COMPLETED"])
def test_a_start_that_did_not_happen_is_started_at_once(
    stubs: Stubs, verifier: ModuleType, status: str
) -> None:
    """The call failed after its retries, the version went FAILED, someone stopped it, or it
    was never started: start it now and say so; STARTING is all this check waits for."""
    stubs.status(status)
    stubs.start()
    stubs.project((VERSION, "STARTING"))
    stubs.notification()
    result = verifier.handler(event("start"))
    assert result["metrics"]["ModelStartingAfterStart"] == 1
    assert result["metrics"]["RecoveryActions"] == 1
    assert result["metrics"]["Mismatch"] == 1
    assert stubs.clock.sleeps == []
    assert stubs.published[0]["Subject"] == f"[tokyo-ginza] start: model was {status}, restarted"
    assert f"was {status} after the start: started it again" in stubs.published[0]["Message"]


def test_stopping_after_the_start_is_waited_out_then_started(
    stubs: Stubs, verifier: ModuleType
) -> None:
    stubs.status("STOPPING")
    stubs.status("STOPPED")
    stubs.start()
    stubs.project((VERSION, "STARTING"))
    stubs.notification()
    assert verifier.handler(event("start"))["metrics"]["RecoveryActions"] == 1


def test_a_version_that_cannot_run_is_reported(stubs: Stubs, verifier: ModuleType) -> None:
    stubs.status("EXPIRED")
    stubs.project((VERSION, "EXPIRED"))
    stubs.notification()
    result = verifier.handler(event("start"))
    assert result["metrics"]["ModelStartingAfterStart"] == 0
    assert stubs.published[0]["Subject"] == "[tokyo-ginza] start: EXPIRED, cannot run"


def test_a_copy_rekognition_will_not_start_cannot_run(stubs: Stubs, verifier: ModuleType) -> None:
    """AWS does not document that a fresh copy starts: if Rekognition refuses, the check says
    "cannot run" with Rekognition's words, instead of failing as an error."""
    stubs.status("COPYING_COMPLETED")
    stubs.error("start_project_version", "InvalidParameterException")
    stubs.project((VERSION, "COPYING_COMPLETED"))
    stubs.notification()
    result = verifier.handler(event("start"))
    assert result["metrics"]["ModelStartingAfterStart"] == 0
    assert stubs.published[0]["Subject"] == "[tokyo-ginza] start: COPYING_COMPLETED, cannot run"
    assert (
        "cannot run: Rekognition refused to start it (InvalidParameterException: "
        "InvalidParameterException (stubbed))" in stubs.published[0]["Message"]
    )
