"""Logging past time as TrackingTime entries: from typed text, the Log-time modal or a button.

Times are the user's wall-clock times in their Slack time zone; turning them into instants here
(``zoneinfo``) keeps DST days right: 01:30-03:30 on the day clocks go back lasts three hours.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from bot.logparse import MAX_DAYS_BACK, LogRequest, parse_duration
from bot.services.catalogue import Catalogue
from bot.services.clock import Clock, local_day, system_clock
from bot.services.matching import Choose, Match, NoMatch, resolve_task
from bot.services.timers import RECENT_DAYS, recent_tasks
from bot.storage import Link
from bot.storage.pending import PendingEntryStore
from bot.trackingtime import (
    Event,
    NotFound,
    RateLimited,
    Task,
    TrackingTime,
    TrackingTimeSession,
    Unavailable,
)
from bot.trackingtime.timefmt import zone_or_utc

# Where an entry for a past day starts when only its length is known.
DEFAULT_START = time(9, 0)


@dataclass(frozen=True)
class Entry:
    """A time entry ready to add: what it is for, and when (aware instants)."""

    start: datetime
    end: datetime
    notes: str = ""
    task_id: int | None = None
    project_id: int | None = None
    # Names, for a task (and project) that TrackingTime should create, and for replies.
    task_name: str | None = None
    project_name: str | None = None

    @property
    def duration(self) -> timedelta:
        # In UTC: same-zone subtraction would ignore a DST change inside the entry.
        return self.end.astimezone(UTC) - self.start.astimezone(UTC)

    @property
    def label(self) -> str:
        if self.task_name and self.project_name:
            return f"{self.task_name} · {self.project_name}"
        return self.task_name or self.project_name or "(no task)"


@dataclass(frozen=True)
class Logged:
    """The entry is in TrackingTime."""

    entry: Entry
    event: Event


@dataclass(frozen=True)
class Kept:
    """TrackingTime could not take the entry now: it is stored and will be added later."""

    entry: Entry
    reason: str


@dataclass(frozen=True)
class Unresolved:
    """The typed task needs a choice (or creating) before anything is logged."""

    resolution: Choose | NoMatch
    start: datetime
    end: datetime
    notes: str


@dataclass(frozen=True)
class InFuture:
    """The typed range ends after now: time is logged once it is done."""

    end: datetime


LogOutcome = Logged | Kept | Unresolved | InFuture


def entry_times(
    day: date,
    duration: timedelta,
    start: time | None,
    end: time | None,
    zone: tzinfo,
    now: datetime,
) -> tuple[datetime, datetime]:
    """The instants an entry covers.

    A range is taken as wall-clock times on ``day``. A bare duration ends now when ``day`` is
    today, and otherwise starts at 09:00 that day.
    """
    if start is not None and end is not None:
        # A range that starts in a skipped hour is read an hour earlier, end included, so it
        # lasts as long as written ("02:15-02:45" is half an hour whichever way it is read).
        policy = "earlier" if _skipped(day, start, zone) else "later"
        return _at(day, start, zone, policy), _at(day, end, zone, policy)
    if day >= local_day(now, zone):
        finish = now.astimezone(zone).replace(second=0, microsecond=0)
        return (finish.astimezone(UTC) - duration).astimezone(zone), finish
    begin = _at(day, DEFAULT_START, zone)
    return begin, _utc_plus(begin, duration, zone)


def _skipped(day: date, at: time, zone: tzinfo) -> bool:
    """Whether the clocks skip ``at`` on ``day`` (02:30 when they jump from 02:00 to 03:00)."""
    local = datetime.combine(day, at, tzinfo=zone)
    return local.astimezone(UTC).astimezone(zone).time() != at


def _at(day: date, at: time, zone: tzinfo, skipped: str = "later") -> datetime:
    """Wall-clock ``at`` on ``day``. A time the clocks skip is read an hour ``later`` (02:30 as
    03:30, as a clock that was not put forward would show) or an hour ``earlier``."""
    local = datetime.combine(day, at, tzinfo=zone).replace(fold=int(skipped == "earlier"))
    return local.astimezone(UTC).astimezone(zone)


def _utc_plus(begin: datetime, span: timedelta, zone: tzinfo) -> datetime:
    """``begin + span`` in real elapsed time, even across a DST change."""
    return (begin.astimezone(UTC) + span).astimezone(zone)


def entry_to_json(entry: Entry) -> str:
    """An entry as stored for a retry (instants as epoch seconds)."""
    return json.dumps(
        {
            "start": int(entry.start.timestamp()),
            "end": int(entry.end.timestamp()),
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
    return Entry(
        start=datetime.fromtimestamp(int(data["start"]), UTC).astimezone(zone),
        end=datetime.fromtimestamp(int(data["end"]), UTC).astimezone(zone),
        notes=str(data.get("notes") or ""),
        task_id=data.get("task_id"),
        project_id=data.get("project_id"),
        task_name=data.get("task_name"),
        project_name=data.get("project_name"),
    )


class EntryService:
    def __init__(
        self,
        trackingtime: TrackingTime,
        catalogue: Catalogue,
        pending: PendingEntryStore,
        clock: Clock = system_clock,
    ) -> None:
        self._trackingtime = trackingtime
        self._catalogue = catalogue
        self._pending = pending
        self._clock = clock

    def _session(self, link: Link) -> TrackingTimeSession:
        return self._trackingtime.session(link.app_password, link.account_id, link.time_zone)

    def now(self) -> datetime:
        return self._clock()

    async def log_or_keep(
        self, link: Link, entry: Entry, channel_id: str | None = None
    ) -> Logged | Kept:
        """Add ``entry``; when TrackingTime is down or busy, keep it for the worker to add
        later. Either way the user can be told where their time is."""
        try:
            return await self.log(link, entry)
        except RETRYABLE as error:
            await self._pending.add(link.key, entry_to_json(entry), channel_id, self._clock())
            return Kept(entry, error.user_message)

    async def log_text(
        self, link: Link, request: LogRequest, channel_id: str | None = None
    ) -> LogOutcome:
        """``/track log …``: resolve the task, then add the entry."""
        zone = zone_or_utc(link.time_zone)
        now = self._clock()
        start, end = entry_times(
            request.day, request.duration, request.start, request.end, zone, now
        )
        if end > now + timedelta(minutes=1):
            return InFuture(end)
        lists = await self._catalogue.lists(link)
        resolution = resolve_task(request.words, request.notes, lists.tasks, lists.projects)
        if not isinstance(resolution, Match):
            return Unresolved(resolution, start, end, request.notes or "")
        task = resolution.task
        entry = Entry(
            start=start,
            end=end,
            notes=resolution.notes,
            task_id=task.id,
            project_id=task.project_id,
            task_name=task.name,
            project_name=task.project,
        )
        return await self.log_or_keep(link, entry, channel_id)

    async def log_again(
        self, link: Link, entry: Entry, day: date, channel_id: str | None = None
    ) -> Logged | Kept | InFuture:
        """``entry``'s task, length and notes once more on ``day``: the entry a ``/track log``
        of that length with no times would add, placed the same way."""
        zone = zone_or_utc(link.time_zone)
        now = self._clock()
        start, end = entry_times(day, entry.duration, None, None, zone, now)
        if end > now + timedelta(minutes=1):
            return InFuture(end)
        return await self.log_or_keep(link, replace(entry, start=start, end=end), channel_id)

    async def log(self, link: Link, entry: Entry) -> Logged:
        """Add ``entry`` to TrackingTime. Raises :class:`bot.trackingtime.TrackingTimeError`."""
        session = self._session(link)
        event = await session.add_event(
            link.tt_user_id,
            entry.start,
            entry.end,
            task_id=entry.task_id,
            project_id=None if entry.task_id else entry.project_id,
            task_name=None if entry.task_id else entry.task_name,
            project_name=None if entry.task_id or entry.project_id else entry.project_name,
            notes=entry.notes,
        )
        if entry.task_id is None:
            self._catalogue.forget(link)  # TrackingTime may have created a task or project
        return Logged(entry, event)

    async def recent_task(self, link: Link) -> Task | None:
        """The task of the user's latest entry in the past week, to preselect in the modal.
        Fetches the project and task lists meanwhile, so typeahead then answers from cache."""
        session = self._session(link)
        today = local_day(self._clock(), session.zone)
        events, _ = await asyncio.gather(
            session.events(link.tt_user_id, today - timedelta(days=RECENT_DAYS - 1), today),
            self._catalogue.lists(link),
        )
        latest = recent_tasks(events, exclude=None)
        return latest[0] if latest else None

    async def already_logged(self, link: Link, entry: Entry) -> Event | None:
        """The entry, if TrackingTime has it already (a retry must not add it twice)."""
        return await self._session(link).find_event(
            link.tt_user_id, entry.start, entry.end, entry.task_id
        )

    async def undo(self, link: Link, event_id: int) -> bool:
        """Delete a logged entry; ``False`` when it was already gone."""
        try:
            await self._session(link).delete_event(event_id)
        except NotFound:
            return False
        return True


# TrackingTime being down or busy is worth retrying later; other failures are not.
RETRYABLE = (Unavailable, RateLimited)


@dataclass(frozen=True)
class LogForm:
    """The Log-time modal as submitted: raw values, ``None`` where a field was left empty.

    ``task``/``project`` are ``(id, label)`` of the chosen options; times are ``HH:MM``.
    """

    day: str | None
    task: tuple[int, str] | None = None
    project: tuple[int, str] | None = None
    start: str | None = None
    end: str | None = None
    duration: str | None = None
    notes: str = ""


LABEL_SEPARATOR = " · "


def entry_from_form(form: LogForm, zone: tzinfo, now: datetime) -> Entry | dict[str, str]:
    """The entry the form describes, or field errors keyed by field name (the modal's block
    ids): what is wrong with each field, in words a user can act on."""
    errors: dict[str, str] = {}
    if form.task is None and form.project is None:
        errors["task"] = "Pick a task (or at least a project)."
    day = _form_day(form.day, errors, local_day(now, zone))
    span = None
    if form.duration:
        span = parse_duration(form.duration)
        if span is None:
            errors["duration"] = (
                f"I couldn't read “{form.duration}” as a duration: try 1h30m, 90m, 1.5h or 1:30."
            )
    start_at = _form_time(form.start, "start", errors)
    end_at = _form_time(form.end, "end", errors)
    if not (start_at or end_at or form.duration or {"start", "end"} & set(errors)):
        errors["duration"] = "Give From and To, or how long (like 1h30m)."
    if errors or day is None:
        return errors
    if start_at and end_at:
        start, end = entry_times(day, timedelta(0), start_at, end_at, zone, now)
        if end <= start:
            return {"end": "This must be after From."}
        real = end.astimezone(UTC) - start.astimezone(UTC)
        if span is not None and abs(real - span) > timedelta(minutes=1):
            return {
                "duration": "From and To already say how long: leave this empty or make it match."
            }
    elif start_at or end_at:
        if span is None:
            field = "end" if start_at else "start"
            return {field: "Give both From and To, or fill in how long."}
        if start_at:
            start = _at(day, start_at, zone)
            end = _utc_plus(start, span, zone)
        else:
            end = _at(day, end_at, zone)  # type: ignore[arg-type]
            start = (end.astimezone(UTC) - span).astimezone(zone)
    else:
        assert span is not None  # checked above
        start, end = entry_times(day, span, None, None, zone, now)
    if end > now + timedelta(minutes=1):
        return {"end" if start_at or end_at else "duration": "That ends in the future."}
    task_name = project_name = None
    if form.task is not None:
        task_name, _, project_name = form.task[1].partition(LABEL_SEPARATOR)
    elif form.project is not None:
        project_name = form.project[1]
    return Entry(
        start=start,
        end=end,
        notes=form.notes.strip(),
        task_id=form.task[0] if form.task else None,
        project_id=form.project[0] if form.project else None,
        task_name=task_name or None,
        project_name=project_name or None,
    )


def _form_day(text: str | None, errors: dict[str, str], today: date) -> date | None:
    try:
        day = date.fromisoformat(text or "")
    except ValueError:
        errors["date"] = "Pick the day the work was done."
        return None
    if day > today:
        errors["date"] = "That day is still to come: log time once it's done."
        return None
    if day < today - timedelta(days=MAX_DAYS_BACK):
        errors["date"] = "That is more than a year ago: TrackingTime's own app is better for it."
        return None
    return day


def _form_time(text: str | None, field: str, errors: dict[str, str]) -> time | None:
    if not text:
        return None
    try:
        return time.fromisoformat(text)
    except ValueError:
        errors[field] = f"“{text}” is not a time of day like 09:30."
        return None
