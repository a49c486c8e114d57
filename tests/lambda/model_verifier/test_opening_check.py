"""At opening the model version must be RUNNING; the verifier restarts or waits, and says so."""

from __future__ import annotations

from types import ModuleType

import pytest

from .conftest import OTHER_STORE_VERSION, VERSION, Stubs, emitted_metrics, event


def test_running_is_fine_and_quiet(
    stubs: Stubs, verifier: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    """RUNNING at opening: no start, no notification; the data point says ready."""
    stubs.status("RUNNING")
    stubs.project((VERSION, "RUNNING"), (OTHER_STORE_VERSION, "RUNNING"))
    result = verifier.handler(event("opening"))
    assert result["finalStatus"] == "RUNNING"
    metrics = emitted_metrics(capsys.readouterr().out)
    assert metrics["ModelReadyAtOpening"] == 1
    assert metrics["Mismatch"] == metrics["RecoveryActions"] == metrics["VerifierFailed"] == 0
    assert metrics["Store"] == "tokyo-ginza"
    assert metrics["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [["Store"]]
    assert stubs.published == []


@pytest.mark.parametrize("status", ["STOPPED", "FAILED", "TRAINING_COMPLETED"])
def test_stopped_failed_or_never_started_is_started_again(
    stubs: Stubs, verifier: ModuleType, status: str
) -> None:
    """STOPPED, FAILED, or TRAINING_COMPLETED (the first opening after a rotation whose start
    failed): start with the same inference units, notify, wait until it runs."""
    stubs.status(status)
    stubs.start(units=1)
    stubs.status("STARTING")
    stubs.status("RUNNING")
    stubs.project((VERSION, "RUNNING"))
    stubs.notification()
    result = verifier.handler(event("opening"))
    assert result["metrics"]["ModelReadyAtOpening"] == 1
    assert result["metrics"]["RecoveryActions"] == 1
    assert result["metrics"]["Mismatch"] == 1
    assert stubs.clock.sleeps == [60, 60]
    message = stubs.published[0]["Message"]
    assert f"was {status} at opening: started it again (1 inference units)" in message
    assert "is RUNNING now" in message
    assert stubs.published[0]["Subject"] == (
        f"[tokyo-ginza] opening: model was {status}, restarted; running now"
    )


def test_restart_keeps_auto_scaling(stubs: Stubs, verifier: ModuleType) -> None:
    """A store with maxInferenceUnits is restarted with both bounds."""
    stubs.status("STOPPED")
    stubs.start(units=2, max_units=4)
    stubs.status("RUNNING")
    stubs.project((VERSION, "RUNNING"))
    stubs.notification()
    verifier.handler(event("opening", minInferenceUnits=2, maxInferenceUnits=4))


def test_late_start_is_reported_and_watched(stubs: Stubs, verifier: ModuleType) -> None:
    """STARTING at opening: notify that the start is late, poll until RUNNING."""
    stubs.status("STARTING")
    stubs.status("STARTING")
    stubs.status("RUNNING")
    stubs.project((VERSION, "RUNNING"))
    stubs.notification()
    result = verifier.handler(event("opening"))
    assert result["metrics"]["ModelReadyAtOpening"] == 1
    assert result["metrics"]["RecoveryActions"] == 0
    assert "still STARTING at opening: the start is late" in stubs.published[0]["Message"]


def test_late_start_gives_up_after_the_wait(stubs: Stubs, verifier: ModuleType) -> None:
    """The wait is bounded (10 min here): then it reports and stops looking."""
    for _ in range(11):
        stubs.status("STARTING")
    stubs.project((VERSION, "STARTING"))
    stubs.notification()
    result = verifier.handler(event("opening"))
    assert result["metrics"]["ModelReadyAtOpening"] == 0
    assert sum(stubs.clock.sleeps) == 600
    assert "Gave up waiting" in stubs.published[0]["Message"]


def test_stopping_at_opening_waits_then_starts(stubs: Stubs, verifier: ModuleType) -> None:
    """Someone stopped it: wait for STOPPED, then start it again."""
    stubs.status("STOPPING")
    stubs.status("STOPPED")
    stubs.start()
    stubs.status("RUNNING")
    stubs.project((VERSION, "RUNNING"))
    stubs.notification()
    result = verifier.handler(event("opening"))
    assert result["metrics"]["RecoveryActions"] == 1
    assert result["finalStatus"] == "RUNNING"


def test_failed_again_after_restart_is_reported(stubs: Stubs, verifier: ModuleType) -> None:
    """One restart only: a model that fails again needs a person."""
    stubs.status("FAILED")
    stubs.start()
    stubs.status("FAILED")
    stubs.project((VERSION, "FAILED"))
    stubs.notification()
    result = verifier.handler(event("opening"))
    assert result["metrics"]["ModelReadyAtOpening"] == 0
    assert "is FAILED again after the restart" in stubs.published[0]["Message"]


def test_start_already_in_progress_is_harmless(stubs: Stubs, verifier: ModuleType) -> None:
    """ResourceInUseException from StartProjectVersion means someone else is starting it."""
    stubs.status("STOPPED")
    stubs.error("start_project_version", "ResourceInUseException")
    stubs.status("RUNNING")
    stubs.project((VERSION, "RUNNING"))
    stubs.notification()
    assert verifier.handler(event("opening"))["metrics"]["ModelReadyAtOpening"] == 1


def test_a_status_that_cannot_run_is_reported(stubs: Stubs, verifier: ModuleType) -> None:
    """EXPIRED (or DEPRECATED, TRAINING_*) cannot be started: notify, do not loop."""
    stubs.status("EXPIRED")
    stubs.project((VERSION, "EXPIRED"))
    stubs.notification()
    result = verifier.handler(event("opening"))
    assert result["metrics"]["ModelReadyAtOpening"] == 0
    assert "is EXPIRED at opening and cannot run" in stubs.published[0]["Message"]


def test_logs_are_records_with_the_store_and_the_check(
    stubs: Stubs, verifier: ModuleType, caplog: pytest.LogCaptureFixture
) -> None:
    """Lambda's JSON log format turns each record's `extra` fields into JSON keys: every
    notice carries the store and the check, so a log query can filter on them."""
    stubs.status("STOPPED")
    stubs.start()
    stubs.status("RUNNING")
    stubs.project((VERSION, "RUNNING"))
    stubs.notification()
    with caplog.at_level("INFO", logger="model_verifier"):
        verifier.handler(event("opening"))
    warnings = [r for r in caplog.records if r.levelname == "WARNING"]
    assert warnings
    assert all((r.store, r.check) == ("tokyo-ginza", "opening") for r in warnings)  # type: ignore[attr-defined]
    finished = next(r for r in caplog.records if r.getMessage() == "check finished")
    assert finished.metrics["RecoveryActions"] == 1  # type: ignore[attr-defined]
