"""Fixing what was tracked: edit, delete (and undo that), log again today, start again, and the
list of latest entries that ``/track edit`` shows.

Every entry id comes from a Slack payload (a menu option, a button, a modal's metadata), so it is
acted on only after TrackingTime says the entry belongs to the user's own TrackingTime user: an
admin's App Password may read and change colleagues' entries, and a crafted payload must not make
the app do that for them.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.services.catalogue import Lists
from bot.services.clock import Clock, local_day, system_clock
from bot.services.entries import SENDING_LEASE, EntryService, LogForm
from bot.services.entry import Entry, entry_from_json, entry_to_json, unplaced
from bot.services.outcomes import InProgress, Logged, Sent
from bot.services.placement import Busy
from bot.services.timers import Started, TimerService
from bot.storage import Link
from bot.storage.deleted import DeletedEntryStore
from bot.trackingtime import Event, NotFound, TrackingTime, TrackingTimeError, TrackingTimeSession

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class EntryGone:
    """TrackingTime has no such entry (deleted meanwhile, or of another workspace)."""

    event_id: int


@dataclass(frozen=True)
class NotYours:
    """The entry belongs to someone else: nothing is done with it."""

    event_id: int


@dataclass(frozen=True)
class Running:
    """The entry is the running timer, which has no end to edit yet."""

    event: Event


Declined = EntryGone | NotYours | Running


@dataclass(frozen=True)
class Changed:
    """The entry changed in TrackingTime after the form was filled in: nothing was saved."""

    event: Event


@dataclass(frozen=True)
class Updated:
    """Saved; ``overlaps`` is what the entry's new times share with the user's other time."""

    before: Event
    after: Event
    overlaps: tuple[Busy, ...] = ()


@dataclass(frozen=True)
class Deleted:
    """The entry as it was; Undo brings it back from what is kept under ``undo_id``."""

    event: Event
    undo_id: int


@dataclass(frozen=True)
class Restored:
    """Undo of a delete: the entry is back (under a new id, TrackingTime cannot undelete), with
    what it overlaps now (time logged since in its place)."""

    event: Event
    overlaps: tuple[Busy, ...] = ()


@dataclass(frozen=True)
class UndoExpired:
    """Nothing kept to undo: a day has passed, or it was undone already."""


@dataclass(frozen=True)
class ProjectOnly:
    """An entry on a project itself: TrackingTime starts timers on tasks only."""

    event: Event


LATEST_DAYS = 2  # /track edit lists today and yesterday


def version(event: Event) -> str:
    """A short fingerprint of what an entry says: the edit form remembers the one it was filled
    from, and saving over an entry that changed since would lose someone's change."""
    facts = [
        int(event.start.timestamp()),
        int(event.end.timestamp()) if event.end else None,
        event.task_id,
        event.project_id,
        event.notes,
    ]
    return hashlib.sha256(json.dumps(facts).encode()).hexdigest()[:16]


def entry_of(event: Event) -> Entry:
    """A finished entry as one to add again: same task (or project), times and notes."""
    assert event.end is not None, "a running entry has no end to add again"
    return Entry(
        start=event.start,
        end=event.end,
        notes=event.notes,
        task_id=event.task_id,
        project_id=event.project_id,
        task_name=event.task,
        project_name=event.project,
    )


def _same_times(event: Event, entry: Entry) -> bool:
    """Whether the form left the times as it showed them. It shows minutes, and an entry timed
    by a timer has seconds: times left alone are not sent, so they keep their seconds."""

    def minute(moment: datetime) -> datetime:
        return moment.replace(second=0, microsecond=0)

    return (
        event.end is not None
        and minute(event.start) == entry.start
        and minute(event.end) == entry.end
    )


def task_outside_project(form: LogForm, lists: Lists | None) -> dict[str, str]:
    """A field error when the form names a task and a project the task is not in: the task
    decides the project, so the project picked would be silently ignored. Told only when the
    cached lists know the task (without them the check is skipped, not guessed)."""
    if form.task is None or form.project is None or lists is None:
        return {}
    task = next((t for t in lists.tasks if t.id == form.task[0]), None)
    if task is None or task.project_id == form.project[0]:
        return {}
    where = f"is in {task.project}" if task.project else "is in no project"
    return {
        "task": f"{task.name} {where}, not {form.project[1]}: pick a task of that project, "
        "or clear Task to put the time on the project itself."
    }


class EditingService:
    def __init__(
        self,
        trackingtime: TrackingTime,
        entries: EntryService,
        timers: TimerService,
        deleted: DeletedEntryStore,
        clock: Clock = system_clock,
    ) -> None:
        self._trackingtime = trackingtime
        self._entries = entries
        self._timers = timers
        self._deleted = deleted
        self._clock = clock

    def _session(self, link: Link) -> TrackingTimeSession:
        return self._trackingtime.session(link.app_password, link.account_id, link.time_zone)

    async def entry(self, link: Link, event_id: int) -> Event | EntryGone | NotYours:
        """The user's own entry ``event_id``, as TrackingTime has it now."""
        session = self._session(link)
        try:
            event = await session.event(event_id)
        except NotFound:
            return EntryGone(event_id)
        if event.user_id is None:
            # Whether every entry carries user_id is unconfirmed: then it is the user's if it is
            # among their own entries around its start.
            day = event.start.astimezone(session.zone).date()
            own = await session.entries_around(link.tt_user_id, day)
            if any(listed.id == event_id for listed in own):
                return replace(event, user_id=link.tt_user_id)
        if event.user_id != link.tt_user_id:
            # An id the app never showed this user: a crafted payload, or a bug. Worth a trace.
            log.warning(
                "refused entry %s of another user for %s/%s",
                event_id,
                link.key.team_id,
                link.key.user_id,
            )
            return NotYours(event_id)
        return event

    async def finished_entry(self, link: Link, event_id: int) -> Event | Declined:
        """:meth:`entry`, refusing the running timer's entry (it has no end yet)."""
        event = await self.entry(link, event_id)
        if isinstance(event, Event) and event.is_running:
            return Running(event)
        return event

    async def undo_logged(self, link: Link, event_id: int) -> bool | NotYours:
        """Undo of a just-logged entry: delete it; ``False`` when it was already gone."""
        event = await self.entry(link, event_id)
        if isinstance(event, NotYours):
            return event
        return isinstance(event, Event) and await self._entries.undo(link, event_id)

    async def update(
        self, link: Link, event_id: int, seen: str, entry: Entry
    ) -> Updated | Changed | Declined:
        """Save the edit form's ``entry`` over entry ``event_id``, unless the entry changed since
        the form showed version ``seen`` of it."""
        before = await self.finished_entry(link, event_id)
        if not isinstance(before, Event):
            return before
        if version(before) != seen:
            return Changed(before)
        moved = not _same_times(before, entry)
        after = await self._session(link).update_event(
            event_id,
            times=(entry.start, entry.end) if moved else None,
            task_id=entry.task_id,
            project_id=None if entry.task_id else entry.project_id,
            notes=entry.notes,
        )
        if not moved or after.end is None:
            return Updated(before, after)
        # Times set by hand are taken as given, as a typed range is, and the answer says what
        # they overlap. It is saved either way: a failed look is no reason to say otherwise.
        try:
            overlaps = await self._entries.overlaps(link, after.start, after.end, event_id)
        except TrackingTimeError:
            overlaps = ()
        return Updated(before, after, overlaps)

    async def delete(self, link: Link, event_id: int) -> Deleted | Declined:
        """Delete the entry from TrackingTime, keeping it here for Undo."""
        event = await self.finished_entry(link, event_id)
        if not isinstance(event, Event):
            return event
        try:
            await self._session(link).delete_event(event_id)
        except NotFound:  # deleted elsewhere between the two calls
            return EntryGone(event_id)
        undo_id = await self._deleted.keep(link.key, entry_to_json(entry_of(event)), self._clock())
        return Deleted(event, undo_id)

    async def restore(
        self, link: Link, undo_id: int, channel_id: str | None
    ) -> Restored | Sent | InProgress | UndoExpired:
        """Undo a delete: add the entry again with the same task, times and notes, as any entry
        is added (written before it is sent, so a lost answer is found, not doubled). One click
        claims the Undo; a second one meanwhile is told it is under way, and one after it that
        nothing is left to undo."""
        now = self._clock()
        kept = await self._deleted.claim(link.key, undo_id, now, SENDING_LEASE)
        if kept is None:
            held = await self._deleted.get(link.key, undo_id, now)
            return UndoExpired() if held is None else InProgress()
        entry = entry_from_json(kept, self._session(link).zone)
        try:
            added = await self._entries.log_or_keep(link, entry, channel_id)
        except TrackingTimeError:
            # Nothing is kept to send (the App Password was refused, say): the Undo stays for
            # another click. Anything else leaves the claim to run out.
            await self._deleted.release(link.key, undo_id)
            raise
        # Back in TrackingTime, or kept for the worker (or a Try again): this Undo is spent.
        await self._deleted.forget(link.key, undo_id)
        if isinstance(added, Logged):
            return Restored(added.event, added.overlaps)
        return added

    async def log_again_today(
        self, link: Link, event_id: int, channel_id: str | None
    ) -> Sent | Declined:
        """The entry's task, length and notes once more, today, placed as ``/track log`` places
        a length with no times: in free time, never over other entries or the running timer."""
        event = await self.finished_entry(link, event_id)
        if not isinstance(event, Event):
            return event
        zone = self._session(link).zone
        when = unplaced(local_day(self._clock(), zone), event.duration, zone)
        again = replace(entry_of(event), start=when.start, end=when.end, placed=False)
        return await self._entries.log_or_keep(link, again, channel_id)

    async def start_again(self, link: Link, event_id: int) -> Started | ProjectOnly | Declined:
        """A timer on the entry's task, with its notes (stopping any running timer)."""
        event = await self.entry(link, event_id)
        if not isinstance(event, Event):
            return event
        if event.task_id is None:
            return ProjectOnly(event)
        return await self._timers.start_task(link, event.task_id, event.notes)

    async def latest(self, link: Link) -> tuple[Event, ...]:
        """The user's finished entries of today and yesterday, newest first."""
        session = self._session(link)
        today = local_day(self._clock(), session.zone)
        events = await session.events(
            link.tt_user_id, today - timedelta(days=LATEST_DAYS - 1), today
        )
        finished = [event for event in events if not event.is_running]
        return tuple(sorted(finished, key=lambda e: (e.start, e.id), reverse=True))

    async def latest_entry(self, link: Link) -> Event | None:
        """The user's latest finished entry of today or yesterday: ``/track edit last``."""
        latest = await self.latest(link)
        return latest[0] if latest else None
