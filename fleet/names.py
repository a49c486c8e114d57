"""Names derived from a store id or an account; the report reads the templates with the same
prefixes."""

from __future__ import annotations

STACK_PREFIX = "ModelSchedule-"
GROUP_PREFIX = "model-schedule-"
DASHBOARD_STACK_PREFIX = "ModelScheduleDashboard-"
DASHBOARD_PREFIX = "rekognition-model-scheduler-"


def stack_name(store_id: str) -> str:
    return f"{STACK_PREFIX}{store_id}"


def schedule_group_name(store_id: str) -> str:
    return f"{GROUP_PREFIX}{store_id}"


def _page(page: int) -> str:
    return f"-{page}" if page > 1 else ""


def dashboard_stack_name(account: str, page: int = 1) -> str:
    """An account's dashboard stack; more stores than one dashboard holds continue on `-2`..."""
    return f"{DASHBOARD_STACK_PREFIX}{account}{_page(page)}"


def dashboard_name(account: str, page: int = 1) -> str:
    return f"{DASHBOARD_PREFIX}{account}{_page(page)}"
