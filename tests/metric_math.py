"""A small evaluator of CloudWatch metric math, for the expressions this app writes.

Time series are evaluated point by point as CloudWatch does: arithmetic and comparisons
between a series and a scalar apply to every point, comparisons give 1 or 0, functions of one
series (MAX) give a scalar. Only the functions the app uses are here; an unknown one fails.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

Value = Any  # a Series or a float


@dataclass(frozen=True)
class Series:
    timestamps: tuple[int, ...]  # epoch seconds, oldest first
    values: tuple[float | None, ...]  # None: no data point in that period
    period: int

    def _map(self, fn: Callable[[float, float], float], other: Value) -> Series:
        def point(i: int) -> float | None:
            mine = self.values[i]
            theirs = other.values[i] if isinstance(other, Series) else other
            return None if mine is None or theirs is None else float(fn(mine, theirs))

        points = tuple(point(i) for i in range(len(self.values)))
        return Series(self.timestamps, points, self.period)

    def _flip(self, fn: Callable[[float, float], float]) -> Callable[[Value], Series]:
        return lambda other: self._map(lambda a, b: fn(b, a), other)

    def __add__(self, o: Value) -> Series:
        return self._map(operator.add, o)

    def __sub__(self, o: Value) -> Series:
        return self._map(operator.sub, o)

    def __mul__(self, o: Value) -> Series:
        return self._map(operator.mul, o)

    def __truediv__(self, o: Value) -> Series:
        return self._map(operator.truediv, o)

    def __radd__(self, o: Value) -> Series:
        return self._flip(operator.add)(o)

    def __rsub__(self, o: Value) -> Series:
        return self._flip(operator.sub)(o)

    def __rmul__(self, o: Value) -> Series:
        return self._flip(operator.mul)(o)

    def __rtruediv__(self, o: Value) -> Series:
        return self._flip(operator.truediv)(o)

    def __ge__(self, o: Value) -> Series:
        return self._map(lambda a, b: 1.0 if a >= b else 0.0, o)

    def __gt__(self, o: Value) -> Series:
        return self._map(lambda a, b: 1.0 if a > b else 0.0, o)

    def __le__(self, o: Value) -> Series:
        return self._map(lambda a, b: 1.0 if a <= b else 0.0, o)

    def __lt__(self, o: Value) -> Series:
        return self._map(lambda a, b: 1.0 if a < b else 0.0, o)


def _fill(series: Series, value: float) -> Series:
    return Series(
        series.timestamps, tuple(value if v is None else v for v in series.values), series.period
    )


def _epoch(series: Series) -> Series:
    return Series(series.timestamps, tuple(float(t) for t in series.timestamps), series.period)


def _max(series: Series) -> float:
    return max(v for v in series.values if v is not None)


def _floor(value: Value) -> Value:
    if isinstance(value, Series):
        return Series(
            value.timestamps,
            tuple(None if v is None else float(math.floor(v)) for v in value.values),
            value.period,
        )
    return float(math.floor(value))


def _period(series: Series) -> float:
    return float(series.period)


def _if(condition: Value, yes: Value, no: Value) -> Value:
    if not isinstance(condition, Series):
        return yes if condition else no
    values = []
    for i, c in enumerate(condition.values):
        chosen = yes if c else no
        values.append(chosen.values[i] if isinstance(chosen, Series) else chosen)
    return Series(condition.timestamps, tuple(values), condition.period)


def _running_sum(series: Series) -> Series:
    total, values = 0.0, []
    for v in series.values:
        total += v or 0.0
        values.append(total)
    return Series(series.timestamps, tuple(values), series.period)


FUNCTIONS: dict[str, Callable[..., Value]] = {
    "FILL": _fill,
    "EPOCH": _epoch,
    "MAX": _max,
    "FLOOR": _floor,
    "PERIOD": _period,
    "IF": _if,
    "RUNNING_SUM": _running_sum,
}


def evaluate(expressions: list[tuple[str, str]], metrics: Mapping[str, Series]) -> dict[str, Value]:
    """Every expression's value by id, each able to use the metrics and the ones before it."""
    values: dict[str, Value] = dict(metrics)
    for id_, text in expressions:
        values[id_] = eval(text, {"__builtins__": {}}, {**FUNCTIONS, **values})
    return values
