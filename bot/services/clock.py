"""Time as the services see it: an injectable clock and day boundaries in a user's zone."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta, tzinfo

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


def local_day(at: datetime, zone: tzinfo) -> date:
    """The calendar day ``at`` falls on for someone in ``zone``."""
    return at.astimezone(zone).date()


def start_of_day(day: date, zone: tzinfo) -> datetime:
    """Local midnight (aware). On a DST day the day is 23 or 25 hours long; this stays right."""
    return datetime.combine(day, time(0), tzinfo=zone)


def overlap(start: datetime, end: datetime, day: date, zone: tzinfo) -> timedelta:
    """How much of ``start``..``end`` falls on local ``day``."""
    # Subtracting datetimes that share a tzinfo ignores DST (wall-clock arithmetic): use UTC.
    day_start = start_of_day(day, zone).astimezone(UTC)
    day_end = start_of_day(day + timedelta(days=1), zone).astimezone(UTC)
    return max(
        min(end.astimezone(UTC), day_end) - max(start.astimezone(UTC), day_start), timedelta(0)
    )
