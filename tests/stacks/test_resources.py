"""The stack's shape: pinned logical IDs, environment, group, queue and outputs."""

from __future__ import annotations

import re
import tempfile

import aws_cdk as cdk
from aws_cdk.assertions import Match, Template

import app as app_module
from fleet.model import StoreConfig
from tests.synth import TEST_NOW, cli_context

# Renaming a construct id replaces its resource (a new role, a new queue, new schedules).
# If this list changes, the change must be deliberate and the commit must say why.
LOGICAL_IDS = {
    "DeadLettersQueue631681B1": "AWS::SQS::Queue",
    "DeadLettersQueuePolicyD869E40F": "AWS::SQS::QueuePolicy",
    "ModelScheduleGroup77A5D894": "AWS::Scheduler::ScheduleGroup",
    "ModelSchedulePolicyD61ADE5A": "AWS::IAM::ManagedPolicy",
    "ModelScheduleExecutionRole501A5157": "AWS::IAM::Role",
    "ModelScheduleStart12E471C1": "AWS::Scheduler::Schedule",
    "ModelScheduleStop0F41E678": "AWS::Scheduler::Schedule",
    "NotificationsKeyADCFA950": "AWS::KMS::Key",
    "NotificationsTopicAE679CBD": "AWS::SNS::Topic",
    "NotificationsTopicPolicyAF92D34A": "AWS::SNS::TopicPolicy",
    "VerifierLogs7E0537DC": "AWS::Logs::LogGroup",
    "VerifierPolicy02CDB3CE": "AWS::IAM::ManagedPolicy",
    "VerifierRole8FF23367": "AWS::IAM::Role",
    "VerifierFunctionD65178B8": "AWS::Lambda::Function",
    "VerifierFunctionEventInvokeConfig886E558F": "AWS::Lambda::EventInvokeConfig",
    "VerifierStartCheck0128DFAF": "AWS::Scheduler::Schedule",
    "VerifierOpeningCheck4DD4000C": "AWS::Scheduler::Schedule",
    "VerifierClosingCheck479B56AE": "AWS::Scheduler::Schedule",
    "AlarmsScheduleTargetErrors45FEF6E4": "AWS::CloudWatch::Alarm",
    "AlarmsScheduleInvocationsDroppedD8CC81E8": "AWS::CloudWatch::Alarm",
    "AlarmsDeadLetterDeliveryFailedF2AE0215": "AWS::CloudWatch::Alarm",
    "AlarmsDeadLetterMessagesCD9B873E": "AWS::CloudWatch::Alarm",
    "AlarmsVerifierErrorsAF29F1CB": "AWS::CloudWatch::Alarm",
    "AlarmsModelStateMismatch89D8A003": "AWS::CloudWatch::Alarm",
    "AlarmsModelBillingOutsideHoursCE275594": "AWS::CloudWatch::Alarm",
    "CheckoutModelHandle9CBF5B79": "AWS::SSM::Parameter",
    "CheckoutClientPolicyFDB08D9C": "AWS::IAM::ManagedPolicy",
}
# Per store, from its settings: e-mail subscriptions (named after the address, one per
# address in notifyEmails) and the canary's alarm.
PER_STORE = {
    "tokyo-ginza": {"AlarmsModelAnswersWrong46F8A483": "AWS::CloudWatch::Alarm"},
    "sydney-central": {
        "NotificationsTopicsydneyoncallbakeryexample3E5497EF": "AWS::SNS::Subscription"
    },
}

EXPECTED_OUTPUTS = {
    "tokyo-ginza": (
        "start 06:30 every day (Asia/Tokyo)",
        "stop 19:30 every day (Asia/Tokyo)",
        "check 06:35 every day (Asia/Tokyo)",
        "check 07:00 every day (Asia/Tokyo)",
        "check 19:45 every day (Asia/Tokyo)",
    ),
    "seattle-pike-place": (
        "start 05:30 Tue-Sun (America/Los_Angeles)",
        "stop 18:30 Tue-Sun (America/Los_Angeles)",
        "check 05:35 Tue-Sun (America/Los_Angeles)",
        "check 06:00 Tue-Sun (America/Los_Angeles)",
        "check 18:45 Tue-Sun (America/Los_Angeles)",
    ),
    "sydney-central": (
        "start 23:45 Sun-Thu (Australia/Sydney)",
        "stop 14:30 Mon-Fri (Australia/Sydney)",
        "check 23:50 Sun-Thu (Australia/Sydney)",
        "check 00:15 Mon-Fri (Australia/Sydney)",
        "check 14:45 Mon-Fri (Australia/Sydney)",
    ),
}


SEGMENT_ID = re.compile(
    r"(ModelScheduleStart|ModelScheduleStop|VerifierStartCheck|VerifierOpeningCheck)"
    r"From(\d{8})[0-9A-F]{8}"
)
SEGMENT_NAME = {
    "ModelScheduleStart": "start-model",
    "ModelScheduleStop": "stop-model",
    "VerifierStartCheck": "verify-start",
    "VerifierOpeningCheck": "verify-opening",
}


EXPECTED_CLOSED_DAYS = {
    "tokyo-ginza": "2026-12-31..2027-01-03",
    "seattle-pike-place": "2026-12-25, 2027-01-01",
    # AU-NSW public holidays on Sydney's open weekdays (Mon-Fri), a year from 2026-11-26.
    "sydney-central": "2026-12-25, 2026-12-28, 2027-01-01, 2027-01-26, 2027-03-26, "
    "2027-03-29, 2027-04-26, 2027-06-14, 2027-10-04",
}


def test_logical_ids_are_pinned(template: Template, store: StoreConfig) -> None:
    """Every store's stack has exactly these resources under exactly these logical IDs, plus
    one schedule per segment after a closure, named by the day it resumes (so a segment keeps
    its ID, and its schedule is not replaced, as closures come and go around it)."""
    resources = template.to_json()["Resources"]
    found = {lid: body["Type"] for lid, body in resources.items()}
    segments = {lid: t for lid, t in found.items() if SEGMENT_ID.fullmatch(lid)}
    assert {k: v for k, v in found.items() if k not in segments} == LOGICAL_IDS | PER_STORE.get(
        store.store_id, {}
    )
    for lid, resource_type in segments.items():
        match = SEGMENT_ID.fullmatch(lid)
        assert match is not None
        assert resource_type == "AWS::Scheduler::Schedule"
        day = f"{match[2][:4]}-{match[2][4:6]}-{match[2][6:]}"
        name = resources[lid]["Properties"]["Name"]
        assert name == f"{SEGMENT_NAME[match[1]]}-from-{day}"
    expected_segments = 4 * (len(store.segments(0, TEST_NOW)) - 1)
    assert len(segments) == expected_segments


def test_stack_lives_in_the_model_account_and_region() -> None:
    """A universal target calls the API in its own region and account: the stack goes there.
    Each account's dashboard goes to its home Region."""
    app = cdk.App(context=cli_context(), outdir=tempfile.mkdtemp())
    envs = {s.stack_name: (s.account, s.region) for s in app_module.build(app)}
    assert envs == {
        "ModelSchedule-tokyo-ginza": ("111122223333", "ap-northeast-1"),
        "ModelSchedule-seattle-pike-place": ("111122223333", "us-west-2"),
        "ModelSchedule-sydney-central": ("444455556666", "ap-southeast-2"),
        # One store in each of the account's Regions: the first store's wins the tie.
        "ModelScheduleDashboard-111122223333": ("111122223333", "ap-northeast-1"),
        "ModelScheduleDashboard-444455556666": ("444455556666", "ap-southeast-2"),
    }


def test_schedule_group_is_named_and_removable(template: Template, store: StoreConfig) -> None:
    """A fixed name with Retain would make destroy-then-deploy fail: the group is deleted."""
    template.resource_count_is("AWS::Scheduler::ScheduleGroup", 1)
    template.has_resource(
        "AWS::Scheduler::ScheduleGroup",
        {
            "Properties": {"Name": f"model-schedule-{store.store_id}"},
            "DeletionPolicy": "Delete",
            "UpdateReplacePolicy": "Delete",
        },
    )


def test_dead_letter_queue_is_standard_encrypted_and_tls_only(template: Template) -> None:
    """Scheduler needs a standard queue; SSE-SQS at rest; any non-TLS request is denied."""
    template.resource_count_is("AWS::SQS::Queue", 1)
    template.has_resource_properties(
        "AWS::SQS::Queue",
        {
            "FifoQueue": Match.absent(),
            "SqsManagedSseEnabled": True,
            "MessageRetentionPeriod": 14 * 24 * 3600,
            # SQS's default written out, for Control Tower's CT.SQS.PR.1.
            "RedriveAllowPolicy": {"redrivePermission": "allowAll"},
        },
    )
    queue_arn = {"Fn::GetAtt": [template.get_resource_id("AWS::SQS::Queue"), "Arn"]}
    deny_plain_text = {
        "Action": "sqs:*",
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        "Effect": "Deny",
        "Principal": {"AWS": "*"},
        "Resource": queue_arn,
    }
    # With e-mail subscribers, SNS may dead-letter undeliverable mail here: only this topic.
    from_the_topic = {
        "Action": "sqs:SendMessage",
        "Condition": {
            "ArnEquals": {"aws:SourceArn": {"Ref": template.get_resource_id("AWS::SNS::Topic")}}
        },
        "Effect": "Allow",
        "Principal": {"Service": "sns.amazonaws.com"},
        "Resource": queue_arn,
    }
    with_mail = template.find_resources("AWS::SNS::Subscription")
    statements = [deny_plain_text, from_the_topic] if with_mail else [deny_plain_text]
    template.has_resource_properties(
        "AWS::SQS::QueuePolicy", {"PolicyDocument": {"Statement": Match.exact(statements)}}
    )


def test_outputs_say_the_schedule_in_words(template: Template, store: StoreConfig) -> None:
    """A reviewer reads when the model runs without decoding cron."""
    outputs = {k: v["Value"] for k, v in template.find_outputs("*").items()}
    in_words = ("StartSchedule", "StopSchedule", "StartCheck", "OpeningCheck", "ClosingCheck")
    assert tuple(outputs[k] for k in in_words) == EXPECTED_OUTPUTS[store.store_id]
    template.has_output("ScheduleGroupName", {"Value": f"model-schedule-{store.store_id}"})
    template.has_output("ClosedDays", {"Value": EXPECTED_CLOSED_DAYS[store.store_id]})
    assert set(outputs) == {
        *in_words,
        "ScheduleGroupName",
        "ExecutionRoleArn",
        "DeadLetterQueueUrl",
        "NotificationTopicArn",
        "ClosedDays",
        "ModelHandleParameter",
        "CheckoutClientPolicyArn",
        *(["HolidaysKnownUntil"] if store.settings.holiday_calendar else []),
    }
