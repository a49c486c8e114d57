"""The check after each pipeline wave, against botocore's Stubber: an alarm in ALARM fails the
wave, INSUFFICIENT_DATA and OK pass, an ignored alarm passes, and failures to look are one line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from pipeline_checks import alarms
from pipeline_checks.alarms import Place

WAVE = json.dumps(
    [
        {"account": "111122223333", "region": "us-west-2", "stores": ["seattle-pike-place"]},
        {"account": "444455556666", "region": "ap-southeast-2", "stores": ["sydney-central"]},
    ]
)


# One call per account and Region, whatever the number of stores: filtered locally.
EXPECTED = {"StateValue": "ALARM", "AlarmTypes": ["MetricAlarm", "CompositeAlarm"]}


class Accounts:
    """One stubbed CloudWatch client per account and Region."""

    def __init__(self) -> None:
        self.stubs: dict[tuple[str, str], Stubber] = {}
        self.clients: dict[tuple[str, str], Any] = {}

    def stub(self, account: str, region: str) -> Stubber:
        key = (account, region)
        if key not in self.stubs:
            client = boto3.client("cloudwatch", region_name=region)
            self.clients[key] = client
            self.stubs[key] = Stubber(client)
            self.stubs[key].activate()
        return self.stubs[key]

    def connect(self, place: Place) -> Any:
        self.stub(place.account, place.region)
        return self.clients[(place.account, place.region)]

    def answers(self, account: str, region: str, *alarms: str, token: str = "") -> None:
        response: dict[str, Any] = {
            "MetricAlarms": [
                {"AlarmName": name, "StateValue": "ALARM", "StateReason": "Threshold\n crossed"}
                for name in alarms
            ],
            "CompositeAlarms": [],
        }
        if token:
            response["NextToken"] = token
        self.stub(account, region).add_response(
            "describe_alarms",
            response,
            EXPECTED,
        )


@pytest.fixture
def accounts() -> Iterator[Accounts]:
    found = Accounts()
    yield found
    for stub in found.stubs.values():
        stub.assert_no_pending_responses()
        stub.deactivate()


def test_no_alarm_in_alarm_passes(accounts: Accounts, capsys: pytest.CaptureFixture[str]) -> None:
    """DescribeAlarms filters on ALARM: OK and INSUFFICIENT_DATA (right after a deploy) pass."""
    accounts.answers("111122223333", "us-west-2")
    accounts.answers("444455556666", "ap-southeast-2")
    assert alarms.main([WAVE], connect=accounts.connect) == 0
    assert "no alarm in ALARM among the wave's 2 stores" in capsys.readouterr().out


def test_an_alarm_in_alarm_fails_the_wave(
    accounts: Accounts, capsys: pytest.CaptureFixture[str]
) -> None:
    accounts.answers("111122223333", "us-west-2")
    accounts.answers(
        "444455556666",
        "ap-southeast-2",
        "sydney-central model in wrong state",
        "sydney-central-2 model in wrong state",  # another store, not in this wave
    )
    assert alarms.main([WAVE], connect=accounts.connect) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (
        "ALARM 444455556666 ap-southeast-2 sydney-central model in wrong state: Threshold crossed"
    )
    assert out[1].startswith("alarm check: 1 alarm in ALARM among the wave's 2 stores")


def test_an_ignored_alarm_passes(accounts: Accounts) -> None:
    accounts.answers("111122223333", "us-west-2")
    accounts.answers("444455556666", "ap-southeast-2", "sydney-central failed calls waiting")
    argv = [WAVE, "--ignore", "sydney-central failed calls waiting"]
    assert alarms.main(argv, connect=accounts.connect) == 0


def test_every_page_is_read(accounts: Accounts) -> None:
    stub = accounts.stub("111122223333", "us-west-2")
    first = {"MetricAlarms": [], "CompositeAlarms": [], "NextToken": "page-2"}
    second = {
        "MetricAlarms": [{"AlarmName": "seattle-pike-place schedule call failed"}],
        "CompositeAlarms": [],
    }
    stub.add_response("describe_alarms", first, EXPECTED)
    stub.add_response("describe_alarms", second, {**EXPECTED, "NextToken": "page-2"})
    place = Place("111122223333", "us-west-2", ("seattle-pike-place",))
    found = alarms.check([place], set(), connect=accounts.connect)
    assert found == ["111122223333 us-west-2 seattle-pike-place schedule call failed: "]


def test_access_denied_is_one_line(accounts: Accounts, capsys: pytest.CaptureFixture[str]) -> None:
    accounts.stub("111122223333", "us-west-2").add_client_error(
        "describe_alarms", "AccessDenied", "not allowed"
    )
    assert alarms.main([WAVE], connect=accounts.connect) == 2
    out = capsys.readouterr().out
    assert out.startswith("alarm check: could not read the alarms (is the store account")
    assert len(out.splitlines()) == 1
    accounts.stubs.pop(("111122223333", "us-west-2")).deactivate()


def test_a_malformed_wave_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert alarms.main(['[{"account": "1"}]']) == 2
    assert capsys.readouterr().out.startswith("alarm check: the wave is not")


def test_the_lookup_role_is_the_bootstraps() -> None:
    """fleet/names.py spells it once, for the pipeline's policies and its steps alike."""
    from fleet.names import lookup_role_arn

    ours = lookup_role_arn("aws", "111122223333", "us-west-2")
    assert ours == "arn:aws:iam::111122223333:role/cdk-hnb659fds-lookup-role-111122223333-us-west-2"
    assert vars(alarms)["lookup_role_arn"] is lookup_role_arn


def test_throttling_that_outlasts_the_retries_is_named_as_such(
    accounts: Accounts, capsys: pytest.CaptureFixture[str]
) -> None:
    """Not blamed on the bootstrap: the line says throttled, where, and after how many
    attempts (the client's own standard retries ran before this answer)."""
    accounts.stub("111122223333", "us-west-2").add_client_error(
        "describe_alarms", "Throttling", "Rate exceeded"
    )
    assert alarms.main([WAVE], connect=accounts.connect) == 2
    out = capsys.readouterr().out
    assert out == (
        "alarm check: CloudWatch DescribeAlarms stayed throttled in 111122223333 us-west-2 "
        f"after {alarms.ATTEMPTS} attempts with backoff (botocore's standard retries): "
        "retry the stage in a few minutes\n"
    )
    accounts.stubs.pop(("111122223333", "us-west-2")).deactivate()


def test_the_clients_retry_in_standard_mode() -> None:
    retries: object = getattr(alarms.RETRIES, "retries")  # noqa: B009
    assert retries == {
        "mode": "standard",
        "max_attempts": alarms.ATTEMPTS,
    }


def test_a_wave_in_another_partition_assumes_that_partitions_role() -> None:
    [place] = alarms.parse_wave(
        '[{"account": "111122223333", "region": "cn-north-1", "stores": ["beijing"], '
        '"partition": "aws-cn"}]'
    )
    assert place.partition == "aws-cn"
