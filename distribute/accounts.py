"""The AWS clients of each account a distribution touches: the source account's from the
ambient credentials, every other account's through the role fleet.distribution.roleName names
there (sts:AssumeRole). An account that cannot be reached is one line; the others go on."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

# Rekognition's control plane allows 5 requests a second per API: standard retries absorb a
# burst the command's own pacing did not prevent.
RETRIES = Config(retries={"mode": "standard", "max_attempts": 8})


class UnreachableError(Exception):
    """An account whose clients cannot be had; the message is the line to show."""


@dataclass(frozen=True)
class Clients:
    rekognition: Any
    s3: Any


Reach = Callable[[str], Clients]


def role_arn(partition: str, account: str, role_name: str) -> str:
    return f"arn:{partition}:iam::{account}:role/{role_name}"


def boto_reach(*, source_account: str, partition: str, region: str, role_name: str) -> Reach:
    """Clients by account, made once each."""
    made: dict[str, Clients] = {}

    def reach(account: str) -> Clients:
        if account in made:
            return made[account]
        try:
            if account == source_account:
                session = boto3.Session(region_name=region)
            else:
                role = role_arn(partition, account, role_name)
                credentials = boto3.client("sts", region_name=region).assume_role(
                    RoleArn=role, RoleSessionName="distribute-model"
                )["Credentials"]
                session = boto3.Session(
                    aws_access_key_id=credentials["AccessKeyId"],
                    aws_secret_access_key=credentials["SecretAccessKey"],
                    aws_session_token=credentials["SessionToken"],
                    region_name=region,
                )
            clients = Clients(
                session.client("rekognition", config=RETRIES), session.client("s3", config=RETRIES)
            )
        except (BotoCoreError, ClientError) as error:
            raise UnreachableError(
                f"account {account}: {' '.join(str(error).split())} (is the distribution stack "
                f"deployed there, and may these credentials assume {role_name}?)"
            ) from error
        made[account] = clients
        return clients

    return reach
