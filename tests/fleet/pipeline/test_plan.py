"""The planner of pipelines and waves, on generated fleets of 30, 300 and 1,000 stores over
several accounts and Regions, without synthesizing them: every CodePipeline limit, every project
in exactly one pipeline and one wave, the canary unit first and the approval after it."""

from __future__ import annotations

import random
import re
from collections import Counter

import pytest

from fleet.pipeline.plan import (
    FIXED_STAGES,
    MAX_ACTIONS,
    MAX_STAGES,
    MAX_STORES_PER_PIPELINE,
    NAME,
    DashboardPage,
    PipelinePlan,
    PlanError,
    Project,
    plan_pipelines,
)
from fleet.reading.errors import ConfigError
from fleet.reading.loader import load_fleet
from tests.synth import TEST_TODAY, cli_context, default_fleet

REGIONS = ["ap-northeast-1", "us-west-2", "ap-southeast-2", "eu-central-1", "us-east-1"]
ACCOUNTS = [f"{n:012d}" for n in range(111100000001, 111100000009)]


def generated(stores: int, seed: int = 7) -> tuple[list[Project], list[DashboardPage]]:
    """Projects of 1 to 6 stores each, spread over 8 accounts and 5 Regions, and one dashboard
    page per account and 100 of its stores."""
    rng = random.Random(seed)
    projects: list[Project] = []
    made = 0
    while made < stores:
        size = min(rng.randint(1, 6), stores - made)
        account, region = rng.choice(ACCOUNTS), rng.choice(REGIONS)
        ids = tuple(f"s{made + i:04d}" for i in range(size))
        scope = f"arn:aws:rekognition:{region}:{account}:project/p{len(projects)}/*"
        projects.append(Project(scope, account, region, ids))
        made += size
    by_account: dict[str, list[str]] = {}
    for project in projects:
        by_account.setdefault(project.account, []).extend(project.stores)
    pages = [
        DashboardPage(f"ModelScheduleDashboard-{account}-{i // 100 + 1}", ids[i])
        for account, ids in by_account.items()
        for i in range(0, len(ids), 100)
    ]
    return projects, pages


def check_limits(plans: tuple[PipelinePlan, ...], projects: list[Project], max_stores: int) -> None:
    for plan in plans:
        assert plan.actions <= MAX_ACTIONS, plan.describe()
        assert plan.stages <= MAX_STAGES, plan.describe()
        assert len(plan.stores) <= max_stores, plan.describe()
        assert plan.waves[0].name == "Canary"
        assert plan.waves[0].approval_after
        assert len(plan.waves[0].projects) == 1
        assert not any(w.approval_after for w in plan.waves[1:])
    placed = Counter(p.scope for plan in plans for wave in plan.waves for p in wave.projects)
    assert placed == Counter(p.scope for p in projects)  # each project once: one pipeline, one wave
    stores = [s for plan in plans for s in plan.stores]
    assert sorted(stores) == sorted(s for p in projects for s in p.stores)


@pytest.mark.parametrize(("stores", "pipelines"), [(30, 1), (300, 2), (1000, 6)])
def test_generated_fleets_fit_the_limits(stores: int, pipelines: int) -> None:
    """At most 200 stores a pipeline: whole projects and the dashboards leave some room unused
    (1,000 stores take 6 pipelines, not 5)."""
    projects, pages = generated(stores)
    plans = plan_pipelines(projects, pages, canary_store="s0000", max_stores=200)
    check_limits(plans, projects, 200)
    assert len(plans) == pipelines
    dashboards = [d for plan in plans for w in plan.waves for d in w.dashboards]
    assert sorted(dashboards) == sorted(p.stack for p in pages)


@pytest.mark.parametrize("stores", [300, 1000])
def test_waves_per_account_and_region_stay_within_the_stages(stores: int) -> None:
    """8 accounts x 5 Regions: up to 40 waves, each at least one stage."""
    projects, pages = generated(stores)
    plans = plan_pipelines(
        projects, pages, canary_store="s0000", waves_by="account-region", max_stores=240
    )
    check_limits(plans, projects, 240)
    by_region = plan_pipelines(projects, pages, canary_store="s0000", max_stores=240)
    assert sum(len(p.waves) for p in plans) > sum(len(p.waves) for p in by_region)
    assert all(p.stages > FIXED_STAGES for p in plans)


def test_the_configured_canary_goes_first_where_its_pipeline_holds_it() -> None:
    """Its pipeline starts with its project; every other pipeline with its own first project."""
    projects, pages = generated(300)
    canary = projects[-1].stores[0]
    plans = plan_pipelines(projects, pages, canary_store=canary, max_stores=200)
    holding = next(p for p in plans if canary in p.stores)
    assert canary in holding.waves[0].stores
    for plan in plans:
        if plan is not holding:
            first = next(p for w in plan.waves for p in w.projects)
            assert plan.waves[0].projects == (first,)


def test_a_project_larger_than_a_pipeline_is_refused() -> None:
    big = Project(
        "arn:aws:rekognition:us-west-2:111122223333:project/big/*",
        "111122223333",
        "us-west-2",
        tuple(f"s{i}" for i in range(30)),
    )
    with pytest.raises(
        PlanError, match=r"project .*big/\* has 30 stores, more than fleet.pipeline.maxStoresPer"
    ):
        plan_pipelines([big], [], canary_store="s0", max_stores=20)


def test_a_project_that_fits_the_store_count_but_not_the_actions_names_the_actions() -> None:
    """maxStoresPerPipeline 245 and a project of 245 stores: the project's stores fit the
    setting, but with its account's three dashboard pages CodePipeline's 500 actions do not."""
    big = Project(
        "arn:aws:rekognition:us-west-2:111122223333:project/big/*",
        "111122223333",
        "us-west-2",
        tuple(f"s{i:03d}" for i in range(245)),
    )
    pages = [
        DashboardPage(f"ModelScheduleDashboard-111122223333-{n}", f"s{n * 100:03d}")
        for n in range(3)
    ]
    with pytest.raises(PlanError) as caught:
        plan_pipelines([big], pages, canary_store="s000", max_stores=245)
    assert str(caught.value) == (
        "project arn:aws:rekognition:us-west-2:111122223333:project/big/* needs 504 of "
        "CodePipeline's 500 actions in one pipeline: 2 for each of its 245 stores and the 3 "
        "dashboards deployed with them, and the pipeline's own steps; split the project's stores "
        "into projects"
    )


def test_the_default_fleet_is_one_pipeline() -> None:
    fleet = load_fleet(cli_context(), today=TEST_TODAY)
    assert fleet.pipeline is not None
    from fleet.pipeline.plan import fleet_pipelines

    (plan,) = fleet_pipelines(fleet, fleet.pipeline)
    assert plan.describe() == (
        "ModelSchedulePipeline-1: Canary 1 store, approval, us-west-2 1 store, ap-southeast-2 "
        "1 store, Dashboards 2 dashboards (20 actions in 8 stages)"
    )


@pytest.mark.parametrize(
    ("edit", "says"),
    [
        (
            lambda p: p.update(canary="tokyo-ginzza"),
            'fleet.pipeline.canary = "tokyo-ginzza": is no store of fleet.stores (did you mean',
        ),
        (
            lambda p: p.update(account="9999-8888-7777"),
            'fleet.pipeline.account = "9999-8888-7777": is not an AWS account ID',
        ),
        (
            lambda p: p.update(region="Tokyo"),
            'fleet.pipeline.region = "Tokyo": must be an AWS Region',
        ),
        (
            lambda p: p["source"].update(connectionArn="arn:aws:codestar:::connection/x"),
            'fleet.pipeline.source.connectionArn = "arn:aws:codestar:::connection/x": is not a '
            "CodeConnections connection ARN",
        ),
        (
            lambda p: p["source"].update(repository="rekognition-model-scheduler"),
            'fleet.pipeline.source.repository = "rekognition-model-scheduler": is not a repository',
        ),
        (
            lambda p: p["source"].update(brnach="main"),
            "fleet.pipeline.source.brnach: unknown setting (did you mean 'branch'?)",
        ),
        (
            lambda p: p.update(maxStoresPerPipeline=MAX_STORES_PER_PIPELINE + 1),
            f"fleet.pipeline.maxStoresPerPipeline = {MAX_STORES_PER_PIPELINE + 1}: a pipeline "
            f"holds at most {MAX_STORES_PER_PIPELINE} stores",
        ),
        (lambda p: p.pop("approvalEmails"), "fleet.pipeline.approvalEmails: missing"),
        (lambda p: p.update(waves="store"), 'fleet.pipeline.waves = "store": must be "region"'),
        (
            lambda p: p.update(
                acceptRotations={"tokyo-ginzza": {"modelVersionArn": "x", "accept": ["lower-f1"]}}
            ),
            "fleet.pipeline.acceptRotations.tokyo-ginzza: no store 'tokyo-ginzza' in fleet.stores "
            "(did you mean",
        ),
        (
            lambda p: p.update(
                acceptRotations={"tokyo-ginza": {"modelVersionArn": "x", "accept": ["lower-f1"]}}
            ),
            'fleet.pipeline.acceptRotations.tokyo-ginza.modelVersionArn = "x": is not the '
            "store's modelVersionArn any more",
        ),
        (
            lambda p: p.update(
                acceptRotations={"tokyo-ginza": {"modelVersionArn": "x", "accept": ["all"]}}
            ),
            'fleet.pipeline.acceptRotations.tokyo-ginza.accept.0 = "all": must be',
        ),
        (
            lambda p: p.update(
                acceptRotations={"tokyo-ginza": {"modelVersionArn": "x", "accept": "lower-f1"}}
            ),
            'fleet.pipeline.acceptRotations.tokyo-ginza.accept = "lower-f1": must be a list of '
            '"lower-f1", "missing-labels", ',
        ),
        (
            lambda p: p.update(approvalEmails=[]),
            "fleet.pipeline.approvalEmails = []: lists nobody: nobody would hear that the "
            "pipeline waits for approval",
        ),
        (
            lambda p: p.update(region="cn-north-1"),
            'fleet.pipeline.region = "cn-north-1": is a China Region: the pipeline e-mails '
            "approvals and failures through AWS CodeStar Notifications",
        ),
        (
            lambda p: p.update(region="us-gov-west-1"),
            "fleet.pipeline: the pipeline is in partition aws-us-gov (us-gov-west-1) but store "
            "tokyo-ginza and 2 more in another: a pipeline deploys only within its own partition",
        ),
    ],
)
def test_bad_pipeline_settings_are_one_line(edit: object, says: str) -> None:
    fleet = default_fleet()
    edit(fleet["pipeline"])  # type: ignore[operator]
    with pytest.raises(ConfigError) as caught:
        load_fleet(cli_context(fleet=fleet), today=TEST_TODAY)
    assert len(caught.value.problems) == 1, caught.value.problems
    assert caught.value.problems[0].startswith(says), caught.value.problems[0]


def test_a_shard_setting_that_cannot_fit_is_one_line() -> None:
    fleet = default_fleet()
    fleet["pipeline"]["maxStoresPerPipeline"] = 0
    with pytest.raises(ConfigError) as caught:
        load_fleet(cli_context(fleet=fleet), today=TEST_TODAY)
    assert caught.value.problems == [
        "fleet.pipeline.maxStoresPerPipeline = 0: must be a whole number of at least 1"
    ]


def _projects_named(*names: str) -> list[Project]:
    return [
        Project(
            f"arn:aws:rekognition:us-west-2:111122223333:project/{name}/*",
            "111122223333",
            "us-west-2",
            (f"s{i}",),
        )
        for i, name in enumerate(names)
    ]


def test_projects_whose_names_differ_in_punctuation_or_are_long_get_distinct_stages() -> None:
    """bread-x, bread_x and bread.x would all be the stage ...-bread-x-...; a name of 60
    characters makes a stage over 100: each gets `<pipeline>-<40 characters>-<8 hex>`, and a
    unique short name keeps today's."""
    long = "a" * 60
    projects = _projects_named("bread-x", "bread_x", "bread.x", long, "rolls")
    [plan] = plan_pipelines(projects, [], canary_store="s4")
    names = plan.stage_names
    assert len(set(names.values())) == 5
    assert names[projects[4].scope] == "ModelSchedulePipeline-1-rolls-111122223333-us-west-2"
    for project in projects[:3]:
        assert re.fullmatch(r"ModelSchedulePipeline-1-bread-x-[0-9a-f]{8}", names[project.scope])
    assert re.fullmatch(
        rf"ModelSchedulePipeline-1-{'a' * 40}-[0-9a-f]{{8}}", names[projects[3].scope]
    )
    for name in plan.names():
        assert NAME.fullmatch(name), name


def test_every_stage_and_action_name_of_generated_fleets_is_codepipelines() -> None:
    """1 to 100 of [A-Za-z0-9.@_-], for fleets with the longest store ids and project names
    Rekognition allows (255 characters)."""
    rng = random.Random(11)
    names = ["".join(rng.choice("ab-_.") for _ in range(rng.randint(1, 255))) for _ in range(60)]
    projects = _projects_named(*names)
    for plan in plan_pipelines(projects, [], canary_store="s0", max_stores=20):
        assert all(NAME.fullmatch(name) for name in plan.names()), plan.describe()
        assert len(set(plan.stage_names.values())) == len(plan.stage_names)
