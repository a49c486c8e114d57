"""A serving group's stacks: ModelServing-<group> runs the shared version as a store's stack runs
its own, named after the group; each member's stack keeps what is the store's (its handle, its
client policy), under the logical IDs it had before it joined."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aws_cdk.assertions import Template

from fleet.names import MEMBER_METADATA_KEY
from fleet.reading.loader import load_fleet
from fleet.utc_week import window_week
from rekognition_model_client import ModelHandle
from tests.groups import GROUP, GROUP_VERSION, grouped_context, grouped_fleet
from tests.synth import TEST_TODAY, synth

# The tests of groups share the session fixture grouped_templates: one worker makes it once.
pytestmark = pytest.mark.xdist_group("serving-groups")

Templates = dict[str, dict[str, Any]]


def _of_type(template: dict[str, Any], kind: str) -> dict[str, Any]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == kind}


def test_the_group_gets_a_stack_and_each_member_keeps_its_own(
    grouped_templates: Templates, all_templates: Templates
) -> None:
    """ModelServing-tokyo beside ModelSchedule-tokyo-ginza and -shibuya; the other stores'
    templates are those of the fleet without the group."""
    assert {
        "ModelServing-tokyo",
        "ModelSchedule-tokyo-ginza",
        "ModelSchedule-tokyo-shibuya",
    } <= set(grouped_templates)
    for name in ("ModelSchedule-seattle-pike-place", "ModelSchedule-sydney-central"):
        assert grouped_templates[name] == all_templates[name]


def test_the_groups_stack_is_named_after_the_group(grouped_templates: Templates) -> None:
    """Schedule group model-schedule-tokyo, alarms "tokyo ...", the verifier's checks for
    store=tokyo with the group's version, units and canary threshold."""
    group = grouped_templates["ModelServing-tokyo"]
    template = Template.from_json(group)
    template.has_resource_properties(
        "AWS::Scheduler::ScheduleGroup", {"Name": "model-schedule-tokyo"}
    )
    alarms = _of_type(group, "AWS::CloudWatch::Alarm").values()
    assert alarms
    assert all(a["Properties"]["AlarmName"].startswith(f"{GROUP} ") for a in alarms)
    schedules = _of_type(group, "AWS::Scheduler::Schedule").values()
    events = [
        json.loads(s["Properties"]["Target"]["Input"])
        for s in schedules
        if s["Properties"]["Name"].startswith("verify-")
    ]
    assert events
    for event in events:
        assert event["store"] == GROUP
        assert event["modelVersionArn"] == GROUP_VERSION
        assert (event["minInferenceUnits"], event["maxInferenceUnits"]) == (2, 3)
        if event["check"] == "opening":
            assert event["canary"]["minConfidence"] == 80
    starts = [
        json.loads(s["Properties"]["Target"]["Input"])
        for s in schedules
        if s["Properties"]["Name"].startswith("start-model")
    ]
    assert starts
    assert all(
        s == {"ProjectVersionArn": GROUP_VERSION, "MinInferenceUnits": 2, "MaxInferenceUnits": 3}
        for s in starts
    )


def test_a_members_stack_holds_its_handle_and_client_policy_only(
    grouped_templates: Templates,
) -> None:
    """No schedule, role or alarm: its handle names the group's version and the store's own
    hours and checkout threshold; its stack deploys after its group's."""
    for member, opens, confidence in (
        ("tokyo-ginza", "07:00", 85),
        ("tokyo-shibuya", "10:00", None),
    ):
        template = grouped_templates[f"ModelSchedule-{member}"]
        assert sorted(v["Type"] for v in template["Resources"].values()) == [
            "AWS::IAM::ManagedPolicy",
            "AWS::SSM::Parameter",
        ]
        (parameter,) = _of_type(template, "AWS::SSM::Parameter").values()
        handle = ModelHandle.from_json(parameter["Properties"]["Value"])
        assert (handle.store, handle.model_version_arn) == (member, GROUP_VERSION)
        assert (handle.opens, handle.min_confidence) == (opens, confidence)
        assert (
            template["Outputs"]["ServingGroup"]["Value"] == f"{GROUP} (stack ModelServing-{GROUP})"
        )


def test_joining_a_group_keeps_the_logical_ids_of_the_handle_and_client_policy(
    grouped_templates: Templates, all_templates: Templates
) -> None:
    """Both update in place: the checkout's role keeps its attached policy, the parameter its
    name, while the store joins (and again when it leaves)."""
    alone = all_templates["ModelSchedule-tokyo-ginza"]["Resources"]
    member = grouped_templates["ModelSchedule-tokyo-ginza"]["Resources"]
    for kind in ("AWS::SSM::Parameter", "AWS::IAM::ManagedPolicy"):
        in_member = [k for k, v in member.items() if v["Type"] == kind]
        assert in_member
        assert all(k in alone and alone[k]["Type"] == kind for k in in_member)


def test_the_members_stack_depends_on_its_groups() -> None:
    """Deployed together (cdk deploy --all, or a member alone), the group's stack goes first."""
    import aws_cdk as cdk

    import app as app_module

    app = cdk.App(context=grouped_context())
    stacks = {s.stack_name: s for s in app_module.build(app, grouped_context())}
    for member in ("tokyo-ginza", "tokyo-shibuya"):
        assert stacks[f"ModelServing-{GROUP}"] in stacks[f"ModelSchedule-{member}"].dependencies


def test_selecting_a_member_brings_its_group() -> None:
    """-c store=tokyo-shibuya synthesizes its group's stack too (its dependency)."""
    import aws_cdk as cdk

    import app as app_module

    context = grouped_context(store="tokyo-shibuya")
    names = [s.stack_name for s in app_module.build(cdk.App(context=context), context)]
    assert names == [f"ModelServing-{GROUP}", "ModelSchedule-tokyo-shibuya"]


def test_the_cost_guard_allows_the_gap_between_members_windows() -> None:
    """The group runs through the gap between its members' windows (one 06:30-10:00 JST, the
    other 14:30-21:30): billing inside it is no alarm."""
    fleet = load_fleet(grouped_context(), today=TEST_TODAY)
    (group,) = fleet.groups
    windows = [(d.start, d.stop) for d in group.windows.ordinary.values()]
    allowed = window_week(windows, 90)
    monday_noon_jst = 0 * 1440 + 3 * 60  # 12:00 JST is 03:00 UTC
    assert any(a <= monday_noon_jst < b for a, b in allowed)
    sunday_22_jst = 6 * 1440 + 13 * 60  # Sunday 22:00 JST: after every stop and its retries
    assert not any(a <= sunday_22_jst < b for a, b in allowed)


def test_a_members_template_carries_the_crons_it_would_run_alone(
    grouped_templates: Templates,
) -> None:
    """Metadata, not schedules: the cost report splits the group's cost by them; its own
    start and stop as a store's stack would schedule them."""
    fleet = load_fleet(grouped_context(), today=TEST_TODAY)
    shibuya = next(s for s in fleet.stores if s.store_id == "tokyo-shibuya")
    found = grouped_templates["ModelSchedule-tokyo-shibuya"]["Metadata"][MEMBER_METADATA_KEY]
    assert found == {
        "Store": "tokyo-shibuya",
        "ServingGroup": GROUP,
        "TimeZone": "Asia/Tokyo",
        "Starts": [e.expression for e in shibuya.start_schedules],
        "Stops": [e.expression for e in shibuya.stop_schedules],
    }
    assert "cron(30 9 ? 2-12 MON-SAT 2027)" in found["Starts"]
    assert not _of_type(
        grouped_templates["ModelSchedule-tokyo-shibuya"], "AWS::Scheduler::Schedule"
    )


def test_a_group_of_many_members_names_as_many_as_its_description_holds() -> None:
    """40 members crashed the synth (CDK allows a stack description of 512 characters): the
    description and the Members output name the first ones and how many more."""
    fleet = grouped_fleet()
    for n in range(40):
        fleet["stores"][f"tokyo-branch-{n:02d}"] = {"group": GROUP}
    templates = synth(grouped_context(fleet))
    group = templates[f"ModelServing-{GROUP}"]
    assert len(group["Description"]) <= 512
    assert group["Description"].endswith(" more) - rekognition-model-scheduler")
    members = group["Outputs"]["Members"]["Value"]
    assert members.startswith("tokyo-ginza, tokyo-shibuya, tokyo-branch-00, ")
    assert members.endswith("tokyo-branch-39")  # 42 ids fit in the output's 800 characters
