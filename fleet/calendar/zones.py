"""The time-zone rules every schedule assumes: the pinned `tzdata` package, never the machine's.

zoneinfo looks in the operating system's zone files (/usr/share/zoneinfo and the like) before the
`tzdata` package, and those differ from machine to machine: a laptop and CI would compute
different daylight-saving compensations from the same cdk.json. Each process that computes a
schedule (the app, the report, the rotation, the tests) calls `use_pinned_tzdata()` first.
"""

from __future__ import annotations

import zoneinfo

import tzdata

# Named in docs/configuration.md; tests/test_zones.py keeps the two in step.
TZDATA_VERSION = f"{tzdata.__version__} (IANA {tzdata.IANA_VERSION})"


def use_pinned_tzdata() -> None:
    """Make the `tzdata` package zoneinfo's only source in this process (the same as
    PYTHONTZPATH="" in the environment); zones loaded before are forgotten."""
    zoneinfo.reset_tzpath([])
    zoneinfo.ZoneInfo.clear_cache()
