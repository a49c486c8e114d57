"""A store's alarms: each says which store, what failed and what to do, and notifies its topic."""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs

from constructs import Construct
from fleet.contracts import verifier_contract
from fleet.guard import Interval, billing_outside_hours_expression, minute_of_week_expression

RUNBOOK = "Runbook: README.md, section 'Runbook' of rekognition-model-scheduler."
PERIOD = Duration.minutes(5)


@dataclass(frozen=True)
class AlarmText:
    name: str
    what: str
    todo: str


class StoreAlarms(Construct):
    """Scheduler failures, dead letters, verifier errors and mismatches, and a cost guard that
    depends on neither the scheduler nor the verifier: Rekognition's own billing metric."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        store_id: str,
        topic: sns.ITopic,
        group: scheduler.ScheduleGroup,
        dead_letter_queue: sqs.Queue,
        verifier: lambda_.IFunction,
        project_name: str,
        version_name: str,
        allowed_utc: list[Interval],
        canary: bool,
    ) -> None:
        super().__init__(scope, construct_id)
        self.store_id = store_id
        self.topic = topic
        self.alarms: dict[str, cloudwatch.Alarm] = {}

        for alarm_id, metric, text in (
            (
                "ScheduleTargetErrors",
                group.metric_target_errors(period=PERIOD),
                AlarmText(
                    "schedule call failed",
                    "A start, stop or check call from EventBridge Scheduler returned an error.",
                    "Read the dead-letter queue message, fix the cause, start or stop the model "
                    "by hand if the store needs it now.",
                ),
            ),
            (
                "ScheduleInvocationsDropped",
                group.metric_dropped(period=PERIOD),
                AlarmText(
                    "schedule call dropped",
                    "EventBridge Scheduler gave up on a start, stop or check call.",
                    "Check the model's status now and start or stop it by hand as the hours need.",
                ),
            ),
            (
                "DeadLetterDeliveryFailed",
                group.metric_failed_to_be_sent_to_dlq(period=PERIOD),
                AlarmText(
                    "failed call lost",
                    "A failed call could not even be written to the dead-letter queue.",
                    "Check the model's status now; check the queue and the scheduler role.",
                ),
            ),
            (
                "DeadLetterMessages",
                dead_letter_queue.metric_approximate_number_of_messages_visible(
                    period=PERIOD, statistic="Maximum"
                ),
                AlarmText(
                    "failed calls waiting",
                    "The dead-letter queue holds a start, stop or check that failed after retries.",
                    "Read the message (it names the call), act on it, then delete it.",
                ),
            ),
            (
                "VerifierErrors",
                verifier.metric_errors(period=PERIOD),
                AlarmText(
                    "model check failed",
                    "The model verifier could not check the model (access, missing version, ...).",
                    "Read the verifier's e-mail or logs for the reason; check the model by hand.",
                ),
            ),
            (
                "ModelStateMismatch",
                cloudwatch.Metric(
                    namespace=verifier_contract.NAMESPACE,
                    metric_name=verifier_contract.Metric.MISMATCH,
                    dimensions_map={verifier_contract.STORE_DIMENSION: store_id},
                    period=PERIOD,
                    statistic="Maximum",
                ),
                AlarmText(
                    "model in wrong state",
                    "At opening the model was not running, or after closing it was still running, "
                    "or a stale version was running.",
                    "Read the verifier's e-mail: it says what it found and what it did.",
                ),
            ),
        ):
            self._alarm(alarm_id, metric, text, evaluation_periods=1)

        if canary:
            self._alarm(
                "ModelAnswersWrong",
                cloudwatch.Metric(
                    namespace=verifier_contract.NAMESPACE,
                    metric_name=verifier_contract.Metric.MODEL_ANSWERS_AT_OPENING,
                    dimensions_map={verifier_contract.STORE_DIMENSION: store_id},
                    period=PERIOD,
                    statistic="Minimum",
                ),
                AlarmText(
                    "model answers wrong",
                    "At opening the model ran but did not find every expected label in the canary "
                    "image.",
                    "Read the verifier's e-mail (each label's confidence); check the version, "
                    "minConfidence, the image and the version's evaluation.",
                ),
                evaluation_periods=1,
                below=1,
            )

        units = cloudwatch.Metric(
            namespace="AWS/Rekognition",
            metric_name="InServiceInferenceUnits",
            dimensions_map={"ProjectName": project_name, "VersionName": version_name},
            period=PERIOD,
            statistic="Maximum",
        )
        outside = cloudwatch.MathExpression(
            expression=billing_outside_hours_expression(allowed_utc, "units", "minute"),
            using_metrics={
                "units": units,
                "minute": cloudwatch.MathExpression(
                    expression=minute_of_week_expression("units"),
                    using_metrics={"units": units},
                    period=PERIOD,
                ),
            },
            label="Inference units outside the allowed hours",
            period=PERIOD,
        )
        guard = self._alarm(
            "ModelBillingOutsideHours",
            outside,
            AlarmText(
                "model billing outside opening hours",
                "Rekognition reports inference units in service outside the store's running "
                "window (about 4 USD per unit per hour).",
                "Stop the model version now unless the store is open late on purpose; then find "
                "who or what started it.",
            ),
            evaluation_periods=3,
        )
        guard.add_ok_action(actions.SnsAction(topic))

    def _alarm(
        self,
        alarm_id: str,
        metric: cloudwatch.IMetric,
        text: AlarmText,
        *,
        evaluation_periods: int,
        below: float | None = None,
    ) -> cloudwatch.Alarm:
        """Alarm when the metric is above 0, or, with `below`, under that value."""
        alarm = cloudwatch.Alarm(
            self,
            alarm_id,
            alarm_name=f"{self.store_id} {text.name}",
            alarm_description=(
                f"Store {self.store_id}: {text.what} What to do: {text.todo} {RUNBOOK}"
            ),
            metric=metric,
            threshold=0 if below is None else below,
            comparison_operator=(
                cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD
                if below is None
                else cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD
            ),
            evaluation_periods=evaluation_periods,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        alarm.add_alarm_action(actions.SnsAction(self.topic))
        self.alarms[alarm_id] = alarm
        return alarm
