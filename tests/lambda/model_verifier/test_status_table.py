"""One model status type for the verifier and the rotation, equal to botocore's service model,
and a table that says what every check does with every status."""

from __future__ import annotations

from typing import Any

import botocore.session

from model_status import BILLING, RUNNABLE, STARTABLE, ModelStatus
from rotate import preflight

from .handler import verifier_contract

Check = verifier_contract.Check


def test_the_status_type_is_rekognitions() -> None:
    model = botocore.session.get_session().get_service_model("rekognition")
    shape: Any = model.shape_for("ProjectVersionStatus")  # a StringShape, with its enum
    assert sorted(ModelStatus) == sorted(shape.enum)


def test_every_check_has_an_action_for_every_status() -> None:
    from verifier_actions import ACTIONS, Action

    assert set(ACTIONS) == set(Check)
    for check, actions in ACTIONS.items():
        assert set(actions) == set(ModelStatus), check
    assert {s for s, a in ACTIONS[Check.OPENING].items() if a is Action.START} == STARTABLE
    assert {s for s, a in ACTIONS[Check.CLOSING].items() if a is Action.STOP} == BILLING
    assert ACTIONS[Check.START][ModelStatus.STARTING] is Action.DONE
    assert ACTIONS[Check.OPENING][ModelStatus.STARTING] is Action.WAIT


def test_the_rotation_accepts_what_starts_or_runs() -> None:
    """The rotation's refusal lists these; the verifier starts the startable ones."""
    assert STARTABLE | {ModelStatus.RUNNING} == RUNNABLE
    assert vars(preflight)["RUNNABLE"] is RUNNABLE


def test_a_checks_result_is_its_actions_done() -> None:
    """The result metric (ModelStartingAfterStart, ModelReadyAtOpening, ModelStoppedAfterClosing)
    is 1 exactly for the statuses the table calls done: the rule is written once. (A closing
    check that finds a version never started no longer reports it as not stopped.)"""
    from verifier_actions import ACTIONS, Action

    from verifier_outcome import Outcome

    for check, actions in ACTIONS.items():
        for status, todo in actions.items():
            outcome = Outcome("tokyo-ginza", check, final_status=status)
            assert outcome.ok() is (todo is Action.DONE), (check, status)
    assert not Outcome("tokyo-ginza", Check.OPENING, final_status=None).ok()
