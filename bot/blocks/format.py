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
    epoch = int(at.timestamp())
    # From the epoch, not ``at.astimezone(zone)``: that returns a wall time in a DST gap (which
    # TrackingTime's wall-clock strings can produce) unchanged, an hour off the epoch.
    fallback = datetime.fromtimestamp(epoch, zone).strftime("%H:%M")
    return f"<!date^{epoch}^{{time}}|{fallback}>"


def escape(text: str) -> str:
    """Escape the three characters Slack's mrkdwn treats as control characters."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def task_mrkdwn(task: Task) -> str:
    """``*Task* · Project`` in mrkdwn.

    Names are cut to 200 characters each, so that (escaped, up to 5 times as long) they leave
    room in a 3000-character section for the time and notes that follow them.
    """
    return names_mrkdwn(task.name, task.project)


def names_mrkdwn(
    task: str | None,
    project: str | None,
    *,
    limits: tuple[int, int] = (200, 200),
    bold: bool = True,
) -> str:
    """What an entry is on, in mrkdwn: ``*Task* · Project``, or the project (an entry on a
    project itself), or ``*No task*``; the first name cut to ``limits[0]``, the project after it
    to ``limits[1]``."""
    first = escape(truncate(task or project or "No task", limits[0]))
    what = f"*{first}*" if bold else first
    if task and project:
        what += f" · {escape(truncate(project, limits[1]))}"
    return what


def notes_mrkdwn(notes: str, limit: int) -> str:
    """Notes in italics, cut to ``limit``: line by line, because Slack ends italics at a line
    break (``_a\nb_`` would show its underscores)."""
    lines = (line.strip() for line in escape(truncate(notes, limit)).splitlines())
    return "\n".join(f"_{line}_" for line in lines if line)
