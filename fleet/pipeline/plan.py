"""Cut the fleet into pipelines and waves.

A unit of deployment is a Rekognition project with all its stores: the verifier's stale-version
sweep protects only the versions its own template lists (every store's current version in the
project), so a project's stores move together. In every pipeline: the canary unit first (the
configured canary store's project where the pipeline holds it, else its first project), a manual
approval, then one wave per Region (or account and Region) in the order cdk.json first names
them, then the accounts' dashboards. A fleet that does not fit one pipeline gets more (shards),
filled in that same order.

The limits are CodePipeline's, read conservatively: 50 actions a stage, 50 stages and 500 actions
a pipeline. CDK Pipelines adds Source, Build (the synth), UpdatePipeline (self-mutation) and the
asset publishing before the waves; each stack costs 2 actions (a change set is created, then
executed); CDK splits a wave over 50 actions into consecutive stages by itself.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from math import ceil

from fleet.config import FleetConfig, StoreConfig
from fleet.names import pipeline_name
from fleet.settings.pipeline import PipelineSettings

MAX_ACTIONS = 500
MAX_STAGES = 50
STAGE_ACTIONS = 50
STACK_ACTIONS = 2
# Source, Build, UpdatePipeline, Assets; one action each but the assets' two (the verifier's code
# and the templates).
FIXED_STAGES = 4
FIXED_ACTIONS = 5
# The most stores a pipeline can hold: 2 actions each, besides the fixed ones, the approval, the
# canary's and one wave's alarm checks and one dashboard.
MAX_STORES_PER_PIPELINE = (MAX_ACTIONS - FIXED_ACTIONS - 1 - 2 - STACK_ACTIONS) // STACK_ACTIONS
# CodePipeline's names of stages and actions.
NAME = re.compile(r"[A-Za-z0-9.@_-]{1,100}", flags=re.ASCII)
MAX_NAME = 100
# A stage named after a project keeps this much of the project's name when today's name does
# not fit, followed by a hash of the project's ARN.
PROJECT_PREFIX = 40
STAGE_ACTIONS_OF_A_STACK = ("Prepare", "Deploy")


class PlanError(ValueError):
    """The fleet cannot be planned; the message is the line to show."""


@dataclass(frozen=True)
class Project:
    """A Rekognition project, its serving groups and its stores (a group's members among
    them), in cdk.json's order."""

    scope: str  # project/<name>/* ARN: one per project
    account: str
    region: str
    stores: tuple[str, ...]
    groups: tuple[str, ...] = ()

    @property
    def owners(self) -> tuple[str, ...]:
        """The ids whose stacks the unit deploys, in their order: a group's stack before its
        members' (which depend on it)."""
        return (*self.groups, *self.stores)

    @property
    def name(self) -> str:
        return self.scope.split(":project/")[1].removesuffix("/*")


@dataclass(frozen=True)
class DashboardPage:
    stack: str
    first_store: str  # the pipeline that holds this store (or group) deploys the page


@dataclass(frozen=True)
class Wave:
    name: str
    projects: tuple[Project, ...] = ()
    dashboards: tuple[str, ...] = ()
    # The manual approval follows this wave (the canary unit's).
    approval_after: bool = False

    @property
    def stores(self) -> tuple[str, ...]:
        return tuple(s for p in self.projects for s in p.stores)

    @property
    def owners(self) -> tuple[str, ...]:
        """Serving groups and stores: whose alarms and rotations the checks read."""
        return tuple(o for p in self.projects for o in p.owners)

    @property
    def actions(self) -> int:
        stacks = len(self.owners) + len(self.dashboards)
        # After a wave of stores, the alarm check; around the canary unit, the rotation check
        # before it and the approval after it.
        return STACK_ACTIONS * stacks + (1 if self.projects else 0) + 2 * self.approval_after

    @property
    def stages(self) -> int:
        return ceil(self.actions / STAGE_ACTIONS)


@dataclass(frozen=True)
class PipelinePlan:
    name: str
    waves: tuple[Wave, ...]

    @property
    def stores(self) -> tuple[str, ...]:
        return tuple(s for w in self.waves for s in w.stores)

    @property
    def owners(self) -> tuple[str, ...]:
        return tuple(o for w in self.waves for o in w.owners)

    @property
    def actions(self) -> int:
        return FIXED_ACTIONS + sum(w.actions for w in self.waves)

    @property
    def stages(self) -> int:
        return FIXED_STAGES + sum(w.stages for w in self.waves)

    @cached_property
    def stage_names(self) -> dict[str, str]:
        """Each project's stage, by scope ARN: `<pipeline>-<project>-<account>-<region>` where
        that is unique in the pipeline and at most 100 characters (renaming a stage abandons an
        execution waiting at its approval), else `<pipeline>-<first 40 characters of the
        project>-<8 hex of a hash of its ARN>`: projects whose names differ only in `-`, `_` or
        `.` would clash, and Rekognition allows names of 255 characters."""
        projects = [p for w in self.waves for p in w.projects]
        today = [stage_id(f"{self.name}-{p.name}-{p.account}-{p.region}") for p in projects]
        taken = Counter(today)
        return {
            p.scope: name
            if taken[name] == 1 and len(name) <= MAX_NAME
            else stage_id(f"{self.name}-{p.name[:PROJECT_PREFIX]}-{_digest(p.scope)}")
            for p, name in zip(projects, today, strict=True)
        }

    def names(self) -> list[str]:
        """Every stage and action name this plan gives CodePipeline (CDK Pipelines shortens an
        action name of a wave of several stages by itself)."""
        found = [stage_id(f"{self.name}-{w.name}") for w in self.waves]
        found += self.stage_names.values()
        found += ["CheckRotations", "CheckAlarms", "Approve"]
        stacks = [*self.owners, *(d for w in self.waves for d in w.dashboards)]
        found += [f"{stack}.{a}" for stack in stacks for a in STAGE_ACTIONS_OF_A_STACK]
        return found

    def describe(self) -> str:
        """`ModelSchedulePipeline-1: canary 1 store, approval, ap-northeast-1 12, ...`"""
        parts = []
        for wave in self.waves:
            count = len(wave.stores) or len(wave.dashboards)
            noun = "dashboard" if wave.dashboards and not wave.projects else "store"
            groups = sum(len(p.groups) for p in wave.projects)
            with_groups = f" ({groups} serving group{'s' if groups != 1 else ''})" if groups else ""
            parts.append(f"{wave.name} {count} {noun}{'s' if count != 1 else ''}{with_groups}")
            if wave.approval_after:
                parts.append("approval")
        return f"{self.name}: {', '.join(parts)} ({self.actions} actions in {self.stages} stages)"


def stage_id(text: str) -> str:
    """A CDK stage's id, which CDK Pipelines makes a CodePipeline stage name."""
    return re.sub(r"[^A-Za-z0-9-]", "-", text)


def _digest(scope: str) -> str:
    return hashlib.sha256(scope.encode()).hexdigest()[:8]


def check_names(plan: PipelinePlan) -> None:
    """PlanError for a stage or action name CodePipeline would refuse, or one used twice."""
    stages = [stage_id(f"{plan.name}-{w.name}") for w in plan.waves]
    stages += plan.stage_names.values()
    for name in plan.names():
        if not NAME.fullmatch(name):
            raise PlanError(
                f"{plan.name}: the stage or action name {name!r} is not 1 to {MAX_NAME} of "
                "A-Z, a-z, 0-9, '.', '@', '_' and '-' (CodePipeline's rule); shorten the store "
                "id or the project name"
            )
    twice = [name for name, count in Counter(stages).items() if count > 1]
    if twice:
        raise PlanError(f"{plan.name}: the stage name {twice[0]!r} is used twice")


def _group(project: Project, waves_by: str) -> str:
    return project.region if waves_by == "region" else f"{project.account}-{project.region}"


def _build(
    name: str,
    projects: Sequence[Project],
    dashboards: Sequence[str],
    canary_store: str,
    waves_by: str,
) -> PipelinePlan:
    canary = next((p for p in projects if canary_store in p.owners), projects[0])
    waves = [Wave("Canary", (canary,), approval_after=True)]
    groups: dict[str, list[Project]] = {}
    for project in projects:
        if project is not canary:
            groups.setdefault(_group(project, waves_by), []).append(project)
    waves += [Wave(group, tuple(members)) for group, members in groups.items()]
    if dashboards:
        waves.append(Wave("Dashboards", dashboards=tuple(dashboards)))
    return PipelinePlan(name, tuple(waves))


def _fits(plan: PipelinePlan, max_stores: int) -> bool:
    return (
        len(plan.stores) <= max_stores and plan.actions <= MAX_ACTIONS and plan.stages <= MAX_STAGES
    )


def _too_large(plan: PipelinePlan, max_stores: int) -> str:
    """Why a project alone does not fit a pipeline: the limit it passes, in figures."""
    stores = len(plan.stores)
    groups = len(plan.owners) - stores
    if stores > max_stores:
        return (
            f"has {stores} stores, more than fleet.pipeline.maxStoresPerPipeline ({max_stores}): "
            f"raise it (at most {MAX_STORES_PER_PIPELINE}), or split the project's stores into "
            "projects"
        )
    dashboards = sum(len(w.dashboards) for w in plan.waves)
    with_them = f" and the {dashboards} dashboards deployed with them" if dashboards else ""
    if plan.actions > MAX_ACTIONS:
        return (
            f"needs {plan.actions} of CodePipeline's {MAX_ACTIONS} actions in one pipeline: "
            f"{STACK_ACTIONS} for each of its {stores} stores"
            f"{f' and {groups} serving groups' if groups else ''}{with_them}, and the pipeline's "
            "own steps; split the project's stores into projects"
        )
    return (
        f"needs {plan.stages} of CodePipeline's {MAX_STAGES} stages in one pipeline: split the "
        "project's stores into projects"
    )


def plan_pipelines(
    projects: Sequence[Project],
    dashboards: Sequence[DashboardPage],
    *,
    canary_store: str,
    waves_by: str = "region",
    max_stores: int = 200,
) -> tuple[PipelinePlan, ...]:
    """Fill pipelines in the order cdk.json names Regions (or accounts and Regions) and
    projects; a project never spans two pipelines or two waves."""
    order: dict[str, int] = {}
    for project in projects:
        order.setdefault(_group(project, waves_by), len(order))
    ordered = sorted(projects, key=lambda p: order[_group(p, waves_by)])
    pages: dict[str, list[str]] = {}
    for page in dashboards:
        pages.setdefault(page.first_store, []).append(page.stack)

    def pages_of(members: Sequence[Project]) -> list[str]:
        return [stack for p in members for s in p.owners for stack in pages.get(s, [])]

    shards: list[list[Project]] = [[]]
    for project in ordered:
        trial = [*shards[-1], project]
        candidate = _build("trial", trial, pages_of(trial), canary_store, waves_by)
        if _fits(candidate, max_stores):
            shards[-1] = trial
            continue
        alone = _build("trial", [project], pages_of([project]), canary_store, waves_by)
        if not _fits(alone, max_stores):
            raise PlanError(f"project {project.scope} {_too_large(alone, max_stores)}")
        shards.append([project])
    plans = tuple(
        _build(pipeline_name(i), members, pages_of(members), canary_store, waves_by)
        for i, members in enumerate((s for s in shards if s), start=1)
    )
    for plan in plans:
        check_names(plan)
    return plans


def projects_of(fleet: FleetConfig) -> list[Project]:
    """The fleet's projects with their stores and serving groups, in the order cdk.json first
    names them: a group's version is in its project, its members' stacks name that version, so
    the group moves with its members and the project's other stores (one stale-version
    sweep)."""
    found: dict[str, list[StoreConfig]] = {}
    for store in fleet.stores:
        found.setdefault(store.settings.model.project_scope_arn, []).append(store)
    groups: dict[str, list[str]] = {}
    for group in fleet.groups:
        groups.setdefault(group.settings.model.project_scope_arn, []).append(group.group_id)
    return [
        Project(
            scope=scope,
            account=stores[0].settings.model.account,
            region=stores[0].settings.model.region,
            stores=tuple(s.store_id for s in stores),
            groups=tuple(groups.get(scope, ())),
        )
        for scope, stores in found.items()
    ]


def fleet_pipelines(fleet: FleetConfig, settings: PipelineSettings) -> tuple[PipelinePlan, ...]:
    pages = [DashboardPage(d.stack_name, d.row_ids[0]) for d in fleet.dashboards()]
    return plan_pipelines(
        projects_of(fleet),
        pages,
        canary_store=settings.canary,
        waves_by=settings.waves,
        max_stores=settings.max_stores_per_pipeline,
    )
