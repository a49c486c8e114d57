"""cdk-nag (AwsSolutions, NIST 800-53 R5, Serverless) and AWS Control Tower's proactive controls
(cfn-guard): no finding left unacknowledged, and every acknowledgment answers one real finding,
with a specific reason."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sqs as sqs
from cdk_nag import AwsSolutionsChecks, NIST80053R5Checks, ServerlessChecks

import scheduler_constructs.nag
from tests.synth import cli_context, synth


class RecordingValidations:
    """Stands in for aws_cdk.Validations: records what is acknowledged where, and applies the
    acknowledgments whose id starts with one of `applied` (the others' findings are left for the
    validation report)."""

    def __init__(self, *, applied: tuple[str, ...] = ()) -> None:
        self.acknowledged: list[tuple[str, str, str]] = []
        self._applied = applied

    def of(self, scope: Any) -> RecordingValidations:
        self._scope = scope
        return self

    def acknowledge(self, *acks: cdk.Acknowledgment) -> None:
        self.acknowledged.extend((self._scope.node.path, ack.id, ack.reason) for ack in acks)
        if applied := [ack for ack in acks if ack.id.startswith(self._applied)]:
            cdk.Validations.of(self._scope).acknowledge(*applied)

    def paths(self) -> set[tuple[str, str]]:
        """(resource path, finding id): on the resource itself, or on the construct whose
        `Resource` it is."""
        return {
            (path if path.endswith("/Resource") else f"{path}/Resource", finding)
            for path, finding, _ in self.acknowledged
        }


def acknowledgment_id(plugin: str, rule: str) -> str:
    """cdk-nag's rule names carry their pack; cfn-guard's are acknowledged as <plugin>::<rule>."""
    return rule if rule.startswith(plugin) else f"{plugin}::{rule}"


def findings(report_dir: Path, *, suppressed: bool = False) -> set[tuple[str, str]]:
    """(construct path, finding id) for every violation in the validation report, or for every
    one an acknowledgment suppressed."""
    report = json.loads((report_dir / "validation-report.json").read_text())
    return {
        (construct["constructPath"], acknowledgment_id(plugin["pluginName"], violation["ruleName"]))
        for plugin in report["pluginReports"]
        for violation in plugin.get("suppressedViolations" if suppressed else "violations", [])
        for construct in violation["violatingConstructs"]
    }


CONTROL_TOWER = "cdk-validator-cfnguard::"


def withheld(synthesize: Callable[[Path], object]) -> tuple[RecordingValidations, Path]:
    """`synthesize(outdir)` with every acknowledgment recorded and withheld, so that the checks
    end it (ValidationFailed) after writing the cloud assembly and its validation report: what
    was acknowledged, and that folder."""
    recorder = RecordingValidations()
    outdir = Path(tempfile.mkdtemp(prefix="cdk.out."))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(scheduler_constructs.nag, "Validations", recorder)
        with pytest.raises(RuntimeError, match="ValidationFailed"):
            synthesize(outdir)
    return recorder, outdir


@pytest.fixture(scope="session")
def acknowledged() -> tuple[RecordingValidations, Path]:
    """The default fleet synthesized with every cdk-nag pack, acknowledgments withheld. (AWS
    Control Tower's controls run once, on the pipeline, whose stages hold these same stacks:
    test_pipeline.)"""
    return withheld(lambda outdir: synth(cli_context(), outdir))


def test_each_acknowledgment_answers_exactly_one_real_finding(
    acknowledged: tuple[RecordingValidations, Path], fleet_templates: dict[str, Any]
) -> None:
    """cdk-nag's findings are exactly its acknowledged ones, withheld: none is missing, none is
    stale or too broad; and the default synth, which runs every pack, succeeds."""
    assert fleet_templates  # the default fleet synthesized: no cdk-nag finding left
    recorder, outdir = acknowledged
    found = findings(outdir)
    assert found == {(p, f) for p, f in recorder.paths() if not f.startswith(CONTROL_TOWER)}
    # Per store: IAM5 on the project scope (scheduler, verifier and checkout client policies);
    # SQS3 and SQSRedrivePolicy on the DLQ; concurrency, VPC, two DLQ rules and tracing on the
    # verifier.
    assert len(found) == 10 * len(fleet_templates)


def test_reasons_are_specific(acknowledged: tuple[RecordingValidations, Path]) -> None:
    """Every reason is a sentence a reviewer can check, and IAM5 names the exact resource."""
    recorder, _ = acknowledged
    assert recorder.acknowledged
    for _, finding, reason in recorder.acknowledged:
        assert len(reason) >= scheduler_constructs.nag.MIN_REASON_LENGTH
        if finding.startswith("AwsSolutions-IAM5"):
            assert finding.startswith("AwsSolutions-IAM5[Resource::arn:aws:rekognition:")


def test_all_three_packs_run() -> None:
    """Each pack reports on a deliberately bad stack, so none of them is silently off."""
    outdir = Path(tempfile.mkdtemp())
    app = cdk.App(outdir=str(outdir))
    stack = cdk.Stack(app, "Bad")
    sqs.Queue(stack, "Plain", encryption=sqs.QueueEncryption.UNENCRYPTED)
    role = iam.Role(stack, "Role", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
    iam.Policy(
        stack,
        "Admin",
        statements=[iam.PolicyStatement(actions=["*"], resources=["*"])],
        roles=[role],
    )
    cdk.Validations.of(app).add_plugins(
        AwsSolutionsChecks(app), NIST80053R5Checks(app), ServerlessChecks(app)
    )
    with pytest.raises(RuntimeError):
        app.synth()
    report = json.loads((outdir / "validation-report.json").read_text())
    plugins = {p["pluginName"] for p in report["pluginReports"] if p["violations"]}
    assert {"AwsSolutions", "NIST.800.53.R5", "Serverless"} <= plugins, plugins


def test_control_tower_checks_run_when_asked() -> None:
    """With -c controlTowerChecks=true a template that fails a proactive control is refused."""
    from cdklabs.cdk_validator_cfnguard import CfnGuardValidator

    outdir = Path(tempfile.mkdtemp())
    app = cdk.App(outdir=str(outdir))
    stack = cdk.Stack(app, "Bad")
    sqs.Queue(stack, "Plain")  # no dead-letter queue: CT.SQS.PR.1
    cdk.Validations.of(app).add_plugins(CfnGuardValidator())  # type: ignore[arg-type]
    with pytest.raises(RuntimeError):
        app.synth()
    assert ("Bad/Plain/Resource", "cdk-validator-cfnguard::sqs_dlq_check") in findings(outdir)


def test_checkov_reads_its_skips_with_reasons_from_the_template(
    fleet_templates: dict[str, Any],
) -> None:
    """The five checks a checkov run reports, skipped where checkov reads them (resource
    metadata), each with its reason: SSE-SQS on the DLQ; the function's DLQ (an on-failure
    destination), VPC, reserved concurrency and environment-variable key."""
    for template in fleet_templates.values():
        skips = {
            logical_id: [(s["id"], s["comment"]) for s in body["Metadata"]["checkov"]["skip"]]
            for logical_id, body in template["Resources"].items()
            if "checkov" in body.get("Metadata", {})
        }
        assert {lid: sorted(i for i, _ in found) for lid, found in skips.items()} == {
            "DeadLettersQueue631681B1": ["CKV_AWS_27"],
            "VerifierFunctionD65178B8": [
                "CKV_AWS_115",
                "CKV_AWS_116",
                "CKV_AWS_117",
                "CKV_AWS_173",
            ],
        }
        assert all(
            len(reason) >= scheduler_constructs.nag.MIN_REASON_LENGTH
            for found in skips.values()
            for _, reason in found
        )
