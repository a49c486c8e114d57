"""The checks: the loops that do what verifier_actions.ACTIONS says each check does with each
status the model can be in, wait and report.

- start (a few minutes after the scheduled start): the version must be STARTING or RUNNING.
  STOPPED, FAILED, TRAINING_COMPLETED or COPYING_COMPLETED (never started): start it again at
  once and notify, so a failed start is found before the store opens, not at opening; a start
  Rekognition refuses is reported as "cannot run" with its message.
- opening: the version must be RUNNING. STOPPED, FAILED or never started: start it and
  notify. STARTING (a late start): notify, then look again every minute until it runs or the
  wait runs out. With a canary, a running model is then asked about the canary image.
- closing: the version must be STOPPED or STOPPING. RUNNING: stop it and notify. STARTING cannot
  be stopped yet: wait until it can, stop it, and notify only if that does not work in time.
- every check: other versions of the project that are RUNNING or STARTING and are no store's
  current version are stale (left over from a rotation, or started by hand): stop or report them.
"""

from __future__ import annotations

from botocore.exceptions import ClientError
from verifier_actions import Action, action

import verifier_aws
from model_status import BILLING
from verifier_aws import project_versions, start, stop, version_status
from verifier_canary import ask_canary
from verifier_contract import Check, StaleVersions, VerifierEvent, VerifierSettings
from verifier_outcome import LOGGER, RUNNING, STARTING, STOPPING, Outcome, VerifierError


def ensure_started(check: VerifierEvent, outcome: Outcome, settings: VerifierSettings) -> None:
    """Start check: STARTING or RUNNING is fine. Opening check: wait for RUNNING. A version
    that is stopped, failed or never started is started once; STOPPING is waited out first."""
    when = "at opening" if check.check == Check.OPENING else "after the start"
    deadline = verifier_aws.monotonic() + settings.late_start_wait_seconds
    arn = check.model_version_arn
    started = False
    status = outcome.status = version_status(check)
    while True:
        todo = action(Check(check.check), status)
        if todo is Action.DONE:
            if outcome.mismatch:
                headline = "running now" if status == RUNNING else None
                outcome.notice(f"{arn} is {status} now.", headline)
            break
        if todo is Action.START and not started:
            outcome.mismatch = True
            try:
                start(check)
            except ClientError as error:
                # Rekognition refuses this version (e.g. a copy that never ran): no retry helps.
                said = " ".join(str(error.response.get("Error", {}).get("Message", "")).split())
                outcome.notice(
                    f"{arn} is {status} {when} and cannot run: Rekognition refused to start it "
                    f"({error.response.get('Error', {}).get('Code', '')}: {said}).",
                    f"{status}, cannot run",
                )
                break
            started = True
            outcome.recovery_actions += 1
            outcome.notice(
                f"{arn} was {status} {when}: started it again ({check.min_inference_units} "
                "inference units). A start can take up to 30 min.",
                f"model was {status}, restarted",
            )
            if check.check == Check.START:
                break  # STARTING is all the start check waits for; the opening check follows
        elif todo is Action.START:
            outcome.notice(f"{arn} is {status} again after the restart.", f"{status} again")
            break
        elif todo is Action.WAIT:
            if not outcome.mismatch:
                outcome.mismatch = True
                late = "the start is late" if status == STARTING else "someone is stopping it"
                outcome.notice(f"{arn} is still {status} {when}: {late}.", f"model {status}")
        else:
            outcome.mismatch = True
            outcome.notice(f"{arn} is {status} {when} and cannot run.", f"{status}, cannot run")
            break
        if verifier_aws.monotonic() >= deadline:
            minutes = settings.late_start_wait_seconds // 60
            outcome.notice(
                f"Gave up waiting: {arn} is still {status} {minutes} min later.",
                f"not ready after {minutes} min",
            )
            break
        verifier_aws.sleep(settings.poll_seconds)
        status = version_status(check)
    outcome.final_status = STARTING if started and check.check == Check.START else status


def ensure_stopped(check: VerifierEvent, outcome: Outcome, settings: VerifierSettings) -> None:
    """After closing: stop a RUNNING version; wait until a STARTING one can be stopped."""
    arn = check.model_version_arn
    status = outcome.status = outcome.final_status = version_status(check)
    if action(Check.CLOSING, status) is Action.DONE:
        return
    deadline = verifier_aws.monotonic() + settings.stop_wait_seconds
    waited = False
    while True:
        if stop(arn):
            outcome.recovery_actions += 1
            outcome.final_status = STOPPING
            if outcome.status == RUNNING:
                outcome.mismatch = True
                outcome.notice(
                    f"{arn} was RUNNING after closing: stopped it (it bills about 4 USD per "
                    "inference unit per hour while it runs).",
                    "model was RUNNING, stopped",
                )
            else:
                # Fixed without anyone: the metrics and the log keep it, nobody is woken.
                LOGGER.warning(
                    f"{arn} was STARTING after closing; stopped it once it could be stopped",
                    extra={"store": check.store, "check": check.check, "waited": waited},
                )
            return
        if verifier_aws.monotonic() >= deadline:
            minutes = settings.stop_wait_seconds // 60
            outcome.mismatch = True
            outcome.notice(
                f"{arn} is still {status} {minutes} min after the closing check and Rekognition "
                "refuses to stop it: stop it by hand (see the README's runbook), it bills about "
                "4 USD per inference unit per hour.",
                f"model still {status}, could not stop",
            )
            return
        verifier_aws.sleep(settings.poll_seconds)
        waited = True
        status = outcome.final_status = version_status(check)
        if (
            action(Check.CLOSING, status) is Action.DONE
        ):  # stopped meanwhile (by a person or a retried stop)
            return


def sweep_stale_versions(check: VerifierEvent, outcome: Outcome) -> None:
    stopped = 0
    for description in project_versions(check.project_arn):
        arn, status = description["ProjectVersionArn"], description["Status"]
        if status not in BILLING or arn in check.protected_versions:
            continue
        outcome.stale_versions.append(arn)
        if check.stale_versions == StaleVersions.NOTIFY:
            outcome.notice(
                f"Stale version {arn} is {status} and no store uses it; not stopped "
                "(staleVersions is 'notify'): stop it by hand if nobody needs it."
            )
        elif stop(arn):
            stopped += 1
            outcome.recovery_actions += 1
            outcome.notice(f"Stale version {arn} was {status} and no store uses it: stopped it.")
        else:
            outcome.notice(f"Stale version {arn} is {status}; Rekognition refused to stop it now.")
    if outcome.stale_versions:
        count = len(outcome.stale_versions)
        outcome.headlines.append(
            f"stopped {stopped} stale version{'s' if stopped != 1 else ''}"
            if stopped
            else f"{count} stale version{'s' if count != 1 else ''} running"
        )


def run_check(check: VerifierEvent, outcome: Outcome, settings: VerifierSettings) -> None:
    delay = (
        (verifier_aws.now() - check.scheduled_time).total_seconds() if check.scheduled_time else 0
    )
    if delay > settings.max_delay_seconds:
        # A check delivered hours late would act on the wrong part of the day.
        raise VerifierError(
            f"invoked {int(delay // 60)} min after its scheduled time; skipped so that a late "
            "check cannot start or stop the model at the wrong time",
            "invoked too late, skipped",
        )
    if check.check == Check.CLOSING:
        ensure_stopped(check, outcome, settings)
    else:
        ensure_started(check, outcome, settings)
    sweep_stale_versions(check, outcome)
    # Only a model that runs is asked: one that never reached RUNNING gets no answer at all.
    if check.canary is not None and outcome.final_status == RUNNING:
        ask_canary(check, check.canary, outcome)
