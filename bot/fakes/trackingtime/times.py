"""Wall-clock times and time zones as the fake TrackingTime reads and writes them.

Instants travel as local ``yyyy-MM-dd HH:mm:ss`` with a ``timezone`` parameter (``GMT+02:00``,
``GMT+3``, ``UTC+1``, ``GMT`` or an IANA name), and are echoed as ``GMT+HH:MM``. Pure functions.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.fakes.trackingtime.wire import ApiError

DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"
DATE_FORMAT = "%Y-%m-%d"

DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
GMT_RE = re.compile(r"^(?:GMT|UTC)(?:([+-])(\d{1,2})(?::?(\d{2}))?)?$", re.IGNORECASE)


def now_utc() -> str:
    return datetime.now(UTC).strftime(DATETIME_FORMAT)


def fmt(value: datetime | None) -> str | None:
    return None if value is None else value.strftime(DATETIME_FORMAT)


def display_time(value: datetime | None) -> str | None:
    """A display string like ``09:05 am``: the real ``loc_*`` fields are preformatted text."""
    return None if value is None else value.strftime("%I:%M %p").lower()


def hms(seconds: int) -> str:
    hours, rest = divmod(max(seconds, 0), 3600)
    return f"{hours:02d}:{rest // 60:02d}:{rest % 60:02d}"


def gmt(offset: timedelta) -> str:
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    hours, mins = divmod(abs(minutes), 60)
    return f"GMT{sign}{hours:02d}:{mins:02d}"


def parse_local(value: str) -> datetime:
    """Parse ``yyyy-MM-dd HH:mm:ss`` strictly; ValueError otherwise."""
    if not DATETIME_RE.match(value):
        raise ValueError(f"expected yyyy-MM-dd HH:mm:ss, got {value!r}")
    return datetime.strptime(value, DATETIME_FORMAT)


def resolve_timezone(raw: str, local: datetime) -> tuple[str, timedelta]:
    """Turn ``GMT+3`` / ``GMT-05:00`` / an IANA name into (``GMT±HH:MM``, offset) at ``local``."""
    value = raw.strip()
    match = GMT_RE.match(value)
    if match:
        sign, hours, minutes = match.groups()
        if sign is None:
            return "GMT+00:00", timedelta(0)
        offset = timedelta(hours=int(hours), minutes=int(minutes or 0))
        if offset > timedelta(hours=14) or int(minutes or 0) >= 60:
            raise ValueError(f"offset out of range: {raw!r}")
        if sign == "-":
            offset = -offset
        return gmt(offset), offset
    if "/" in value or value.upper() == "UTC":
        try:
            zone = ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {raw!r}") from exc
        offset = local.replace(tzinfo=zone).utcoffset() or timedelta(0)
        return gmt(offset), offset
    raise ValueError(f"unknown time zone {raw!r}")


def wall_offsets(zone: ZoneInfo, local: datetime) -> list[timedelta]:
    """The offsets ``zone`` can have at wall time ``local``: two in the hour a DST change repeats
    (or skips), else one."""
    offsets: list[timedelta] = []
    for fold in (0, 1):
        offset = local.replace(tzinfo=zone, fold=fold).utcoffset() or timedelta(0)
        if offset not in offsets:
            offsets.append(offset)
    return offsets


def wall_param(params: dict[str, str], name: str) -> datetime:
    """A required ``yyyy-MM-dd HH:mm:ss`` parameter (status 400 naming it otherwise)."""
    raw = params.get(name, "").strip()
    if not raw:
        raise ApiError(400, f"The parameter '{name}' is required (yyyy-MM-dd HH:mm:ss)")
    try:
        return parse_local(raw)
    except ValueError:
        raise ApiError(
            400, f"The parameter '{name}' has an invalid format, expected yyyy-MM-dd HH:mm:ss"
        ) from None


def zone_param(raw: str, local: datetime) -> tuple[str, timedelta]:
    """The ``timezone`` parameter at ``local`` (status 400 when it is not one)."""
    try:
        return resolve_timezone(raw, local)
    except ValueError:
        raise ApiError(
            400, "The parameter 'timezone' is invalid, expected e.g. GMT+02:00"
        ) from None


def range_bound(params: dict[str, str], name: str, *, end_of_day: bool) -> datetime:
    """``from``/``to``: a date (00:00:00, or 23:59:59 for the end) or a local date and time."""
    raw = params.get(name, "").strip()
    if not raw:
        raise ApiError(400, f"The parameter '{name}' is required (YYYY-MM-DD)")
    try:
        if DATE_RE.match(raw):
            day = datetime.strptime(raw, DATE_FORMAT)
            return day.replace(hour=23, minute=59, second=59) if end_of_day else day
        return parse_local(raw)
    except ValueError:
        raise ApiError(
            400, f"The parameter '{name}' has an invalid format, expected YYYY-MM-DD"
        ) from None
