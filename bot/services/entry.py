"""A time entry to add: what it is for and when, how it is stored while it waits, and when a
TrackingTime entry is that entry.

Times are the user's wall-clock times in their Slack time zone; turning them into instants here
(``zoneinfo``) keeps DST days right: 01:30-03:30 on the day clocks go back lasts three hours.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from bot.trackingtime import Event


@dataclass(frozen=True)
class Entry:
    """A time entry ready to add: what it is for, and when (aware instants).

    ``placed`` is ``False`` for an entry given only its length: ``start`` is then midnight of
    its day and ``end`` that plus the length, until it is placed in the day's free time
    (:mod:`bot.services.placement`) just before it is sent.
    """

    start: datetime
    end: datetime
    notes: str = ""
    task_id: int | None = None
    project_id: int | None = None
    # Names, for a task (and project) that TrackingTime should create, and for replies.
    task_name: str | None = None
    project_name: str | None = None
    placed: bool = True

    @property
    def duration(self) -> timedelta:
        # In UTC: same-zone subtraction would ignore a DST change inside the entry.
        return self.end.astimezone(UTC) - self.start.astimezone(UTC)

    @property
    def day(self) -> date:
        """The user's day it is on (``start`` is in their zone)."""
        return self.start.date()

    @property
    def label(self) -> str:
        if self.task_name and self.project_name:
            return f"{self.task_name} · {self.project_name}"
        return self.task_name or self.project_name or "(no task)"

    def at(self, start: datetime, end: datetime) -> Entry:
        """This entry, placed from ``start`` to ``end``."""
        return replace(self, start=start, end=end, placed=True)


def unplaced(day: date, length: timedelta, zone: tzinfo) -> Entry:
    """An entry of ``length`` on ``day`` still to be placed (see :attr:`Entry.placed`)."""
    midnight = at_wall_time(day, time(0), zone)
    return Entry(start=midnight, end=utc_plus(midnight, length, zone), placed=False)


def range_times(day: date, start: time, end: time, zone: tzinfo) -> tuple[datetime, datetime]:
    """The instants of a range typed as wall-clock times on ``day``.

    A range that starts in a skipped hour is read an hour earlier, end included, so it lasts as
    long as written ("02:15-02:45" is half an hour whichever way it is read).
    """
    policy = "earlier" if _skipped(day, start, zone) else "later"
    return at_wall_time(day, start, zone, policy), at_wall_time(day, end, zone, policy)


def _skipped(day: date, at: time, zone: tzinfo) -> bool:
    """Whether the clocks skip ``at`` on ``day`` (02:30 when they jump from 02:00 to 03:00)."""
    local = datetime.combine(day, at, tzinfo=zone)
    return local.astimezone(UTC).astimezone(zone).time() != at


def at_wall_time(day: date, at: time, zone: tzinfo, skipped: str = "later") -> datetime:
    """Wall-clock ``at`` on ``day``. A time the clocks skip is read an hour ``later`` (02:30 as
    03:30, as a clock that was not put forward would show) or an hour ``earlier``."""
    local = datetime.combine(day, at, tzinfo=zone).replace(fold=int(skipped == "earlier"))
    return local.astimezone(UTC).astimezone(zone)


def utc_plus(begin: datetime, span: timedelta, zone: tzinfo) -> datetime:
    """``begin + span`` in real elapsed time, even across a DST change."""
    return (begin.astimezone(UTC) + span).astimezone(zone)


def entry_to_json(entry: Entry) -> str:
    """An entry as stored until TrackingTime has it (instants as epoch seconds; an unplaced one
    as its day and length, so it stays on that day if the user's zone changes meanwhile)."""
    when: dict[str, object] = (
        {"start": int(entry.start.timestamp()), "end": int(entry.end.timestamp())}
        if entry.placed
        else {"day": entry.day.isoformat(), "length": int(entry.duration.total_seconds())}
    )
    return json.dumps(
        {
            **when,
            "notes": entry.notes,
            "task_id": entry.task_id,
            "project_id": entry.project_id,
            "task_name": entry.task_name,
            "project_name": entry.project_name,
        },
        ensure_ascii=False,
    )


def entry_from_json(text: str, zone: tzinfo) -> Entry:
    data = json.loads(text)
    if "day" in data:
        when = unplaced(date.fromisoformat(data["day"]), timedelta(seconds=data["length"]), zone)
    else:
        when = Entry(
            start=datetime.fromtimestamp(int(data["start"]), UTC).astimezone(zone),
            end=datetime.fromtimestamp(int(data["end"]), UTC).astimezone(zone),
        )
    return replace(
        when,
        notes=str(data.get("notes") or ""),
        task_id=data.get("task_id"),
        project_id=data.get("project_id"),
        task_name=data.get("task_name"),
        project_name=data.get("project_name"),
    )


def same_entry(event: Event, entry: Entry) -> bool:
    """Whether TrackingTime's ``event`` is ``entry``: the same instants to the second, the same
    notes, and the same task (by id, or by name when TrackingTime was to find or create it),
    or the same project for an entry on a project alone."""
    if event.end is None or not entry.placed:
        return False
    if (event.start, event.end) != (
        entry.start.replace(microsecond=0),
        entry.end.replace(microsecond=0),
    ):
        return False
    if event.notes.strip() != entry.notes.strip():
        return False
    if entry.task_id is not None:
        return event.task_id == entry.task_id
    if entry.task_name:
        if not _same_name(event.task, entry.task_name):
            return False
    elif event.task_id is not None:
        return False
    if entry.project_id is not None:
        return event.project_id == entry.project_id
    return entry.project_name is None or _same_name(event.project, entry.project_name)


def _same_name(found: str | None, wanted: str) -> bool:
    return " ".join((found or "").split()).casefold() == " ".join(wanted.split()).casefold()
