"""One deployment pipeline of the fleet (CDK Pipelines on CodePipeline V2), in the pipeline's
account and Region: the canary unit, an approval, one wave per Region (or account and Region),
the accounts' dashboards; an alarm check after each wave of stores (fleet/pipeline/plan.py says
which stacks go where).

Every store and dashboard stack it deploys is the flat app's, under the same stack name, so the
first run updates the stacks deployed by hand; `./scripts/cdk deploy ModelSchedule-<store>`
stays the break-glass path on the same CloudFormation stacks.

Wiring only: the notifications are a construct (PipelineNotifications), the steps small
functions (stacks/pipeline_steps.py), the programs the steps run a room of their own
(pipeline_checks/)."""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnResource, Environment, Stack, Stage, pipelines
from aws_cdk import aws_codepipeline as codepipeline

from constructs import Construct
from fleet.config import AccountDashboard, FleetConfig, GroupConfig, StoreConfig
from fleet.names import APP_TAG, lookup_role_arn
from fleet.pipeline.plan import PipelinePlan, Wave, stage_id
from fleet.settings.pipeline import PipelineSettings
from scheduler_constructs.pipeline_notifications import (
    APPROVAL_NEEDED,
    EXECUTION_FAILED,
    PipelineNotifications,
)
from stacks.dashboard_stack import ModelScheduleDashboardStack
from stacks.model_schedule_stack import ModelScheduleStack
from stacks.model_serving_stack import ModelServingStack
from stacks.pipeline_nag import acknowledge_generated
from stacks.pipeline_steps import check_alarms_step, check_rotations_step, synth_step


class ProjectStage(Stage):
    """A Rekognition project's stacks: they move together (one stale-version sweep). A serving
    group's stack deploys before its members' (they depend on it, as in the flat app)."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        stores: list[StoreConfig],
        groups: list[GroupConfig],
        fleet: FleetConfig,
    ) -> None:
        super().__init__(scope, construct_id)
        serving = {
            group.group_id: ModelServingStack(
                self,
                group=group,
                protected_versions=fleet.protected_versions(group.members[0]),
                stack_name=group.stack_name,
            )
            for group in groups
        }
        for store in stores:
            stack = ModelScheduleStack(
                self,
                store=store,
                protected_versions=fleet.protected_versions(store),
                stack_name=store.stack_name,
            )
            if store.group_id is not None:
                stack.add_stack_dependency(serving[store.group_id])


class DashboardsStage(Stage):
    def __init__(
        self, scope: Construct, construct_id: str, *, dashboards: list[AccountDashboard]
    ) -> None:
        super().__init__(scope, construct_id)
        for dashboard in dashboards:
            ModelScheduleDashboardStack(self, dashboard=dashboard, stack_name=dashboard.stack_name)


class ModelSchedulePipelineStack(Stack):
    def __init__(
        self,
        scope: Construct,
        *,
        plan: PipelinePlan,
        fleet: FleetConfig,
        settings: PipelineSettings,
        cli_version: str,
        assets_version: str,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            scope,
            plan.name,
            env=Environment(account=settings.account, region=settings.region),
            description=f"Deploys {len(plan.stores)} stores' model schedules - {APP_TAG}"
            if not fleet.groups
            else f"Deploys {len(plan.stores)} stores' and "
            f"{len(plan.owners) - len(plan.stores)} serving groups' model schedules - {APP_TAG}",
            **kwargs,
        )
        self.plan, self.fleet, self.settings = plan, fleet, settings
        source = pipelines.CodePipelineSource.connection(
            settings.source.repository,
            settings.source.branch,
            connection_arn=settings.source.connection_arn,
        )
        self.source = source
        self.pipeline = pipelines.CodePipeline(
            self,
            "Pipeline",
            pipeline_name=plan.name,
            pipeline_type=codepipeline.PipelineType.V2,
            synth=synth_step(source),
            cross_account_keys=True,
            enable_key_rotation=True,
            cli_version=cli_version,
            cdk_assets_cli_version=assets_version,
            use_change_sets=True,
        )
        stores = {s.store_id: s for s in fleet.stores}
        pages = {d.stack_name: d for d in fleet.dashboards()}
        for wave in plan.waves:
            self._wave(scope, wave, stores, pages)
        # The generated roles, policies and buckets exist only now; their findings' ids embed
        # logical IDs, so they are acknowledged from what was generated (pipeline_nag.py).
        self.pipeline.build_pipeline()
        for construct_id, emails, event in (
            ("Approvals", settings.approval_emails, APPROVAL_NEEDED),
            ("Failures", settings.failure_emails, EXECUTION_FAILED),
        ):
            if emails:
                PipelineNotifications(
                    self,
                    construct_id,
                    pipeline=self.pipeline.pipeline,
                    pipeline_name=plan.name,
                    event=event,
                    emails=emails,
                )
        acknowledge_generated(self, self.pipeline.pipeline)
        self._explain_to_cfn_lint()

    def _explain_to_cfn_lint(self) -> None:
        """Two cfn-lint findings on the pipeline CDK Pipelines writes, suppressed in the
        template with the reason beside them: neither is a defect, and the resource is CDK's."""
        resource = self.pipeline.pipeline.node.default_child
        if not isinstance(resource, CfnResource):
            raise TypeError("the pipeline has no CloudFormation resource")
        resource.add_metadata("cfn-lint", {"config": {"ignore_checks": ["E3703", "W3005"]}})
        resource.add_metadata(
            "cfn-lint-reasons",
            {
                "E3703": "A style rule (Fn::Sub over Fn::Join with an empty delimiter) on the "
                "action roles' ARNs CDK Pipelines renders; both forms give the same ARN.",
                "W3005": "CDK Pipelines adds an explicit DependsOn on the pipeline's role, which "
                "the RoleArn GetAtt already implies; redundant, not wrong.",
            },
        )

    def _wave(
        self,
        app: Construct,
        wave: Wave,
        stores: dict[str, StoreConfig],
        pages: dict[str, AccountDashboard],
    ) -> None:
        post: list[pipelines.Step] = []
        if wave.projects:
            check = self._check_alarms(wave)
            post.append(check)
            if wave.approval_after:
                approve = pipelines.ManualApprovalStep(
                    "Approve",
                    comment=(
                        "The canary unit is deployed. Approve once its next opening went well: "
                        "its account's dashboard shows ModelReadyAtOpening = 1 and no alarm "
                        "(docs/platform-engineer.md, 'Deploying through the pipeline')."
                    ),
                )
                approve.add_step_dependency(check)
                post.append(approve)
        # Before the canary: the rotation pre-flight for every store of this pipeline whose
        # version the commit changed (pipeline_checks/rotations.py).
        pre = (
            [check_rotations_step(self.source, self.plan.owners, self._lookup_roles(self.plan))]
            if wave.approval_after
            else []
        )
        stage = self.pipeline.add_wave(
            stage_id(f"{self.plan.name}-{wave.name}"), pre=pre, post=post
        )
        for project in wave.projects:
            stage.add_stage(
                ProjectStage(
                    app,
                    self.plan.stage_names[project.scope],
                    stores=[stores[s] for s in project.stores],
                    groups=[self.fleet.group(g) for g in project.groups],
                    fleet=self.fleet,
                )
            )
        if wave.dashboards:
            stage.add_stage(
                DashboardsStage(
                    app,
                    stage_id(f"{self.plan.name}-Dashboards"),
                    dashboards=[pages[d] for d in wave.dashboards],
                )
            )

    def _lookup_roles(self, plan: PipelinePlan | Wave) -> list[str]:
        """The lookup roles of the accounts and Regions of a pipeline's or a wave's stores."""
        waves = plan.waves if isinstance(plan, PipelinePlan) else (plan,)
        places = dict.fromkeys(
            (p.scope.split(":")[1], p.account, p.region) for w in waves for p in w.projects
        )
        return [lookup_role_arn(*place) for place in places]

    def _check_alarms(self, wave: Wave) -> pipelines.CodeBuildStep:
        # The stores' partition is the pipeline's (fleet.pipeline refuses others).
        places: dict[tuple[str, str, str], list[str]] = {}
        for project in wave.projects:
            place = (project.scope.split(":")[1], project.account, project.region)
            places.setdefault(place, []).extend(project.owners)
        return check_alarms_step(
            self.source, places, self.settings.ignore_alarms, self._lookup_roles(wave)
        )
