"""Whom a source version is for: the serving groups and ungrouped stores whose sourceProjectArn
is its project (or those named), and the name each copy gets."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from fleet.config import FleetConfig, StoreConfig
from fleet.settings.arn import PROJECT_ARN, ModelVersion


class InputError(ValueError):
    """Bad input: nothing is done; the message is the line to show (exit status 2)."""


@dataclass(frozen=True)
class Target:
    """A store or group that runs a version of its own, to receive a copy."""

    owner_id: str
    kind: str  # "store" or "group"
    # Whose settings the checks read: a group's first member holds the group's model settings.
    store: StoreConfig
    copy_name: str

    @property
    def model(self) -> ModelVersion:
        return self.store.settings.model

    @property
    def account(self) -> str:
        return self.model.account

    @property
    def project_arn(self) -> str:
        return self.store.settings.project_arn

    @property
    def key(self) -> str:
        """The context key the copy is written under."""
        return f"modelVersionArn:{self.owner_id}"


def _project_of(arn: str) -> tuple[str, str, str, str]:
    match = PROJECT_ARN.fullmatch(arn)
    assert match is not None, "the settings checked it"
    return (match["partition"], match["region"], match["account"], match["project"])


def _owners(fleet: FleetConfig) -> dict[str, tuple[str, StoreConfig]]:
    found: dict[str, tuple[str, StoreConfig]] = {
        s.store_id: ("store", s) for s in fleet.stores if s.group_id is None
    }
    found.update({g.group_id: ("group", g.members[0]) for g in fleet.groups})
    return found


def select(fleet: FleetConfig, source: ModelVersion, ids: Sequence[str]) -> list[Target]:
    """The targets of `source` (all whose source is its project, or `ids`): stores, then
    serving groups, in cdk.json's order; InputError for an id that cannot receive it."""
    project = (source.partition, source.region, source.account, source.project_name)
    owners = _owners(fleet)
    members = {s.store_id: s.group_id for s in fleet.stores if s.group_id is not None}
    chosen: list[tuple[str, str, StoreConfig]] = []
    for owner_id in ids:
        if owner_id in members:
            raise InputError(
                f"{owner_id} is a member of serving group {members[owner_id]}, which runs its "
                f"version: name the group ({members[owner_id]})"
            )
        if owner_id not in owners:
            raise InputError(f"{owner_id} is no store or serving group of cdk.json")
        kind, store = owners[owner_id]
        given = store.settings.source_project_arn
        if given is None or _project_of(given) != project:
            raise InputError(
                f"{kind} {owner_id}'s sourceProjectArn is {given or 'not set'}, not the project "
                f"of {source.arn}: set it in cdk.json first (fleet.{kind}s.{owner_id})"
            )
        chosen.append((owner_id, kind, store))
    if not ids:
        for owner_id, (kind, store) in owners.items():
            given = store.settings.source_project_arn
            if given is not None and _project_of(given) == project:
                chosen.append((owner_id, kind, store))
        if not chosen:
            raise InputError(
                f"no store or serving group names project {source.project_name} (account "
                f"{source.account}, {source.region}) as its sourceProjectArn: set it in cdk.json"
            )
    # By the fleet, not by this run's selection: a copy's name must not depend on who else is
    # named (two runs naming two stores of one project would give both copies one name).
    shared = Counter(store.settings.project_arn for _, store in owners.values())
    return [
        Target(
            owner_id,
            kind,
            store,
            source.version_name
            if shared[store.settings.project_arn] == 1
            else f"{source.version_name}-{owner_id}",
        )
        for owner_id, kind, store in chosen
    ]
