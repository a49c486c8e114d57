"""A week of a store's running time as an SVG picture: one row per day, local time across."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from report.running import Interval

ROW, LEFT, HOUR, TOP = 26, 110, 30, 46


def week_svg(store: str, zone_name: str, first_day: date, intervals: list[Interval]) -> str:
    """Seven rows from `first_day`; a bar wherever the model runs (billing)."""
    zone = ZoneInfo(zone_name)
    width, height = LEFT + 24 * HOUR + 20, TOP + 7 * ROW + 30
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'font-family="sans-serif" font-size="12">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
        f'<text x="10" y="20" font-size="14" font-weight="bold">{escape(store)}: model running '
        f"({escape(zone_name)}, week of {first_day.isoformat()})</text>",
    ]
    for hour in range(0, 25, 3):
        x = LEFT + hour * HOUR
        parts.append(f'<line x1="{x}" y1="{TOP - 6}" x2="{x}" y2="{TOP + 7 * ROW}" stroke="#ddd"/>')
        parts.append(f'<text x="{x}" y="{TOP - 10}" text-anchor="middle">{hour:02d}:00</text>')
    for row in range(7):
        day = first_day + timedelta(days=row)
        y = TOP + row * ROW
        parts.append(f'<text x="10" y="{y + 17}">{day:%a %m-%d}</text>')
        day_start = datetime(day.year, day.month, day.day, tzinfo=zone)
        day_end = day_start + timedelta(days=1)
        for a, b in intervals:
            a_local, b_local = max(a.astimezone(zone), day_start), min(b.astimezone(zone), day_end)
            if a_local >= b_local:
                continue
            x0 = LEFT + (a_local - day_start).total_seconds() / 3600 * HOUR
            x1 = LEFT + (b_local - day_start).total_seconds() / 3600 * HOUR
            label = f"{a_local:%H:%M}-{b_local:%H:%M}"
            parts.append(
                f'<rect x="{x0:.1f}" y="{y + 4}" width="{x1 - x0:.1f}" height="{ROW - 8}" '
                f'fill="#2f7ed8"><title>{label}</title></rect>'
            )
    parts.append(
        f'<text x="10" y="{height - 8}" fill="#555">Blue: the model is RUNNING and bills '
        "(from the synthesized schedules).</text>"
    )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
