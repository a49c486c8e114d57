"""One distribution, step by step: check the source version against each target (as the
rotation pre-flight does), let the destination accounts copy it (the source project's policies),
copy it into each target's project, check each copy's labels against the target's current
version, and write every passing copy into cdk.json in one edit.

A target that fails does not stop the others. A run interrupted and run again finds the copies
it made (by name, and from this source) and does not copy twice.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from distribute.accounts import Reach, UnreachableError, role_arn
from distribute.policies import PolicyError, apply, documents
from distribute.targets import InputError, Target
from fleet.names import copies_bucket_name
from fleet.settings.arn import ModelVersion, parse_version_arn
from fleet.settings.rotation import Refusal
from model_status import RUNNABLE, ModelStatus
from rotate.cdk_json import read_cdk_json, replace_context_value, write_atomically
from rotate.preflight import RefusedError, VersionInfo, check_online, check_version, describe

# Rekognition's control plane: at most this many copies at once per account (L-B3EE7891), and
# a pause between calls that keeps them under 5 a second (L-C8E3347A and the others).
COPIES_AT_ONCE = 5
CALL_PAUSE_SECONDS = 0.2
POLL_SECONDS = 60
# What --prune may delete: a version that does not run (Rekognition refuses the others).
STOPPED_STATES = frozenset(
    {
        ModelStatus.STOPPED,
        ModelStatus.TRAINING_COMPLETED,
        ModelStatus.COPYING_COMPLETED,
        ModelStatus.COPYING_FAILED,
        ModelStatus.FAILED,
    }
)
# AWS publishes no duration for a copy; its own example polls for as long as it takes. A copy
# still running at the deadline goes on in AWS, and a run started again picks it up.
DEADLINE_MINUTES = 120


@dataclass
class Result:
    """What became of one target."""

    target: Target
    copy_arn: str | None = None
    outcome: str = "waiting"
    passed: bool = False
    written: bool = False
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Options:
    accepted: frozenset[Refusal] = frozenset()
    dry_run: bool = False
    prune: bool = False
    poll_seconds: float = POLL_SECONDS
    deadline_minutes: float = DEADLINE_MINUTES


Say = Callable[[str], None]
Sleep = Callable[[float], None]
Clock = Callable[[], float]


def _aws_problem(error: Exception) -> str:
    if isinstance(error, ClientError):
        code = error.response.get("Error", {}).get("Code", "")
        return f"{code}: {' '.join(str(error).split())}"
    return " ".join(str(error).split())


def source_info(reach: Reach, source: ModelVersion, project_arn: str) -> VersionInfo:
    """The source version, described in its own account; InputError when it cannot be copied."""
    try:
        found = describe(reach(source.account).rekognition, project_arn, [source])
    except (UnreachableError, RefusedError) as error:
        raise InputError(f"source {source.arn}: {error}") from error
    info = found.get(source.arn)
    if info is None:
        raise InputError(f"source {source.arn} does not exist in project {project_arn}")
    if info.status not in RUNNABLE:
        raise InputError(
            f"source {source.version_name} is {info.status}: only a version that finished "
            f"training ({', '.join(sorted(RUNNABLE))}) can be copied"
        )
    return info


def _check_source(
    result: Result, source: ModelVersion, info: VersionInfo, reach: Reach, options: Options
) -> None:
    """The rotation's checks of the source against the target's current version (state, F1)."""
    target = result.target
    try:
        clients = reach(target.account)
        found = describe(clients.rekognition, target.project_arn, [target.model])
        found[source.arn] = info
        check_online(
            target.store,
            source,
            found,
            accept_lower_f1=Refusal.LOWER_F1 in options.accepted,
            current_arn=target.model.arn,
        )
    except UnreachableError as error:
        result.outcome = f"not reached: {error}"
    except RefusedError as error:
        result.outcome = f"refused: {error}"


def _grant(
    results: Sequence[Result],
    source: ModelVersion,
    project_arn: str,
    reach: Reach,
    role: str,
    options: Options,
    say: Say,
) -> None:
    """The source project's policies for every other account still to be copied into."""
    elsewhere = [
        r for r in results if r.outcome == "waiting" and r.target.account != source.account
    ]
    accounts = list(dict.fromkeys(r.target.account for r in elsewhere))
    principals = [role_arn(source.partition, a, role) for a in accounts]
    try:
        for line in apply(
            reach(source.account).rekognition,
            project_arn,
            documents(source.arn, principals) if principals else [],
            dry_run=options.dry_run,
        ):
            say(line)
    except (PolicyError, UnreachableError, BotoCoreError, ClientError) as error:
        line = (
            str(error) if isinstance(error, PolicyError | UnreachableError) else _aws_problem(error)
        )
        for result in elsewhere:
            result.outcome = f"failed: {line}"


def _existing_copy(rekognition: Any, result: Result, source: ModelVersion) -> None:
    """A copy an earlier run made (by name, from this source): picked up, not made again."""
    target = result.target
    page = rekognition.describe_project_versions(
        ProjectArn=target.project_arn, VersionNames=[target.copy_name]
    )
    for description in page.get("ProjectVersionDescriptions", []):
        if description.get("SourceProjectVersionArn") != source.arn:
            result.outcome = (
                f"failed: project {target.project_arn} already has a version named "
                f"{target.copy_name} that is not a copy of {source.version_name}: delete or "
                "rename it, or name the target's copy by hand"
            )
            return
        result.copy_arn = str(description["ProjectVersionArn"])
        result.notes.append("copy found from an earlier run")


def _copy(
    results: Sequence[Result],
    source: ModelVersion,
    source_project_arn: str,
    reach: Reach,
    options: Options,
    *,
    say: Say,
    sleep: Sleep,
    clock: Clock,
) -> None:
    """Copy into every target still waiting, at most COPIES_AT_ONCE per account, polling every
    `poll_seconds` with a line per copy, until all finished or the deadline."""
    queue = [r for r in results if r.outcome == "waiting"]
    for result in queue:
        try:
            _existing_copy(reach(result.target.account).rekognition, result, source)
        except UnreachableError as error:
            result.outcome = f"not reached: {error}"
        except (BotoCoreError, ClientError) as error:
            result.outcome = f"failed: {_aws_problem(error)}"
        sleep(CALL_PAUSE_SECONDS)
    queue = [r for r in queue if r.outcome == "waiting"]
    if options.dry_run:
        for result in queue:
            t = result.target
            result.outcome = (
                f"would copy into {t.project_arn} as {t.copy_name}"
                if result.copy_arn is None
                else f"would pick up {result.copy_arn}"
            )
        return
    started = clock()
    running: list[Result] = [r for r in queue if r.copy_arn is not None]
    waiting = [r for r in queue if r.copy_arn is None]
    while True:
        for result in list(waiting):
            account = result.target.account
            if sum(1 for r in running if r.target.account == account) >= COPIES_AT_ONCE:
                continue
            waiting.remove(result)
            t = result.target
            try:
                response = reach(account).rekognition.copy_project_version(
                    SourceProjectArn=source_project_arn,
                    SourceProjectVersionArn=source.arn,
                    DestinationProjectArn=t.project_arn,
                    VersionName=t.copy_name,
                    OutputConfig={
                        "S3Bucket": copies_bucket_name(account, t.model.region),
                        "S3KeyPrefix": f"copies/{t.owner_id}/",
                    },
                )
            except (BotoCoreError, ClientError) as error:
                result.outcome = f"failed: CopyProjectVersion: {_aws_problem(error)}"
                continue
            result.copy_arn = str(response["ProjectVersionArn"])
            running.append(result)
            sleep(CALL_PAUSE_SECONDS)
        if not running:
            return
        sleep(options.poll_seconds)
        minutes = (clock() - started) / 60
        for result in list(running):
            t = result.target
            try:
                page = reach(t.account).rekognition.describe_project_versions(
                    ProjectArn=t.project_arn, VersionNames=[t.copy_name]
                )
            except (BotoCoreError, ClientError) as error:
                say(f"  {t.owner_id}: could not look ({_aws_problem(error)}); trying again")
                continue
            sleep(CALL_PAUSE_SECONDS)
            [description] = page["ProjectVersionDescriptions"] or [{}]
            status = str(description.get("Status", "UNKNOWN"))
            say(f"  {t.owner_id}: {status} ({minutes:.0f} min)")
            if status == ModelStatus.COPYING_IN_PROGRESS:
                continue
            running.remove(result)
            if status == ModelStatus.COPYING_FAILED:
                message = " ".join(str(description.get("StatusMessage") or "").split())
                result.outcome = f"failed: COPYING_FAILED: {message or 'no message'}"
            elif status not in RUNNABLE:
                result.outcome = f"failed: the copy is {status}"
        if minutes >= options.deadline_minutes and (running or waiting):
            for result in [*running, *waiting]:
                result.outcome = (
                    f"still copying after {options.deadline_minutes:.0f} minutes: run again "
                    "later to pick it up"
                    if result in running
                    else f"not started within {options.deadline_minutes:.0f} minutes: run again"
                )
            return


def _check_copy(result: Result, reach: Reach, options: Options, say: Say) -> None:
    """The per-label pre-flight of the copy (its own summary) against the current version."""
    t = result.target
    assert result.copy_arn is not None
    try:
        clients = reach(t.account)
    except UnreachableError as error:
        result.outcome = f"not reached: {error}"
        return
    try:
        verdict = check_version(
            t.store,
            clients.rekognition,
            clients.s3,
            current_arn=t.model.arn,
            new=parse_version_arn(result.copy_arn),
            accepted=options.accepted,
        )
    except RefusedError as error:
        result.outcome = f"refused: {error}"
        return
    if verdict.refused:
        result.outcome = f"refused: {'; '.join(verdict.refused)}"
    elif verdict.unchecked is not None:
        # As rotate.sh: the overall F1 was checked; the labels are said not compared.
        say(f"  {t.owner_id}: labels not compared: {verdict.unchecked}")
        result.outcome, result.passed = "passed (labels not compared)", True
    else:
        result.outcome, result.passed = "passed", True


def distribute(
    source: ModelVersion,
    targets: Sequence[Target],
    reach: Reach,
    *,
    role_name: str,
    cdk_json: Path,
    options: Options,
    say: Say = print,
    sleep: Sleep,
    clock: Clock,
) -> list[Result]:
    """Every step for every target; InputError (nothing done) when the source cannot be
    copied."""
    project_arn = targets[0].store.settings.source_project_arn
    assert project_arn is not None, "targets name the source project"
    info = source_info(reach, source, project_arn)
    results = [Result(t) for t in targets]
    for result in results:
        _check_source(result, source, info, reach, options)
    _grant(results, source, project_arn, reach, role_name, options, say)
    _copy(results, source, project_arn, reach, options, say=say, sleep=sleep, clock=clock)
    if options.dry_run:
        return results
    for result in results:
        if result.outcome == "waiting" and result.copy_arn is not None:
            _check_copy(result, reach, options, say)
    _write(results, cdk_json)
    if options.prune:
        prune(results, project_arn, reach, _named(cdk_json), say=say)
    return results


def _named(cdk_json: Path) -> set[str]:
    """Every version cdk.json names now."""
    context = json.loads(read_cdk_json(cdk_json))["context"]
    return {str(v) for k, v in context.items() if k.startswith("modelVersionArn:")}


def prune(
    results: Sequence[Result],
    source_project_arn: str,
    reach: Reach,
    named: set[str],
    *,
    say: Say,
    dry_run: bool = False,
) -> None:
    """In each target's project, delete the copies of the source project's versions that no
    store or group names, but the newest of them (the version a target can rotate back to);
    a version still running is left, said."""
    source = source_project_arn.rsplit("/", 1)[0] + "/version/"
    verb = "would delete" if dry_run else "deleted"
    for project in dict.fromkeys(r.target.project_arn for r in results):
        account = project.split(":")[4]
        try:
            rekognition = reach(account).rekognition
            found: list[dict[str, Any]] = []
            token: str | None = None
            while True:
                request: dict[str, Any] = {"ProjectArn": project}
                if token:
                    request["NextToken"] = token
                page = rekognition.describe_project_versions(**request)
                found += page.get("ProjectVersionDescriptions", [])
                token = page.get("NextToken")
                if not token:
                    break
            copies = sorted(
                (
                    d
                    for d in found
                    if str(d.get("SourceProjectVersionArn", "")).startswith(source)
                    and d["ProjectVersionArn"] not in named
                ),
                key=lambda d: d["CreationTimestamp"],
            )
            for description in copies[:-1]:
                arn = str(description["ProjectVersionArn"])
                if description.get("Status") not in STOPPED_STATES:
                    say(f"prune: {arn} is {description.get('Status')}: left in place")
                    continue
                if not dry_run:
                    rekognition.delete_project_version(ProjectVersionArn=arn)
                say(f"prune: {verb} {arn}")
        except (UnreachableError, BotoCoreError, ClientError) as error:
            known = isinstance(error, UnreachableError)
            say(f"prune: {project}: {error if known else _aws_problem(error)}")


def _write(results: Sequence[Result], cdk_json: Path) -> None:
    """Every passing copy into cdk.json in one edit, every other byte as it was."""
    passing = [r for r in results if r.passed and r.copy_arn is not None]
    if not passing:
        return
    text = read_cdk_json(cdk_json)
    for result in passing:
        t = result.target
        assert result.copy_arn is not None
        text = replace_context_value(text, t.key, t.model.arn, result.copy_arn)
    write_atomically(cdk_json, text)
    for result in passing:
        result.written = True


def table(results: Sequence[Result]) -> str:
    rows = [("target", "account", "copy", "outcome")]
    for r in results:
        copy = r.copy_arn.split("/version/")[1].split("/")[0] if r.copy_arn else "-"
        outcome = r.outcome + (" - written to cdk.json" if r.written else "")
        rows.append((f"{r.target.kind} {r.target.owner_id}", r.target.account, copy, outcome))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    return "\n".join(
        "  ".join([*(cell.ljust(w) for cell, w in zip(row[:3], widths, strict=True)), row[3]])
        for row in rows
    )
