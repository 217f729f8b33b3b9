"""The untracked stretches of a working day (see :mod:`bot.services.gaps`), as the daily summary
and one-day reports list them: longest first, each with *Log this*, which opens the Log-time
form with From and To filled in."""

from __future__ import annotations

import json
from datetime import date, time, timedelta, tzinfo
from typing import Any

from slack_sdk.models.blocks import Block

from bot.blocks import ids
from bot.blocks.format import duration, escape
from bot.blocks.parts import button, context, section
from bot.services.reports import Report


def gap_value(day: date, start: time, end: time) -> str:
    return json.dumps({"day": day.isoformat(), "from": f"{start:%H:%M}", "to": f"{end:%H:%M}"})


def parse_gap_value(value: str) -> tuple[date, time, time] | None:
    """The day and wall times a *Log this* button carries; ``None`` for a value we did not
    make."""
    try:
        payload: dict[str, Any] = json.loads(value)
        found = (
            date.fromisoformat(payload["day"]),
            time.fromisoformat(payload["from"]),
            time.fromisoformat(payload["to"]),
        )
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
        return None
    return found if found[1] < found[2] else None


def _span(report: Report, zone: tzinfo) -> str:
    assert report.working is not None
    start, end = report.working.start.astimezone(zone), report.working.end.astimezone(zone)
    return f"{start:%H:%M}–{end:%H:%M}"


def gap_blocks(report: Report, zone: tzinfo, limit: int) -> list[Block]:
    """The report's gaps, at most ``limit`` of them (the rest counted); nothing when it has
    none, or when gaps were not looked for (not a working day, a week, switched off)."""
    if report.working is None or not report.gaps:
        return []
    total = sum((gap.length for gap in report.gaps), timedelta())
    count = len(report.gaps)
    blocks: list[Block] = [
        context(
            f":mag: *Untracked in your working hours* ({_span(report, zone)}): "
            f"*{escape(duration(total))}* in {count} stretch{'es' if count > 1 else ''}"
        )
    ]
    for gap in report.gaps[:limit]:
        start, end = gap.start.astimezone(zone), gap.end.astimezone(zone)
        value = gap_value(start.date(), start.time(), end.time())
        blocks.append(
            section(
                f"`{start:%H:%M}-{end:%H:%M}` *{escape(duration(gap.length))}* untracked",
                accessory=button("Log this", ids.LOG_GAP, value),
            )
        )
    if count > limit:
        blocks.append(context(f"… and {count - limit} shorter ones."))
    return blocks
