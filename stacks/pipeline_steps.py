"""The steps a pipeline runs besides deploying: the synth, the rotation check before the canary
and the alarm check after each wave. Small functions, each a CodeBuildStep; the programs they
run live in pipeline_checks/, installed one way (CHECKS_INSTALL, pipeline_checks/__init__.py
says why)."""

from __future__ import annotations

import json
import shlex
from collections.abc import Sequence

from aws_cdk import aws_codebuild as codebuild
from aws_cdk import aws_iam as iam
from aws_cdk import pipelines

# The pinned tools inside the pipeline: the same CDK CLI as package.json, the same set-up
# (scripts/setup.sh installs Python packages and Node.js pinned) as a developer's machine.
SYNTH_COMMAND = "./scripts/synth.sh --pipeline"
# The checks' own environment: their requirements under the project's pins, the client, and
# the project's folders (the verifier's contract and model status among them) on PYTHONPATH.
CHECKS_VENV = "/tmp/pipeline-checks"
CHECKS_INSTALL = [
    f"python3 -m venv {CHECKS_VENV}",
    f"{CHECKS_VENV}/bin/pip install --quiet -c constraints.txt "
    "-r pipeline_checks/requirements.txt ./client",
]
CHECKS_PATH = "PYTHONPATH=.:lambda/model_verifier"
IMAGE = codebuild.BuildEnvironment(build_image=codebuild.LinuxBuildImage.STANDARD_7_0)


def check_command(module: str, *arguments: str) -> str:
    """`python -m pipeline_checks.<module> <arguments>` in the checks' environment, each
    argument quoted for the shell (alarm names are free text)."""
    quoted = " ".join(shlex.quote(a) for a in arguments)
    return f"{CHECKS_PATH} {CHECKS_VENV}/bin/python -m pipeline_checks.{module} {quoted}".rstrip()


def synth_step(source: pipelines.IFileSetProducer) -> pipelines.CodeBuildStep:
    return pipelines.CodeBuildStep(
        "Synth",
        input=source,
        commands=[SYNTH_COMMAND],
        primary_output_directory="cdk.out",
        build_environment=IMAGE,
    )


def check_rotations_step(
    source: pipelines.IFileSetProducer, stores: Sequence[str], lookup_roles: list[str]
) -> pipelines.CodeBuildStep:
    """Before the canary: the rotation pre-flight for every store of the pipeline whose version
    the commit changed (pipeline_checks/rotations.py)."""
    return pipelines.CodeBuildStep(
        "CheckRotations",
        input=source,
        install_commands=CHECKS_INSTALL,
        commands=[check_command("rotations", "--stores", ",".join(stores))],
        build_environment=IMAGE,
        role_policy_statements=[
            iam.PolicyStatement(actions=["sts:AssumeRole"], resources=lookup_roles)
        ],
    )


def check_alarms_step(
    source: pipelines.IFileSetProducer,
    places: dict[tuple[str, str, str], list[str]],
    ignore_alarms: Sequence[str],
    lookup_roles: list[str],
) -> pipelines.CodeBuildStep:
    """After a wave: fail when a store of the wave has an alarm in ALARM
    (pipeline_checks/alarms.py). `places`: (partition, account, region) -> stores."""
    wave = json.dumps(
        [
            {"account": a, "region": r, "stores": s, "partition": p}
            for (p, a, r), s in places.items()
        ],
        separators=(",", ":"),
    )
    ignores = [part for name in ignore_alarms for part in ("--ignore", name)]
    return pipelines.CodeBuildStep(
        "CheckAlarms",
        input=source,
        install_commands=CHECKS_INSTALL,
        commands=[check_command("alarms", wave, *ignores)],
        build_environment=IMAGE,
        role_policy_statements=[
            iam.PolicyStatement(actions=["sts:AssumeRole"], resources=lookup_roles)
        ],
    )
