"""TrackingTime's date formats: ``yyyy-MM-dd HH:mm:ss`` wall-clock times plus ``GMT±HH:MM``.

The offset is computed from the user's IANA zone *at that instant*, so a time in summer and one in
winter carry different offsets, as TrackingTime's own client sends them.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

TT_DATETIME = "%Y-%m-%d %H:%M:%S"
_MAX_OFFSET = timedelta(hours=14)  # Pacific/Kiritimati; the westmost zone is UTC-12
_GMT_OFFSET = re.compile(r"^(?:GMT|UTC)?\s*([+-])(\d{1,2})(?::?(\d{2}))?$", re.IGNORECASE)


def zone_or_utc(name: str | None) -> tzinfo:
    """The IANA zone ``name``, or UTC when it is empty or unknown (Slack may send neither)."""
    if not name:
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def gmt_offset(at: datetime) -> str:
    """``GMT+02:00`` for an aware datetime."""
    offset = at.utcoffset()
    if offset is None:
        raise ValueError("gmt_offset needs an aware datetime")
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, minutes = divmod(abs(minutes), 60)
    return f"GMT{sign}{hours:02d}:{minutes:02d}"


def to_tt(at: datetime, zone: tzinfo) -> tuple[str, str]:
    """``(local wall time, GMT offset)`` of instant ``at`` in ``zone``, as TrackingTime wants."""
    local = at.astimezone(zone)
    return local.strftime(TT_DATETIME), gmt_offset(local)


def parse_offset(text: str | None, fallback: tzinfo) -> tzinfo:
    """A ``tzinfo`` for TrackingTime's ``timezone`` field: ``GMT+3``, ``GMT-05:00`` or IANA.

    ``fallback`` when the field is empty or unusable (unknown name, offset out of range).
    """
    value = (text or "").strip()
    if not value:
        return fallback
    match = _GMT_OFFSET.match(value)
    if match:
        sign, hours, minutes = match.groups()
        delta = timedelta(hours=int(hours), minutes=int(minutes or 0))
        if int(minutes or 0) >= 60 or delta > _MAX_OFFSET:
            return fallback  # e.g. GMT+99 or GMT+12:75: not an offset any zone has
        return timezone(-delta if sign == "-" else delta)
    if value.upper() in ("GMT", "UTC"):
        return UTC
    try:
        return ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return fallback


def parse_tt_datetime(text: str, zone: tzinfo) -> datetime:
    """An aware datetime from a TrackingTime wall-clock string in ``zone``.

    ``fromisoformat`` reads it several times faster than ``strptime`` (every entry of every
    report has two), but also takes shapes TrackingTime never sends, so the shape is checked.
    """
    value = text.strip()[:19]
    if len(value) != 19 or value[10] != " " or not value[:4].isdigit():
        raise ValueError(f"not a TrackingTime date and time: {text!r}")
    return datetime.fromisoformat(value).replace(tzinfo=zone)


def tt_date(day: date) -> str:
    return day.isoformat()
