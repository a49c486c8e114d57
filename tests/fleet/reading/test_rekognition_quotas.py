"""Rekognition's own quotas at synth: the models that can run at once in an account and Region
(counted from the stores' and groups' weekly windows under every UTC offset of their zones,
closures ignored) and the inference units of one model; each refusal one line, each lifted by a
declared quota."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from fleet.reading.errors import ConfigError
from fleet.reading.loader import load_fleet
from fleet.settings.quotas import QUOTAS
from tests.groups import GROUP, grouped_context, grouped_fleet
from tests.synth import TEST_TODAY, cli_context, default_fleet

# The tests of groups share the session fixture grouped_templates: one worker makes it once.
pytestmark = pytest.mark.xdist_group("serving-groups")

TOKYO = "arn:aws:rekognition:ap-northeast-1:111122223333:project/bread-checkout"
WHERE = "fleet.quotas.accounts.111122223333.regions.ap-northeast-1"


def with_tokyo_stores(count: int, **store: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """The default fleet and `count` more Tokyo stores beside Ginza, each with its version."""
    fleet = default_fleet()
    fleet.pop("pipeline")
    context = cli_context(fleet=fleet)
    for n in range(count):
        fleet["stores"][f"tokyo-{n}"] = {"projectArn": f"{TOKYO}/1761900000000", **store}
        context[f"modelVersionArn:tokyo-{n}"] = f"{TOKYO}/version/v{n}/17619876000{n:02d}"
    return fleet, context


def problems(context: dict[str, Any]) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_fleet(context, today=TEST_TODAY)
    return caught.value.problems


def test_two_versions_at_once_are_within_the_default() -> None:
    _, context = with_tokyo_stores(1)
    assert len(load_fleet(context, today=TEST_TODAY).stores) == 4


def test_three_stores_open_at_once_are_refused_with_the_quota_its_code_and_the_fix() -> None:
    _, context = with_tokyo_stores(2)
    assert problems(context) == [
        "fleet.stores: account 111122223333 in ap-northeast-1 would run 3 Rekognition Custom "
        "Labels models at once (store tokyo-ginza, store tokyo-0, store tokyo-1, e.g. at Mon "
        "21:30 UTC; each from its start to its stop and retries), over the quota of 2 (the "
        "default): raise it (Service Quotas, Amazon Rekognition, Concurrently running models "
        f"(L-5E225387)) and set {WHERE}.runningModels, or let stores share one version in a "
        "serving group (fleet.groups)"
    ]


def test_a_declared_running_models_quota_holds_them() -> None:
    fleet, context = with_tokyo_stores(2)
    fleet["quotas"] = {"accounts": {"111122223333": {"regions": {"ap-northeast-1": {}}}}}
    fleet["quotas"]["accounts"]["111122223333"]["regions"]["ap-northeast-1"]["runningModels"] = 3
    assert len(load_fleet(context, today=TEST_TODAY).stores) == 5
    fleet["quotas"]["accounts"]["111122223333"]["regions"]["ap-northeast-1"]["runningModels"] = 2
    assert "over the quota of 2: raise it" in problems(context)[0]


def test_windows_that_never_meet_do_not_count_together() -> None:
    """Ginza runs 06:30-19:30, two evening stores 19:45-21:15 and 20:15-22:00; with a stop's
    retry window of 15 minutes, Ginza's has ended when the second starts: never three at once."""
    _, context = with_tokyo_stores(0)
    fleet = context["fleet"]
    for n, (opens, closes) in enumerate([("20:15", "20:45"), ("20:45", "21:30")]):
        fleet["stores"][f"tokyo-{n}"] = {
            "projectArn": f"{TOKYO}/1761900000000",
            "opens": opens,
            "closes": closes,
            "maximumEventAgeMinutes": 15,
        }
        context[f"modelVersionArn:tokyo-{n}"] = f"{TOKYO}/version/v{n}/17619876000{n:02d}"
    fleet["stores"]["tokyo-ginza"]["maximumEventAgeMinutes"] = 15
    assert len(load_fleet(context, today=TEST_TODAY).stores) == 5
    # The stop's retry window counts: with the default 60 minutes, Ginza's reaches the second.
    del fleet["stores"]["tokyo-ginza"]["maximumEventAgeMinutes"]
    assert "would run 3 Rekognition Custom Labels models at once" in problems(context)[0]


def test_a_serving_group_runs_one_version_for_all_its_members() -> None:
    """Ginza, Shibuya and two more in group tokyo: one running model, not four."""
    fleet = grouped_fleet()
    for n in range(2):
        fleet["stores"][f"tokyo-{n}"] = {"group": GROUP}
    assert len(load_fleet(grouped_context(fleet), today=TEST_TODAY).groups) == 1


@pytest.mark.parametrize(
    ("where", "setting", "value"),
    [
        ("stores.tokyo-ginza", "maxInferenceUnits", 6),
        ("stores.tokyo-ginza", "minInferenceUnits", 6),
    ],
)
def test_a_store_over_the_units_of_one_model_is_refused(
    where: str, setting: str, value: int
) -> None:
    fleet, context = with_tokyo_stores(0)
    fleet["stores"]["tokyo-ginza"][setting] = value
    if setting == "minInferenceUnits":
        fleet["stores"]["tokyo-ginza"]["maxInferenceUnits"] = value
    assert problems(context) == [
        f"fleet.{where}: store tokyo-ginza would run {value} inference units in one model "
        f"({setting if setting == 'maxInferenceUnits' else 'minInferenceUnits'}), over the "
        "quota of 5 (the default) in account 111122223333 in ap-northeast-1: raise it (Service "
        "Quotas, Amazon Rekognition, Inference units per running model (L-4FA65ECB)) and set "
        f"{WHERE}.inferenceUnitsPerModel, or lower "
        f"{setting if setting == 'maxInferenceUnits' else 'minInferenceUnits'}"
    ]
    fleet["quotas"] = {
        "accounts": {
            "111122223333": {"regions": {"ap-northeast-1": {"inferenceUnitsPerModel": value}}}
        }
    }
    assert load_fleet(context, today=TEST_TODAY).stores


def test_a_group_over_the_units_of_one_model_is_refused_at_the_group() -> None:
    fleet = grouped_fleet()
    fleet["groups"][GROUP]["maxInferenceUnits"] = 8
    [line] = problems(grouped_context(fleet))
    assert line.startswith(
        f"fleet.groups.{GROUP}: serving group {GROUP} would run 8 inference units in one model "
        "(maxInferenceUnits), over the quota of 5 (the default)"
    )
    fleet["quotas"] = {"inferenceUnitsPerModel": 8}  # one account and Region: the flat form
    fleet["stores"].pop("seattle-pike-place")
    fleet["stores"].pop("sydney-central")
    context = grouped_context(fleet)
    for store in ("seattle-pike-place", "sydney-central"):
        del context[f"modelVersionArn:{store}"]
    assert load_fleet(context, today=TEST_TODAY).groups


def test_the_flat_form_of_a_regional_rekognition_quota_needs_one_account_and_region() -> None:
    fleet = default_fleet()
    fleet["quotas"] = {"runningModels": 4}
    assert problems(cli_context(fleet=fleet)) == [
        "fleet.quotas.runningModels: the fleet has 3 accounts and Regions; declare it per "
        "account and Region: fleet.quotas.accounts.<account>.regions.<region>.runningModels"
    ]


@pytest.mark.parametrize("quota", QUOTAS, ids=lambda q: q.key)
def test_what_a_group_and_a_member_create_is_what_their_templates_hold(
    quota: Any, grouped_templates: dict[str, dict[str, Any]]
) -> None:

    templates = grouped_templates
    for name, each in (
        (f"ModelServing-{GROUP}", quota.per_group),
        ("ModelSchedule-tokyo-shibuya", quota.per_member),
    ):
        types = Counter(r["Type"] for r in templates[name]["Resources"].values())
        assert types[quota.resource_type] == each, name
