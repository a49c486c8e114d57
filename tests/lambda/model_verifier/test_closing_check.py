"""After closing the model version must be STOPPED or STOPPING; a running one is stopped."""

from __future__ import annotations

from types import ModuleType

import pytest

from .conftest import VERSION, Stubs, emitted_metrics, event


@pytest.mark.parametrize("status", ["STOPPED", "STOPPING", "FAILED"])
def test_not_billing_is_fine_and_quiet(
    stubs: Stubs, verifier: ModuleType, status: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """STOPPED, STOPPING (and FAILED, which does not bill): nothing to do, nobody to wake."""
    stubs.status(status)
    stubs.project((VERSION, status))
    result = verifier.handler(event("closing"))
    assert result["metrics"]["ModelStoppedAfterClosing"] == 1
    assert result["metrics"]["Mismatch"] == 0
    assert emitted_metrics(capsys.readouterr().out)["ModelStoppedAfterClosing"] == 1
    assert stubs.published == []


def test_running_after_closing_is_stopped(stubs: Stubs, verifier: ModuleType) -> None:
    """RUNNING after closing: stop it and notify (it bills all night otherwise)."""
    stubs.status("RUNNING")
    stubs.stop()
    stubs.project((VERSION, "STOPPING"))
    stubs.notification()
    result = verifier.handler(event("closing"))
    assert result["metrics"] == {
        "ModelStoppedAfterClosing": 1,
        "Mismatch": 1,
        "RecoveryActions": 1,
        "StaleVersionsRunning": 0,
        "VerifierFailed": 0,
    }
    assert "was RUNNING after closing: stopped it" in stubs.published[0]["Message"]
    assert stubs.published[0]["Subject"] == "[tokyo-ginza] closing: model was RUNNING, stopped"


def test_starting_after_closing_is_waited_for_and_stopped_quietly(
    stubs: Stubs, verifier: ModuleType
) -> None:
    """STARTING cannot be stopped yet: look again every minute, stop it as soon as Rekognition
    lets it; fixed without anyone, so nobody is woken (the metrics keep it)."""
    stubs.status("STARTING")
    stubs.error("stop_project_version", "ResourceInUseException")
    stubs.status("STARTING")
    stubs.error("stop_project_version", "ResourceInUseException")
    stubs.status("RUNNING")
    stubs.stop()
    stubs.project((VERSION, "STOPPING"))
    result = verifier.handler(event("closing"))
    assert result["metrics"]["ModelStoppedAfterClosing"] == 1
    assert result["metrics"]["RecoveryActions"] == 1
    assert result["metrics"]["Mismatch"] == 0
    assert stubs.clock.sleeps == [60, 60]
    assert stubs.published == []


def test_starting_that_stops_by_itself_meanwhile_is_left_alone(
    stubs: Stubs, verifier: ModuleType
) -> None:
    stubs.status("STARTING")
    stubs.error("stop_project_version", "ResourceInUseException")
    stubs.status("STOPPED")
    stubs.project((VERSION, "STOPPED"))
    result = verifier.handler(event("closing"))
    assert result["metrics"]["ModelStoppedAfterClosing"] == 1
    assert result["metrics"]["RecoveryActions"] == 0


def test_starting_that_cannot_be_stopped_in_time_is_reported(
    stubs: Stubs, verifier: ModuleType
) -> None:
    """Still refused after the 13-minute wait: a person must stop it (it bills all night)."""
    stubs.status("STARTING")
    stubs.error("stop_project_version", "ResourceInUseException")
    for _ in range(13):
        stubs.status("STARTING")
        stubs.error("stop_project_version", "ResourceInUseException")
    stubs.project((VERSION, "STARTING"))
    stubs.notification()
    result = verifier.handler(event("closing"))
    assert result["metrics"]["ModelStoppedAfterClosing"] == 0
    assert result["metrics"]["Mismatch"] == 1
    assert sum(stubs.clock.sleeps) == 13 * 60
    assert "refuses to stop it: stop it by hand" in stubs.published[0]["Message"]
    assert stubs.published[0]["Subject"] == (
        "[tokyo-ginza] closing: model still STARTING, could not stop"
    )


def test_checking_twice_does_no_harm(stubs: Stubs, verifier: ModuleType) -> None:
    """Idempotent: the second run sees STOPPING and does nothing."""
    stubs.status("RUNNING")
    stubs.stop()
    stubs.project((VERSION, "STOPPING"))
    stubs.notification()
    stubs.status("STOPPING")
    stubs.project((VERSION, "STOPPING"))
    first = verifier.handler(event("closing"))
    second = verifier.handler(event("closing"))
    assert first["metrics"]["RecoveryActions"] == 1
    assert second["metrics"]["RecoveryActions"] == 0
    assert len(stubs.published) == 1
