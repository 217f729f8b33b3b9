"""Logging past time as TrackingTime entries: from typed text, the Log-time modal or a button.

Every entry is written to the database before it is sent (:mod:`bot.storage.pending`), so it is
never lost, and retries keep its identity: a TrackingTime entry is taken for a kept one only if
it is that entry (:func:`bot.services.entry.same_entry`), was not already there before the entry
was first sent, and is not another kept entry's. An entry given only its length is placed in the
free time of its day (:mod:`bot.services.placement`); one given a range is taken as typed, and
the reply says what it overlaps.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace
from datetime import datetime, timedelta

from bot.logparse import LogRequest
from bot.services.catalogue import Catalogue
from bot.services.clock import Clock, local_day, system_clock
from bot.services.day import DayState
from bot.services.entry import (
    Entry,
    entry_from_json,
    entry_to_json,
    range_times,
    unplaced,
)
from bot.services.entry_form import LABEL_SEPARATOR, LogForm, entry_from_form
from bot.services.matching import Match, resolve_task
from bot.services.outcomes import (
    GaveUp,
    Gone,
    InFuture,
    InProgress,
    Kept,
    Later,
    Logged,
    LogOutcome,
    NoFreeTime,
    NoRoom,
    Refused,
    Retried,
    Sent,
    TriedAgain,
    Unresolved,
)
from bot.services.placement import Busy, Placement, overlapping, place, workday_start
from bot.services.timers import RECENT_DAYS, recent_tasks
from bot.storage import Link
from bot.storage.pending import Claimed, Held, PendingEntryStore
from bot.trackingtime import (
    Event,
    NotFound,
    RateLimited,
    RequestRejected,
    Task,
    TrackingTime,
    TrackingTimeError,
    TrackingTimeSession,
    Unavailable,
)
from bot.trackingtime.timefmt import zone_or_utc

__all__ = [
    "LABEL_SEPARATOR",
    "RETRYABLE",
    "EntryService",
    "GaveUp",
    "Gone",
    "InFuture",
    "InProgress",
    "Kept",
    "Later",
    "LogForm",
    "LogOutcome",
    "Logged",
    "NoRoom",
    "Refused",
    "Retried",
    "Sent",
    "TriedAgain",
    "Unresolved",
    "entry_from_form",
]

# TrackingTime being down or busy is worth retrying later; other failures are not.
RETRYABLE = (Unavailable, RateLimited)
# How long whoever sends an entry holds it: well over the client's time-out.
SENDING_LEASE = timedelta(minutes=2)
# How long a Try again click waits for another one (a double click) to finish the same entry.
WAIT_FOR_OTHER_CLICK = 6.0


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

    async def log_text(
        self, link: Link, request: LogRequest, channel_id: str | None = None
    ) -> LogOutcome:
        """``/track log …``: resolve the task, then add the entry."""
        zone = zone_or_utc(link.time_zone)
        if request.start is not None and request.end is not None:
            start, end = range_times(request.day, request.start, request.end, zone)
            if end > self._clock() + timedelta(minutes=1):
                return InFuture(end)
            when = Entry(start=start, end=end)
        else:
            when = unplaced(request.day, request.duration, zone)
        lists = await self._catalogue.lists(link)
        resolution = resolve_task(request.words, request.notes, lists.tasks, lists.projects)
        if not isinstance(resolution, Match):
            return Unresolved(resolution, when.start, when.end, request.notes or "", when.placed)
        task = resolution.task
        entry = replace(
            when,
            notes=resolution.notes,
            task_id=task.id,
            project_id=task.project_id,
            task_name=task.name,
            project_name=task.project,
        )
        return await self.log_or_keep(link, entry, channel_id)

    async def log_or_keep(self, link: Link, entry: Entry, channel_id: str | None = None) -> Sent:
        """Add ``entry`` (placed in its day's free time first when it has only a length). When
        TrackingTime is down or busy it is kept for the worker; when TrackingTime refuses it, it
        is kept for a Try again. Either way the user can be told where their time is."""
        try:
            state = await self._read_day(link, entry)
        except RETRYABLE as error:  # nothing sent: the worker places and adds it later
            await self._pending.add(link.key, entry_to_json(entry), channel_id, self._clock())
            return Kept(entry, error.user_message)
        now = self._clock()
        async with self._pending.holding(link.key) as mine:
            ready = self._ready(link, entry, state, await mine.rows(state.read_at))
            if ready is None:
                return NoRoom(entry)
            placed, placement, overlaps = ready
            kept_id = await mine.insert(
                entry_to_json(placed),
                channel_id,
                now,
                lease_until=now + SENDING_LEASE,
                known_events=state.like(placed),
            )
        try:
            event = await self._send(link, kept_id, placed)
        except RETRYABLE as error:
            await self._pending.retry_at(kept_id, self._clock(), str(error))
            return Kept(placed, error.user_message, overlaps)
        except RequestRejected as error:
            await self._pending.await_user(kept_id, str(error))
            return Refused(placed, error.user_message, kept_id)
        except TrackingTimeError:
            await self._pending.forget(kept_id)  # not found, forbidden…: no retry will help
            raise
        return Logged(placed, event, placement, overlaps)

    async def retry_kept(
        self, link: Link, item: Claimed, *, give_up: bool, next_try: datetime
    ) -> Retried:
        """The worker's attempt at a kept entry it claimed: added (or found in TrackingTime),
        put off until ``next_try``, or, when TrackingTime still cannot take it and ``give_up``,
        or will never take it, dropped."""
        result = await self._attempt(link, item)
        if not isinstance(result, TrackingTimeError):
            return result
        if isinstance(result, RETRYABLE) and not give_up:
            await self._pending.retry_at(item.id, next_try, str(result))
            return Later()
        entry = await self._stored(link, item)
        await self._pending.forget(item.id)
        return GaveUp(entry, result.user_message)

    async def try_again(self, link: Link, kept_id: int) -> TriedAgain:
        """The user's Try again on a refused entry: the same entry, sent again with the same
        identity rule, so that a double click (or a click on an entry that did arrive) adds it
        once. Only the clicking user's own entries are found."""
        zone = zone_or_utc(link.time_zone)
        deadline = time.monotonic() + WAIT_FOR_OTHER_CLICK
        while True:
            item = await self._pending.claim_for(link.key, kept_id, self._clock(), SENDING_LEASE)
            if item is not None:
                break
            stored = await self._pending.get(link.key, kept_id)
            if stored is None:
                return Gone()
            text, event_id = stored
            if event_id is not None:
                entry = entry_from_json(text, zone)
                return Logged(entry, _event_of(entry, event_id))
            if time.monotonic() > deadline:
                return InProgress()
            await asyncio.sleep(0.2)
        result = await self._attempt(link, item)
        if not isinstance(result, TrackingTimeError):
            return result
        if isinstance(result, RETRYABLE):
            await self._pending.retry_at(item.id, self._clock(), str(result))
            return Kept(await self._stored(link, item), result.user_message)
        await self._pending.forget(item.id)
        raise result

    async def _attempt(
        self, link: Link, item: Claimed
    ) -> Logged | Refused | NoRoom | TrackingTimeError:
        """Send a kept entry again, unless TrackingTime has it already; a failure that may be
        retried is returned for the caller to decide."""
        try:
            return await self._resend(link, item)
        except RequestRejected as error:
            await self._pending.await_user(item.id, str(error))
            return Refused(await self._stored(link, item), error.user_message, item.id)
        except NoFreeTime:
            entry = await self._stored(link, item)
            await self._pending.forget(item.id)
            return NoRoom(entry)
        except TrackingTimeError as error:
            return error

    async def _resend(self, link: Link, item: Claimed) -> Logged:
        zone = zone_or_utc(link.time_zone)
        entry = entry_from_json(item.entry, zone)
        state = await self._read_day(link, entry)
        if item.known_events is not None:  # sent before: it may be there, its answer lost
            found = await self._take_match(item, entry, state, item.known_events)
            if found is not None:
                return Logged(entry, found)
            return Logged(entry, await self._send(link, item.id, entry))
        async with self._pending.holding(link.key) as mine:
            held = [row for row in await mine.rows(state.read_at) if row.id != item.id]
            ready = self._ready(link, entry, state, held)
            if ready is None:
                raise NoFreeTime
            placed, placement, _ = ready
            await mine.update(item.id, entry_to_json(placed), state.like(placed))
        return Logged(placed, await self._send(link, item.id, placed), placement)

    async def _take_match(
        self, item: Claimed, entry: Entry, state: DayState, known: frozenset[int]
    ) -> Event | None:
        """The TrackingTime entry that is ``item``'s lost add, settled as its own: one that is
        this entry, was not there before it was first sent, and no other kept entry has."""
        same = state.like(entry) - known
        candidates = sorted((e for e in state.events if e.id in same), key=lambda e: e.id)
        if not candidates:
            return None
        taken = await self._pending.taken_events(item.key, besides=item.id)
        for event in candidates:
            if event.id not in taken and await self._pending.settle(
                item.id, event.id, self._clock()
            ):
                return event
        return None

    def _ready(
        self, link: Link, entry: Entry, state: DayState, held: list[Held]
    ) -> tuple[Entry, Placement | None, tuple[Busy, ...]] | None:
        """``entry`` ready to send: placed if it has only a length (with where and why), else
        with what it overlaps; ``None`` when no free time that day is long enough."""
        zone = zone_or_utc(link.time_zone)
        now = self._clock()
        busy = state.busy(now, held, zone)
        if entry.placed:
            return entry, None, tuple(overlapping(entry.start, entry.end, busy))
        spot = place(entry.day, entry.duration, busy, zone, now, workday_start(link, entry.day))
        if spot is None:
            return None
        return entry.at(spot.start, spot.end), spot, ()

    async def overlaps(
        self, link: Link, start: datetime, end: datetime, besides: int
    ) -> tuple[Busy, ...]:
        """What of the user's time shares time with ``start``-``end`` besides their TrackingTime
        entry ``besides`` (one just moved there): entries, the running timer, entries kept."""
        zone = zone_or_utc(link.time_zone)
        state = await self._read_day(link, Entry(start=start.astimezone(zone), end=end))
        others = replace(state, events=tuple(e for e in state.events if e.id != besides))
        async with self._pending.holding(link.key) as mine:
            held = [row for row in await mine.rows(state.read_at) if row.event_id != besides]
        return tuple(overlapping(start, end, others.busy(self._clock(), held, zone)))

    async def _read_day(self, link: Link, entry: Entry) -> DayState:
        session = self._session(link)
        read_at = self._clock()
        events, timer = await asyncio.gather(
            session.entries_around(link.tt_user_id, entry.day),
            session.running_timer(link.tt_user_id),
        )
        return DayState(read_at, tuple(events), timer)

    async def _stored(self, link: Link, item: Claimed) -> Entry:
        """A kept entry as it is stored now (placed, if it was placed since it was claimed)."""
        stored = await self._pending.get(item.key, item.id)
        return entry_from_json(stored[0] if stored else item.entry, zone_or_utc(link.time_zone))

    async def _send(self, link: Link, kept_id: int, entry: Entry) -> Event:
        """Add ``entry`` and settle kept entry ``kept_id`` as the TrackingTime entry it became.
        Raises :class:`bot.trackingtime.TrackingTimeError`."""
        event = await self._session(link).add_event(
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
        if not await self._pending.settle(kept_id, event.id, self._clock()):
            # Another kept entry took this one for its own lost add: this one stays to be
            # settled by a retry, which finds that one's entry, or adds it again.
            await self._pending.retry_at(kept_id, self._clock(), "its entry was taken")
        return event

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

    async def undo(self, link: Link, event_id: int) -> bool:
        """Delete a logged entry; ``False`` when it was already gone."""
        try:
            await self._session(link).delete_event(event_id)
        except NotFound:
            return False
        return True


def _event_of(entry: Entry, event_id: int) -> Event:
    """The TrackingTime entry a kept entry became, from what is stored of it."""
    return Event(
        id=event_id,
        task_id=entry.task_id,
        task=entry.task_name,
        project_id=entry.project_id,
        project=entry.project_name,
        start=entry.start,
        end=entry.end,
        duration=entry.duration,
        notes=entry.notes,
    )
