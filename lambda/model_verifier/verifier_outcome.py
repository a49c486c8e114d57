"""What one check found and did (Outcome), and the error a person has to look at. The outcome
becomes the metrics, the e-mail and the return value."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from verifier_actions import Action, action

from model_status import ModelStatus
from verifier_contract import Check, Metric, VerifierEvent

# What each check's result metric is called; 1 when the model is where the check wants it.
RESULT_METRIC = {
    Check.START: Metric.MODEL_STARTING_AFTER_START,
    Check.OPENING: Metric.MODEL_READY_AT_OPENING,
    Check.CLOSING: Metric.MODEL_STOPPED_AFTER_CLOSING,
}
# SNS subjects: ASCII, under 100 characters; short enough for a phone's lock screen.
SUBJECT_LENGTH = 90

# With the function's JSON log format, Lambda's runtime formats these records as JSON and adds
# each `extra` field as a key.
LOGGER = logging.getLogger("model_verifier")
LOGGER.setLevel(logging.INFO)

RUNNING, STARTING, STOPPING = ModelStatus.RUNNING, ModelStatus.STARTING, ModelStatus.STOPPING


class VerifierError(Exception):
    """Something a person has to look at: the check could not be done. `short` is the few
    words the e-mail subject gives it."""

    def __init__(self, message: str, short: str) -> None:
        super().__init__(message)
        self.short = short


@dataclass
class Outcome:
    """What one check found and did; becomes metrics, a notification and the return value."""

    store: str
    check_name: str
    event: VerifierEvent | None = None
    status: str | None = None
    final_status: str | None = None
    mismatch: bool = False
    recovery_actions: int = 0
    stale_versions: list[str] = field(default_factory=list)
    # Whether the canary image gave every expected label; None: not asked (no canary, the
    # model never ran, or asking failed).
    answers: bool | None = None
    notices: list[str] = field(default_factory=list)
    # What was found and done, in a few words each: the e-mail's subject.
    headlines: list[str] = field(default_factory=list)
    failure: VerifierError | None = None

    def notice(self, text: str, headline: str | None = None) -> None:
        LOGGER.warning(text, extra={"store": self.store, "check": self.check_name})
        self.notices.append(text)
        if headline:
            self.headlines.append(headline)

    def ok(self) -> bool:
        """The model ended where the check wants it: a status its actions call done."""
        status = self.final_status
        if status is None or status not in ModelStatus.__members__:
            return False
        return action(Check(self.check_name), ModelStatus(status)) is Action.DONE

    def metrics(self) -> dict[str, int]:
        values: dict[str, int] = {
            Metric.MISMATCH: int(self.mismatch or bool(self.stale_versions)),
            Metric.RECOVERY_ACTIONS: self.recovery_actions,
            Metric.STALE_VERSIONS_RUNNING: len(self.stale_versions),
            Metric.VERIFIER_FAILED: int(self.failure is not None),
        }
        result = RESULT_METRIC.get(Check(self.check_name)) if self.event else None
        if result is not None:
            values[result] = int(self.failure is None and self.ok())
        if self.answers is not None:
            values[Metric.MODEL_ANSWERS_AT_OPENING] = int(self.answers)
        return {str(metric): value for metric, value in values.items()}

    def subject(self) -> str:
        """`[tokyo-ginza] opening: model was STOPPED, restarted`: what was found and done."""
        if self.failure is not None:
            what = f"check failed: {self.failure.short}"
        else:
            what = "; ".join(self.headlines) or "see the message"
        text = f"[{self.store}] {self.check_name}: {what}"
        text = text.encode("ascii", "replace").decode().replace("\n", " ")
        return text if len(text) <= SUBJECT_LENGTH else text[: SUBJECT_LENGTH - 3] + "..."
