"""The stack's shape: pinned logical IDs, environment, group, queue and outputs."""

from __future__ import annotations

import re
import tempfile

import aws_cdk as cdk
from aws_cdk.assertions import Match, Template

import app as app_module
from fleet.config import StoreConfig
from tests.synth import cli_context

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
    "HorizonReminderScheduleA8B02F74": "AWS::Scheduler::Schedule",
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


# Schedules for what the calendar adds: a year's plain months (`Start2027`), a month with
# closed days (`Start202701`), a daylight-saving compensation (`StartDst20270314`).
CALENDAR_ID = re.compile(
    r"(ModelScheduleStart|ModelScheduleStop|VerifierStartCheck|VerifierOpeningCheck|"
    r"VerifierClosingCheck)(\d{4}|\d{6}|Dst\d{8})[0-9A-F]{8}"
)
BASE_NAME = {
    "ModelScheduleStart": "start-model",
    "ModelScheduleStop": "stop-model",
    "VerifierStartCheck": "verify-start",
    "VerifierOpeningCheck": "verify-opening",
    "VerifierClosingCheck": "verify-closing",
}


def calendar_name(base: str, key: str) -> str:
    if key.startswith("Dst"):
        return f"{base}-dst-{key[3:7]}-{key[7:9]}-{key[9:]}"
    if len(key) == 6:
        return f"{base}-{key[:4]}-{key[4:]}"
    return f"{base}-{key}"


EXPECTED_CLOSED_DAYS = {
    "tokyo-ginza": "2026-12-31..2027-01-03",
    "seattle-pike-place": "2026-12-25, 2027-01-01",
    # AU-NSW public holidays on Sydney's open weekdays (Mon-Fri), in fleet.horizon
    # (2026-12..2027-12).
    "sydney-central": "2026-12-25, 2026-12-28, 2027-01-01, 2027-01-26, 2027-03-26, "
    "2027-03-29, 2027-04-26, 2027-06-14, 2027-10-04, 2027-12-27..2027-12-28",
}


def test_logical_ids_are_pinned(template: Template, store: StoreConfig) -> None:
    """Every store's stack has exactly these resources under exactly these logical IDs, plus
    one schedule per year, month or daylight-saving day the calendar adds, whose ID and name
    both say what it covers (so adding a closure replaces only what covers its month, and no
    name moves to another logical ID)."""
    resources = template.to_json()["Resources"]
    found = {lid: body["Type"] for lid, body in resources.items()}
    added = {lid: t for lid, t in found.items() if CALENDAR_ID.fullmatch(lid)}
    assert {k: v for k, v in found.items() if k not in added} == LOGICAL_IDS | PER_STORE.get(
        store.store_id, {}
    )
    for lid, resource_type in added.items():
        match = CALENDAR_ID.fullmatch(lid)
        assert match is not None
        assert resource_type == "AWS::Scheduler::Schedule"
        name = resources[lid]["Properties"]["Name"]
        assert name == calendar_name(BASE_NAME[match[1]], match[2])
    plans = (
        store.start_schedules,
        store.stop_schedules,
        store.start_check_schedules or (),
        store.opening_check_schedules,
        store.closing_check_schedules,
    )
    assert len(added) == sum(len(plan) - 1 for plan in plans if plan)
    assert len(added) + len(LOGICAL_IDS) < 400  # far from CloudFormation's 500


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
        "CalendarHorizon",
        "ModelHandleParameter",
        "CheckoutClientPolicyArn",
        *(["HolidaysKnownUntil"] if store.settings.holiday_calendar else []),
    }
