"""Shared fixtures: the default fleet, synthesized once per test worker."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

# Before anything imports aws_cdk: jsii runs on the pinned Node beside this Python, as in app.py.
os.environ.setdefault("JSII_NODE", shutil.which("node", path=Path(sys.executable).parent) or "node")

import pytest
from aws_cdk.assertions import Template

from fleet.calendar.zones import use_pinned_tzdata
from fleet.config import FleetConfig, StoreConfig
from fleet.names import DASHBOARD_STACK_PREFIX, STACK_PREFIX
from fleet.reading.loader import load_fleet
from tests.groups import grouped_context
from tests.synth import TEST_TODAY, cli_context, store_ids, synth

# The tests compute what the app computes: in the pinned zone rules, not the machine's.
use_pinned_tzdata()

STORE_IDS = store_ids()


@pytest.fixture(scope="session")
def default_synth() -> tuple[Path, dict[str, dict[str, Any]]]:
    """The default fleet synthesized as `cdk synth` would write it, with every cdk-nag pack:
    the cloud assembly's folder (its validation report too), and every stack's template by
    stack name."""
    out = Path(tempfile.mkdtemp(prefix="cdk.out."))
    return out, synth(cli_context(), out)


@pytest.fixture(scope="session")
def all_templates(
    default_synth: tuple[Path, dict[str, dict[str, Any]]],
) -> dict[str, dict[str, Any]]:
    """Every stack of the default fleet, by stack name."""
    return default_synth[1]


@pytest.fixture(scope="session")
def fleet_templates(all_templates: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The stores' stacks."""
    return {k: v for k, v in all_templates.items() if k.startswith(STACK_PREFIX)}


@pytest.fixture(scope="session")
def dashboard_templates(all_templates: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The accounts' dashboard stacks."""
    return {k: v for k, v in all_templates.items() if k.startswith(DASHBOARD_STACK_PREFIX)}


@pytest.fixture(scope="session")
def grouped_templates() -> dict[str, dict[str, Any]]:
    """Every stack of tests/groups.py's fleet (the default fleet with serving group `tokyo`):
    the tests of groups carry one xdist_group mark, so that one worker synthesizes it once."""
    return synth(grouped_context())


@pytest.fixture(scope="session")
def fleet() -> FleetConfig:
    return load_fleet(cli_context(), today=TEST_TODAY)


@pytest.fixture(params=STORE_IDS)
def store(request: pytest.FixtureRequest, fleet: FleetConfig) -> StoreConfig:
    return next(s for s in fleet.stores if s.store_id == request.param)


@pytest.fixture
def template_json(store: StoreConfig, fleet_templates: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return fleet_templates[store.stack_name]


@pytest.fixture
def template(template_json: dict[str, Any]) -> Template:
    return Template.from_json(template_json)
