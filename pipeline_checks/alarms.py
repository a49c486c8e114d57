"""After a pipeline wave: fail when any store of the wave has an alarm in ALARM.

    python -m pipeline_checks.alarms '<wave JSON>' [--ignore "<alarm name>" ...]

The wave JSON is what the pipeline writes into the step: [{"account", "region", "stores"}].
The step runs in the pipeline account and reads each store account's alarms through the CDK
bootstrap's lookup role (cdk-hnb659fds-lookup-role-<account>-<region>), which a store account
bootstrapped with `--trust <pipeline account>` lets the pipeline assume: read-only, and no role
of ours to deploy in every account. INSUFFICIENT_DATA passes (as right after a deploy); OK
passes. An alarm known to be unrelated is passed with --ignore (fleet.pipeline.ignoreAlarms).

Each account and Region is read with one paginated DescribeAlarms(StateValue=ALARM), filtered
here by the wave's stores (a store's alarms are named "<store> <what failed>"), so that a wave of
many stores does not make a call per store; botocore's standard retries (ATTEMPTS attempts with
backoff) absorb throttling, and throttling that outlasts them is named as such.

Exit status: 0 no alarm in ALARM; 1 some (one line each); 2 it could not look (one line).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from fleet.names import lookup_role_arn

if TYPE_CHECKING:
    from mypy_boto3_cloudwatch import CloudWatchClient

ATTEMPTS = 8
RETRIES = Config(retries={"mode": "standard", "max_attempts": ATTEMPTS})
THROTTLED = frozenset(
    {"Throttling", "ThrottlingException", "RequestLimitExceeded", "TooManyRequestsException"}
)


@dataclass(frozen=True)
class Place:
    account: str
    region: str
    stores: tuple[str, ...]
    partition: str = "aws"


# Given a place, a CloudWatch client that reads its alarms (the lookup role's session).
Connect = Callable[[Place], "CloudWatchClient"]


def connect(place: Place) -> CloudWatchClient:
    role = lookup_role_arn(place.partition, place.account, place.region)
    credentials = boto3.client("sts", region_name=place.region, config=RETRIES).assume_role(
        RoleArn=role, RoleSessionName="wave-alarm-check"
    )["Credentials"]
    return boto3.client(
        "cloudwatch",
        region_name=place.region,
        config=RETRIES,
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )


def alarms_in_alarm(cloudwatch: CloudWatchClient) -> Iterator[Mapping[str, object]]:
    """Every alarm of the account and Region that is in ALARM."""
    token: str | None = None
    while True:
        request: dict[str, Any] = {
            "StateValue": "ALARM",
            "AlarmTypes": ["MetricAlarm", "CompositeAlarm"],
        }
        if token:
            request["NextToken"] = token
        page = cloudwatch.describe_alarms(**request)
        yield from page.get("MetricAlarms", [])
        yield from page.get("CompositeAlarms", [])
        token = page.get("NextToken")
        if not token:
            return


def check(places: Sequence[Place], ignore: set[str], connect: Connect = connect) -> list[str]:
    """One line per alarm in ALARM that is not ignored."""
    found = []
    for place in places:
        prefixes = tuple(f"{store} " for store in place.stores)
        try:
            alarms = list(alarms_in_alarm(connect(place)))
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "")
            if code in THROTTLED:
                raise ThrottledError(
                    f"CloudWatch DescribeAlarms stayed throttled in {place.account} "
                    f"{place.region} after {ATTEMPTS} attempts with backoff (botocore's standard "
                    "retries): retry the stage in a few minutes"
                ) from error
            raise
        for alarm in alarms:
            name = str(alarm["AlarmName"])
            if name.startswith(prefixes) and name not in ignore:
                reason = " ".join(str(alarm.get("StateReason", "")).split())
                found.append(f"{place.account} {place.region} {name}: {reason}")
    return found


class ThrottledError(Exception):
    """Throttling outlasted the retries; the message is the line to show."""


def parse_wave(text: str) -> list[Place]:
    body = json.loads(text)
    return [
        Place(
            account=str(p["account"]),
            region=str(p["region"]),
            stores=tuple(str(s) for s in p["stores"]),
            partition=str(p.get("partition", "aws")),
        )
        for p in body
    ]


def main(argv: Sequence[str], connect: Connect = connect) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pipeline_checks.alarms", description=__doc__.split("\n")[0]
    )
    parser.add_argument("wave", help="the wave as JSON")
    parser.add_argument("--ignore", action="append", default=[], help="an alarm name to pass")
    args = parser.parse_args(argv)
    try:
        places = parse_wave(args.wave)
    except (ValueError, KeyError, TypeError) as error:
        print(f"alarm check: the wave is not [{{account, region, stores}}]: {error}")
        return 2
    try:
        found = check(places, set(args.ignore), connect)
    except ThrottledError as error:
        print(f"alarm check: {error}")
        return 2
    except (ClientError, BotoCoreError) as error:
        print(
            "alarm check: could not read the alarms (is the store account bootstrapped "
            f"with --trust <pipeline account>?): {' '.join(str(error).split())}"
        )
        return 2
    for line in found:
        print(f"ALARM {line}")
    stores = sum(len(p.stores) for p in places)
    if found:
        print(
            f"alarm check: {len(found)} alarm{'s' if len(found) != 1 else ''} in ALARM "
            f"among the wave's {stores} stores: look at them before the next wave (a known "
            "unrelated one: fleet.pipeline.ignoreAlarms)"
        )
        return 1
    print(f"alarm check: no alarm in ALARM among the wave's {stores} stores")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
