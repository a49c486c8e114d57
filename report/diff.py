"""The cost of a change: two cost reports of the same period, store by store.

`before` and `after` are the stores' costs from two synthesized fleets (two revisions) over the
same period at the same price. A store only in `after` was added, one only in `before` removed.
A serving group is a row like a store; its members' rows are their shares of it, shown but not
added to the totals (a store that joins a group changes from billed to a share).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from report.cost import StoreCost, version_each_usd


@dataclass(frozen=True)
class Figures:
    hours: float
    unit_hours: float
    usd: float
    usd_upper: float | None  # with auto-scaling up to maxInferenceUnits
    # A store's or group's figures are billed; a member's are its share of its group's.
    billed: bool = True

    @classmethod
    def of(cls, cost: StoreCost) -> Figures:
        return cls(cost.running_hours, cost.unit_hours, cost.usd, cost.usd_upper, cost.billed)

    @property
    def most_usd(self) -> float:
        return self.usd_upper if self.usd_upper is not None else self.usd


NOTHING = Figures(0.0, 0.0, 0.0, None)


@dataclass(frozen=True)
class StoreChange:
    store: str
    before: Figures | None  # None: the store is new
    after: Figures | None  # None: the store is gone

    @property
    def kind(self) -> str:
        if self.before is None:
            return "added"
        if self.after is None:
            return "removed"
        return "changed" if self.before != self.after else "unchanged"

    @property
    def usd_delta(self) -> float:
        return round((self.after or NOTHING).usd - (self.before or NOTHING).usd, 2)


@dataclass(frozen=True)
class CostDiff:
    first: date
    last: date
    price: float
    stores: tuple[StoreChange, ...]  # the after side's order, then removed stores
    # With serving groups on either side: what each side's stores would cost with a version
    # each (report/cost.py's version_each_usd); (None, None) without groups.
    version_each: tuple[float | None, float | None] = (None, None)

    @property
    def version_each_line(self) -> str | None:
        if self.version_each == (None, None):
            return None
        before, after = (_show(v, 2) for v in self.version_each)
        return (
            f"With a version each (each group member for its own hours at 1 inference unit): "
            f"{before} → {after} USD{self.per}, against {_show(self.total('before'), 2)} → "
            f"{_show(self.total('after'), 2)} USD with the serving groups."
        )

    @property
    def changed(self) -> list[StoreChange]:
        return [s for s in self.stores if s.kind != "unchanged"]

    def _billed(self, side: str) -> list[Figures]:
        return [f for s in self.stores if (f := getattr(s, side) or NOTHING).billed]

    def total(self, side: str) -> float:
        return round(sum(f.usd for f in self._billed(side)), 2)

    def total_most(self, side: str) -> float:
        return round(sum(f.most_usd for f in self._billed(side)), 2)

    @property
    def delta(self) -> float:
        return round(self.total("after") - self.total("before"), 2)

    @property
    def per(self) -> str:
        """`/month` for a calendar month, else the dates."""
        whole_month = self.first.day == 1 and (self.last + timedelta(days=1)).day == 1
        if whole_month and (self.last - self.first).days < 31:
            return "/month"
        return f" over {self.first}..{self.last}"

    @property
    def headline(self) -> str:
        """One line: "+124.00 USD/month (+2.9 %)", or that nothing changes."""
        before = self.total("before")
        if not self.changed:
            count = len(self.stores)
            return (
                f"No change in cost: {before:,.2f} USD{self.per} for {count} "
                f"store{'s' if count != 1 else ''}."
            )
        percent = f"{self.delta / before:+.1%}".replace("%", " %") if before else "new"
        line = f"{self.delta:+,.2f} USD{self.per} ({percent})"
        most = round(self.total_most("after") - self.total_most("before"), 2)
        if most != self.delta:
            line += f"; with auto-scaling at most {most:+,.2f} USD{self.per}"
        return line


def compare(before: Sequence[StoreCost], after: Sequence[StoreCost], price: float) -> CostDiff:
    """Both sides must cover the same period."""
    periods = {(c.period_first, c.period_last) for c in [*before, *after]}
    if len(periods) != 1:
        raise ValueError(f"the two reports cover different periods: {sorted(periods)}")
    ((first, last),) = periods
    old = {c.store: Figures.of(c) for c in before}
    new = {c.store: Figures.of(c) for c in after}
    stores = [StoreChange(s, old.get(s), new[s]) for s in new]
    stores += [StoreChange(s, old[s], None) for s in old if s not in new]

    grouped = any(c.kind == "group" for c in [*before, *after])
    version_each = (
        (version_each_usd(before, price), version_each_usd(after, price))
        if grouped
        else (None, None)
    )
    return CostDiff(
        date.fromisoformat(first),
        date.fromisoformat(last),
        price,
        tuple(stores),
        version_each,
    )


def _show(value: float | None, digits: int) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def _pair(before: float | None, after: float | None, digits: int) -> str:
    if before == after:
        return _show(after, digits)
    return f"{_show(before, digits)} → {_show(after, digits)}"


def _usd(figures: Figures | None) -> float | None:
    return None if figures is None else figures.usd


def rows(diff: CostDiff) -> list[tuple[str, ...]]:
    """Changed, added and removed stores, then the total."""
    found: list[tuple[str, ...]] = []
    for s in diff.changed:
        b, a = s.before, s.after
        usd = _pair(_usd(b), _usd(a), 2)
        upper_before = b.usd_upper if b else None
        upper_after = a.usd_upper if a else None
        if upper_before is not None or upper_after is not None:
            usd += f" (≤ {_pair(upper_before, upper_after, 2)})"
        label = s.store if s.kind == "changed" else f"{s.store} ({s.kind})"
        if not (a or b or NOTHING).billed:
            label += " (a member's share)"
        found.append(
            (
                label,
                _pair(b.hours if b else None, a.hours if a else None, 1),
                _pair(b.unit_hours if b else None, a.unit_hours if a else None, 1),
                usd,
                f"{s.usd_delta:+,.2f}",
            )
        )
    found.append(
        (
            "total",
            "",
            "",
            _pair(diff.total("before"), diff.total("after"), 2),
            f"{diff.delta:+,.2f}",
        )
    )
    return found


COLUMNS = ("store", "hours", "unit-hours", "USD", "difference")


def _subtitle(diff: CostDiff) -> str:
    unchanged = len(diff.stores) - len(diff.changed)
    return (
        f"Model running cost {diff.first} to {diff.last} (each store's local dates) at "
        f"{diff.price:.2f} USD per inference-unit hour, before → after; {unchanged} other "
        f"store{'s' if unchanged != 1 else ''} unchanged."
    )


def diff_table(diff: CostDiff) -> str:
    if not diff.changed:
        return diff.headline
    all_rows = [COLUMNS, *rows(diff)]
    widths = [max(len(r[i]) for r in all_rows) for i in range(len(COLUMNS))]
    lines = [diff.headline, _subtitle(diff), ""]
    for n, row in enumerate(all_rows):
        cells = [row[0].ljust(widths[0])] + [
            v.rjust(w) for v, w in zip(row[1:], widths[1:], strict=True)
        ]
        lines.append("  ".join(cells).rstrip())
        if n == 0 or n == len(all_rows) - 2:
            lines.append("  ".join("-" * w for w in widths))
    if diff.version_each_line:
        lines += ["", diff.version_each_line]
    return "\n".join(lines)


def diff_markdown(diff: CostDiff) -> str:
    """A pull-request comment: the headline first."""
    if not diff.changed:
        return f"**{diff.headline}**\n"
    lines = [f"**{diff.headline}**", "", _subtitle(diff), ""]
    lines.append("| " + " | ".join(COLUMNS) + " |")
    lines.append("|" + "|".join(["---"] + ["---:"] * (len(COLUMNS) - 1)) + "|")
    for row in rows(diff):
        cells = [f"**{v}**" if row[0] == "total" and v else v for v in row]
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "_(≤ …): at most, with auto-scaling up to maxInferenceUnits._", ""]
    if diff.version_each_line:
        lines += [diff.version_each_line, ""]
    return "\n".join(lines)


def _side(figures: Figures | None) -> dict[str, Any] | None:
    if figures is None:
        return None
    return {
        "runningHours": figures.hours,
        "unitHours": figures.unit_hours,
        "usd": figures.usd,
        "usdUpper": figures.usd_upper,
        "billed": figures.billed,
    }


def diff_json(diff: CostDiff) -> str:
    document = {
        "headline": diff.headline,
        "periodFirst": diff.first.isoformat(),
        "periodLast": diff.last.isoformat(),
        "pricePerUnitHour": diff.price,
        "stores": [
            {
                "store": s.store,
                "change": s.kind,
                "before": _side(s.before),
                "after": _side(s.after),
                "usdDifference": s.usd_delta,
            }
            for s in diff.stores
        ],
        "total": {
            "usdBefore": diff.total("before"),
            "usdAfter": diff.total("after"),
            "usdDifference": diff.delta,
            **(
                {}
                if diff.version_each == (None, None)
                else {
                    "versionEachUsdBefore": diff.version_each[0],
                    "versionEachUsdAfter": diff.version_each[1],
                }
            ),
        },
    }
    return json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
