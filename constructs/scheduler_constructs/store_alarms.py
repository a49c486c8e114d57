"""A store's alarms: each says which store, what failed and what to do, and notifies its topic.

CloudFormation alarms (L1), rendered as the L2 `Alarm` rendered them, under the same logical IDs:
the L2 and its metric objects cost many calls into the CDK's Node process per alarm and add
nothing a fixed threshold on a known metric needs.
"""

from __future__ import annotations

from aws_cdk import aws_cloudwatch as cloudwatch

from constructs import Construct
from fleet.utc_week import Interval
from scheduler_constructs.alarm_specs import PERIOD_SECONDS, AlarmSpec, Metric, StoreFacts, applying
from scheduler_constructs.cost_guard_math import (
    billing_outside_hours_expression,
    minute_of_week_expression,
)

Dimension = cloudwatch.CfnAlarm.DimensionProperty
Query = cloudwatch.CfnAlarm.MetricDataQueryProperty


def _dimensions(metric: Metric) -> list[Dimension]:
    return [Dimension(name=name, value=value) for name, value in metric.dimensions]


class StoreAlarms(Construct):
    """The alarms of alarm_specs.SPECS that apply to the store: scheduler failures, dead
    letters, verifier errors and mismatches, a canary that answers wrong, and a cost guard on
    Rekognition's own billing metric."""

    def __init__(
        self, scope: Construct, construct_id: str, *, store: StoreFacts, topic_arn: str
    ) -> None:
        super().__init__(scope, construct_id)
        self.alarms: dict[str, cloudwatch.CfnAlarm] = {
            spec.id: self._alarm(spec, store, topic_arn) for spec in applying(canary=store.canary)
        }

    def _alarm(self, spec: AlarmSpec, store: StoreFacts, topic_arn: str) -> cloudwatch.CfnAlarm:
        metric = spec.metric(store)
        condition = spec.condition
        single = None if spec.outside_hours else metric
        return cloudwatch.CfnAlarm(
            Construct(self, spec.id),
            "Resource",
            alarm_name=spec.alarm_name(store.store_id),
            alarm_description=spec.description(store.store_id),
            namespace=single.namespace if single else None,
            metric_name=single.name if single else None,
            dimensions=_dimensions(single) if single else None,
            statistic=single.statistic if single else None,
            period=PERIOD_SECONDS if single else None,
            metrics=_outside_hours(metric, store.allowed_utc) if spec.outside_hours else None,
            threshold=condition.above if condition.below is None else condition.below,
            comparison_operator=(
                "GreaterThanThreshold" if condition.below is None else "LessThanThreshold"
            ),
            evaluation_periods=condition.periods,
            treat_missing_data="notBreaching",
            alarm_actions=[topic_arn],
            ok_actions=[topic_arn] if condition.ok_too else None,
        )


def _outside_hours(units: Metric, allowed_utc: tuple[Interval, ...]) -> list[Query]:
    """Metric math: the inference units in service when the UTC minute of the week lies
    outside every allowed interval (cost_guard_math.py), else 0."""
    return [
        Query(
            id="expr_1",
            expression=billing_outside_hours_expression(list(allowed_utc), "units", "minute"),
            label="Inference units outside the allowed hours",
            return_data=True,
        ),
        Query(
            id="units",
            metric_stat=cloudwatch.CfnAlarm.MetricStatProperty(
                metric=cloudwatch.CfnAlarm.MetricProperty(
                    namespace=units.namespace,
                    metric_name=units.name,
                    dimensions=_dimensions(units),
                ),
                period=PERIOD_SECONDS,
                stat=units.statistic,
            ),
            return_data=False,
        ),
        Query(id="minute", expression=minute_of_week_expression("units"), return_data=False),
    ]
