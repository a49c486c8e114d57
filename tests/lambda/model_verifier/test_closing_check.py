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


def test_starting_that_refuses_to_stop_is_reported(stubs: Stubs, verifier: ModuleType) -> None:
    """Rekognition may refuse to stop a model that is still starting: a person must follow up."""
    stubs.status("STARTING")
    stubs.error("stop_project_version", "ResourceInUseException")
    stubs.project((VERSION, "STARTING"))
    stubs.notification()
    result = verifier.handler(event("closing"))
    assert result["metrics"]["ModelStoppedAfterClosing"] == 0
    assert "refused to stop it now" in stubs.published[0]["Message"]


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
