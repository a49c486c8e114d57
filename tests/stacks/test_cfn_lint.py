"""cfn-lint finds no error and no warning in any synthesized template."""

from __future__ import annotations

import json
from typing import Any

import cfnlint.api

from fleet.config import FleetConfig, StoreConfig


def test_cfn_lint_is_clean(template_json: dict[str, Any], store: StoreConfig) -> None:
    """Linted for the region the stack deploys to; errors (E) and warnings (W) both fail."""
    matches = cfnlint.api.lint(json.dumps(template_json), regions=[store.settings.model.region])
    assert [f"{m.rule.id} {m.path}: {m.message}" for m in matches] == []


def test_cfn_lint_can_fail(fleet_templates: dict[str, Any]) -> None:
    """The same call reports a broken template (an unknown property; one store's stack is
    enough to show the call is live)."""
    broken = json.loads(json.dumps(next(iter(fleet_templates.values()))))
    queue = next(r for r in broken["Resources"].values() if r["Type"] == "AWS::SQS::Queue")
    queue["Properties"]["RetentionDays"] = 14
    assert cfnlint.api.lint(json.dumps(broken), regions=["ap-northeast-1"])


def test_cfn_lint_is_clean_on_the_dashboards(
    dashboard_templates: dict[str, Any], fleet: FleetConfig
) -> None:
    """Each account's dashboard stack, linted for its home Region."""
    assert dashboard_templates
    for dashboard in fleet.dashboards():
        template = dashboard_templates[dashboard.stack_name]
        matches = cfnlint.api.lint(json.dumps(template), regions=[dashboard.region])
        assert [f"{m.rule.id} {m.path}: {m.message}" for m in matches] == [], dashboard.stack_name
