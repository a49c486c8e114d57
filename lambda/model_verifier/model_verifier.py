"""Verify that a store's Rekognition Custom Labels model really started, runs, answers and stopped.

EventBridge Scheduler invokes this function with the store's check event (verifier_contract.py):
after the start, at opening and after closing; verifier_checks.py says what each check wants and
does.

The handler is thin: the checks are in verifier_checks.py (a table from status to action), the
AWS calls and their retries in verifier_aws.py, the canary in verifier_canary.py, metrics and
e-mail in verifier_report.py. Every outcome is a CloudWatch metric (embedded metric format: no
PutMetricData on "*"). Starting what runs and stopping what is stopped are no-ops, so a repeated
check does no harm. Throttling is retried with backoff; access denied, a missing version, unknown
statuses, an unreadable canary, a late or malformed invocation are reported (e-mail,
VerifierFailed) and fail the invocation.
"""

from __future__ import annotations

import os
from typing import Any

from botocore.exceptions import ClientError

from verifier_checks import run_check
from verifier_contract import MalformedEventError, VerifierEvent, VerifierSettings
from verifier_outcome import LOGGER, Outcome, VerifierError
from verifier_report import emit_metrics, notify

__all__ = ["VerifierError", "handler"]


def handler(event: Any, context: Any = None) -> dict[str, Any]:
    settings = VerifierSettings.from_environment(os.environ)
    raw_check = event.get("check") if isinstance(event, dict) else None
    outcome = Outcome(settings.store, str(raw_check or "check"))
    try:
        check = VerifierEvent.from_event(event)
        if check.store != settings.store:
            raise MalformedEventError(
                f"the event is for store {check.store!r}, this function checks {settings.store!r}"
            )
        outcome.event = check
        LOGGER.info(
            "check started", extra={"store": check.store, "check": check.check, "event": event}
        )
        run_check(check, outcome, settings)
    except MalformedEventError as error:
        outcome.failure = VerifierError(
            f"malformed event: {error}. The schedules' Input is built from the contract; "
            "redeploy the store's stack, or fix whatever invoked the function by hand.",
            "malformed event",
        )
    except VerifierError as error:
        outcome.failure = error
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "error")
        outcome.failure = VerifierError(str(error), code)
    if outcome.failure is not None:
        LOGGER.error(
            "check failed",
            extra={
                "store": outcome.store,
                "check": outcome.check_name,
                "error": str(outcome.failure),
            },
        )
    emit_metrics(outcome)
    if outcome.notices or outcome.failure:
        notify(outcome, settings, event)
    summary = {
        "store": outcome.store,
        "check": outcome.check_name,
        "status": outcome.status,
        "finalStatus": outcome.final_status,
        "metrics": outcome.metrics(),
        "notices": outcome.notices,
        "subject": outcome.subject(),
    }
    LOGGER.info("check finished", extra=summary)
    if outcome.failure:
        raise outcome.failure
    return summary
