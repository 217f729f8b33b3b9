"""Text formatting shared by the builders: durations, times, escaping, truncation."""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo

from bot.trackingtime import Task


def duration(span: timedelta) -> str:
    """``2h 05m``, ``45m``, ``<1m``: how people read tracked time."""
    minutes = int(span.total_seconds() // 60)
    if minutes < 1:
        return "<1m"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m" if hours else f"{minutes}m"


def clock_time(at: datetime, zone: tzinfo) -> str:
    """A time of day that Slack shows in each reader's own zone (``zone`` gives the fallback)."""
    fallback = at.astimezone(zone).strftime("%H:%M")
    return f"<!date^{int(at.timestamp())}^{{time}}|{fallback}>"


def escape(text: str) -> str:
    """Escape the three characters Slack's mrkdwn treats as control characters."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def task_mrkdwn(task: Task) -> str:
    """``*Task* · Project`` in mrkdwn."""
    name = f"*{escape(task.name)}*"
    return f"{name} · {escape(task.project)}" if task.project else name
