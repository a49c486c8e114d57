"""Names derived from a store id; the report reads the templates with the same prefixes."""

from __future__ import annotations

STACK_PREFIX = "ModelSchedule-"
GROUP_PREFIX = "model-schedule-"


def stack_name(store_id: str) -> str:
    return f"{STACK_PREFIX}{store_id}"


def schedule_group_name(store_id: str) -> str:
    return f"{GROUP_PREFIX}{store_id}"
