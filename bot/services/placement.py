"""Where an entry given only its length goes: never on top of the user's other time.

``/track log 1h yesterday Meeting`` says how long, not when. The entry is put where it overlaps
nothing the user already has that day (their entries, the running timer, entries still waiting
to be added):

* today, it ends now, or where the running timer began, or else where the latest earlier entry
  began that leaves room for it;
* on a past day, it starts after the day's last entry, or at the start of the working day when
  the day is empty; when that leaves no room before midnight, it goes in the latest free time of
  the day that is long enough.

Pure functions on aware instants, compared in UTC, so DST days need no special case; the result
is in whole minutes, as a user would type it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Literal

from bot.storage import Link

# Where the working day begins for placement's own callers that know no user.
DEFAULT_WORKDAY_START = time(9, 0)

MINUTE = timedelta(minutes=1)


def workday_start(link: Link, day: date) -> time:
    """When ``link``'s user starts work on ``day``: where an entry on an otherwise empty past day
    begins. Their working hours' start (09:00 unless they changed it), the same every day:
    TrackingTime's schedule has hours per weekday, not a start."""
    return link.settings.work_start


@dataclass(frozen=True)
class Busy:
    """Time the user already has: an entry, the running timer (until now), or an entry the app
    is still to add. ``label`` names it in replies."""

    start: datetime
    end: datetime
    label: str
    running: bool = False


Rule = Literal["after", "day start", "now", "before", "day end"]


@dataclass(frozen=True)
class Placement:
    """Where an entry went and why: ``after`` the day's last entry (``neighbour``), at the
    ``day start`` of an empty day, ending ``now``, ending ``before`` ``neighbour`` began (the
    running timer, or an entry), or in the free time that ends the day (``day end``)."""

    start: datetime
    end: datetime
    rule: Rule
    neighbour: Busy | None = None


@dataclass(frozen=True)
class _Gap:
    start: datetime  # UTC, whole minutes
    end: datetime
    after: Busy | None  # what ends where the gap begins
    before: Busy | None  # what begins where the gap ends


def place(
    day: date,
    length: timedelta,
    busy: Iterable[Busy],
    zone: tzinfo,
    now: datetime,
    day_start: time = DEFAULT_WORKDAY_START,
) -> Placement | None:
    """The slot for ``length`` on ``day`` (the user's local day in ``zone``) that overlaps
    nothing in ``busy``; ``None`` when no free time that day is long enough."""
    first, after_day = _local(day, time(0), zone), _local(day + timedelta(days=1), time(0), zone)
    last = min(after_day, _floor(now.astimezone(UTC)))
    within = sorted(
        (b for b in busy if _utc(b.start) < last and _utc(b.end) > first),
        key=lambda b: (_utc(b.start), _utc(b.end)),
    )
    gaps = [gap for gap in _gaps(first, last, within) if gap.end - gap.start >= length]
    if not gaps:
        return None
    if last < after_day:  # today: as late as it fits, ending now at the latest
        gap = gaps[-1]
        return _ending(gap, length, zone, "now" if gap.before is None else "before")
    if not within:
        begin = max(_ceil(_local(day, day_start, zone)), first)
        if begin + length <= last:
            return Placement(_in(begin, zone), _in(begin + length, zone), "day start")
    else:
        final = max(within, key=lambda b: _utc(b.end))
        tail = gaps[-1]
        if tail.before is None and tail.start >= _ceil(_utc(final.end)):
            start = tail.start
            return Placement(_in(start, zone), _in(start + length, zone), "after", final)
    gap = gaps[-1]  # no room after the last entry: the latest free time that is long enough
    return _ending(gap, length, zone, "day end" if gap.before is None else "before")


def overlapping(start: datetime, end: datetime, busy: Iterable[Busy]) -> list[Busy]:
    """What in ``busy`` shares time with ``start``-``end`` (touching ends do not count)."""
    return [b for b in busy if _utc(b.start) < _utc(end) and _utc(start) < _utc(b.end)]


def _gaps(first: datetime, last: datetime, within: Sequence[Busy]) -> list[_Gap]:
    """The free stretches between ``first`` and ``last`` (UTC), trimmed to whole minutes."""
    gaps: list[_Gap] = []
    cursor, previous = first, None
    for item in within:
        start, end = _utc(item.start), _utc(item.end)
        if start > cursor:
            gaps.append(_Gap(_ceil(cursor), _floor(start), previous, item))
        if end >= cursor:
            cursor, previous = end, item
    if last > cursor:
        gaps.append(_Gap(_ceil(cursor), last, previous, None))
    return [gap for gap in gaps if gap.end > gap.start]


def _ending(gap: _Gap, length: timedelta, zone: tzinfo, rule: Rule) -> Placement:
    return Placement(_in(gap.end - length, zone), _in(gap.end, zone), rule, gap.before)


def _local(day: date, at: time, zone: tzinfo) -> datetime:
    """Wall-clock ``at`` on ``day`` as a UTC instant (a skipped time reads an hour later)."""
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def _in(moment: datetime, zone: tzinfo) -> datetime:
    return moment.astimezone(zone)


def _floor(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def _ceil(moment: datetime) -> datetime:
    floor = _floor(moment)
    return floor if floor == moment else floor + MINUTE
