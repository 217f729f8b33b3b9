"""The gap finder: the stretches of a working day that nothing tracked covers.

Working hours run from the user's start to their end time (their settings, 09:00-17:30 unless
they change them) in their Slack time zone. Which days are working days comes from their
TrackingTime schedule, which gives hours per weekday but no times of day: a day it gives no
hours is no working day, and a day it gives fewer hours than the user's longest ends that much
earlier (Mon-Thu 8 h and Fri 4 h: Friday ends four hours before the others). Without a
schedule, the days in their settings count (Monday to Friday unless they change them).

Pure functions on aware instants, compared in UTC, so DST days need no special case; gaps are in
whole minutes, as a user would type them. Entries may overlap each other and the running timer
(which covers its time up to now): what counts is whether anything covers a minute.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo

from bot.services.entry import at_wall_time
from bot.storage.accounts import UserSettings

MINUTE = timedelta(minutes=1)


@dataclass(frozen=True)
class Gap:
    """Untracked time from ``start`` to ``end`` (aware, in the user's zone)."""

    start: datetime
    end: datetime

    @property
    def length(self) -> timedelta:
        return self.end.astimezone(UTC) - self.start.astimezone(UTC)


@dataclass(frozen=True)
class WorkingDay:
    """The working hours of one day, as instants in the user's zone."""

    start: datetime
    end: datetime


def working_day(
    day: date, settings: UserSettings, schedule: Sequence[float] | None, zone: tzinfo
) -> WorkingDay | None:
    """``day``'s working hours (see the module docstring); ``None`` on a day off."""
    hours = list(schedule or ())
    shorter = timedelta(0)
    if len(hours) == 7 and any(h > 0 for h in hours):
        if hours[day.weekday()] <= 0:
            return None
        shorter = timedelta(hours=max(hours) - hours[day.weekday()])
    elif day.weekday() not in settings.work_days:
        return None
    begin = datetime.combine(day, settings.work_start)
    finish = datetime.combine(day, settings.work_end) - _whole_minutes(shorter)
    if finish <= begin:
        return None
    return WorkingDay(at_wall_time(day, begin.time(), zone), at_wall_time(day, finish.time(), zone))


def find_gaps(
    hours: WorkingDay,
    busy: Iterable[tuple[datetime, datetime]],
    now: datetime,
    threshold: timedelta,
) -> tuple[Gap, ...]:
    """The stretches of ``hours`` up to ``now`` that nothing in ``busy`` covers, at least
    ``threshold`` long, longest first (the earlier of two as long first). A zero threshold
    means the user does not want gaps looked for."""
    if threshold <= timedelta(0):
        return ()
    zone = hours.start.tzinfo
    first, last = _utc(hours.start), min(_utc(hours.end), _utc(now))
    spans = sorted((_utc(start), _utc(end)) for start, end in busy if _utc(end) > _utc(start))
    found: list[Gap] = []
    cursor = first
    for start, end in spans:
        if cursor >= last:
            break
        if start > cursor:
            found += _gap(cursor, min(start, last), zone)
        cursor = max(cursor, end)
    if cursor < last:
        found += _gap(cursor, last, zone)
    kept = [gap for gap in found if gap.length >= threshold]
    return tuple(sorted(kept, key=lambda gap: (-gap.length, _utc(gap.start))))


def _gap(start: datetime, end: datetime, zone: tzinfo | None) -> list[Gap]:
    """The gap in whole minutes (a start at 09:00:30 counts from 09:01), if any is left."""
    begin = _floor(start) if _floor(start) == start else _floor(start) + MINUTE
    finish = _floor(end)
    return [Gap(begin.astimezone(zone), finish.astimezone(zone))] if finish > begin else []


def _whole_minutes(span: timedelta) -> timedelta:
    return timedelta(minutes=round(span / MINUTE))


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def _floor(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)
