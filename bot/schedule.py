"""When scheduled work falls due, as instants the database can index.

The worker never looks at every user to find out who is due. Each user's row carries the next
instant (in UTC) at which something may be due for them, computed here when their settings or time
zone change, and the worker asks the database for the rows whose instant has passed. The instant
is a promise to look, not the decision: when the row comes up, the same functions decide from the
settings and the time what (if anything) is due, so a stale instant costs one look and never sends
a message twice or at the wrong time.

A daily message at local time ``at`` on a day is due from the first instant of that local day whose
wall-clock time is ``at`` or later, until the day ends. Across a DST change that is still ``at``
local time: when the clocks skip over ``at`` (spring forward) it is the instant they land on, and
when ``at`` happens twice (fall back) it is the first of the two.
"""

from __future__ import annotations

import zlib
from collections.abc import Collection
from datetime import UTC, date, datetime, time, timedelta, tzinfo

WORKDAYS = frozenset(range(5))  # Monday to Friday; Monday is 0
# The working hours in which timers started outside the app are looked for (each user's local
# time, on their summary days): a timer left running overnight is found the next morning.
WORK_STARTS = time(7, 0)
WORK_ENDS = time(20, 0)


def first_instant(day: date, at: time, zone: tzinfo) -> datetime:
    """The first instant (UTC) of local ``day`` whose wall-clock time is ``at`` or later."""
    wall = datetime.combine(day, at)
    earlier = wall.replace(tzinfo=zone).astimezone(UTC)  # fold=0: the first of a repeated time
    if earlier.astimezone(zone).replace(tzinfo=None) == wall:
        return earlier
    # ``at`` does not exist that day: the clocks jump over it. fold=1 reads it with the offset
    # from after the jump (an instant before it), fold=0 with the one from before (after it);
    # the jump itself, where the wall clock first passes ``at``, lies between the two.
    before = int(wall.replace(tzinfo=zone, fold=1).timestamp())
    after = int(earlier.timestamp())
    while after - before > 1:
        middle = (before + after) // 2
        if datetime.fromtimestamp(middle, zone).replace(tzinfo=None) >= wall:
            after = middle
        else:
            before = middle
    return datetime.fromtimestamp(after, UTC)


def next_occurrence(
    days: Collection[int], at: time, zone: tzinfo, from_day: date
) -> datetime | None:
    """The first instant of ``at`` on one of ``days`` (weekdays), on ``from_day`` or later;
    ``None`` when no weekday is chosen."""
    for offset in range(7):
        day = from_day + timedelta(days=offset)
        if day.weekday() in days:
            return first_instant(day, at, zone)
    return None


def due_day(days: Collection[int], at: time, zone: tzinfo, now: datetime) -> date | None:
    """The local day whose daily message is due at ``now``: today, when it is one of ``days`` and
    its first instant of ``at`` has passed; otherwise ``None`` (a day that has ended is never
    due: a worker that was down all evening sends nothing the next morning)."""
    today = now.astimezone(zone).date()
    if today.weekday() not in days or now < first_instant(today, at, zone):
        return None
    return today


def next_after(days: Collection[int], at: time, zone: tzinfo, now: datetime) -> datetime | None:
    """When to look again after a row came up at ``now``: tomorrow's occurrence or later when
    today's is due (it has just been handled), else the next one from today."""
    today = now.astimezone(zone).date()
    handled = due_day(days, at, zone, now) is not None
    return next_occurrence(days, at, zone, today + timedelta(days=1) if handled else today)


def spread(*parts: str) -> float:
    """A fraction in [0, 1) fixed for ``parts`` (a user's ids): spaces out the checks of many
    users so that they do not all fall due at the same instant."""
    return zlib.crc32("/".join(parts).encode()) / 2**32


def in_working_hours(moment: datetime, zone: tzinfo, days: Collection[int]) -> bool:
    local = moment.astimezone(zone)
    return local.weekday() in days and WORK_STARTS <= local.time() < WORK_ENDS


def timer_check_at(
    earliest: datetime, zone: tzinfo, days: Collection[int], every: timedelta, offset: float
) -> datetime:
    """The first instant from ``earliest`` inside the user's working hours on ``days`` (Monday
    to Friday when none are chosen). Outside them, the next working day's start plus ``offset``
    (a fraction) of ``every``, so that a zone's users do not all fall due at its opening hour."""
    days = days or WORKDAYS
    if in_working_hours(earliest, zone, days):
        return earliest
    local_day = earliest.astimezone(zone).date()
    for step in range(8):
        day = local_day + timedelta(days=step)
        if day.weekday() not in days:
            continue
        start = first_instant(day, WORK_STARTS, zone) + every * offset
        if start >= earliest:
            return start
    raise AssertionError("a week always has one of its own weekdays")  # pragma: no cover
