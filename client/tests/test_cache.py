"""The handle's cache under load: one read for many threads, and a throttled re-read keeps the
handle the registers already use."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from botocore.exceptions import ClientError
from conftest import HANDLE, NEW_VERSION, Fakes, with_version

from rekognition_model_client import ModelClient


class SlowSSM:
    """GetParameter that takes a while, long enough for every thread to arrive meanwhile."""

    def __init__(self) -> None:
        self.calls = 0
        self._count = threading.Lock()

    def get_parameter(self, **request: Any) -> dict[str, Any]:
        with self._count:
            self.calls += 1
        time.sleep(0.2)
        return {"Parameter": {"Value": HANDLE.to_json()}}


@pytest.mark.parametrize("refresh", [False, True])
def test_threads_that_find_the_cache_cold_read_the_handle_once(refresh: bool) -> None:
    """Eight registers' threads at once, at first use or on ResourceNotReady's re-read."""
    ssm = SlowSSM()
    client = ModelClient("tokyo-ginza", ssm=ssm, rekognition=object())  # type: ignore[arg-type]
    if refresh:
        client.handle()
        ssm.calls = 0
    gate = threading.Barrier(8)
    seen = []

    def register() -> None:
        gate.wait()
        seen.append(client.handle(refresh=refresh))

    threads = [threading.Thread(target=register) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert ssm.calls == 1
    assert seen == [HANDLE] * 8


def test_a_throttled_re_read_keeps_the_cached_handle(fakes: Fakes) -> None:
    """The cache expired, SSM throttles: the registers keep working with the handle they have,
    and the next read comes a cache time later (not at every call)."""
    fakes.parameter()
    assert fakes.client.handle() == HANDLE
    fakes.clock.t += 61
    fakes.ssm.add_client_error("get_parameter", "ThrottlingException", "Rate exceeded")
    assert fakes.client.handle() == HANDLE
    fakes.clock.t += 30
    assert fakes.client.handle() == HANDLE  # no read: the Stubber has nothing queued
    fakes.clock.t += 31
    fakes.parameter(with_version(NEW_VERSION))
    assert fakes.client.handle().model_version_arn == NEW_VERSION


def test_a_throttled_first_read_is_not_hidden(fakes: Fakes) -> None:
    """With nothing cached there is nothing to keep: botocore's error, unchanged."""
    fakes.ssm.add_client_error("get_parameter", "ThrottlingException", "Rate exceeded")
    with pytest.raises(ClientError, match="ThrottlingException"):
        fakes.client.handle()
