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


def lookup_role_arn(partition: str, account: str, region: str) -> str:
    """The CDK bootstrap's lookup role (default qualifier), which a store account bootstrapped
    with --trust-for-lookup <pipeline account> lets the pipeline assume. (The pipeline's alarm
    check, scripts/check_wave_alarms.py, runs without the project installed and spells it
    itself; a test keeps the two equal.)"""
    return f"arn:{partition}:iam::{account}:role/cdk-hnb659fds-lookup-role-{account}-{region}"
