"""Every bad input gets one clear line: the key, the bad value, and how to fix it."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from datetime import date
from typing import Any

import botocore.session
import pytest

from fleet.reading.errors import ConfigError
from fleet.reading.loader import START_MINUTES, load_fleet
from tests.synth import TEST_TODAY, cli_context, default_fleet

ARN_KEY = "modelVersionArn:tokyo-ginza"
GOOD_ARN = cli_context()[ARN_KEY]
PROJECT_ARN = "arn:aws:rekognition:ap-northeast-1:111122223333:project/bread-checkout/1761900000000"

Context = dict[str, Any]

# The account id in fullwidth digits: `\d` without re.ASCII would accept them.
FULLWIDTH_ACCOUNT = "".join(chr(0xFF10 + int(c)) for c in "111122223333")


def problems_of(context: Context) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_fleet(context, today=TEST_TODAY)
    return caught.value.problems


def with_arn(value: Any) -> Context:
    return cli_context(**{ARN_KEY: value})


def with_store(**settings: Any) -> Context:
    fleet = default_fleet()
    fleet["stores"]["tokyo-ginza"].update(settings)
    return cli_context(fleet=fleet)


def with_defaults(**settings: Any) -> Context:
    fleet = default_fleet()
    fleet["defaults"].update(settings)
    return cli_context(fleet=fleet)


def without(key: str) -> Context:
    context = cli_context()
    del context[key]
    return context


def edit_fleet(change: Callable[[dict[str, Any]], None]) -> Context:
    fleet = default_fleet()
    change(fleet)
    return cli_context(fleet=fleet)


STORE = "fleet.stores.tokyo-ginza"


def close_every_month(fleet: dict[str, Any]) -> None:
    """Five years of horizon with a closed day in nearly every month."""
    fleet["horizon"]["lastMonth"] = "2031-11"
    days = [f"{y}-{m:02d}-15" for y in range(2027, 2032) for m in range(1, 12)]
    fleet["stores"]["tokyo-ginza"]["closedDates"] = days


# (case id, context, substrings the one problem line must contain)
CASES: list[tuple[str, Context, list[str]]] = [
    # --- the model version ARN
    (
        "arn-missing",
        without(ARN_KEY),
        [ARN_KEY, "missing", f"-c {ARN_KEY}=arn:aws:rekognition:"],
    ),
    ("arn-empty", with_arn(""), [f'{ARN_KEY} = ""', "is empty"]),
    ("arn-not-a-string", with_arn(42), [f"{ARN_KEY} = 42", "must be a string"]),
    (
        "arn-is-project-arn",
        with_arn(PROJECT_ARN),
        [ARN_KEY, PROJECT_ARN, "is a project ARN, not a model version ARN", "/version/"],
    ),
    (
        "arn-wrong-service",
        with_arn(GOOD_ARN.replace(":rekognition:", ":sagemaker:")),
        ["is not a Rekognition Custom Labels model version ARN", "project/<project>/version/"],
    ),
    (
        "arn-wrong-resource-type",
        with_arn("arn:aws:rekognition:ap-northeast-1:111122223333:collection/bread"),
        ["is not a Rekognition Custom Labels model version ARN"],
    ),
    (
        "arn-trailing-newline",
        with_arn(GOOD_ARN + "\n"),
        ['1761987600000\\n"', "leading or trailing whitespace"],
    ),
    ("arn-leading-space", with_arn(" " + GOOD_ARN), ["leading or trailing whitespace"]),
    (
        "arn-fullwidth-digits",
        with_arn(GOOD_ARN.replace("111122223333", FULLWIDTH_ACCOUNT)),
        ["\\uff11", "contains non-ASCII characters"],
    ),
    (
        "arn-arabic-indic-digits-in-timestamp",
        with_arn(GOOD_ARN[:-3] + "٣٣٣"),
        ["contains non-ASCII characters"],
    ),
    (
        "arn-too-long",
        with_arn(GOOD_ARN.replace("bread-checkout.2026", "b" * 2100)),
        ["characters long; an ARN has 20 to 2048"],
    ),
    (
        "arn-short-timestamp",
        with_arn(GOOD_ARN[:-1]),
        ["is not a Rekognition Custom Labels model version ARN"],
    ),
    (
        "arn-in-store-object",
        with_store(modelVersionArn=GOOD_ARN),
        [f"{STORE}.modelVersionArn", "only as the top-level context key", "move it there"],
    ),
    # --- the project ARN the verifier needs
    (
        "project-arn-missing",
        edit_fleet(lambda f: f["stores"]["tokyo-ginza"].pop("projectArn")),
        [f"{STORE}.projectArn: not set"],
    ),
    (
        "project-arn-is-a-version-arn",
        with_store(projectArn=GOOD_ARN),
        [
            f"{STORE}.projectArn",
            "is not a Rekognition Custom Labels project ARN",
            "describe-projects",
        ],
    ),
    (
        "project-arn-of-another-project",
        with_store(projectArn=PROJECT_ARN.replace("bread-checkout", "croissants")),
        ["is not the project of the store's model version (project bread-checkout"],
    ),
    (
        "project-arn-other-region",
        with_store(projectArn=PROJECT_ARN.replace("ap-northeast-1", "ap-northeast-3")),
        ["is not the project of the store's model version"],
    ),
    (
        "project-arn-trailing-newline",
        with_store(projectArn=PROJECT_ARN + "\n"),
        ["must be a project ARN without whitespace"],
    ),
    (
        "version-shared-by-two-stores",
        cli_context(
            **{
                "modelVersionArn:seattle-pike-place": GOOD_ARN,
                "projectArn:seattle-pike-place": PROJECT_ARN,
            }
        ),
        ["modelVersionArn:seattle-pike-place", "is also the model of store 'tokyo-ginza'"],
    ),
    # --- the checkout's MinConfidence and the rotation pre-flight's F1 rules
    (
        "min-confidence-over-100",
        with_store(minConfidence=101),
        [f"{STORE}.minConfidence = 101", "must be a number from 0 to 100, or null"],
    ),
    (
        "min-confidence-not-a-number",
        cli_context(**{"minConfidence:tokyo-ginza": "high"}),
        ['minConfidence:tokyo-ginza = "high"', "must be a number from 0 to 100"],
    ),
    ("min-confidence-boolean", with_store(minConfidence=True), ["= true", "must be a number"]),
    (
        "min-f1-score-as-percent",
        with_defaults(minF1Score=85),
        ["fleet.defaults.minF1Score = 85", "must be a number from 0 to 1, or null"],
    ),
    ("max-f1-drop-negative", with_store(maxF1Drop=-0.1), ["must be a number from 0 to 1"]),
    (
        "max-f1-drop-null",
        with_store(maxF1Drop=None),
        [
            f"{STORE}.maxF1Drop = null: cannot be null (only maxInferenceUnits, "
            "sourceProjectArn, holidayCalendar, minConfidence, minF1Score, canary may be): give "
            "a number from 0 to 1, or leave the key out to inherit fleet.defaults"
        ],
    ),
    (
        "null-default-with-a-default",
        with_defaults(startCheckMinutes=None),
        [
            "fleet.defaults.startCheckMinutes = null: cannot be null",
            "a whole number from 1 to 60",
            "or leave the key out for the default 5",
        ],
    ),
    (
        "null-default-without-a-default",
        with_defaults(timezone=None),
        [
            "fleet.defaults.timezone = null: cannot be null",
            "an IANA time zone",
            "or leave the key out and set it per store",
        ],
    ),
    (
        "null-list-that-adds-up",
        with_defaults(closedDates=None),
        [
            "fleet.defaults.closedDates = null: cannot be null",
            "or leave the key out for the default []",
        ],
    ),
    # --- the canary image
    (
        "canary-not-an-object",
        with_store(canary="s3://bakery-canary-apne1/tray.jpg"),
        [f'{STORE}.canary = "s3://bakery-canary-apne1/tray.jpg"', "must be an object like"],
    ),
    (
        "canary-image-not-s3",
        with_store(canary={"image": "https://example.com/tray.jpg", "expectLabels": ["a"]}),
        ['image must be an "s3://bucket/key" URI'],
    ),
    (
        "canary-bucket-invalid",
        with_store(canary={"image": "s3://Bakery_Canary/tray.jpg", "expectLabels": ["a"]}),
        ["bucket 'Bakery_Canary' is not an S3 bucket name", "lowercase letters"],
    ),
    (
        "canary-bucket-ip-address",
        with_store(canary={"image": "s3://192.168.10.1/tray.jpg", "expectLabels": ["a"]}),
        ["is not an S3 bucket name (it is an IP address"],
    ),
    (
        "canary-bucket-double-dot",
        with_store(canary={"image": "s3://bakery..canary/tray.jpg", "expectLabels": ["a"]}),
        ["bucket 'bakery..canary' is not an S3 bucket name"],
    ),
    (
        "canary-no-key",
        with_store(canary={"image": "s3://bakery-canary-apne1/", "expectLabels": ["a"]}),
        ["names no object: add the key after the bucket"],
    ),
    (
        "canary-key-with-wildcard",
        with_store(canary={"image": "s3://bakery-canary-apne1/ginza/*.jpg", "expectLabels": ["a"]}),
        ["contains * or ?, which IAM would read as a wildcard"],
    ),
    (
        "canary-key-with-a-policy-variable",
        with_store(
            canary={"image": "s3://bakery-canary-apne1/${aws:username}.jpg", "expectLabels": ["a"]}
        ),
        [
            "image key '${aws:username}.jpg' contains ${, which IAM would read as a policy "
            "variable (like ${aws:username}): rename the object"
        ],
    ),
    (
        "canary-no-labels",
        with_store(canary={"image": "s3://bakery-canary-apne1/tray.jpg", "expectLabels": []}),
        ["expectLabels must be a non-empty list"],
    ),
    (
        "canary-empty-label",
        with_store(canary={"image": "s3://bakery-canary-apne1/tray.jpg", "expectLabels": [" "]}),
        ["each must be a non-empty label name"],
    ),
    (
        "canary-label-twice-after-nfc",
        with_store(
            canary={
                "image": "s3://bakery-canary-apne1/tray.jpg",
                "expectLabels": ["メロンパン", unicodedata.normalize("NFD", "メロンパン")],
            }
        ),
        ["expectLabels lists", "twice"],
    ),
    (
        "canary-unknown-key",
        with_store(
            canary={
                "image": "s3://bakery-canary-apne1/tray.jpg",
                "expectLabels": ["a"],
                "minConfidence": 85,
            }
        ),
        ["has unknown keys ['minConfidence']", "it takes image and expectLabels"],
    ),
    # --- notifications and the stale-version switch
    (
        "email-invalid",
        with_store(notifyEmails=["oncall"]),
        [f'{STORE}.notifyEmails = ["oncall"]', "'oncall' is not an e-mail address"],
    ),
    (
        "email-twice",
        with_store(notifyEmails=["a@b.example", "a@b.example"]),
        ["lists an address twice"],
    ),
    ("emails-not-a-list", with_store(notifyEmails=5), ["must be a list of e-mail addresses"]),
    (
        "email-with-a-no-break-space",
        with_store(notifyEmails=["oncall@bakery.example\u00a0"]),
        [
            f'{STORE}.notifyEmails = ["oncall@bakery.example\\u00a0"]: '
            "'oncall@bakery.example\\xa0' contains U+00A0 NO-BREAK SPACE (copied from a "
            "document?): type the address again with plain characters"
        ],
    ),
    (
        "email-with-an-ideographic-space-from-cli",
        cli_context(**{"notifyEmails:tokyo-ginza": "a@bakery.example,\u3000b@bakery.example"}),
        [
            "notifyEmails:tokyo-ginza = ",
            "'\\u3000b@bakery.example' contains U+3000 IDEOGRAPHIC SPACE",
        ],
    ),
    (
        "stale-versions-unknown",
        with_store(staleVersions="delete"),
        [f'{STORE}.staleVersions = "delete"', 'must be "stop"'],
    ),
    # --- closed dates and holiday calendars
    (
        "closed-date-unparsable",
        with_store(closedDates=["31.12.2026"]),
        [f'{STORE}.closedDates = ["31.12.2026"]', "'31.12.2026' is not a date", "YYYY-MM-DD"],
    ),
    (
        "closed-date-not-a-day",
        with_store(closedDates=["2027-02-30"]),
        ["'2027-02-30' is not a calendar date"],
    ),
    (
        "closed-range-backwards",
        with_store(closedDates=["2027-01-03..2026-12-31"]),
        ["ends before it starts; write the earlier date first"],
    ),
    (
        "closed-date-before-the-horizon",
        with_store(closedDates=["2025-01-01"]),
        [
            f'{STORE}.closedDates = ["2025-01-01"]',
            "2025-01-01 is before the calendar horizon (2026-12..2027-12, fleet.horizon)",
            "remove it if it has passed, or lower fleet.horizon.firstMonth",
        ],
    ),
    (
        "closed-date-beyond-the-horizon",
        with_store(closedDates=["2062-12-31"]),
        [
            "2062-12-31 is after the calendar horizon (2026-12..2027-12, fleet.horizon)",
            "raise fleet.horizon.lastMonth to 2062-12, or check the year",
        ],
    ),
    (
        "closed-range-ends-beyond-the-horizon",
        with_defaults(closedDates=["2027-12-31..2028-01-02"]),
        ['fleet.defaults.closedDates = ["2027-12-31..2028-01-02"]', "2028-01-02 is after"],
    ),
    ("closed-dates-not-a-list", with_store(closedDates=5), ["must be a list of dates"]),
    (
        "closed-days-overflow-the-model-handle",
        with_store(closedDates=["2027-01-05..2027-12-31"]),
        [
            f"{STORE}.closedDates: the store's model handle would be",
            "over the 4096 an SSM standard parameter holds",
            "close fewer days",
        ],
    ),
    (
        "too-many-schedules",
        edit_fleet(close_every_month),
        [
            f"{STORE}: the store needs 2",
            "schedules in 2026-12..2031-11, over the 200 a store's stack may hold",
            "shorten fleet.horizon, or close fewer separate days",
        ],
    ),
    (
        "closed-date-in-defaults",
        with_defaults(closedDates=["2027-13-01"]),
        ['fleet.defaults.closedDates = ["2027-13-01"]', "is not a calendar date"],
    ),
    (
        "holiday-calendar-unknown",
        with_store(holidayCalendar="XX"),
        [f'{STORE}.holidayCalendar = "XX"', "not a holiday calendar the `holidays` package"],
    ),
    (
        "holiday-subdivision-unknown",
        with_store(holidayCalendar="AU-ZZ"),
        ["not a holiday calendar", "AU-NSW"],
    ),
    (
        "holiday-calendar-malformed",
        with_store(holidayCalendar="japan"),
        ["must be an ISO country code"],
    ),
    (
        "open-on-a-day-that-is-not-a-holiday",
        with_store(holidayCalendar="JP", openOnHolidays=["2027-02-12"]),
        ["2027-02-12 is not a holiday in JP", "2027-02-11 Foundation Day"],
    ),
    (
        "open-on-a-holiday-outside-the-horizon",
        with_store(holidayCalendar="JP", openOnHolidays=["2028-02-11"]),
        [f"{STORE}.openOnHolidays", "2028-02-11 is outside the calendar horizon"],
    ),
    (
        "open-on-holidays-without-calendar",
        with_store(openOnHolidays=["2027-02-11"]),
        ["needs a holidayCalendar"],
    ),
    (
        "control-tower-flag-not-a-boolean",
        cli_context(controlTowerChecks="yes"),
        ['controlTowerChecks = "yes"', "must be true or false"],
    ),
    # --- the calendar horizon
    (
        "horizon-missing",
        edit_fleet(lambda f: f.pop("horizon")),
        ["fleet.horizon: missing", '{"firstMonth": "2026-12", "lastMonth": "2027-12"}'],
    ),
    (
        "horizon-not-an-object",
        edit_fleet(lambda f: f.update({"horizon": 2027})),
        ["fleet.horizon = 2027: must be a JSON object"],
    ),
    (
        "horizon-month-missing",
        edit_fleet(lambda f: f["horizon"].pop("lastMonth")),
        ["fleet.horizon.lastMonth: missing"],
    ),
    (
        "horizon-month-malformed",
        edit_fleet(lambda f: f["horizon"].update({"firstMonth": "2026-13"})),
        ['fleet.horizon.firstMonth = "2026-13"', 'must be a month, "YYYY-MM"'],
    ),
    (
        "horizon-month-out-of-range",
        edit_fleet(lambda f: f["horizon"].update({"lastMonth": "2300-01"})),
        ['fleet.horizon.lastMonth = "2300-01"', "from 2020 to 2199"],
    ),
    (
        "horizon-backwards",
        edit_fleet(lambda f: f["horizon"].update({"lastMonth": "2026-11"})),
        ['fleet.horizon.lastMonth = "2026-11"', "must not be before firstMonth"],
    ),
    (
        "horizon-too-long",
        edit_fleet(lambda f: f["horizon"].update({"lastMonth": "2031-12"})),
        ['fleet.horizon.lastMonth = "2031-12"', "at most 60 months"],
    ),
    (
        "horizon-unknown-key",
        edit_fleet(lambda f: f["horizon"].update({"lastYear": 2027})),
        ["fleet.horizon.lastYear: unknown setting", "firstMonth, lastMonth"],
    ),
    # --- time zone
    (
        "timezone-misspelt",
        with_store(timezone="Asia/Tokio"),
        [f'{STORE}.timezone = "Asia/Tokio"', "not an IANA time zone", "did you mean 'Asia/Tokyo'"],
    ),
    ("timezone-abbreviation", with_store(timezone="JST"), ["not an IANA time zone"]),
    ("timezone-not-a-string", with_store(timezone=9), [f"{STORE}.timezone = 9"]),
    # --- opening hours
    (
        "opens-one-digit-hour",
        with_store(opens="7:00"),
        [f'{STORE}.opens = "7:00"', '24-hour local time "HH:MM"', '"07:00"'],
    ),
    ("opens-24", with_store(opens="24:00"), ['"24:00"', "HH:MM"]),
    ("opens-minute-60", with_store(opens="07:60"), ['"07:60"', "HH:MM"]),
    ("opens-trailing-space", with_store(opens="07:00 "), ['"07:00 "', "HH:MM"]),
    ("opens-a-number", with_store(opens=700), [f"{STORE}.opens = 700", "HH:MM"]),
    (
        "closes-before-opens",
        with_store(opens="19:00", closes="07:00"),
        [f'{STORE}.closes = "07:00"', "must be later than opens (19:00)", "cross midnight"],
    ),
    ("closes-equals-opens", with_store(closes="07:00"), ["must be later than opens"]),
    # --- weekdays
    (
        "weekday-unknown",
        with_store(openDays=["MON", "Funday"]),
        [f"{STORE}.openDays", "'Funday' is not a weekday", "MON, TUE, WED"],
    ),
    ("weekday-full-name", with_store(openDays=["MONDAY"]), ["'MONDAY' is not a weekday"]),
    ("weekday-twice", with_store(openDays=["MON", "mon"]), ["'mon' is listed twice"]),
    ("weekdays-empty", with_store(openDays=[]), ["must be a non-empty list of weekday names"]),
    ("weekdays-not-a-list", with_store(openDays=5), ["must be a non-empty list"]),
    # --- inference units (-c values arrive as strings)
    ("units-zero", with_store(minInferenceUnits=0), ["= 0", "whole number of at least 1"]),
    ("units-negative", with_store(minInferenceUnits=-1), ["whole number of at least 1"]),
    ("units-fraction", with_store(minInferenceUnits=1.5), ["= 1.5", "whole number"]),
    ("units-boolean", with_store(minInferenceUnits=True), ["= true", "whole number"]),
    (
        "units-string-from-cli",
        cli_context(**{"minInferenceUnits:tokyo-ginza": "two"}),
        ['minInferenceUnits:tokyo-ginza = "two"', "whole number of at least 1"],
    ),
    (
        "units-string-fraction-from-cli",
        cli_context(**{"minInferenceUnits:tokyo-ginza": "1.5"}),
        ['"1.5"', "whole number"],
    ),
    ("units-empty-string", with_store(minInferenceUnits=""), ['= ""', "whole number"]),
    (
        "null-from-cli-for-a-required-setting",
        cli_context(**{"minInferenceUnits:tokyo-ginza": "null"}),
        [
            "minInferenceUnits:tokyo-ginza = null: cannot be null",
            "give a whole number of at least 1, or leave the key out to use the value in fleet",
        ],
    ),
    (
        "json-from-cli-that-does-not-parse",
        cli_context(**{"openDays:tokyo-ginza": '["MON",'}),
        [
            'openDays:tokyo-ginza = "[\\"MON\\","',
            "is not valid JSON",
            "-c 'openDays:tokyo-ginza=[",
        ],
    ),
    (
        "max-below-min",
        with_store(minInferenceUnits=3, maxInferenceUnits=2),
        [f"{STORE}.maxInferenceUnits = 2", "must be at least minInferenceUnits (3)"],
    ),
    ("max-zero", with_store(maxInferenceUnits=0), ["maxInferenceUnits = 0"]),
    # --- lead, lag, retries
    ("lead-too-long", with_store(startLeadMinutes=721), ["= 721", "from 0 to 720"]),
    (
        "start-check-zero",
        with_store(startCheckMinutes=0),
        ["startCheckMinutes = 0", "from 1 to 60"],
    ),
    (
        "start-check-an-hour-and-more",
        cli_context(**{"startCheckMinutes:tokyo-ginza": "61"}),
        ['startCheckMinutes:tokyo-ginza = "61"', "must be a whole number from 1 to 60"],
    ),
    (
        "running-window-a-whole-day",
        with_store(opens="00:30", closes="23:30", startLeadMinutes=30, stopLagMinutes=30),
        [f"{STORE}.stopLagMinutes = 30", "= 1440 min", "shorten the lead or the lag"],
    ),
    (
        "retry-attempts-over-185",
        with_store(maximumRetryAttempts=186),
        [f"{STORE}.maximumRetryAttempts = 186", "from 0 to 185"],
    ),
    ("event-age-zero", with_store(maximumEventAgeMinutes=0), ["from 1 to 1440"]),
    ("event-age-over-a-day", with_store(maximumEventAgeMinutes=1441), ["from 1 to 1440"]),
    (
        "retried-start-lands-after-stop",
        with_store(maximumEventAgeMinutes=740),
        [
            f"{STORE}.maximumEventAgeMinutes = 740",
            "a start retried that late could land after the next stop",
            "only 780 min",
            "use at most 720",
        ],
    ),
    (
        "retried-stop-lands-after-next-start",
        with_store(opens="05:00", closes="22:00", maximumEventAgeMinutes=301),
        ["a stop retried that late could land after the next start", "only 360 min"],
    ),
    # --- store ids and selection
    (
        "select-unknown-store",
        cli_context(store="nara"),
        ['store = "nara"', "no store 'nara'", "known stores: tokyo-ginza, seattle-pike-place"],
    ),
    (
        "select-misspelt-store",
        cli_context(store="tokyo-ginz"),
        ["did you mean 'tokyo-ginza'?"],
    ),
    (
        "arn-for-unknown-store",
        cli_context(**{"modelVersionArn:nara": GOOD_ARN}),
        ["modelVersionArn:nara", "no store 'nara' in fleet.stores", "known stores:"],
    ),
    (
        "invalid-store-id",
        edit_fleet(lambda f: f["stores"].update({"Tokyo_Shibuya": {}})),
        ["fleet.stores.Tokyo_Shibuya", "lowercase letters, digits and hyphens"],
    ),
    # --- unknown keys
    (
        "setting-typo-in-defaults",
        with_defaults(opnes="07:00"),
        ["fleet.defaults.opnes", "unknown setting (did you mean 'opens'?)", "valid settings:"],
    ),
    (
        "setting-typo-in-store",
        with_store(timeZone="Asia/Tokyo"),
        [f"{STORE}.timeZone", "did you mean 'timezone'?"],
    ),
    (
        "setting-typo-in-cli-key",
        cli_context(**{"modelVersionARN:tokyo-ginza": GOOD_ARN}),
        ["modelVersionARN:tokyo-ginza", "unknown setting 'modelVersionARN'", "'modelVersionArn'"],
    ),
    (
        "unknown-setting-for-known-store",
        cli_context(**{"closingTime:tokyo-ginza": "20:00"}),
        ["closingTime:tokyo-ginza", "unknown setting 'closingTime'", "valid settings:"],
    ),
    (
        "unknown-top-level-key",
        cli_context(stor="tokyo-ginza"),
        ["stor: unknown context key (did you mean 'store'?)"],
    ),
    (
        "unknown-key-in-fleet",
        edit_fleet(lambda f: f.update({"store": {}})),
        ["fleet.store", "unknown setting (did you mean 'stores'?)"],
    ),
    # --- the fleet object itself
    ("fleet-missing", without("fleet"), ["fleet: missing", "./scripts/cdk synth"]),
    ("fleet-not-json", cli_context(fleet="{stores:"), ['fleet = "{stores:"', "not valid JSON"]),
    ("fleet-not-an-object", cli_context(fleet=[1]), ["fleet = [1]", "must be a JSON object"]),
    (
        "stores-empty",
        edit_fleet(lambda f: f.update({"stores": {}})),
        ["fleet.stores", "define at least one store"],
    ),
    (
        "store-not-an-object",
        edit_fleet(lambda f: f["stores"].update({"tokyo-ginza": "07:00-19:00"})),
        [f'{STORE} = "07:00-19:00"', "must be a JSON object"],
    ),
    (
        "setting-set-nowhere",
        edit_fleet(lambda f: f["defaults"].pop("timezone")),
        [f"{STORE}.timezone: not set", "set it in fleet.defaults or in fleet.stores.tokyo-ginza"],
    ),
    # --- the dashboards (fleet.dashboard)
    (
        "dashboard-not-an-object",
        edit_fleet(lambda f: f.update({"dashboard": "yes"})),
        ['fleet.dashboard = "yes"', "must be a JSON object"],
    ),
    (
        "dashboard-unknown-setting",
        edit_fleet(lambda f: f.update({"dashboard": {"homeRegion": {}}})),
        ["fleet.dashboard.homeRegion", "unknown setting", "did you mean 'homeRegions'"],
    ),
    (
        "dashboard-account-malformed",
        edit_fleet(
            lambda f: f.update({"dashboard": {"homeRegions": {"1111-2222-3333": "us-west-2"}}})
        ),
        ['fleet.dashboard.homeRegions.1111-2222-3333 = "1111-2222-3333"', "use the 12 digits"],
    ),
    (
        "dashboard-account-not-in-the-fleet",
        edit_fleet(
            lambda f: f.update({"dashboard": {"homeRegions": {"999988887777": "us-west-2"}}})
        ),
        [
            "fleet.dashboard.homeRegions.999988887777",
            "no store of the fleet is in account 999988887777",
            "111122223333, 444455556666",
        ],
    ),
    (
        "dashboard-region-malformed",
        edit_fleet(lambda f: f.update({"dashboard": {"homeRegions": {"111122223333": "Tokyo"}}})),
        ['fleet.dashboard.homeRegions.111122223333 = "Tokyo"', 'e.g. "ap-northeast-1"'],
    ),
    (
        "dashboard-regions-not-an-object",
        edit_fleet(lambda f: f.update({"dashboard": {"homeRegions": ["us-west-2"]}})),
        ['fleet.dashboard.homeRegions = ["us-west-2"]', "an object: account ID to Region code"],
    ),
    (
        "dashboard-price-zero",
        edit_fleet(lambda f: f.update({"dashboard": {"usdPerInferenceUnitHour": 0}})),
        ["fleet.dashboard.usdPerInferenceUnitHour = 0", "more than 0", "e.g. 4.00"],
    ),
    (
        "dashboard-price-not-a-number",
        edit_fleet(lambda f: f.update({"dashboard": {"usdPerInferenceUnitHour": "4 USD"}})),
        ['fleet.dashboard.usdPerInferenceUnitHour = "4 USD"', "must be a number of USD"],
    ),
]


@pytest.mark.parametrize(("context", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_gives_one_clear_line(context: Context, expected: list[str]) -> None:
    """Exactly one problem is reported, and it names the key, shows the value, says the fix."""
    problems = problems_of(context)
    assert len(problems) == 1, problems
    for fragment in expected:
        assert fragment in problems[0]


def test_every_problem_is_reported_at_once() -> None:
    """A person fixing cdk.json sees all the problems in one run, not one per run."""
    fleet = default_fleet()
    fleet["stores"]["tokyo-ginza"]["opens"] = "7am"
    fleet["stores"]["seattle-pike-place"]["timezone"] = "Pacific"
    context = cli_context(fleet=fleet, **{"modelVersionArn:sydney-central": PROJECT_ARN})
    problems = problems_of(context)
    assert len(problems) == 3
    assert any("fleet.stores.tokyo-ginza.opens" in p for p in problems)
    assert any("fleet.stores.seattle-pike-place.timezone" in p for p in problems)
    assert any("modelVersionArn:sydney-central" in p for p in problems)


def test_a_bad_default_is_reported_once() -> None:
    """A default that cannot be parsed is one problem, however many stores inherit it."""
    assert problems_of(with_defaults(startLeadMinutes="half an hour")) == [
        'fleet.defaults.startLeadMinutes = "half an hour": must be a whole number from 0 to 720'
    ]


def test_a_default_that_breaks_a_store_names_the_store() -> None:
    """A default that is valid alone but wrong for some stores says which stores."""
    problems = problems_of(with_defaults(maximumEventAgeMinutes=800))
    assert problems == [
        "fleet.defaults.maximumEventAgeMinutes (inherited by store tokyo-ginza) = 800: a start "
        "retried that late could land after the next stop, which can follow it after only 780 "
        "min; use at most 720 (the gap minus a 60 min margin for DST and delivery delay)",
        "fleet.defaults.maximumEventAgeMinutes (inherited by store seattle-pike-place) = 800: a "
        "start retried that late could land after the next stop, which can follow it after only "
        "780 min; use at most 720 (the gap minus a 60 min margin for DST and delivery delay)",
        "fleet.defaults.maximumEventAgeMinutes (inherited by store sydney-central) = 800: a stop "
        "retried that late could land after the next start, which can follow it after only 555 "
        "min; use at most 495 (the gap minus a 60 min margin for DST and delivery delay)",
    ]


def test_foreign_context_keys_are_left_alone() -> None:
    """Feature flags, CLI keys and context-provider lookups belong to others: no complaint."""
    context = cli_context(
        **{
            "@aws-cdk/core:newStyleStackSynthesis": True,
            "aws:cdk:enable-path-metadata": True,
            "availability-zones:account=111122223333:region=ap-northeast-1": ["a", "b"],
        }
    )
    assert load_fleet(context, today=TEST_TODAY).stores


def test_what_looks_at_the_clock_is_a_warning_never_an_error() -> None:
    """A closure that ended over a year ago, a horizon that ends within 60 days, the retired
    `now` key: warnings, and the fleet still loads."""
    fleet = default_fleet()
    fleet["horizon"] = {"firstMonth": "2025-01", "lastMonth": "2027-12"}
    fleet["defaults"]["closedDates"] = ["2025-01-01"]
    loaded = load_fleet(
        cli_context(fleet=fleet, now="2026-11-26T09:00:00Z"), today=date(2027, 11, 1)
    )
    assert loaded.warnings == (
        "the context key 'now' no longer changes anything (templates do not depend on the "
        "clock): remove it",
        "fleet.horizon.lastMonth: the calendar horizon ends on 2027-12-31, in 60 days; after it "
        "the schedules fire weekly, without closed dates, holidays or daylight-saving "
        "compensations: raise fleet.horizon.lastMonth and deploy",
        "fleet.defaults.closedDates: 2025-01-01 ended more than a year ago: remove it (it "
        "changes nothing)",
    )
    assert (
        load_fleet(cli_context(), today=date(2027, 11, 1))
        .warnings[0]
        .startswith("fleet.horizon.lastMonth: the calendar horizon ends on 2027-12-31, in 60 days")
    )
    assert load_fleet(cli_context(), today=date(2027, 10, 31)).warnings == ()
    assert (
        "ended on 2027-12-31, 1 days ago"
        in load_fleet(cli_context(), today=date(2028, 1, 1)).warnings[0]
    )


def test_a_lead_shorter_than_a_start_is_a_warning_with_its_figure() -> None:
    """10 minutes of lead: the fleet loads, and one warning (once for a default, however many
    stores inherit it) names the key, the figure and where it comes from."""
    fleet = load_fleet(with_defaults(startLeadMinutes=10), today=TEST_TODAY)
    assert list(fleet.warnings) == [
        "fleet.defaults.startLeadMinutes = 10: shorter than the 20 minutes a start may take "
        "(boto3's ProjectVersionRunning waiter allows 30 s x 40 checks), so the opening check "
        "will report a late start (STARTING at opening, ModelReadyAtOpening 0) most days: use "
        "at least 20 unless this model is known to start faster"
    ]
    assert not load_fleet(with_store(startLeadMinutes=20), today=TEST_TODAY).warnings


def test_the_start_figure_is_boto3s_waiter() -> None:
    """The figure the warning states is the one botocore ships (pinned), not a guess."""
    waiter = botocore.session.get_session().get_waiter_model("rekognition")
    running = waiter.get_waiter("ProjectVersionRunning")
    assert (running.delay, running.max_attempts) == (30, 40)
    assert running.delay * running.max_attempts == START_MINUTES * 60
