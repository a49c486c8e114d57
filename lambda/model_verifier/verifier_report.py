"""What a check leaves behind: its metrics, and an e-mail when a person should know.

Metrics are one line in CloudWatch's embedded metric format (EMF), written by hand: Lambda passes
a JSON line through unchanged and CloudWatch Logs turns it into metrics, so the function needs
neither PutMetricData on "*" nor a library in its asset (Powertools' Metrics would bring a layer
or a bundled dependency for the same dozen lines)."""

from __future__ import annotations

import json
from typing import Any

import verifier_aws
from verifier_contract import NAMESPACE, STORE_DIMENSION, VerifierSettings
from verifier_outcome import Outcome


def emit_metrics(outcome: Outcome) -> None:
    """One record in CloudWatch's embedded metric format on stdout: Lambda passes a JSON line
    through unchanged and CloudWatch Logs turns it into metrics (no PutMetricData on "*")."""
    values = outcome.metrics()
    record = {
        "_aws": {
            "Timestamp": int(verifier_aws.now().timestamp() * 1000),
            "CloudWatchMetrics": [
                {
                    "Namespace": NAMESPACE,
                    "Dimensions": [[STORE_DIMENSION]],
                    "Metrics": [{"Name": name, "Unit": "Count"} for name in values],
                }
            ],
        },
        STORE_DIMENSION: outcome.store,
        "Check": outcome.check_name,
        **values,
    }
    print(json.dumps(record, sort_keys=True), flush=True)


def notify(outcome: Outcome, settings: VerifierSettings, event: Any) -> None:
    check = outcome.event
    lines = [
        f"Store: {outcome.store}",
        f"Check: {outcome.check_name}",
        f"Model version: {check.model_version_arn if check else 'unknown'}",
        f"Status found: {outcome.status or 'unknown'}; now: {outcome.final_status or 'unknown'}",
        "",
        *outcome.notices,
        *([f"The check failed: {outcome.failure}"] if outcome.failure else []),
        *([f"The event: {json.dumps(event, default=str)}"] if check is None else []),
        "",
        "Runbook: README.md, section 'Runbook' (rekognition-model-scheduler).",
    ]
    verifier_aws.SNS.publish(
        TopicArn=settings.topic_arn, Subject=outcome.subject(), Message="\n".join(lines)
    )
