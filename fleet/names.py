"""Every name the project gives or expects, written once: stacks, schedule groups, dashboards
and pipelines derived from a store id, an account or an index; the tag and description suffix
of everything it creates; the CDK bootstrap's roles and buckets it relies on. The report, the
execution policy, the rotation and the pipeline's steps read names from here."""

from __future__ import annotations

APP_TAG = "rekognition-model-scheduler"
STACK_PREFIX = "ModelSchedule-"
SERVING_STACK_PREFIX = "ModelServing-"
GROUP_PREFIX = "model-schedule-"
DASHBOARD_STACK_PREFIX = "ModelScheduleDashboard-"
DASHBOARD_PREFIX = f"{APP_TAG}-"
PIPELINE_PREFIX = "ModelSchedulePipeline-"
# Every stack of the project: store, dashboard and pipeline stacks start with the first,
# serving groups' stacks with the second.
STACKS_PATTERN = "ModelSchedule*"
SERVING_STACKS_PATTERN = f"{SERVING_STACK_PREFIX}*"
STACK_PATTERNS = (STACKS_PATTERN, SERVING_STACKS_PATTERN)
# The template metadata of a serving group member's stack: its group and the start and stop
# crons it would run alone, from which the cost report splits the group's cost among members.
MEMBER_METADATA_KEY = "RekognitionModelScheduler::ServingGroupMember"
# The default qualifier of `cdk bootstrap`: the bootstrap's roles and buckets carry it.
BOOTSTRAP_QUALIFIER = "hnb659fds"
BOOTSTRAP_ASSETS_BUCKETS = f"cdk-{BOOTSTRAP_QUALIFIER}-assets-*"


# What ./scripts/distribute.sh owns: the source project's policies it writes carry this prefix
# (it never touches another's), and each destination account and Region has one bucket for the
# copies' training results and one stack that makes it and the role.
COPY_POLICY_PREFIX = "rekognition-model-scheduler-copy-"
DISTRIBUTION_STACK_PREFIX = "ModelScheduleDistribution-"


def copies_bucket_name(account: str, region: str) -> str:
    """The bucket of an account and Region for copied versions' training results: derived, so
    the command needs no lookup (and 3-63 characters: 26 + 12 + 1 + at most 16)."""
    return f"rekognition-model-copies-{account}-{region}"


def distribution_stack_name(account: str, region: str) -> str:
    return f"{DISTRIBUTION_STACK_PREFIX}{account}-{region}"


def stack_name(store_id: str) -> str:
    return f"{STACK_PREFIX}{store_id}"


def serving_stack_name(group_id: str) -> str:
    """A serving group's stack (group ids and store ids are one namespace)."""
    return f"{SERVING_STACK_PREFIX}{group_id}"


def schedule_group_name(owner_id: str) -> str:
    """The schedule group of a store or a serving group."""
    return f"{GROUP_PREFIX}{owner_id}"


def _page(page: int) -> str:
    return f"-{page}" if page > 1 else ""


def dashboard_stack_name(account: str, page: int = 1) -> str:
    """An account's dashboard stack; more stores than one dashboard holds continue on `-2`..."""
    return f"{DASHBOARD_STACK_PREFIX}{account}{_page(page)}"


def dashboard_name(account: str, page: int = 1) -> str:
    return f"{DASHBOARD_PREFIX}{account}{_page(page)}"


def pipeline_name(index: int) -> str:
    return f"{PIPELINE_PREFIX}{index}"


def lookup_role_name(account: str, region: str) -> str:
    return f"cdk-{BOOTSTRAP_QUALIFIER}-lookup-role-{account}-{region}"


def lookup_role_arn(partition: str, account: str, region: str) -> str:
    """The CDK bootstrap's lookup role, which a store account bootstrapped with
    --trust-for-lookup <pipeline account> lets the pipeline's steps assume."""
    return f"arn:{partition}:iam::{account}:role/{lookup_role_name(account, region)}"
