"""Every field of a handle read from SSM is checked, and the times the handle names exist on
the store's clock, daylight-saving days included."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import pytest
from conftest import HANDLE

from rekognition_model_client import HandleError, ModelHandle, ModelNotRunningError

GOOD: dict[str, Any] = json.loads(HANDLE.to_json())


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("store", ""),
        ("store", 7),
        ("modelVersionArn", HANDLE.project_arn),
        ("modelVersionArn", HANDLE.model_version_arn + "\n"),
        ("projectArn", HANDLE.model_version_arn),
        ("minConfidence", "85"),
        ("minConfidence", 101),
        ("minConfidence", True),
        ("timezone", "Mars/Olympus"),
        ("timezone", None),
        ("opens", "7:00"),
        ("opens", "24:00"),
        ("closes", 1900),
        ("closes", "06:00"),  # before opening
        ("openDays", []),
        ("openDays", ["MON", "MON"]),
        ("openDays", ["Monday"]),
        ("openDays", "MON"),
        ("startLeadMinutes", "30"),
        ("startLeadMinutes", -1),
        ("startLeadMinutes", 30.5),
        ("closedDays", ["2027-02-30"]),
        ("closedDays", ["31/12/2026"]),
        ("closedDays", "2026-12-31"),
    ],
)
def test_a_wrong_field_is_a_broken_handle_that_names_it(key: str, value: Any) -> None:
    body = {**GOOD, key: value}
    field = "closes" if key == "closes" else key
    with pytest.raises(HandleError, match=f"not a model handle .*{field}"):
        ModelHandle.from_json(json.dumps(body))


def test_a_missing_field_is_named() -> None:
    body = {k: v for k, v in GOOD.items() if k != "opens"}
    with pytest.raises(HandleError, match=r"not a model handle \('opens' is missing\)"):
        ModelHandle.from_json(json.dumps(body))


# Los Angeles, 2027-03-14: the clocks go from 02:00 to 03:00.
LA_GAP_END = replace(
    HANDLE,
    timezone="America/Los_Angeles",
    opens="03:00",
    closes="14:00",
    model_version_arn=HANDLE.model_version_arn.replace("ap-northeast-1", "us-west-2"),
    project_arn=HANDLE.project_arn.replace("ap-northeast-1", "us-west-2"),
    closed_days=(),
)


def test_a_start_in_the_gap_keeps_its_lead_before_opening() -> None:
    """02:30 does not exist that day: the schedule fires 30 real minutes before 03:00 PDT,
    01:30 PST, and that is the time the handle names."""
    start, end = LA_GAP_END.running_window(date(2027, 3, 14)) or (None, None)
    assert start == datetime(2027, 3, 14, 9, 30, tzinfo=UTC)
    assert f"{start:%H:%M %Z}" == "01:30 PST"
    assert f"{end:%H:%M %Z}" == "14:00 PDT"


def test_an_opening_in_the_gap_is_at_its_end() -> None:
    handle = replace(LA_GAP_END, opens="02:30", start_lead_minutes=0)
    start, _ = handle.running_window(date(2027, 3, 14)) or (None, None)
    assert f"{start:%H:%M %Z}" == "03:00 PDT"


def test_the_error_names_a_start_time_that_exists() -> None:
    midnight = datetime(2027, 3, 14, 8, 0, tzinfo=UTC)  # 00:00 PST
    message = str(ModelNotRunningError(LA_GAP_END, midnight))
    assert "scheduled to start at 2027-03-14 01:30 America/Los_Angeles (in 1 h 30 min)" in message
