"""Throttling is retried; access denied, missing versions, unknown statuses and late or
malformed invocations are reported and fail the invocation, never swallowed."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import pytest

from .conftest import PROJECT, VERSION, Stubs, emitted_metrics, event
from .handler import verifier_aws

DESCRIBE_MINE = {"ProjectArn": PROJECT, "VersionNames": ["bread-checkout.2026-11-01T09.00.00"]}


def test_throttling_is_retried_with_backoff(stubs: Stubs, verifier: ModuleType) -> None:
    """Two throttles, then an answer: two growing pauses, no failure."""
    stubs.error("describe_project_versions", "ThrottlingException", DESCRIBE_MINE)
    stubs.error("describe_project_versions", "ProvisionedThroughputExceededException")
    stubs.status("RUNNING")
    stubs.project((VERSION, "RUNNING"))
    result = verifier.handler(event("opening"))
    assert result["metrics"]["VerifierFailed"] == 0
    assert len(stubs.clock.sleeps) == 2
    assert 0.5 <= stubs.clock.sleeps[0] <= 1 < stubs.clock.sleeps[1] <= 2


def test_throttling_that_does_not_end_fails_the_check(
    stubs: Stubs, verifier: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    """Five throttles in a row: reported, notified, and the invocation fails."""
    for _ in range(5):
        stubs.error("describe_project_versions", "ThrottlingException")
    stubs.notification()
    with pytest.raises(verifier.VerifierError, match="ThrottlingException"):
        verifier.handler(event("opening"))
    assert emitted_metrics(capsys.readouterr().out)["VerifierFailed"] == 1


@pytest.mark.parametrize(
    ("code", "says"),
    [
        ("AccessDeniedException", "access denied for describe_project_versions"),
        ("ResourceNotFoundException", "check modelVersionArn and projectArn"),
        ("ValidationException", "ValidationException"),
    ],
)
def test_errors_are_reported_not_swallowed(
    stubs: Stubs, verifier: ModuleType, code: str, says: str
) -> None:
    """The person on call gets the reason, and the Lambda Errors alarm fires too."""
    stubs.error("describe_project_versions", code)
    stubs.notification()
    with pytest.raises(verifier.VerifierError, match=says):
        verifier.handler(event("closing"))
    assert says in stubs.published[0]["Message"]
    assert stubs.published[0]["Subject"].startswith("[tokyo-ginza] closing: check failed: ")


def test_access_denied_on_stop_is_reported(stubs: Stubs, verifier: ModuleType) -> None:
    """Stopping without permission fails loudly: the model would bill all night."""
    stubs.status("RUNNING")
    stubs.error("stop_project_version", "AccessDeniedException")
    stubs.notification()
    with pytest.raises(verifier.VerifierError, match="access denied for stop_project_version"):
        verifier.handler(event("closing"))


def test_version_missing_from_the_project_is_reported(stubs: Stubs, verifier: ModuleType) -> None:
    """An answer without our version means projectArn and modelVersionArn do not match."""
    stubs.rekognition.add_response("describe_project_versions", {"ProjectVersionDescriptions": []})
    stubs.notification()
    with pytest.raises(verifier.VerifierError, match="is not a version of"):
        verifier.handler(event("opening"))


def test_unknown_status_is_reported(stubs: Stubs, verifier: ModuleType) -> None:
    """A status this code does not know is not guessed at."""
    stubs.status("HIBERNATING")
    stubs.notification()
    with pytest.raises(verifier.VerifierError, match="unknown status 'HIBERNATING'"):
        verifier.handler(event("opening"))


def test_a_late_invocation_does_nothing(stubs: Stubs, verifier: ModuleType) -> None:
    """Delivered long after its time (retries, an outage), a check must not start or stop."""
    stubs.notification()
    with pytest.raises(verifier.VerifierError, match="after its scheduled time; skipped"):
        verifier.handler(event("closing", scheduledTime="2020-01-01T10:45:00Z"))


def test_an_on_time_invocation_runs(stubs: Stubs, verifier: ModuleType) -> None:
    """The scheduled time Scheduler passes in is accepted when recent."""
    now = verifier_aws.now().strftime("%Y-%m-%dT%H:%M:%SZ")
    stubs.status("STOPPED")
    stubs.project((VERSION, "STOPPED"))
    assert verifier.handler(event("closing", scheduledTime=now))["metrics"]["VerifierFailed"] == 0


@pytest.mark.parametrize(
    "broken",
    [
        {"check": "noon"},
        {"modelVersionArn": PROJECT},
        {"staleVersions": "delete"},
        {"minInferenceUnits": "one"},
        {"store": "seattle-pike-place"},
        {"scheduledTime": "2026-12-01T21:35:00"},
        {"scheduledTime": "yesterday"},
        {"scheduledTime": 1764624900},
    ],
)
def test_malformed_events_are_reported_like_every_failure(
    stubs: Stubs,
    verifier: ModuleType,
    capsys: pytest.CaptureFixture[str],
    broken: dict[str, str],
) -> None:
    """A wrong Input (a deployment bug, or a hand-made invocation) makes no AWS call, and is
    reported: an e-mail saying what is wrong with the event, VerifierFailed, a failed invocation."""
    stubs.notification()
    body = {**event("opening"), **broken}
    with pytest.raises(verifier.VerifierError, match="malformed event"):
        verifier.handler(body)
    assert emitted_metrics(capsys.readouterr().out)["VerifierFailed"] == 1
    published = stubs.published[0]
    assert published["Subject"].endswith(": check failed: malformed event")
    assert published["Subject"].startswith("[tokyo-ginza] ")
    assert "malformed event" in published["Message"]
    assert "The event: {" in published["Message"]


def test_an_event_that_is_not_an_object_is_reported(
    stubs: Stubs, verifier: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    stubs.notification()
    with pytest.raises(verifier.VerifierError, match="not a JSON object"):
        verifier.handler(["opening"])
    assert emitted_metrics(capsys.readouterr().out)["VerifierFailed"] == 1
    assert stubs.published[0]["Subject"] == "[tokyo-ginza] check: check failed: malformed event"


def test_requests_are_validated_against_the_service_model(verifier: ModuleType) -> None:
    """Every request above went through botocore's parameter validation (Stubber keeps it on)."""
    for client in (verifier_aws.REKOGNITION, verifier_aws.SNS):
        config: Any = client.meta.config  # the stubs do not type parameter_validation
        assert config.parameter_validation is True
