"""ModelClient: the handle read from SSM and cached, DetectCustomLabels with its ARN and
MinConfidence, and a model that is not running explained in words."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfoNotFoundError

import pytest
import tzdata
from botocore.exceptions import ClientError
from conftest import HANDLE, NEW_VERSION, VERSION, Fakes, with_version

from rekognition_model_client import (
    HandleError,
    HandleNotFoundError,
    Label,
    ModelClient,
    ModelNotRunningError,
    S3Image,
)
from rekognition_model_client import handle as handle_module
from rekognition_model_client.handle import pinned_zone

PACKAGE_ROOT = Path(handle_module.__file__).parent.parent

IMAGE = b"\xff\xd8\xff\xe0 a tray of bread"


def test_labels_come_from_the_handles_version_with_its_min_confidence(fakes: Fakes) -> None:
    fakes.parameter()
    fakes.labels(
        {"ProjectVersionArn": VERSION, "Image": {"Bytes": IMAGE}, "MinConfidence": 85.0},
        ("croissant", 97.5),
    )
    assert fakes.client.detect_labels(IMAGE) == [Label("croissant", 97.5)]


def test_label_names_in_any_script_come_back_unchanged(fakes: Fakes) -> None:
    """Japanese (and any other) label names are the model's own strings, not escaped."""
    fakes.parameter()
    fakes.labels(
        {"ProjectVersionArn": VERSION, "Image": {"Bytes": IMAGE}, "MinConfidence": 85.0},
        ("メロンパン", 92.1),
        ("あんぱん", 88.0),
    )
    names = [label.name for label in fakes.client.detect_labels(IMAGE)]
    assert names == ["メロンパン", "あんぱん"]


def test_no_min_confidence_leaves_it_to_the_model(fakes: Fakes) -> None:
    """minConfidence null: the request has no MinConfidence (the model's assumed thresholds)."""
    fakes.parameter(replace(HANDLE, min_confidence=None))
    fakes.labels({"ProjectVersionArn": VERSION, "Image": {"Bytes": IMAGE}})
    assert fakes.client.detect_labels(IMAGE) == []


def test_an_s3_image_is_read_by_rekognition(fakes: Fakes) -> None:
    fakes.parameter()
    fakes.labels(
        {
            "ProjectVersionArn": VERSION,
            "Image": {"S3Object": {"Bucket": "trays", "Name": "ginza/1.jpg", "Version": "v2"}},
            "MinConfidence": 85.0,
            "MaxResults": 5,
        },
        ("bagel", 90.0),
    )
    found = fakes.client.detect_labels(S3Image("trays", "ginza/1.jpg", "v2"), max_results=5)
    assert found == [Label("bagel", 90.0)]


def test_the_handle_is_cached_for_a_minute(fakes: Fakes) -> None:
    """Within 60 s no second GetParameter; after 60 s the handle is read again, so a rotation
    reaches the register within a minute."""
    fakes.parameter()
    request = {"ProjectVersionArn": VERSION, "Image": {"Bytes": IMAGE}, "MinConfidence": 85.0}
    fakes.labels(request)
    fakes.labels(request)
    fakes.client.detect_labels(IMAGE)
    fakes.clock.t += 59.9
    fakes.client.detect_labels(IMAGE)
    fakes.clock.t += 0.1
    fakes.parameter(with_version(NEW_VERSION))
    fakes.labels({**request, "ProjectVersionArn": NEW_VERSION})
    fakes.client.detect_labels(IMAGE)


def test_the_cache_time_is_configurable(fakes: Fakes) -> None:
    client = ModelClient("tokyo-ginza", ssm=fakes.client._ssm, clock=fakes.clock, cache_seconds=5)
    fakes.parameter()
    fakes.parameter()
    client.handle()
    fakes.clock.t += 4
    client.handle()
    fakes.clock.t += 1
    client.handle()


def test_a_rotation_seen_on_not_ready_is_followed_at_once(fakes: Fakes) -> None:
    """The cached version was stopped after a rotation: read the handle again and ask the new
    version, without waiting for the cache to expire."""
    fakes.parameter()
    fakes.not_ready(
        {"ProjectVersionArn": VERSION, "Image": {"Bytes": IMAGE}, "MinConfidence": 85.0}
    )
    fakes.parameter(with_version(NEW_VERSION))
    fakes.labels(
        {"ProjectVersionArn": NEW_VERSION, "Image": {"Bytes": IMAGE}, "MinConfidence": 85.0},
        ("メロンパン", 90.0),
    )
    assert fakes.client.detect_labels(IMAGE) == [Label("メロンパン", 90.0)]


def test_a_model_that_is_not_running_says_when_it_starts(fakes: Fakes) -> None:
    """Not a bare botocore error: the store, the version and the next start in its zone."""
    fakes.parameter()
    fakes.not_ready()
    fakes.parameter()
    with pytest.raises(ModelNotRunningError) as caught:
        fakes.client.detect_labels(IMAGE)
    error = caught.value
    assert error.store == "tokyo-ginza"
    assert error.model_version_arn == VERSION
    assert error.next_start == datetime(2026, 11, 30, 21, 30, tzinfo=UTC)
    assert str(error) == (
        f"The model of store tokyo-ginza is not running ({VERSION}). It is scheduled to start at "
        "2026-12-01 06:30 Asia/Tokyo (in 1 h 30 min) and may take up to 30 minutes to be ready."
    )
    assert isinstance(error.__cause__, ClientError)


def test_closed_days_are_skipped_when_telling_the_next_start() -> None:
    """On 2026-12-30 after closing (closed 12-31 to 01-03) the next start is 01-04 06:30."""
    start = HANDLE.next_start(datetime(2026, 12, 30, 12, 0, tzinfo=UTC))
    assert start is not None
    assert start.isoformat() == "2027-01-04T06:30:00+09:00"


def test_a_start_the_evening_before_is_found() -> None:
    """Opening 00:15 with a 30-minute lead starts at 23:45 the day before."""
    sydney = replace(
        HANDLE, timezone="Australia/Sydney", opens="00:15", closes="14:00", closed_days=()
    )
    start = sydney.next_start(datetime(2026, 12, 1, 4, 0, tzinfo=UTC))  # 15:00 in Sydney
    assert start is not None
    assert start.isoformat() == "2026-12-01T23:45:00+11:00"


def test_during_opening_hours_it_says_something_is_wrong(fakes: Fakes) -> None:
    fakes.parameter()
    fakes.not_ready()
    fakes.parameter()
    fakes.client._now = lambda: datetime(2026, 12, 1, 3, 0, tzinfo=UTC)  # 12:00 in Tokyo
    with pytest.raises(ModelNotRunningError, match="It should be running now"):
        fakes.client.detect_labels(IMAGE)


def test_a_missing_handle_is_explained(fakes: Fakes) -> None:
    fakes.ssm.add_client_error("get_parameter", "ParameterNotFound", "not found")
    with pytest.raises(HandleNotFoundError, match="is the store's stack deployed"):
        fakes.client.handle()


def test_other_errors_are_not_hidden(fakes: Fakes) -> None:
    fakes.parameter()
    fakes.rekognition.add_client_error("detect_custom_labels", "InvalidImageFormatException")
    with pytest.raises(ClientError, match="InvalidImageFormatException"):
        fakes.client.detect_labels(b"not an image")


@pytest.mark.parametrize(
    "value",
    ["not json", "[]", '{"version": 2}', HANDLE.to_json().replace("Asia/Tokyo", "Mars/Olympus")],
)
def test_a_broken_handle_is_reported(fakes: Fakes, value: str) -> None:
    fakes.ssm.add_response("get_parameter", {"Parameter": {"Value": value}})
    with pytest.raises(HandleError, match="not a model handle"):
        fakes.client.handle()


def test_the_handle_round_trips() -> None:
    assert type(HANDLE).from_json(HANDLE.to_json()) == HANDLE


def test_the_handle_reads_the_pinned_tzdata_and_leaves_the_process_alone(tmp_path: Path) -> None:
    """The checkout's machine may carry other zone rules; the client reads its own tzdata
    dependency without changing zoneinfo's search path for the application around it."""
    folder = tmp_path / "zoneinfo" / "America"
    folder.mkdir(parents=True)
    utc = Path(tzdata.__file__).parent / "zoneinfo" / "Etc" / "UTC"
    (folder / "Los_Angeles").write_bytes(utc.read_bytes())
    code = (
        "import zoneinfo\nfrom datetime import datetime\n"
        "from rekognition_model_client.handle import pinned_zone\n"
        "print(pinned_zone('America/Los_Angeles').utcoffset(datetime(2027, 7, 1)))\n"
        "print(zoneinfo.TZPATH == (sys_path,))\n"
    ).replace("sys_path", repr(str(tmp_path / "zoneinfo")))
    env = {
        **os.environ,
        "PYTHONTZPATH": str(tmp_path / "zoneinfo"),
        "PYTHONPATH": str(PACKAGE_ROOT),
    }
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["-1", "day,", "17:00:00", "True"]


@pytest.mark.parametrize("name", ["../../etc/passwd", "Asia//Tokyo", "Mars/Olympus", "Asia"])
def test_a_zone_that_is_not_in_tzdata_is_not_found(name: str) -> None:
    with pytest.raises(ZoneInfoNotFoundError):
        pinned_zone(name)
