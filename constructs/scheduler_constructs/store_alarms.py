"""A store's alarms: each says which store, what failed and what to do, and notifies its topic.

CloudFormation alarms (L1), rendered as the L2 `Alarm` rendered them, under the same logical IDs:
the L2 and its metric objects cost many calls into the CDK's Node process per alarm and add
nothing a fixed threshold on a known metric needs.
"""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import aws_cloudwatch as cloudwatch

import verifier_contract
from constructs import Construct
from scheduler_constructs.cost_guard_math import (
    Interval,
    billing_outside_hours_expression,
    minute_of_week_expression,
)

RUNBOOK = "Runbook: README.md, section 'Runbook' of rekognition-model-scheduler."
PERIOD_SECONDS = 5 * 60
Dimension = cloudwatch.CfnAlarm.DimensionProperty


@dataclass(frozen=True)
class AlarmText:
    name: str
    what: str
    todo: str


@dataclass(frozen=True)
class Metric:
    """A metric an alarm watches over 5-minute periods."""

    namespace: str
    name: str
    dimensions: tuple[tuple[str, str], ...]
    statistic: str

    def dimension_properties(self) -> list[Dimension]:
        return [Dimension(name=name, value=value) for name, value in self.dimensions]


# Every alarm's text by construct id, in the order a stack creates them: the fleet dashboard
# lists the same alarms by name (alarm_names), so they are written once, here.
TEXTS: dict[str, AlarmText] = {
    "ScheduleTargetErrors": AlarmText(
        "schedule call failed",
        "A start, stop or check call from EventBridge Scheduler returned an error.",
        "Read the dead-letter queue message, fix the cause, start or stop the model "
        "by hand if the store needs it now.",
    ),
    "ScheduleInvocationsDropped": AlarmText(
        "schedule call dropped",
        "EventBridge Scheduler gave up on a start, stop or check call.",
        "Check the model's status now and start or stop it by hand as the hours need.",
    ),
    "DeadLetterDeliveryFailed": AlarmText(
        "failed call lost",
        "A failed call could not even be written to the dead-letter queue.",
        "Check the model's status now; check the queue and the scheduler role.",
    ),
    "DeadLetterMessages": AlarmText(
        "failed calls waiting",
        "The dead-letter queue holds a start, stop or check that failed after retries.",
        "Read the message (it names the call), act on it, then delete it.",
    ),
    "VerifierErrors": AlarmText(
        "model check failed",
        "The model verifier could not check the model (access, missing version, ...).",
        "Read the verifier's e-mail or logs for the reason; check the model by hand.",
    ),
    "ModelStateMismatch": AlarmText(
        "model in wrong state",
        "At opening the model was not running, or after closing it was still running, "
        "or a stale version was running.",
        "Read the verifier's e-mail: it says what it found and what it did.",
    ),
    "ModelAnswersWrong": AlarmText(
        "model answers wrong",
        "At opening the model ran but did not find every expected label in the canary image.",
        "Read the verifier's e-mail (each label's confidence); check the version, "
        "minConfidence, the image and the version's evaluation.",
    ),
    "ModelBillingOutsideHours": AlarmText(
        "model billing outside opening hours",
        "Rekognition reports inference units in service outside the store's running "
        "window (about 4 USD per unit per hour).",
        "Stop the model version now unless the store is open late on purpose; then find "
        "who or what started it.",
    ),
}
# Only a store with a canary has this alarm.
CANARY_ONLY = "ModelAnswersWrong"


def alarm_name(store_id: str, text: AlarmText) -> str:
    return f"{store_id} {text.name}"


def alarm_names(store_id: str, *, canary: bool) -> list[str]:
    """The store's alarm names, in the order its stack creates them."""
    return [
        alarm_name(store_id, text)
        for alarm_id, text in TEXTS.items()
        if canary or alarm_id != CANARY_ONLY
    ]


class StoreAlarms(Construct):
    """Scheduler failures, dead letters, verifier errors and mismatches, a canary that answers
    wrong, and a cost guard that depends on neither the scheduler nor the verifier:
    Rekognition's own billing metric."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        store_id: str,
        topic_arn: str,
        group_name: str,
        dead_letter_queue_name: str,
        verifier_function_name: str,
        project_name: str,
        version_name: str,
        allowed_utc: list[Interval],
        canary: bool,
    ) -> None:
        super().__init__(scope, construct_id)
        self.store_id = store_id
        self.topic_arn = topic_arn
        self.alarms: dict[str, cloudwatch.CfnAlarm] = {}
        scheduler = (("ScheduleGroup", group_name),)
        store = ((verifier_contract.STORE_DIMENSION, store_id),)

        for alarm_id, metric in (
            (
                "ScheduleTargetErrors",
                Metric("AWS/Scheduler", "TargetErrorCount", scheduler, "Sum"),
            ),
            (
                "ScheduleInvocationsDropped",
                Metric("AWS/Scheduler", "InvocationDroppedCount", scheduler, "Sum"),
            ),
            (
                "DeadLetterDeliveryFailed",
                Metric(
                    "AWS/Scheduler", "InvocationsFailedToBeSentToDeadLetterCount", scheduler, "Sum"
                ),
            ),
            (
                "DeadLetterMessages",
                Metric(
                    "AWS/SQS",
                    "ApproximateNumberOfMessagesVisible",
                    (("QueueName", dead_letter_queue_name),),
                    "Maximum",
                ),
            ),
            (
                "VerifierErrors",
                Metric("AWS/Lambda", "Errors", (("FunctionName", verifier_function_name),), "Sum"),
            ),
            (
                "ModelStateMismatch",
                Metric(
                    verifier_contract.NAMESPACE, verifier_contract.Metric.MISMATCH, store, "Maximum"
                ),
            ),
        ):
            self._alarm(alarm_id, metric=metric)

        if canary:
            self._alarm(
                "ModelAnswersWrong",
                metric=Metric(
                    verifier_contract.NAMESPACE,
                    verifier_contract.Metric.MODEL_ANSWERS_AT_OPENING,
                    store,
                    "Minimum",
                ),
                below=1,
            )

        units = Metric(
            "AWS/Rekognition",
            "InServiceInferenceUnits",
            (("ProjectName", project_name), ("VersionName", version_name)),
            "Maximum",
        )
        self._alarm(
            "ModelBillingOutsideHours",
            metrics=_outside_hours(units, allowed_utc),
            evaluation_periods=3,
            # It also says when billing is back to normal.
            ok_too=True,
        )

    def _alarm(
        self,
        alarm_id: str,
        *,
        metric: Metric | None = None,
        metrics: list[cloudwatch.CfnAlarm.MetricDataQueryProperty] | None = None,
        evaluation_periods: int = 1,
        below: float | None = None,
        ok_too: bool = False,
    ) -> cloudwatch.CfnAlarm:
        """Alarm when the metric is above 0 in a period or, with `below`, under that value;
        missing data is not a breach."""
        text = TEXTS[alarm_id]
        alarm = cloudwatch.CfnAlarm(
            Construct(self, alarm_id),
            "Resource",
            alarm_name=alarm_name(self.store_id, text),
            alarm_description=(
                f"Store {self.store_id}: {text.what} What to do: {text.todo} {RUNBOOK}"
            ),
            namespace=metric.namespace if metric else None,
            metric_name=metric.name if metric else None,
            dimensions=metric.dimension_properties() if metric else None,
            statistic=metric.statistic if metric else None,
            period=PERIOD_SECONDS if metric else None,
            metrics=metrics,
            threshold=0 if below is None else below,
            comparison_operator="GreaterThanThreshold" if below is None else "LessThanThreshold",
            evaluation_periods=evaluation_periods,
            treat_missing_data="notBreaching",
            alarm_actions=[self.topic_arn],
            ok_actions=[self.topic_arn] if ok_too else None,
        )
        self.alarms[alarm_id] = alarm
        return alarm


def _outside_hours(
    units: Metric, allowed_utc: list[Interval]
) -> list[cloudwatch.CfnAlarm.MetricDataQueryProperty]:
    """Metric math: the inference units in service when the UTC minute of the week lies
    outside every allowed interval (constructs/scheduler_constructs/cost_guard_math.py), else 0."""
    query = cloudwatch.CfnAlarm.MetricDataQueryProperty
    return [
        query(
            id="expr_1",
            expression=billing_outside_hours_expression(allowed_utc, "units", "minute"),
            label="Inference units outside the allowed hours",
            return_data=True,
        ),
        query(
            id="units",
            metric_stat=cloudwatch.CfnAlarm.MetricStatProperty(
                metric=cloudwatch.CfnAlarm.MetricProperty(
                    namespace=units.namespace,
                    metric_name=units.name,
                    dimensions=units.dimension_properties(),
                ),
                period=PERIOD_SECONDS,
                stat=units.statistic,
            ),
            return_data=False,
        ),
        query(id="minute", expression=minute_of_week_expression("units"), return_data=False),
    ]
