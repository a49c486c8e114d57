"""At opening, once the model runs, it must find the expected labels in the canary image."""

from __future__ import annotations

import unicodedata
from types import ModuleType
from typing import Any

import pytest

from .conftest import CANARY, VERSION, Stubs, emitted_metrics, event


def opening(**canary: Any) -> dict[str, Any]:
    return event("opening", canary={**CANARY, **canary})


def running(stubs: Stubs) -> None:
    stubs.status("RUNNING")
    stubs.project((VERSION, "RUNNING"))


def test_every_expected_label_is_a_quiet_one(
    stubs: Stubs, verifier: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    """Both labels (and one more) at or above MinConfidence 85: ModelAnswersAtOpening 1, no
    e-mail."""
    running(stubs)
    stubs.labels(("あんぱん", 91.0), ("メロンパン", 97.2), ("クリームパン", 88.0))
    result = verifier.handler(opening())
    assert result["metrics"]["ModelAnswersAtOpening"] == 1
    assert emitted_metrics(capsys.readouterr().out)["ModelAnswersAtOpening"] == 1
    assert stubs.published == []


def test_a_missing_label_is_a_wrong_answer_with_every_confidence(
    stubs: Stubs, verifier: ModuleType
) -> None:
    """あんぱん not returned: 0, and an e-mail with each expected label's confidence or "not
    returned", and what came back unexpected."""
    running(stubs)
    stubs.labels(("メロンパン", 97.2), ("クリームパン", 88.0))
    stubs.notification()
    result = verifier.handler(opening())
    assert result["metrics"]["ModelAnswersAtOpening"] == 0
    assert result["metrics"]["VerifierFailed"] == 0
    message = stubs.published[0]["Message"]
    assert "did not give every expected label (MinConfidence 85)" in message
    assert "  メロンパン: 97.2 %" in message
    assert "  あんぱん: not returned" in message
    assert "Returned but not expected: クリームパン 88.0 %" in message


def test_a_label_under_min_confidence_is_left_out_and_reported(
    stubs: Stubs, verifier: ModuleType
) -> None:
    """The store's lesson: あんぱん at 77.5 %, under MinConfidence 85, is not in the answer;
    the check sends the same MinConfidence as the checkout, so it sees what the register sees."""
    running(stubs)
    stubs.labels(("メロンパン", 97.2))  # Rekognition leaves out labels under MinConfidence
    stubs.notification()
    assert verifier.handler(opening())["metrics"]["ModelAnswersAtOpening"] == 0
    assert "あんぱん: not returned" in stubs.published[0]["Message"]


def test_without_min_confidence_the_models_thresholds_apply(
    stubs: Stubs, verifier: ModuleType
) -> None:
    running(stubs)
    stubs.labels(("メロンパン", 97.2), ("あんぱん", 81.7), min_confidence=None)
    assert verifier.handler(opening(minConfidence=None))["metrics"]["ModelAnswersAtOpening"] == 1


def test_names_match_after_nfc_normalisation(stubs: Stubs, verifier: ModuleType) -> None:
    """パン written with a combining mark (NFD) in the model still matches the expected name."""
    decomposed = unicodedata.normalize("NFD", "メロンパン")
    assert decomposed != "メロンパン"
    running(stubs)
    stubs.labels((decomposed, 97.2), ("あんぱん", 91.0))
    assert verifier.handler(opening())["metrics"]["ModelAnswersAtOpening"] == 1


def test_a_model_that_never_runs_is_not_asked(stubs: Stubs, verifier: ModuleType) -> None:
    """Still STARTING after the wait: no canary call and no ModelAnswersAtOpening at all."""
    for _ in range(11):
        stubs.status("STARTING")
    stubs.project((VERSION, "STARTING"))
    stubs.notification()
    result = verifier.handler(opening())
    assert "ModelAnswersAtOpening" not in result["metrics"]
    assert result["metrics"]["ModelReadyAtOpening"] == 0


def test_a_store_without_a_canary_makes_no_call(stubs: Stubs, verifier: ModuleType) -> None:
    running(stubs)
    result = verifier.handler(event("opening"))
    assert "ModelAnswersAtOpening" not in result["metrics"]


def test_the_closing_check_asks_nothing(stubs: Stubs, verifier: ModuleType) -> None:
    stubs.status("STOPPED")
    stubs.project((VERSION, "STOPPED"))
    verifier.handler(event("closing"))


@pytest.mark.parametrize(
    ("code", "says"),
    [
        (
            "InvalidS3ObjectException",
            "cannot read the canary image s3://bakery-canary-apne1/ginza/tray.jpg: the object "
            "must exist",
        ),
        ("InvalidS3ObjectException", "the bucket must be in the model's region (ap-northeast-1)"),
        ("InvalidImageFormatException", "is not an image Rekognition reads"),
        ("ImageTooLargeException", "is too large for DetectCustomLabels"),
        ("AccessDeniedException", "access denied for detect_custom_labels"),
        ("InvalidParameterException", "check the image and minConfidence"),
    ],
)
def test_failures_are_failed_checks_not_wrong_answers(
    stubs: Stubs,
    verifier: ModuleType,
    capsys: pytest.CaptureFixture[str],
    code: str,
    says: str,
) -> None:
    """An image the model cannot be asked about says the cause and the fix, counts as
    VerifierFailed and fails the invocation; it never reports "answers wrong"."""
    running(stubs)
    stubs.error("detect_custom_labels", code)
    stubs.notification()
    with pytest.raises(verifier.VerifierError, match=r"canary|detect_custom_labels"):
        verifier.handler(opening())
    metrics = emitted_metrics(capsys.readouterr().out)
    assert metrics["VerifierFailed"] == 1
    assert "ModelAnswersAtOpening" not in metrics
    assert says in stubs.published[0]["Message"]


def test_throttling_is_retried_before_it_fails(stubs: Stubs, verifier: ModuleType) -> None:
    """Two throttles, then the answer: retried with backoff, no failure."""
    running(stubs)
    stubs.error("detect_custom_labels", "ThrottlingException")
    stubs.error("detect_custom_labels", "ThrottlingException")
    stubs.labels(("メロンパン", 97.2), ("あんぱん", 91.0))
    result = verifier.handler(opening())
    assert result["metrics"]["ModelAnswersAtOpening"] == 1
    assert len(stubs.clock.sleeps) == 2


def test_throttling_that_does_not_end_is_a_failed_check(stubs: Stubs, verifier: ModuleType) -> None:
    running(stubs)
    for _ in range(5):
        stubs.error("detect_custom_labels", "ThrottlingException")
    stubs.notification()
    with pytest.raises(verifier.VerifierError, match="ThrottlingException"):
        verifier.handler(opening())
