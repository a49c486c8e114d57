"""The report as a terminal table, Markdown (for a pull-request comment) and JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence

from report.cost import StoreCost, version_each_usd

COLUMNS = ("store", "hours", "unit-hours", "USD", "USD 24/7", "saving")


def _label(c: StoreCost, costs: Sequence[StoreCost]) -> str:
    if c.kind == "group":
        count = sum(1 for m in costs if m.group == c.store)
        return f"{c.store} (serving group, {count} member{'s' * (count != 1)})"
    if c.kind == "member":
        return f"  {c.store} ({c.share or 0:.0%} of {c.group})"
    return c.store


def _rows(costs: Sequence[StoreCost]) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for c in costs:
        unit_hours = f"{c.unit_hours:,.1f}"
        usd = f"{c.usd:,.2f}"
        if c.unit_hours_upper is not None and c.usd_upper is not None:
            unit_hours += f" (≤ {c.unit_hours_upper:,.1f})"
            usd += f" (≤ {c.usd_upper:,.2f})"
        share = c.saving_usd / c.always_on_usd if c.always_on_usd else 0.0
        rows.append(
            (
                _label(c, costs),
                f"{c.running_hours:,.1f}",
                unit_hours,
                usd,
                f"{c.always_on_usd:,.2f}",
                f"{c.saving_usd:,.2f} ({share:.0%})",
            )
        )
    billed = [c for c in costs if c.billed]
    total_usd = sum(c.usd for c in billed)
    total_on = sum(c.always_on_usd for c in billed)
    total_saving = sum(c.saving_usd for c in billed)
    rows.append(
        (
            "total",
            f"{sum(c.running_hours for c in billed):,.1f}",
            f"{sum(c.unit_hours for c in billed):,.1f}",
            f"{total_usd:,.2f}",
            f"{total_on:,.2f}",
            f"{total_saving:,.2f} ({total_saving / total_on if total_on else 0:.0%})",
        )
    )
    return rows


def version_each_line(costs: Sequence[StoreCost], price: float) -> str | None:
    """With serving groups: what the same stores would cost with a version each."""
    if not any(c.kind == "group" for c in costs):
        return None
    grouped = sum(c.usd for c in costs if c.billed)
    alone = version_each_usd(costs, price)
    return (
        f"With a version each (each member for its own hours at 1 inference unit, the least a "
        f"version runs with): {alone:,.2f} USD; with its serving groups the fleet costs "
        f"{grouped:,.2f} USD ({abs(alone - grouped):,.2f} USD "
        f"{'less' if grouped <= alone else 'more'})."
    )


NOTES = (
    "(≤ ...): upper bound with auto-scaling up to maxInferenceUnits.",
    "A member's row is its share of its group's cost: each day's, split among the members open "
    "that day in proportion to their own start-to-stop minutes; the total counts stores and "
    "groups.",
)


def _notes(costs: Sequence[StoreCost], price: float) -> list[str]:
    grouped = any(c.kind == "group" for c in costs)
    found = [NOTES[0], *NOTES[1:] * grouped]
    line = version_each_line(costs, price)
    return [*found, line] if line else found


def _title(costs: Sequence[StoreCost], price: float) -> str:
    first, last = costs[0].period_first, costs[0].period_last
    return (
        f"Model running cost {first} to {last} (each store's local dates), "
        f"at {price:.2f} USD per inference-unit hour"
    )


def table(costs: Sequence[StoreCost], price: float) -> str:
    rows = [COLUMNS, *_rows(costs)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(COLUMNS))]
    lines = [_title(costs, price), ""]
    for n, row in enumerate(rows):
        cells = [row[0].ljust(widths[0])] + [
            v.rjust(w) for v, w in zip(row[1:], widths[1:], strict=True)
        ]
        lines.append("  ".join(cells))
        if n == 0 or n == len(rows) - 2:
            lines.append("  ".join("-" * w for w in widths))
    lines.append("")
    lines += _notes(costs, price)
    return "\n".join(lines)


def markdown(costs: Sequence[StoreCost], price: float) -> str:
    lines = [f"### {_title(costs, price)}", ""]
    lines.append("| " + " | ".join(COLUMNS) + " |")
    lines.append("|" + "|".join(["---"] + ["---:"] * (len(COLUMNS) - 1)) + "|")
    for row in _rows(costs):
        cells = [f"**{v}**" if row[0] == "total" else v for v in row]
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    lines += [
        f"_{note.replace('...', '…')}_" if note.startswith("(") else note
        for note in _notes(costs, price)
    ]
    lines.append("")
    return "\n".join(lines)


def as_json(costs: Sequence[StoreCost], price: float) -> str:
    billed = [c for c in costs if c.billed]
    total = {
        "usd": round(sum(c.usd for c in billed), 2),
        "alwaysOnUsd": round(sum(c.always_on_usd for c in billed), 2),
        "savingUsd": round(sum(c.saving_usd for c in billed), 2),
    }
    if any(c.kind == "group" for c in costs):
        total["versionEachUsd"] = version_each_usd(costs, price)
    document = {"pricePerUnitHour": price, "stores": [c.as_dict() for c in costs], "total": total}
    return json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
