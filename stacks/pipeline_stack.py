"""One deployment pipeline of the fleet (CDK Pipelines on CodePipeline V2), in the pipeline's
account and Region: the canary unit, an approval, one wave per Region (or account and Region),
the accounts' dashboards; an alarm check after each wave of stores (fleet/pipeline/plan.py says
which stacks go where).

Every store and dashboard stack it deploys is the flat app's, under the same stack name, so the
first run updates the stacks deployed by hand; `./scripts/cdk deploy ModelSchedule-<store>`
stays the break-glass path on the same CloudFormation stacks."""

from __future__ import annotations

import json
import shlex
from typing import Any

from aws_cdk import CfnResource, Environment, RemovalPolicy, Stack, Stage, pipelines
from aws_cdk import aws_codebuild as codebuild
from aws_cdk import aws_codepipeline as codepipeline
from aws_cdk import aws_codestarnotifications as notifications
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions

from constructs import Construct
from fleet.config import AccountDashboard, FleetConfig, StoreConfig
from fleet.names import APP_TAG, lookup_role_arn
from fleet.pipeline.plan import PipelinePlan, Wave, stage_id
from fleet.settings.pipeline import PipelineSettings
from scheduler_constructs.nag import Exemption, exempt
from stacks.dashboard_stack import ModelScheduleDashboardStack
from stacks.model_schedule_stack import ModelScheduleStack
from stacks.pipeline_nag import acknowledge_generated

# The pinned tools inside the pipeline: the same CDK CLI as package.json, the same set-up
# (scripts/setup.sh installs Python packages and Node.js pinned) as a developer's machine.
SYNTH_COMMAND = "./scripts/synth.sh --pipeline"


class ProjectStage(Stage):
    """A Rekognition project's store stacks: they move together (one stale-version sweep)."""

    def __init__(
        self, scope: Construct, construct_id: str, *, stores: list[StoreConfig], fleet: FleetConfig
    ) -> None:
        super().__init__(scope, construct_id)
        for store in stores:
            ModelScheduleStack(
                self,
                store=store,
                protected_versions=fleet.protected_versions(store),
                stack_name=store.stack_name,
            )


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
            description=f"Deploys {len(plan.stores)} stores' model schedules - {APP_TAG}",
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
            synth=pipelines.CodeBuildStep(
                "Synth",
                input=source,
                commands=[SYNTH_COMMAND],
                primary_output_directory="cdk.out",
                build_environment=codebuild.BuildEnvironment(
                    build_image=codebuild.LinuxBuildImage.STANDARD_7_0
                ),
            ),
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
        self._notify(
            "Approvals",
            settings.approval_emails,
            "codepipeline-pipeline-manual-approval-needed",
        )
        self._notify(
            "Failures", settings.failure_emails, "codepipeline-pipeline-pipeline-execution-failed"
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

    def _notify(self, construct_id: str, emails: tuple[str, ...], event: str) -> None:
        """An encrypted topic the pipeline's notification rule publishes to, and its e-mails."""
        if not emails:
            return
        place = Construct(self, construct_id)
        key = kms.Key(
            place,
            "Key",
            description=f"Encrypts the {construct_id.lower()} topic of {self.plan.name}",
            enable_key_rotation=True,
            removal_policy=RemovalPolicy.DESTROY,
        )
        key.add_to_resource_policy(
            iam.PolicyStatement(
                actions=["kms:Decrypt", "kms:GenerateDataKey*"],
                principals=[iam.ServicePrincipal("codestar-notifications.amazonaws.com")],
                resources=["*"],  # in a key policy, "*" is this key
            )
        )
        topic = sns.Topic(place, "Topic", master_key=key, enforce_ssl=True)
        for email in emails:
            subscription = topic.add_subscription(subscriptions.EmailSubscription(email))
            exempt(
                subscription,
                Exemption(
                    "A notice that the pipeline waits for approval or has failed is also shown "
                    "by the pipeline itself; a dead-letter queue for undeliverable e-mail would "
                    "be one more queue nobody reads.",
                    findings=("Serverless-SNSRedrivePolicy",),
                ),
            )
        notifications.NotificationRule(
            place,
            "Rule",
            source=self.pipeline.pipeline,
            events=[event],
            targets=[topic],
            detail_type=notifications.DetailType.BASIC,
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
            check = self._check(wave)
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
        # version the commit changed (rotate/pipeline_check.py).
        pre = [self._check_rotations()] if wave.approval_after else []
        stage = self.pipeline.add_wave(
            stage_id(f"{self.plan.name}-{wave.name}"), pre=pre, post=post
        )
        for project in wave.projects:
            stage.add_stage(
                ProjectStage(
                    app,
                    self.plan.stage_names[project.scope],
                    stores=[stores[s] for s in project.stores],
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

    def _check_rotations(self) -> pipelines.CodeBuildStep:
        places = dict.fromkeys((p.account, p.region) for w in self.plan.waves for p in w.projects)
        return pipelines.CodeBuildStep(
            "CheckRotations",
            input=self.source,
            install_commands=["./scripts/setup.sh"],
            commands=[
                ".venv/bin/python -m rotate.pipeline_check --stores " + ",".join(self.plan.stores)
            ],
            build_environment=codebuild.BuildEnvironment(
                build_image=codebuild.LinuxBuildImage.STANDARD_7_0
            ),
            role_policy_statements=[
                iam.PolicyStatement(
                    actions=["sts:AssumeRole"], resources=self._lookup_roles(places)
                )
            ],
        )

    def _lookup_roles(self, places: Any) -> list[str]:
        return [lookup_role_arn(self.partition, a, r) for a, r in places]

    def _check(self, wave: Wave) -> pipelines.CodeBuildStep:
        places: dict[tuple[str, str], list[str]] = {}
        for project in wave.projects:
            places.setdefault((project.account, project.region), []).extend(project.stores)
        # The stores' partition is the pipeline's (fleet.pipeline refuses others): aws-us-gov
        # roles are not arn:aws roles.
        partition = wave.projects[0].scope.split(":")[1]
        body = json.dumps(
            [
                {"account": a, "region": r, "stores": s, "partition": partition}
                for (a, r), s in places.items()
            ],
            separators=(",", ":"),
        )
        # Alarm names are free text (an apostrophe broke every wave's command): quoted for sh.
        ignores = "".join(f" --ignore {shlex.quote(n)}" for n in self.settings.ignore_alarms)
        roles = self._lookup_roles(places)
        return pipelines.CodeBuildStep(
            "CheckAlarms",
            input=self.source,
            # boto3 and its dependencies at the versions constraints.txt pins.
            install_commands=["pip install --quiet -c constraints.txt boto3"],
            commands=[f"python3 scripts/check_wave_alarms.py {shlex.quote(body)}{ignores}"],
            role_policy_statements=[
                iam.PolicyStatement(actions=["sts:AssumeRole"], resources=roles)
            ],
        )
