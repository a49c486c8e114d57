"""E-mail subjects say what was found and what was done, short enough for a phone's lock screen,
in ASCII (SNS refuses anything else); the full ARN is in the body."""

from __future__ import annotations

from types import ModuleType

import pytest

from .conftest import CANARY, OLD_VERSION, VERSION, Stubs, event
from .handler import verifier_outcome


def test_a_subject_is_words_not_the_arn(stubs: Stubs, verifier: ModuleType) -> None:
    stubs.status("STOPPED")
    stubs.start()
    stubs.status("RUNNING")
    stubs.project((VERSION, "RUNNING"), (OLD_VERSION, "RUNNING"))
    stubs.stop(OLD_VERSION)
    stubs.notification()
    verifier.handler(event("opening"))
    subject = stubs.published[0]["Subject"]
    assert subject == (
        "[tokyo-ginza] opening: model was STOPPED, restarted; running now; stopped 1 stale version"
    )
    assert VERSION not in subject
    assert VERSION in stubs.published[0]["Message"]


def test_japanese_labels_stay_in_the_body(stubs: Stubs, verifier: ModuleType) -> None:
    """A canary's missing メロンパン is counted in the subject and named in the body."""
    stubs.status("RUNNING")
    stubs.project((VERSION, "RUNNING"))
    stubs.labels(("あんぱん", 91.0))
    stubs.notification()
    verifier.handler(event("opening", canary=CANARY))
    subject = stubs.published[0]["Subject"]
    assert subject == "[tokyo-ginza] opening: answers wrong, 1 of 2 labels missing"
    assert subject.isascii()
    assert "メロンパン: not returned" in stubs.published[0]["Message"]


@pytest.mark.parametrize("headlines", [["x" * 200], ["model was STOPPED, restarted"] * 9])
def test_long_subjects_are_cut_and_stay_ascii(verifier: ModuleType, headlines: list[str]) -> None:
    outcome = verifier_outcome.Outcome("a-store-with-a-rather-long-name-of-forty", "opening")
    outcome.headlines = [*headlines, "メロンパン"]
    subject = outcome.subject()
    assert len(subject) <= 90
    assert subject.isascii()
    assert subject.endswith("...")
