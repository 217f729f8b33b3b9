"""Timers: start, stop and the current state, for one linked user."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, tzinfo
from typing import Protocol

from bot.commands import Token
from bot.services.catalogue import Catalogue
from bot.services.clock import Clock, local_day, overlap, system_clock
from bot.services.matching import Choose, NoMatch, resolve_task
from bot.storage import Link
from bot.trackingtime import (
    Conflict,
    Event,
    RequestRejected,
    RunningTimer,
    Task,
    TrackingTime,
    TrackingTimeSession,
)

log = logging.getLogger(__name__)

RECENT_DAYS = 7
MAX_RECENT_TASKS = 3


class TimerWatch(Protocol):
    """Where the worker learns of the timers the app starts and stops
    (:class:`bot.storage.schedule.ScheduleStore`): a timer started here is reminded of at its
    start plus the user's limit, without asking TrackingTime about it until then."""

    async def timer_started(
        self, link: Link, started_at: datetime, event_id: int | None, now: datetime
    ) -> None: ...

    async def timer_stopped(self, link: Link, now: datetime) -> None: ...


class StatusFollower(Protocol):
    """The Slack status line (:class:`bot.services.status.StatusService`), told of every timer
    the app starts or stops; it changes the status without holding up the reply."""

    def follow(self, link: Link, timer: RunningTimer | None) -> None: ...


class _NoStatus:
    def follow(self, link: Link, timer: RunningTimer | None) -> None:
        return None


@dataclass(frozen=True)
class TimerStatus:
    """What ``/track status`` shows."""

    now: datetime
    running: RunningTimer | None
    today_total: timedelta
    recent_tasks: tuple[Task, ...]
    # The latest finished entry on another task than the running one: what Continue resumes.
    last_stopped: Event | None = None


@dataclass(frozen=True)
class Started:
    timer: RunningTimer
    previous: RunningTimer | None  # the timer this start stopped, if any
    now: datetime


@dataclass(frozen=True)
class Stopped:
    task: Task
    tracked: timedelta
    today_total: timedelta
    now: datetime
    notes: str = ""  # the stopped timer's, for Continue


@dataclass(frozen=True)
class NothingRunning:
    """Stop (or notes) was asked with no timer running."""

    today_total: timedelta | None = None


@dataclass(frozen=True)
class NotesSet:
    """The running timer's notes were changed."""

    timer: RunningTimer
    now: datetime


@dataclass(frozen=True)
class NothingToContinue:
    """No stopped timer in the past week to continue."""


StartOutcome = Started | Choose | NoMatch


def today_total(
    events: Sequence[Event], running: RunningTimer | None, zone: tzinfo, now: datetime
) -> timedelta:
    """Time tracked on the user's local today, counting a running timer up to ``now``."""
    day = local_day(now, zone)
    total = timedelta(0)
    running_event = running.event_id if running else None
    for event in events:
        if event.is_running or event.id == running_event:
            continue
        total += overlap(event.start, event.end or event.start, day, zone)
    if running is not None:
        total += overlap(running.started_at, now, day, zone)
    return total


def recent_tasks(events: Sequence[Event], exclude: int | None) -> tuple[Task, ...]:
    """Distinct tasks of recent entries, latest first: the quick-start buttons."""
    seen: set[int] = set() if exclude is None else {exclude}
    tasks: list[Task] = []
    for event in sorted(events, key=lambda e: e.start, reverse=True):
        if event.task_id is None or event.task_id in seen:
            continue
        seen.add(event.task_id)
        tasks.append(Task(event.task_id, event.task or "", event.project_id, event.project))
        if len(tasks) == MAX_RECENT_TASKS:
            break
    return tuple(tasks)


def last_stopped(events: Sequence[Event], running: RunningTimer | None) -> Event | None:
    """The finished entry that ended last, on a task other than the running timer's."""
    running_task = running.task.id if running else None
    finished = [
        e
        for e in events
        if not e.is_running and e.task_id is not None and e.task_id != running_task
    ]
    return max(finished, key=lambda e: (e.end or e.start, e.id), default=None)


NOTES_SEPARATOR = "\n"  # between the notes a timer had and what `/track note +` adds


class TimerService:
    def __init__(
        self,
        trackingtime: TrackingTime,
        catalogue: Catalogue,
        watch: TimerWatch,
        clock: Clock = system_clock,
        status: StatusFollower | None = None,
    ) -> None:
        self._trackingtime = trackingtime
        self._catalogue = catalogue
        self._watch = watch
        self._clock = clock
        self._status = status or _NoStatus()

    async def _started(
        self, link: Link, timer: RunningTimer, previous: RunningTimer | None, now: datetime
    ) -> Started:
        try:
            await self._watch.timer_started(link, timer.started_at, timer.event_id, now)
        except Exception:  # the timer runs all the same; the worker's slow check will find it
            log.exception("could not record the timer started for %s", link.key.user_id)
        self._status.follow(link, timer)
        return Started(timer, previous, now)

    async def _stopped(self, link: Link, now: datetime) -> None:
        try:
            await self._watch.timer_stopped(link, now)
        except Exception:  # at worst, one look at TrackingTime when its reminder falls due
            log.exception("could not record the timer stopped for %s", link.key.user_id)
        self._status.follow(link, None)

    def _session(self, link: Link) -> TrackingTimeSession:
        return self._trackingtime.session(link.app_password, link.account_id, link.time_zone)

    async def status(self, link: Link) -> TimerStatus:
        session = self._session(link)
        now = self._clock()
        today = local_day(now, session.zone)
        running, events = await asyncio.gather(
            session.running_timer(link.tt_user_id),
            session.events(link.tt_user_id, today - timedelta(days=RECENT_DAYS - 1), today),
        )
        return TimerStatus(
            now=now,
            running=running,
            today_total=today_total(events, running, session.zone, now),
            recent_tasks=recent_tasks(events, running.task.id if running else None),
            last_stopped=last_stopped(events, running),
        )

    async def start(self, link: Link, words: Sequence[Token], notes: str | None) -> StartOutcome:
        """Start the task the words name, or say which tasks could be meant."""
        session = self._session(link)
        running, lists = await asyncio.gather(
            session.running_timer(link.tt_user_id), self._catalogue.lists(link)
        )
        resolution = resolve_task(words, notes, lists.tasks, lists.projects)
        if isinstance(resolution, Choose | NoMatch):
            return resolution
        now = self._clock()
        timer = await session.track(resolution.task.id, now, resolution.notes)
        return await self._started(link, timer, running, now)

    async def start_task(self, link: Link, task_id: int, notes: str = "") -> Started:
        """Start a task chosen by id (a button)."""
        session = self._session(link)
        running = await session.running_timer(link.tt_user_id)
        now = self._clock()
        return await self._started(link, await session.track(task_id, now, notes), running, now)

    async def create_and_start(
        self, link: Link, task_name: str, project_name: str | None, notes: str = ""
    ) -> Started:
        """Create the task (and its project when missing) and start it, in one call."""
        session = self._session(link)
        running = await session.running_timer(link.tt_user_id)
        now = self._clock()
        timer = await session.track_by_name(task_name, project_name, now, notes)
        self._catalogue.forget(link)  # the task (and maybe its project) is new
        return await self._started(link, timer, running, now)

    async def stop(self, link: Link) -> Stopped | NothingRunning:
        session = self._session(link)
        running = await session.running_timer(link.tt_user_id)
        now = self._clock()
        if running is None:
            await self._stopped(link, now)
            return NothingRunning()
        try:
            task = await session.stop(running.task.id, now)
        except Conflict:
            # Stopped elsewhere (the TrackingTime app) between our two calls.
            await self._stopped(link, now)
            return NothingRunning()
        await self._stopped(link, now)
        today = local_day(now, session.zone)
        events = await session.events(link.tt_user_id, today, today)
        return Stopped(
            task=task if task.name else running.task,
            tracked=running.elapsed(now),
            today_total=today_total(events, None, session.zone, now),
            now=now,
            notes=running.notes,
        )

    async def set_notes(self, link: Link, text: str, append: bool) -> NotesSet | NothingRunning:
        """Give the running timer ``text`` as its notes, or add it to the notes it has.

        The timer's time entry is updated with ``events/update`` (see the API notes: that this
        works on a running entry is unconfirmed against the live API).
        """
        session = self._session(link)
        running = await session.running_timer(link.tt_user_id)
        if running is None:
            return NothingRunning()
        if running.event_id is None:
            raise RequestRejected(
                "tracking: no event id",
                "TrackingTime didn't say which time entry your timer writes to, so its notes "
                "can't be changed from Slack.",
            )
        notes = text
        if append and running.notes:
            notes = f"{running.notes}{NOTES_SEPARATOR}{text}"
        event = await session.update_event(running.event_id, notes=notes)
        return NotesSet(replace(running, notes=event.notes), self._clock())

    async def continue_last(self, link: Link) -> Started | NothingToContinue:
        """Start the task of the last stopped timer again, with its notes."""
        session = self._session(link)
        today = local_day(self._clock(), session.zone)
        running, events = await asyncio.gather(
            session.running_timer(link.tt_user_id),
            session.events(link.tt_user_id, today - timedelta(days=RECENT_DAYS - 1), today),
        )
        last = last_stopped(events, running)
        if last is None or last.task_id is None:
            return NothingToContinue()
        now = self._clock()
        timer = await session.track(last.task_id, now, last.notes)
        return await self._started(link, timer, running, now)
