"""One store's stack: what starts and stops its model, in the model's account and region."""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, Environment, Stack, Tags

from constructs import Construct
from constructs.dead_letter_queue import SchedulerDeadLetterQueue
from constructs.model_schedule import ModelSchedule
from fleet.model import StoreConfig
from stacks.nag import acknowledge

APP_TAG = "rekognition-model-scheduler"


class ModelScheduleStack(Stack):
    """Lives where the model lives: a universal target calls the API in the schedule's own region
    and account, so the environment comes from the model version ARN, never from the CLI's."""

    def __init__(self, scope: Construct, *, store: StoreConfig, **kwargs: Any) -> None:
        super().__init__(
            scope,
            store.stack_name,
            env=Environment(account=store.model.account, region=store.model.region),
            description=(
                f"Starts and stops the Rekognition Custom Labels model of store {store.store_id} "
                f"({store.describe_hours()}) - {APP_TAG}"
            ),
            **kwargs,
        )
        Tags.of(self).add(f"{APP_TAG}:store", store.store_id)

        dead_letters = SchedulerDeadLetterQueue(self, "DeadLetters")
        schedule = ModelSchedule(
            self,
            "ModelSchedule",
            group_name=store.schedule_group_name,
            model=store.model,
            time_zone=store.timezone,
            start=store.start,
            stop=store.stop,
            min_inference_units=store.min_inference_units,
            max_inference_units=store.max_inference_units,
            retry=store.retry,
            dead_letter_queue=dead_letters.queue,
        )

        outputs = {
            "StartSchedule": f"start {store.start.describe()} ({store.timezone})",
            "StopSchedule": f"stop {store.stop.describe()} ({store.timezone})",
            "ScheduleGroupName": store.schedule_group_name,
            "ExecutionRoleArn": schedule.role.role_arn,
            "DeadLetterQueueUrl": dead_letters.queue.queue_url,
        }
        for output_id, value in outputs.items():
            CfnOutput(self, output_id, value=value)

        acknowledge(
            schedule.policy,
            f"AwsSolutions-IAM5[Resource::{store.model.project_scope_arn}]",
            "Scoped to one Rekognition project. The version ARN ends in a timestamp that changes "
            "with every rotation, and DescribeProjectVersions takes the project ARN, so "
            "project/<name>/* is the narrowest scope that survives a model rotation.",
        )
