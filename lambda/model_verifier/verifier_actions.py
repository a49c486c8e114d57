"""What each check does with each status the model can be in: one table (ACTIONS). The checks
(verifier_checks.py) act on it, and a check's result (verifier_outcome.Outcome.ok) is its
"done": the model is where the check wants it."""

from __future__ import annotations

from enum import StrEnum

from model_status import BILLING, STARTABLE, ModelStatus
from verifier_contract import Check


class Action(StrEnum):
    DONE = "done"  # the model is where the check wants it
    START = "start"  # start it (once), then look again
    WAIT = "wait"  # look again every poll until done or the wait runs out
    STOP = "stop"  # stop it, waiting until Rekognition lets it
    CANNOT_RUN = "cannot run"  # report it: no start makes this version run


def _table(default: Action, **actions: Action) -> dict[ModelStatus, Action]:
    return {status: actions.get(status.name, default) for status in ModelStatus}


_STARTS = {status.name: Action.START for status in STARTABLE}
# Every status for every check: adding a status to ModelStatus adds it here with the default.
ACTIONS: dict[Check, dict[ModelStatus, Action]] = {
    Check.START: _table(
        Action.CANNOT_RUN,
        RUNNING=Action.DONE,
        STARTING=Action.DONE,
        STOPPING=Action.WAIT,
        **_STARTS,
    ),
    Check.OPENING: _table(
        Action.CANNOT_RUN,
        RUNNING=Action.DONE,
        STARTING=Action.WAIT,
        STOPPING=Action.WAIT,
        **_STARTS,
    ),
    Check.CLOSING: _table(Action.DONE, **{status.name: Action.STOP for status in BILLING}),
}


def action(check: Check, status: ModelStatus) -> Action:
    return ACTIONS[check][status]
