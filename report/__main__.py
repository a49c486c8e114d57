"""python -m report: the cost report from synthesized templates (docs/reviewer.md, "Cost
report"), or with --compare the cost of a change between two of them (docs/reviewer.md,
"Reviewing a change")."""

from __future__ import annotations

import argparse
import math
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from fleet.calendar.cron import CRON_YEARS
from fleet.calendar.zones import use_pinned_tzdata
from report.cost import DEFAULT_PRICE, Period, fleet_costs
from report.diff import compare, diff_json, diff_markdown, diff_table
from report.render import as_json, markdown, table
from report.templates import read_cdk_out
from report.timeline import week_svg

# The report reads each schedule in the zone rules the templates were made with.
use_pinned_tzdata()


def _price(text: str) -> float:
    """USD per unit-hour: a finite number, not negative (float() also reads nan and inf)."""
    try:
        price = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number, e.g. 4.0") from None
    if not math.isfinite(price) or price < 0:
        raise argparse.ArgumentTypeError(
            f"{text!r}: give a price of 0 or more in USD per inference-unit hour, e.g. 4.0"
        )
    return price


def _minutes(text: str) -> int:
    try:
        minutes = int(text)
    except ValueError:
        minutes = -1
    if not 0 <= minutes <= 720:
        raise argparse.ArgumentTypeError(f"{text!r}: give whole minutes from 0 to 720, e.g. 20")
    return minutes


def add_period_and_price(parser: argparse.ArgumentParser) -> None:
    """The options the report and ./scripts/cost-diff.sh share."""
    parser.add_argument("--out", type=Path, default=Path("reports"), help="where files go")
    period = parser.add_mutually_exclusive_group()
    period.add_argument("--month", help="YYYY-MM (default: next calendar month)")
    period.add_argument("--from", dest="first", help="YYYY-MM-DD, with --to")
    parser.add_argument("--to", dest="last", help="YYYY-MM-DD, inclusive")
    parser.add_argument("--price", type=_price, default=DEFAULT_PRICE, help="USD per unit-hour")
    parser.add_argument(
        "--start-minutes",
        type=_minutes,
        default=0,
        help="minutes a start takes before the model bills (default 0: from the start call)",
    )


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m report",
        description="Running hours and cost of each store's model, from cdk.out templates.",
    )
    parser.add_argument("--cdk-out", type=Path, default=Path("cdk.out"))
    add_period_and_price(parser)
    parser.add_argument(
        "--compare",
        type=Path,
        metavar="OTHER_CDK_OUT",
        help="the cost of a change: compare with this assembly (before) instead of reporting",
    )
    return parser.parse_args(argv)


def _date(option: str, value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise SystemExit(f"report: {option} {value}: use YYYY-MM-DD, e.g. 2027-01-31") from None


def _within_cron_years(given: str, first: date, last: date) -> None:
    """A period the schedules can fire in: AWS cron years run from 1970 to 2199."""
    years = CRON_YEARS
    if first.year not in years or last.year not in years:
        raise SystemExit(
            f"report: {given}: the schedules fire only in {years[0]}-{years[-1]} (AWS cron "
            "years); pick a period within them"
        )


def choose_period(args: argparse.Namespace, today: date) -> Period:
    if args.month:
        try:
            first = date.fromisoformat(f"{args.month}-01") if len(args.month) == 7 else None
        except ValueError:
            first = None
        if first is None:
            raise SystemExit(f"report: --month {args.month}: use YYYY-MM, e.g. 2027-01")
        _within_cron_years(f"--month {args.month}", first, first)
        return Period.month(first.year, first.month)
    if args.first or args.last:
        if not (args.first and args.last):
            raise SystemExit("report: --from and --to go together")
        period = Period(_date("--from", args.first), _date("--to", args.last))
        if period.last < period.first:
            raise SystemExit("report: --to is before --from")
        _within_cron_years(f"--from {args.first} --to {args.last}", period.first, period.last)
        return period
    return Period.next_month(today)


def compare_main(args: argparse.Namespace, period: Period) -> int:
    """Write cost-diff.md and cost-diff.json; print the table (or the one line)."""
    delay = timedelta(minutes=args.start_minutes)
    sides = []
    for cdk_out in (args.compare, args.cdk_out):
        costs = [c for c, _ in fleet_costs(read_cdk_out(cdk_out), period, args.price, delay)]
        sides.append(costs)
    diff = compare(sides[0], sides[1], args.price)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "cost-diff.md").write_text(diff_markdown(diff), encoding="utf-8")
    (args.out / "cost-diff.json").write_text(diff_json(diff), encoding="utf-8")
    print(diff_table(diff))
    print(f"\nWritten: {args.out}/cost-diff.md, cost-diff.json")
    return 0


def main(argv: list[str]) -> int:
    return run(parse_args(argv))


def run(args: argparse.Namespace) -> int:
    period = choose_period(args, datetime.now(UTC).date())
    try:
        if args.compare is not None:
            return compare_main(args, period)
        stores = read_cdk_out(args.cdk_out)
    except FileNotFoundError as error:
        raise SystemExit(f"report: {error}") from None
    args.out.mkdir(parents=True, exist_ok=True)
    costs = []
    delay = timedelta(minutes=args.start_minutes)
    # The picture shows the first full Monday-to-Sunday week of the period (or its start).
    first_monday = period.first + timedelta(days=(7 - period.first.weekday()) % 7)
    week_first = first_monday if first_monday + timedelta(days=6) <= period.last else period.first
    for cost, intervals in fleet_costs(stores, period, args.price, delay):
        costs.append(cost)
        svg = week_svg(cost.store, cost.timezone, week_first, intervals)
        (args.out / f"timeline-{cost.store}.svg").write_text(svg, encoding="utf-8")
    (args.out / "cost-report.md").write_text(markdown(costs, args.price), encoding="utf-8")
    (args.out / "cost-report.json").write_text(as_json(costs, args.price), encoding="utf-8")
    print(table(costs, args.price))
    print(f"\nWritten: {args.out}/cost-report.md, cost-report.json, timeline-<store>.svg")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
