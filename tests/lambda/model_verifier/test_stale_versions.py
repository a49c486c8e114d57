"""The sweep stops versions that no store uses any more, and never another store's version."""

from __future__ import annotations

from types import ModuleType

from .conftest import OLD_VERSION, OTHER_STORE_VERSION, VERSION, Stubs, event


def test_old_version_left_running_after_rotation_is_stopped(
    stubs: Stubs, verifier: ModuleType
) -> None:
    """After a rotation the old version keeps running: the sweep stops it."""
    stubs.status("RUNNING")
    stubs.project((VERSION, "RUNNING"), (OLD_VERSION, "RUNNING"))
    stubs.stop(OLD_VERSION)
    stubs.notification()
    result = verifier.handler(event("opening"))
    assert result["metrics"]["StaleVersionsRunning"] == 1
    assert result["metrics"]["RecoveryActions"] == 1
    assert result["metrics"]["Mismatch"] == 1
    assert f"Stale version {OLD_VERSION} was RUNNING" in stubs.published[0]["Message"]


def test_another_stores_version_is_not_stale(stubs: Stubs, verifier: ModuleType) -> None:
    """A version in protectedVersions is some store's current version: left alone."""
    stubs.status("STOPPED")
    stubs.project((VERSION, "STOPPED"), (OTHER_STORE_VERSION, "RUNNING"))
    result = verifier.handler(event("closing"))
    assert result["metrics"]["StaleVersionsRunning"] == 0
    assert stubs.published == []


def test_notify_mode_only_reports(stubs: Stubs, verifier: ModuleType) -> None:
    """staleVersions = notify: report the stale version, do not stop it."""
    stubs.status("STOPPED")
    stubs.project((OLD_VERSION, "STARTING"))
    stubs.notification()
    result = verifier.handler(event("closing", staleVersions="notify"))
    assert result["metrics"]["StaleVersionsRunning"] == 1
    assert result["metrics"]["RecoveryActions"] == 0
    assert "not stopped (staleVersions is 'notify')" in stubs.published[0]["Message"]


def test_stopped_old_versions_are_ignored(stubs: Stubs, verifier: ModuleType) -> None:
    """Only versions that bill (RUNNING, STARTING) are stale; the rest cost nothing."""
    stubs.status("STOPPED")
    stubs.project((OLD_VERSION, "STOPPED"), (OLD_VERSION + "0", "TRAINING_COMPLETED"))
    assert verifier.handler(event("closing"))["metrics"]["StaleVersionsRunning"] == 0


def test_every_page_is_swept(stubs: Stubs, verifier: ModuleType) -> None:
    """A project with many versions answers in pages; the stale one may be on the last."""
    stubs.status("STOPPED")
    stubs.project((VERSION, "STOPPED"), token="page-2")
    stubs.project((OLD_VERSION, "RUNNING"), after="page-2")
    stubs.stop(OLD_VERSION)
    stubs.notification()
    assert verifier.handler(event("closing"))["metrics"]["StaleVersionsRunning"] == 1
