"""./scripts/rotate.sh: every refusal leaves cdk.json untouched with one clear line; success
changes one value and nothing else, then shows the store's diff."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config

from rotate.cdk_json import EditError, replace_context_value
from tests.synth import ROOT

from .conftest import CURRENT, NEW, PROJECT, STORE, Rotation

OTHER_PROJECT = NEW.replace("project/bread-checkout/", "project/croissants/")


def edit_context(rotation: Rotation, change: Callable[[dict[str, Any]], None]) -> None:
    document = json.loads(rotation.cdk_json.read_text(encoding="utf-8"))
    change(document["context"])
    rotation.cdk_json.write_text(json.dumps(document, indent=2), encoding="utf-8")


def refused(rotation: Rotation, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """Run, expect exit 1 and an untouched cdk.json; the one line that says why."""
    before = rotation.cdk_json.read_bytes()
    assert rotation.main(*args) == 1
    assert rotation.cdk_json.read_bytes() == before
    lines = [line for line in capsys.readouterr().err.splitlines() if line.startswith("rotate:")]
    assert len(lines) == 1, lines
    assert "cdk.json is unchanged" in lines[0]
    return lines[0]


# --- success


def test_success_changes_that_one_value_and_shows_the_diff(
    rotation: Rotation, capsys: pytest.CaptureFixture[str]
) -> None:
    """Byte for byte, only the store's ARN changes; the two versions are shown side by side;
    `cdk diff` runs for the store's stack (against the deployed one)."""
    before = rotation.cdk_json.read_text(encoding="utf-8")
    rotation.versions((CURRENT, "RUNNING", 0.941), (NEW, "TRAINING_COMPLETED", 0.952))
    assert rotation.main(STORE, NEW) == 0
    after = rotation.cdk_json.read_text(encoding="utf-8")
    assert after == before.replace(CURRENT, NEW)
    assert before.count(CURRENT) == 1
    out = capsys.readouterr().out
    assert "bread-checkout.2026-11-01T09.00.00" in out
    assert "0.941" in out
    assert "0.952 (+0.011)" in out
    assert "TRAINING_COMPLETED" in out
    assert rotation.commands == [["diff", "-c", f"store={STORE}", f"ModelSchedule-{STORE}"]]
    assert "./scripts/cdk deploy ModelSchedule-tokyo-ginza" in out
    assert "./scripts/cdk deploy ModelScheduleDashboard-111122223333" in out


@pytest.mark.parametrize(
    "status", ["TRAINING_COMPLETED", "COPYING_COMPLETED", "STOPPED", "RUNNING", "FAILED"]
)
def test_every_startable_state_is_accepted(rotation: Rotation, status: str) -> None:
    rotation.versions((CURRENT, "RUNNING", 0.9), (NEW, status, 0.9))
    assert rotation.main(STORE, NEW, "--no-diff") == 0


def test_a_lower_f1_within_max_drop_is_accepted(rotation: Rotation) -> None:
    """maxF1Drop defaults to 0.02: 0.93 after 0.94 is fine."""
    rotation.versions((CURRENT, "RUNNING", 0.94), (NEW, "STOPPED", 0.93))
    assert rotation.main(STORE, NEW, "--no-diff") == 0


def test_accept_lower_f1_overrides_the_drop(rotation: Rotation) -> None:
    rotation.versions((CURRENT, "RUNNING", 0.94), (NEW, "STOPPED", 0.80))
    assert rotation.main(STORE, NEW, "--no-diff", "--accept-lower-f1") == 0


def test_the_same_version_is_nothing_to_do(
    rotation: Rotation, capsys: pytest.CaptureFixture[str]
) -> None:
    before = rotation.cdk_json.read_bytes()
    assert rotation.main(STORE, CURRENT) == 0
    assert rotation.cdk_json.read_bytes() == before
    assert "nothing to change" in capsys.readouterr().out


# --- refusals


def test_a_version_of_another_project_is_refused(
    rotation: Rotation, capsys: pytest.CaptureFixture[str]
) -> None:
    line = refused(rotation, capsys, STORE, OTHER_PROJECT)
    assert "is not in store tokyo-ginza's project: it is project croissants" in line


def test_a_version_in_another_region_or_account_is_refused(
    rotation: Rotation, capsys: pytest.CaptureFixture[str]
) -> None:
    line = refused(rotation, capsys, STORE, NEW.replace("111122223333", "999988887777"))
    assert "account 999988887777" in line
    line = refused(rotation, capsys, STORE, NEW.replace("ap-northeast-1", "ap-northeast-3"))
    assert "in ap-northeast-3" in line


def test_another_stores_current_version_is_refused_offline(
    rotation: Rotation, capsys: pytest.CaptureFixture[str]
) -> None:
    """No AWS call is made for it (the Stubber has no response queued)."""
    shared = NEW.replace("2026-12-01T09.00.00", "2026-11-15T09.00.00")

    def seattle_runs_a_tokyo_version(context: dict[str, Any]) -> None:
        context["fleet"]["stores"]["seattle-pike-place"]["projectArn"] = PROJECT
        context["modelVersionArn:seattle-pike-place"] = shared

    edit_context(rotation, seattle_runs_a_tokyo_version)
    line = refused(rotation, capsys, STORE, shared)
    assert "is the current version of store seattle-pike-place" in line


def test_a_version_that_does_not_exist_is_refused(
    rotation: Rotation, capsys: pytest.CaptureFixture[str]
) -> None:
    rotation.versions((CURRENT, "RUNNING", 0.94))
    assert f"{NEW} does not exist in project {PROJECT}" in refused(rotation, capsys, STORE, NEW)


@pytest.mark.parametrize(
    "status",
    ["TRAINING_IN_PROGRESS", "TRAINING_FAILED", "DEPRECATED", "EXPIRED", "COPYING_IN_PROGRESS"],
)
def test_a_version_that_cannot_start_is_refused(
    rotation: Rotation, capsys: pytest.CaptureFixture[str], status: str
) -> None:
    rotation.versions((CURRENT, "RUNNING", 0.94), (NEW, status, None))
    line = refused(rotation, capsys, STORE, NEW)
    assert f"is {status}, not a state a model starts from" in line


def test_a_copy_in_progress_is_waited_for(
    rotation: Rotation, capsys: pytest.CaptureFixture[str]
) -> None:
    rotation.versions((CURRENT, "RUNNING", 0.94), (NEW, "COPYING_IN_PROGRESS", None))
    assert "wait for the copy to finish" in refused(rotation, capsys, STORE, NEW)


def test_a_failed_copy_is_refused_with_rekognitions_message(
    rotation: Rotation, capsys: pytest.CaptureFixture[str]
) -> None:
    rotation.versions(
        (CURRENT, "RUNNING", 0.94),
        (NEW, "COPYING_FAILED", None),
        status_message="The source project policy does not allow the copy.",
    )
    line = refused(rotation, capsys, STORE, NEW)
    assert "is COPYING_FAILED" in line
    assert "copy it again, or pick another version" in line
    assert "(Rekognition: The source project policy does not allow the copy.)" in line


def test_f1_below_the_floor_is_refused(
    rotation: Rotation, capsys: pytest.CaptureFixture[str]
) -> None:
    """minF1Score applies even with --accept-lower-f1."""
    edit_context(rotation, lambda c: c["fleet"]["stores"][STORE].update(minF1Score=0.9))
    rotation.versions((CURRENT, "RUNNING", 0.80), (NEW, "STOPPED", 0.85))
    line = refused(rotation, capsys, STORE, NEW, "--accept-lower-f1")
    assert "has F1 0.850, below store tokyo-ginza's minF1Score 0.9" in line


def test_no_f1_with_a_floor_is_refused(
    rotation: Rotation, capsys: pytest.CaptureFixture[str]
) -> None:
    edit_context(rotation, lambda c: c["fleet"]["defaults"].update(minF1Score=0.5))
    rotation.versions((CURRENT, "RUNNING", 0.9), (NEW, "STOPPED", None))
    assert "has no F1 score (no evaluation)" in refused(rotation, capsys, STORE, NEW)


def test_f1_dropping_more_than_max_drop_is_refused(
    rotation: Rotation, capsys: pytest.CaptureFixture[str]
) -> None:
    rotation.versions((CURRENT, "RUNNING", 0.94), (NEW, "STOPPED", 0.91))
    line = refused(rotation, capsys, STORE, NEW)
    assert "has F1 0.910, more than maxF1Drop 0.02 below the current version's 0.940" in line
    assert "--accept-lower-f1" in line


def test_the_f1_drop_is_judged_as_printed(rotation: Rotation) -> None:
    """0.9204 -> 0.9003 prints as 0.920 -> 0.900 (-0.020): within maxF1Drop 0.02 as the
    operator reads it, although the unrounded drop is 0.0201."""
    rotation.versions((CURRENT, "RUNNING", 0.9204), (NEW, "STOPPED", 0.9003))
    assert rotation.main(STORE, NEW, "--no-diff") == 0


def test_no_f1_to_compare_is_refused_unless_accepted(
    rotation: Rotation, capsys: pytest.CaptureFixture[str]
) -> None:
    rotation.versions((CURRENT, "RUNNING", 0.94), (NEW, "STOPPED", None))
    assert "has no F1 score to compare" in refused(rotation, capsys, STORE, NEW)


@pytest.mark.parametrize(
    ("code", "says"),
    [
        ("ExpiredTokenException", "the AWS credentials are expired or invalid"),
        ("UnrecognizedClientException", "the AWS credentials are expired or invalid"),
        ("AccessDeniedException", "access denied for rekognition:DescribeProjectVersions"),
        ("ResourceNotFoundException", "does not exist in ap-northeast-1 for these credentials"),
    ],
)
def test_aws_errors_are_one_line(
    rotation: Rotation, capsys: pytest.CaptureFixture[str], code: str, says: str
) -> None:
    """Expired or invalid credentials also name --offline, like missing ones."""
    rotation.stub.add_client_error("describe_project_versions", code, "stubbed")
    line = refused(rotation, capsys, STORE, NEW)
    assert says in line
    if code in ("ExpiredTokenException", "UnrecognizedClientException"):
        assert "--offline" in line


def test_no_credentials_names_the_problem_and_offline(
    rotation: Rotation, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A real client with no credentials anywhere: botocore refuses before any request."""
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/config")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    rotation.rekognition = boto3.client("rekognition", region_name="ap-northeast-1")
    line = refused(rotation, capsys, STORE, NEW)
    assert "no AWS credentials" in line
    assert "--offline" in line


def test_no_network_names_the_problem_and_offline(
    rotation: Rotation, capsys: pytest.CaptureFixture[str]
) -> None:
    """An endpoint nothing listens on stands in for a machine without network."""
    rotation.rekognition = boto3.client(
        "rekognition",
        region_name="ap-northeast-1",
        endpoint_url="http://127.0.0.1:9",
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="not-a-secret",
        config=Config(connect_timeout=1, retries={"total_max_attempts": 1}),
    )
    line = refused(rotation, capsys, STORE, NEW)
    assert "cannot reach Rekognition in ap-northeast-1 (no network?)" in line
    assert "--offline" in line


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["nara", NEW], "no store 'nara' in cdk.json; known stores: tokyo-ginza"),
        ([STORE, PROJECT], "is a project ARN, not a model version ARN"),
        ([STORE, NEW + " "], "leading or trailing whitespace"),
    ],
)
def test_bad_arguments_exit_2(
    rotation: Rotation, capsys: pytest.CaptureFixture[str], args: list[str], says: str
) -> None:
    assert rotation.main(*args) == 2
    assert says in capsys.readouterr().err


# --- offline


def test_offline_warns_what_was_not_checked_and_diffs_against_the_template_before(
    rotation: Rotation, capsys: pytest.CaptureFixture[str]
) -> None:
    """No AWS call; the diff compares the template synthesized before the change with after."""
    assert rotation.main(STORE, NEW, "--offline") == 0
    err = capsys.readouterr().err
    assert "--offline: not checked that the version exists" in err
    assert "F1 score" in err
    synth_before, synth_after, diff = rotation.commands
    assert synth_before[:4] == ["synth", "--quiet", "-c", f"store={STORE}"]
    assert synth_after[:4] == synth_before[:4]
    assert diff[0] == "diff"
    assert diff[-1] == "ModelSchedule-tokyo-ginza"
    assert (
        Path(diff[diff.index("--template") + 1]).name == "ModelSchedule-tokyo-ginza.template.json"
    )
    assert rotation.cdk_json.read_text(encoding="utf-8").count(NEW) == 1


# --- the edit itself


def test_the_edit_keeps_every_other_byte() -> None:
    """Key order, indentation, spacing, non-ASCII elsewhere: all as they were."""
    text = (
        '{\n  "context":   {\n\t"note": "メロンパン",\n    "modelVersionArn:a" :  "old",\n'
        '    "modelVersionArn:ab": "old"\n  }\n}\n'
    )
    assert replace_context_value(text, "modelVersionArn:a", "old", "new") == text.replace(
        '"modelVersionArn:a" :  "old"', '"modelVersionArn:a" :  "new"'
    )


def test_the_edit_refuses_what_it_cannot_do_in_place() -> None:
    with pytest.raises(EditError, match="is not 'other'"):
        replace_context_value('{"context": {"k": "v"}}', "k", "other", "new")
    twice = '{"context": {"k": "v"}, "x": {"k": "v"}}'
    with pytest.raises(EditError, match="appears 2 times"):
        replace_context_value(twice, "k", "v", "new")


@pytest.mark.e2e
@pytest.mark.xdist_group("cdk-cli")
def test_offline_end_to_end_with_the_cli(tmp_path: Path) -> None:
    """./scripts/rotate.sh's python -m rotate --offline in a copy of the project, with the
    pinned CDK CLI: cdk.json changes that one value and the diff shows the new inputs."""
    for item in (
        "app.py",
        "cdk.json",
        "fleet",
        "stacks",
        "constructs",
        "lambda",
        "client",
        "rotate",
    ):
        source = ROOT / item
        if source.is_dir():
            ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
            shutil.copytree(source, tmp_path / item, ignore=ignore)
        else:
            (tmp_path / item).write_bytes(source.read_bytes())
    before = (tmp_path / "cdk.json").read_text(encoding="utf-8")
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{ROOT / 'node_modules' / '.bin'}"
        f"{os.pathsep}{os.environ['PATH']}",
        "CDK_DISABLE_CLI_TELEMETRY": "true",
    }
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "rotate",
            STORE,
            NEW,
            "--offline",
            "--cdk-json",
            str(tmp_path / "cdk.json"),
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert (tmp_path / "cdk.json").read_text(encoding="utf-8") == before.replace(CURRENT, NEW)
    output = done.stdout + done.stderr
    assert "AWS::Scheduler::Schedule" in output
    assert "AWS::SSM::Parameter" in output
    assert "[~]" in output


# --- credentials that do not work: one line each, never a traceback

AWS_CONFIG = """\
[profile failing-process]
credential_process = sh -c "echo 'token helper: not signed in' >&2; exit 1"
[profile sso-never-started]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = Checkout
[profile sso-expired]
sso_start_url = https://corp.awsapps.com/start
sso_region = ap-northeast-1
sso_account_id = 111122223333
sso_role_name = Checkout
[sso-session corp]
sso_start_url = https://corp.awsapps.com/start-never
sso_region = ap-northeast-1
"""


def rotate_in_a_process(cdk_json: Path, home: Path, env: dict[str, str]) -> tuple[int, str]:
    """`python -m rotate`, as ./scripts/rotate.sh runs it, with only these AWS settings: a
    config file, no shared credentials, no instance metadata, HOME (the SSO token cache)."""
    (home / ".aws").mkdir(parents=True, exist_ok=True)
    (home / ".aws" / "config").write_text(AWS_CONFIG, encoding="utf-8")
    clean = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and "PROXY" not in k}
    clean.update(
        HOME=str(home),
        AWS_CONFIG_FILE=str(home / ".aws" / "config"),
        AWS_SHARED_CREDENTIALS_FILE=str(home / "none"),
        AWS_EC2_METADATA_DISABLED="true",
        **env,
    )
    done = subprocess.run(
        [sys.executable, "-m", "rotate", STORE, NEW, "--no-diff", "--cdk-json", str(cdk_json)],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return done.returncode, done.stderr


def expired_sso_token(home: Path) -> None:
    cache = home / ".aws" / "sso" / "cache"
    cache.mkdir(parents=True)
    start_url = "https://corp.awsapps.com/start"
    token = {
        "startUrl": start_url,
        "region": "ap-northeast-1",
        "accessToken": "expired",
        "expiresAt": "2026-01-01T00:00:00Z",
    }
    name = hashlib.sha1(start_url.encode()).hexdigest()  # botocore's cache key
    (cache / f"{name}.json").write_text(json.dumps(token), encoding="utf-8")


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({"AWS_PROFILE": "no-such-profile"}, "the AWS profile 'no-such-profile' does not exist"),
        ({"AWS_PROFILE": "sso-never-started"}, "SSO session was never started: run `aws sso"),
        ({"AWS_PROFILE": "sso-expired"}, "the AWS SSO session has expired: run `aws sso login`"),
        (
            {"AWS_PROFILE": "failing-process"},
            "credential_process failed (Error when retrieving credentials from custom-process: "
            "token helper: not signed in): fix the command",
        ),
        (
            {
                "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE",
                "AWS_SECRET_ACCESS_KEY": "not-a-secret",
                "HTTPS_PROXY": "http://127.0.0.1:9",
            },
            "cannot reach the proxy http://127.0.0.1:9 (HTTPS_PROXY or HTTP_PROXY)",
        ),
    ],
    ids=["unknown-profile", "sso-never-started", "sso-expired", "credential-process", "proxy"],
)
def test_a_credential_problem_is_one_line_naming_offline(
    rotation: Rotation, tmp_path: Path, env: dict[str, str], says: str
) -> None:
    """Exit 1, cdk.json untouched, one `rotate: refused:` line that names the problem and
    --offline, and no Python traceback."""
    home = tmp_path / "home"
    expired_sso_token(home)
    before = rotation.cdk_json.read_bytes()
    status, stderr = rotate_in_a_process(rotation.cdk_json, home, env)
    assert status == 1, stderr
    assert "Traceback" not in stderr
    lines = [line for line in stderr.splitlines() if line.startswith("rotate:")]
    assert len(lines) == 1, stderr
    assert lines[0].startswith("rotate: refused: ")
    assert says in lines[0]
    assert lines[0].endswith(
        "or pass --offline to skip the checks against AWS; cdk.json is unchanged"
    )
    assert rotation.cdk_json.read_bytes() == before


# --- cdk.json as stored


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"\xef\xbb\xbf{}", "cdk.json starts with a UTF-8 byte-order mark: save it as UTF-8"),
        (
            '{"context": {"note": "メロンパン"}}'.encode("shift_jis"),
            "cdk.json is not UTF-8 (byte 22 is 0x83): save it as UTF-8",
        ),
        (b'{"context": {', "cdk.json is not valid JSON (line 1, column 14"),
        (b'{"app": "python3 app.py"}', 'cdk.json has no "context" object'),
    ],
    ids=["byte-order-mark", "shift-jis", "not-json", "no-context"],
)
def test_a_cdk_json_that_cannot_be_read_is_one_line(
    rotation: Rotation, capsys: pytest.CaptureFixture[str], content: bytes, says: str
) -> None:
    rotation.cdk_json.write_bytes(content)
    assert rotation.main(STORE, NEW) == 2
    assert rotation.cdk_json.read_bytes() == content
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"rotate: {says}")


def test_crlf_line_endings_stay_crlf(rotation: Rotation) -> None:
    """A cdk.json saved on Windows: only the one value changes, every CRLF stays."""
    crlf = rotation.cdk_json.read_bytes().replace(b"\n", b"\r\n")
    rotation.cdk_json.write_bytes(crlf)
    rotation.versions((CURRENT, "RUNNING", 0.94), (NEW, "STOPPED", 0.95))
    assert rotation.main(STORE, NEW, "--no-diff") == 0
    assert rotation.cdk_json.read_bytes() == crlf.replace(CURRENT.encode(), NEW.encode())


def test_the_accept_flags_are_the_refusal_kinds() -> None:
    """rotate.sh's --accept-* flags, cdk.json's acceptRotations and the refusal lines share one
    type: every kind but the pipeline-only unchecked-labels is a flag of rotate.sh."""
    from fleet.settings.rotation import ROTATE_SH_FLAGS, Refusal
    from rotate.__main__ import parse_args

    for refusal in Refusal:
        given = [refusal.flag] if refusal in ROTATE_SH_FLAGS else []
        if given:
            args = parse_args(["tokyo-ginza", NEW, *given])
            assert args.accepted == [refusal]
    assert Refusal.UNCHECKED_LABELS not in ROTATE_SH_FLAGS
    assert parse_args(["tokyo-ginza", NEW]).accepted == []
