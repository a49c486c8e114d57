"""The per-account quotas the fleet relies on: counted from what a store's stack creates, refused
at synth with the quota and how to raise it, and declared raised in fleet.quotas."""

from __future__ import annotations

from collections import Counter
from types import SimpleNamespace
from typing import Any, cast

import pytest

from fleet.model import StoreConfig
from fleet.settings.errors import ConfigError
from fleet.settings.loader import load_fleet
from fleet.settings.quotas import QUOTAS, QuotaSettings, quota_problems
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
    return [SimpleNamespace(settings=SimpleNamespace(model=model)) for _ in range(count)]


def test_the_defaults_hold_500_stores_in_one_account_and_region() -> None:
    assert quota_problems(cast(list[StoreConfig], stores(500)), QuotaSettings()) == []


def test_one_store_more_passes_three_quotas_each_said_with_how_to_raise_it() -> None:
    lines = quota_problems(cast(list[StoreConfig], stores(501)), QuotaSettings())
    assert [where for where, _ in lines] == ["fleet.stores"] * 3
    roles, policies, groups = (line for _, line in lines)
    assert roles.startswith(
        "account 111122223333 would get 1002 IAM roles from its 501 stores (2 each), over the "
        "quota of 1000 (the default): raise it (Service Quotas, AWS Identity and Access "
        "Management (IAM), Roles per account) and set fleet.quotas.iamRoles"
    )
    assert "1503 IAM customer managed policies" in policies
    assert groups.startswith("account 111122223333 in us-west-2 would get 501 EventBridge")


def test_schedule_groups_count_per_region() -> None:
    fleet = stores(300) + stores(300, region="us-east-1")
    lines = quota_problems(
        cast(list[StoreConfig], fleet), QuotaSettings.model_validate({"iamRoles": 2000})
    )
    assert [line for _, line in lines if "schedule groups" in line] == []


def test_a_raised_quota_is_declared_in_fleet_quotas() -> None:
    fleet = default_fleet()
    fleet["quotas"] = {"iamRoles": 3}  # two stores in account 111122223333 need 4
    with pytest.raises(ConfigError) as caught:
        load_fleet(cli_context(fleet=fleet), today=TEST_TODAY)
    assert caught.value.problems == [
        "fleet.stores: account 111122223333 would get 4 IAM roles from its 2 stores (2 each), "
        "over the quota of 3: raise it (Service Quotas, AWS Identity and Access Management "
        "(IAM), Roles per account) and set fleet.quotas.iamRoles, or move stores to another "
        "account"
    ]
    fleet["quotas"] = {"iamRoles": 5000}
    assert load_fleet(cli_context(fleet=fleet), today=TEST_TODAY).stores


@pytest.mark.parametrize(
    ("quotas", "says"),
    [
        ({"iamRoles": 0}, "fleet.quotas.iamRoles = 0: must be a whole number of at least 1"),
        ({"iamRole": 5000}, "fleet.quotas.iamRole: unknown setting (did you mean 'iamRoles'?)"),
        ([], "fleet.quotas = []: must be a JSON object"),
    ],
)
def test_bad_quotas_are_one_line(quotas: Any, says: str) -> None:
    fleet = default_fleet()
    fleet["quotas"] = quotas
    with pytest.raises(ConfigError) as caught:
        load_fleet(cli_context(fleet=fleet), today=TEST_TODAY)
    assert len(caught.value.problems) == 1
    assert caught.value.problems[0].startswith(says)
