"""The per-account quotas the fleet relies on: counted from what a store's stack creates, refused
at synth with the quota and how to raise it, and declared raised in fleet.quotas."""

from __future__ import annotations

from collections import Counter
from types import SimpleNamespace
from typing import Any, cast

import pytest

from fleet.config import StoreConfig
from fleet.reading.errors import ConfigError
from fleet.reading.loader import load_fleet
from fleet.reading.quotas import declaration_problems, quota_problems
from fleet.settings.quotas import QUOTAS, QuotaSettings
from tests.synth import TEST_TODAY, cli_context, default_fleet


@pytest.mark.parametrize("quota", QUOTAS, ids=lambda q: q.key)
def test_what_a_store_creates_is_what_its_template_holds(
    quota: Any, fleet_templates: dict[str, dict[str, Any]]
) -> None:
    for name, template in fleet_templates.items():
        types = Counter(r["Type"] for r in template["Resources"].values())
        assert types[quota.resource_type] == quota.per_store, name


def stores(count: int, account: str = "111122223333", region: str = "us-west-2") -> list[Any]:
    model = SimpleNamespace(account=account, region=region)
    return [
        SimpleNamespace(settings=SimpleNamespace(model=model), group_id=None) for _ in range(count)
    ]


def test_the_defaults_hold_497_stores_in_one_account_and_region() -> None:
    """2 roles a store and the bootstrap's 5 in the Region: 999 of 1,000."""
    assert quota_problems(cast(list[StoreConfig], stores(497)), (), QuotaSettings()) == []


def test_the_bootstrap_and_the_execution_policy_are_counted_each_said_with_how_to_raise_it() -> (
    None
):
    lines = quota_problems(cast(list[StoreConfig], stores(501)), (), QuotaSettings())
    assert [where for where, _ in lines] == ["fleet.stores"] * 3
    roles, policies, groups = (line for _, line in lines)
    assert roles == (
        "account 111122223333 would get 1007 IAM roles (2 each from its 501 stores, 5 from the "
        "CDK bootstrap in its 1 Region), over the quota of 1000 (the default): raise it "
        "(Service Quotas, AWS Identity and Access Management (IAM), Roles per account) and set "
        "fleet.quotas.accounts.111122223333.iamRoles, or move stores to another account"
    )
    assert "1504 IAM customer managed policies (3 each from its 501 stores, 1 for the " in policies
    assert groups.startswith("account 111122223333 in us-west-2 would get 501 EventBridge")
    assert "set fleet.quotas.accounts.111122223333.regions.us-west-2.scheduleGroups" in groups


def test_the_bootstrap_counts_in_every_region_of_the_account() -> None:
    """Two Regions: the bootstrap's 5 roles twice, 496 + 2 x 5 = 1,002 over 1,000."""
    fleet = stores(248) + stores(248, region="us-east-1")
    [(_, line)] = quota_problems(cast(list[StoreConfig], fleet), (), QuotaSettings())
    assert "1002 IAM roles (2 each from its 496 stores, 10 from the CDK bootstrap in its 2 " in line


def test_schedule_groups_count_per_region() -> None:
    fleet = stores(300) + stores(300, region="us-east-1")
    raised = QuotaSettings.model_validate(
        {"accounts": {"111122223333": {"iamRoles": 2000, "iamManagedPolicies": 2000}}}
    )
    assert quota_problems(cast(list[StoreConfig], fleet), (), raised) == []


def test_a_raised_quota_is_declared_per_account() -> None:
    fleet = default_fleet()
    # Two stores in account 111122223333 (two Regions) need 4 + 10.
    fleet["quotas"] = {"accounts": {"111122223333": {"iamRoles": 13}}}
    with pytest.raises(ConfigError) as caught:
        load_fleet(cli_context(fleet=fleet), today=TEST_TODAY)
    assert caught.value.problems == [
        "fleet.stores: account 111122223333 would get 14 IAM roles (2 each from its 2 stores, 10 "
        "from the CDK bootstrap in its 2 Regions), over the quota of 13: raise it (Service "
        "Quotas, AWS Identity and Access Management (IAM), Roles per account) and set "
        "fleet.quotas.accounts.111122223333.iamRoles, or move stores to another account"
    ]
    fleet["quotas"] = {"accounts": {"111122223333": {"iamRoles": 5000}}}
    assert load_fleet(cli_context(fleet=fleet), today=TEST_TODAY).stores


def test_the_flat_form_holds_for_a_fleet_in_one_account_and_region() -> None:
    """What fleets declared before the per-account shape keeps its meaning where it has one."""
    raised = QuotaSettings.model_validate({"iamRoles": 2000, "scheduleGroups": 800})
    assert quota_problems(cast(list[StoreConfig], stores(700)), (), raised) == [
        (
            "fleet.stores",
            "account 111122223333 would get 2101 IAM customer managed policies (3 each from its "
            "700 stores, 1 for the bootstrap's execution policy), over the quota of 1500 (the "
            "default): raise it (Service Quotas, AWS Identity and Access Management (IAM), "
            "Customer managed policies per account) and set "
            "fleet.quotas.accounts.111122223333.iamManagedPolicies, or move stores to another "
            "account",
        )
    ]
    assert declaration_problems(cast(list[StoreConfig], stores(700)), raised) == []


@pytest.mark.parametrize(
    ("quotas", "says"),
    [
        ({"iamRoles": 0}, "fleet.quotas.iamRoles = 0: must be a whole number of at least 1"),
        ({"iamRole": 5000}, "fleet.quotas.iamRole: unknown setting (did you mean 'iamRoles'?)"),
        ([], "fleet.quotas = []: must be a JSON object"),
        (
            {"iamRoles": 2000},
            "fleet.quotas.iamRoles: the fleet has 2 accounts; declare it per account: "
            "fleet.quotas.accounts.<account>.iamRoles",
        ),
        (
            {"scheduleGroups": 800},
            "fleet.quotas.scheduleGroups: the fleet has 3 accounts and Regions; declare it per "
            "account and Region: fleet.quotas.accounts.<account>.regions.<region>.scheduleGroups",
        ),
        (
            {"accounts": {"111122223333": {"scheduleGroups": 800}}},
            "fleet.quotas.accounts.111122223333.scheduleGroups: is a quota per account and "
            "Region: declare it as fleet.quotas.accounts.111122223333.regions.<region>."
            "scheduleGroups",
        ),
        (
            {"accounts": {"111122223333": {"regions": {"us-west-2": {"iamRoles": 9}}}}},
            "fleet.quotas.accounts.111122223333.regions.us-west-2.iamRoles: is a quota per "
            "account: declare it as fleet.quotas.accounts.111122223333.iamRoles",
        ),
        (
            {"accounts": {"999999999999": {"iamRoles": 2000}}},
            "fleet.quotas.accounts.999999999999: no store of the fleet is in account "
            "999999999999: remove it",
        ),
        (
            {"accounts": {"111122223333": {"regions": {"eu-west-1": {"scheduleGroups": 9}}}}},
            "fleet.quotas.accounts.111122223333.regions.eu-west-1: account 111122223333 has no "
            "store in eu-west-1: remove it",
        ),
        (
            {"accounts": {"111122223333": {"iamRoles": "many"}}},
            'fleet.quotas.accounts.111122223333.iamRoles = "many": must be a whole number of at '
            "least 1",
        ),
    ],
)
def test_bad_quotas_are_one_line(quotas: Any, says: str) -> None:
    fleet = default_fleet()
    fleet["quotas"] = quotas
    with pytest.raises(ConfigError) as caught:
        load_fleet(cli_context(fleet=fleet), today=TEST_TODAY)
    assert len(caught.value.problems) == 1, caught.value.problems
    assert caught.value.problems[0].startswith(says), caught.value.problems[0]


def test_a_group_counts_as_a_store_and_its_members_as_their_client_policies() -> None:
    """450 groups of 2 roles and 2 policies, 600 members of 1 policy: 1,500 + 1 policies."""
    model = SimpleNamespace(account="111122223333", region="us-west-2")
    groups = [SimpleNamespace(settings=SimpleNamespace(model=model)) for _ in range(450)]
    members = [
        SimpleNamespace(settings=SimpleNamespace(model=model), group_id="g") for _ in range(600)
    ]
    [(_, line)] = quota_problems(
        cast(list[StoreConfig], members), cast(list[Any], groups), QuotaSettings()
    )
    assert line.startswith(
        "account 111122223333 would get 1501 IAM customer managed policies (2 each from its 450 "
        "serving groups, 1 each from its 600 group members, 1 for the bootstrap's execution "
        "policy), over the quota of 1500"
    )
