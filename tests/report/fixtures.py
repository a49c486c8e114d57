"""The default fleet's templates as a cdk.out folder, for the report and the simulation."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from report.templates import StoreSchedules, read_cdk_out


def write_cdk_out(templates: dict[str, dict[str, Any]]) -> Path:
    """The templates, and a manifest that lists them as an assembly's does."""
    out = Path(tempfile.mkdtemp(prefix="cdk.out."))
    artifacts = {}
    for name, template in templates.items():
        (out / f"{name}.template.json").write_text(json.dumps(template), encoding="utf-8")
        artifacts[name] = {
            "type": "aws:cloudformation:stack",
            "properties": {"templateFile": f"{name}.template.json"},
        }
    manifest = {"version": "55.4.0", "artifacts": artifacts}
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return out


def fleet_schedules(templates: dict[str, dict[str, Any]]) -> dict[str, StoreSchedules]:
    return {s.store: s for s in read_cdk_out(write_cdk_out(templates))}
