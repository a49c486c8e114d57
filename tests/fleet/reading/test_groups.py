"""Serving groups in cdk.json: what belongs to the group and what to each member, and one clear
line for each misuse."""

from __future__ import annotations

from typing import Any

import pytest

from fleet.reading.errors import ConfigError
from fleet.reading.loader import load_fleet
from tests.groups import GROUP, GROUP_PROJECT, GROUP_VERSION, grouped_context, grouped_fleet
from tests.synth import TEST_TODAY, cli_context

OTHER_VERSION = GROUP_VERSION.replace("1764579600000", "1764666000000")


def problems_of(context: dict[str, Any]) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_fleet(context, today=TEST_TODAY)
    return caught.value.problems


def test_members_take_the_groups_model_and_keep_their_own_hours() -> None:
    """A member's settings hold the group's version, units and retries, and its own hours,
    closures and checkout threshold; the group holds its canary's threshold."""
    fleet = load_fleet(grouped_context(), today=TEST_TODAY)
    (group,) = fleet.groups
    assert group.group_id == GROUP
    assert group.member_ids == ("tokyo-ginza", "tokyo-shibuya")
    assert group.settings.min_inference_units == 2
    assert group.settings.min_confidence == 80
    ginza, shibuya = group.members
    for member in group.members:
        assert member.group_id == GROUP
        assert member.settings.model.arn == GROUP_VERSION
        assert member.settings.min_inference_units == 2
        assert member.settings.max_inference_units == 3
    assert ginza.settings.min_confidence == 85
    assert shibuya.settings.min_confidence is None
    assert shibuya.settings.opens == 10 * 60
    assert [s.store_id for s in fleet.stores if s.group_id is None] == [
        "seattle-pike-place",
        "sydney-central",
    ]


def test_an_inherited_group_setting_is_the_groups() -> None:
    """fleet.defaults.minInferenceUnits (1) is ignored for members: the group's 2 holds; a group
    setting the group does not write comes from fleet.defaults like a store's."""
    fleet = grouped_fleet()
    del fleet["groups"][GROUP]["minInferenceUnits"]
    fleet["defaults"]["maximumEventAgeMinutes"] = 45
    loaded = load_fleet(grouped_context(fleet), today=TEST_TODAY)
    (group,) = loaded.groups
    assert group.settings.min_inference_units == 1
    assert group.settings.maximum_event_age_minutes == 45
    assert all(m.settings.maximum_event_age_minutes == 45 for m in group.members)


def test_a_store_joins_and_a_group_setting_is_overridden_on_the_command_line() -> None:
    """-c group:<store>=<group> joins a store; -c <setting>:<group>=... sets the group's."""
    fleet = grouped_fleet()
    del fleet["stores"]["tokyo-shibuya"]["group"]
    context = grouped_context(
        fleet, **{"group:tokyo-shibuya": GROUP, f"minInferenceUnits:{GROUP}": "3"}
    )
    (group,) = load_fleet(context, today=TEST_TODAY).groups
    assert group.member_ids == ("tokyo-ginza", "tokyo-shibuya")
    assert group.settings.min_inference_units == 3


def test_a_members_project_is_refused_naming_the_group_and_the_value() -> None:
    fleet = grouped_fleet()
    project = fleet["groups"][GROUP]["projectArn"]
    fleet["stores"]["tokyo-shibuya"]["projectArn"] = project
    assert problems_of(grouped_context(fleet)) == [
        f'fleet.stores.tokyo-shibuya.projectArn = "{project}": store tokyo-shibuya is a member '
        f"of serving group {GROUP}, which holds its model's settings: set projectArn in "
        f"fleet.groups.{GROUP} (or -c projectArn:{GROUP}=...), and remove it here"
    ]


def test_a_group_setting_given_for_a_member_on_the_command_line_is_refused() -> None:
    (line,) = problems_of(grouped_context(None, **{"maxInferenceUnits:tokyo-ginza": "4"}))
    assert line.startswith('maxInferenceUnits:tokyo-ginza = "4": store tokyo-ginza is a member')


def test_a_store_with_both_a_version_and_a_group_is_refused() -> None:
    (line,) = problems_of(grouped_context(None, **{"modelVersionArn:tokyo-shibuya": OTHER_VERSION}))
    assert line == (
        f'modelVersionArn:tokyo-shibuya = "{OTHER_VERSION}": store tokyo-shibuya is a member of '
        f"serving group {GROUP} and runs the group's version (modelVersionArn:{GROUP}): remove "
        "this key, or the store's group"
    )


def test_a_group_id_equal_to_a_store_id_is_refused() -> None:
    fleet = grouped_fleet()
    fleet["groups"]["sydney-central"] = fleet["groups"][GROUP]
    (line, *_) = problems_of(grouped_context(fleet))
    assert line.startswith(
        "fleet.groups.sydney-central: is also a store of fleet.stores: group and store ids are "
        "one namespace"
    )


def test_a_group_without_members_is_refused() -> None:
    fleet = grouped_fleet()
    fleet["groups"]["osaka"] = {"minInferenceUnits": 1}
    assert problems_of(grouped_context(fleet)) == [
        'fleet.groups.osaka: has no members: add "group": "osaka" to the stores that share its '
        "model (fleet.stores.<store-id>), or remove the group"
    ]


@pytest.mark.parametrize("where", ["object", "command line"])
def test_an_unknown_group_is_refused_with_a_suggestion(where: str) -> None:
    fleet = grouped_fleet()
    if where == "object":
        fleet["stores"]["tokyo-shibuya"]["group"] = "tokio"
        context, key = grouped_context(fleet), "fleet.stores.tokyo-shibuya.group"
    else:
        context, key = (
            grouped_context(fleet, **{"group:tokyo-shibuya": "tokio"}),
            "group:tokyo-shibuya",
        )
    assert problems_of(context) == [
        f"{key} = \"tokio\": is no serving group of fleet.groups (did you mean 'tokyo'?); known "
        "groups: tokyo"
    ]


def test_a_group_in_fleet_defaults_is_refused() -> None:
    fleet = grouped_fleet()
    fleet["defaults"]["group"] = GROUP
    (line,) = problems_of(grouped_context(fleet))
    assert line.startswith("fleet.defaults.group: a store joins a serving group in its own object")


def test_a_stores_own_setting_on_a_group_is_refused() -> None:
    fleet = grouped_fleet()
    fleet["groups"][GROUP]["opens"] = "07:00"
    lines = problems_of(grouped_context(fleet, **{f"stopLagMinutes:{GROUP}": "45"}))
    assert lines == [
        f"fleet.groups.{GROUP}.opens: is each member store's own setting, not the group's (the "
        "group's model runs from its members' earliest start to their latest stop): set opens in "
        "fleet.defaults or on the members",
        f"stopLagMinutes:{GROUP}: is each member store's own setting, not the group's (the group's "
        "model runs from its members' earliest start to their latest stop): set stopLagMinutes "
        "in fleet.defaults or on the members",
    ]


def test_a_version_shared_by_a_group_and_a_store_is_refused() -> None:
    fleet = grouped_fleet()
    fleet["stores"]["tokyo-ueno"] = {"projectArn": GROUP_PROJECT}
    (line,) = problems_of(grouped_context(fleet, **{"modelVersionArn:tokyo-ueno": GROUP_VERSION}))
    assert line.startswith(
        f'modelVersionArn:tokyo-ueno = "{GROUP_VERSION}": is also the model of group '
        f"'{GROUP}': each one's schedule would start and stop it"
    )


def test_a_version_shared_by_two_groups_is_refused() -> None:
    fleet = grouped_fleet()
    fleet["groups"]["tokyo-2"] = dict(fleet["groups"][GROUP])
    fleet["stores"]["tokyo-shibuya"]["group"] = "tokyo-2"
    (line,) = problems_of(grouped_context(fleet, **{"modelVersionArn:tokyo-2": GROUP_VERSION}))
    assert line.startswith(
        f"modelVersionArn:tokyo-2 = \"{GROUP_VERSION}\": is also the model of group '{GROUP}'"
    )


def test_a_group_without_a_version_names_its_context_key() -> None:
    context = grouped_context()
    del context[f"modelVersionArn:{GROUP}"]
    (line,) = problems_of(context)
    assert line.startswith(f"modelVersionArn:{GROUP}: missing: set it in cdk.json context")


def test_a_group_whose_stop_lands_too_close_to_its_next_start_is_refused() -> None:
    """Members open 00:30-12:00 and 12:30-23:00: the group runs 00:00-23:30, and a stop retried
    for 60 min would land on the next day's start."""
    fleet = grouped_fleet()
    fleet["stores"]["tokyo-ginza"].update(opens="00:30", closes="12:00")
    fleet["stores"]["tokyo-shibuya"].update(opens="12:30", closes="23:00")
    (line,) = problems_of(grouped_context(fleet))
    assert line.startswith(f"fleet.groups.{GROUP}: the group's stop of ")
    assert "maximumEventAgeMinutes + 60 = 120 min before its start of" in line


def test_a_fleet_without_groups_loads_as_before() -> None:
    """No store is a member; nothing about groups is required."""
    fleet = load_fleet(cli_context(), today=TEST_TODAY)
    assert fleet.groups == ()
    assert all(s.group_id is None for s in fleet.stores)
