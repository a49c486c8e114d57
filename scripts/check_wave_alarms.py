"""After a pipeline wave: fail when any store of the wave has an alarm in ALARM.

    python scripts/check_wave_alarms.py '<wave JSON>' [--ignore "<alarm name>" ...]

The wave JSON is what the pipeline writes into the step: [{"account", "region", "stores"}].
The step runs in the pipeline account and reads each store account's alarms through the CDK
bootstrap's lookup role (cdk-hnb659fds-lookup-role-<account>-<region>), which a store account
bootstrapped with `--trust <pipeline account>` lets the pipeline assume: read-only, and no role
of ours to deploy in every account. INSUFFICIENT_DATA passes (as right after a deploy); OK
passes. An alarm known to be unrelated is passed with --ignore (fleet.pipeline.ignoreAlarms).

Exit status: 0 no alarm in ALARM; 1 some (one line each); 2 it could not look (one line).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError

if TYPE_CHECKING:
    from mypy_boto3_cloudwatch import CloudWatchClient

LOOKUP_ROLE = "arn:{partition}:iam::{account}:role/cdk-hnb659fds-lookup-role-{account}-{region}"


@dataclass(frozen=True)
class Place:
    account: str
    region: str
    stores: tuple[str, ...]
    partition: str = "aws"


# Given a place, a CloudWatch client that reads its alarms (the lookup role's session).
Connect = Callable[[Place], "CloudWatchClient"]


def connect(place: Place) -> CloudWatchClient:
    role = LOOKUP_ROLE.format(partition=place.partition, account=place.account, region=place.region)
    credentials = boto3.client("sts", region_name=place.region).assume_role(
        RoleArn=role, RoleSessionName="wave-alarm-check"
    )["Credentials"]
    return boto3.client(
        "cloudwatch",
        region_name=place.region,
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )


def alarms_in_alarm(cloudwatch: CloudWatchClient, store: str) -> Iterator[dict[str, Any]]:
    """The store's alarms (named "<store> <what failed>") that are in ALARM."""
    token: str | None = None
    while True:
        page = cloudwatch.describe_alarms(
            AlarmNamePrefix=f"{store} ",
            StateValue="ALARM",
            AlarmTypes=["MetricAlarm", "CompositeAlarm"],
            **({"NextToken": token} if token else {}),
        )
        yield from page.get("MetricAlarms", [])
        yield from page.get("CompositeAlarms", [])
        token = page.get("NextToken")
        if not token:
            return


def check(places: Sequence[Place], ignore: set[str], connect: Connect = connect) -> list[str]:
    """One line per alarm in ALARM that is not ignored."""
    found = []
    for place in places:
        cloudwatch = connect(place)
        for store in place.stores:
            for alarm in alarms_in_alarm(cloudwatch, store):
                name = str(alarm["AlarmName"])
                if name not in ignore:
                    reason = " ".join(str(alarm.get("StateReason", "")).split())
                    found.append(f"{place.account} {place.region} {name}: {reason}")
    return found


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
    parser = argparse.ArgumentParser(prog="check_wave_alarms", description=__doc__.split("\n")[0])
    parser.add_argument("wave", help="the wave as JSON")
    parser.add_argument("--ignore", action="append", default=[], help="an alarm name to pass")
    args = parser.parse_args(argv)
    try:
        places = parse_wave(args.wave)
    except (ValueError, KeyError, TypeError) as error:
        print(f"check_wave_alarms: the wave is not [{{account, region, stores}}]: {error}")
        return 2
    try:
        found = check(places, set(args.ignore), connect)
    except (ClientError, BotoCoreError) as error:
        print(
            "check_wave_alarms: could not read the alarms (is the store account bootstrapped "
            f"with --trust <pipeline account>?): {' '.join(str(error).split())}"
        )
        return 2
    for line in found:
        print(f"ALARM {line}")
    stores = sum(len(p.stores) for p in places)
    if found:
        print(
            f"check_wave_alarms: {len(found)} alarm{'s' if len(found) != 1 else ''} in ALARM "
            f"among the wave's {stores} stores: look at them before the next wave (a known "
            "unrelated one: fleet.pipeline.ignoreAlarms)"
        )
        return 1
    print(f"check_wave_alarms: no alarm in ALARM among the wave's {stores} stores")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
