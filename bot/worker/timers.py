"""Forgotten timers, reminded once, on a budget of TrackingTime calls.

A timer the app started is known (:meth:`bot.storage.schedule.ScheduleStore.timer_started`): its
reminder is due at its start plus the user's limit, and TrackingTime is asked about it once, then,
to see that it still runs. Timers started elsewhere (TrackingTime's own apps) are found by a slow
check: for each user active in the last :data:`ACTIVE_FOR`, inside their working hours, at most
once every ``TIMER_CHECK_MINUTES``; a timer found is known from then on. Both are claimed in the
database, so several workers split the checks instead of repeating them.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

from bot.blocks.summary import forgotten_timer_message
from bot.crypto import UnreadableSecret
from bot.schedule import WORKDAYS, in_working_hours, spread, timer_check_at
from bot.services.container import Services
from bot.storage.deliveries import FORGOTTEN_TIMER
from bot.storage.schedule import CHECK, REMINDER, Due
from bot.trackingtime import InvalidCredentials, RunningTimer, TrackingTimeError
from bot.worker.batches import DELIVERY_LEASE, RETRY, Outcome, Tally, each_due
from bot.worker.messenger import Messenger

log = logging.getLogger(__name__)

# A user not seen using the app or tracking time for this long is no longer checked on.
ACTIVE_FOR = timedelta(days=7)
FORGOTTEN = {"timer_started_at": None, "timer_event_id": None, REMINDER: None}


def is_known(due: Due, timer: RunningTimer) -> bool:
    """Whether ``timer`` is the one the row knows of (by its entry, else by its start)."""
    if due.row.timer_event_id is not None and timer.event_id is not None:
        return due.row.timer_event_id == timer.event_id
    started = due.timer_started_at
    return started is not None and int(started.timestamp()) == int(timer.started_at.timestamp())


class Timers:
    def __init__(
        self,
        services: Services,
        messenger: Messenger,
        slots: asyncio.Semaphore,
        stopping: asyncio.Event | None = None,
    ) -> None:
        self._services = services
        self._messenger = messenger
        self._slots = slots
        self._stopping = stopping

    async def remind(self, now: datetime) -> Tally:
        """The known timers whose reminder is due: asked about once, reminded if still running."""
        return await each_due(
            self._services.schedule,
            REMINDER,
            now,
            lambda due: self._reminder(due, now),
            stopping=self._stopping,
        )

    async def check(self, now: datetime) -> Tally:
        """The slow check for timers started outside the app, for the users due one."""
        return await each_due(
            self._services.schedule,
            CHECK,
            now,
            lambda due: self._check(due, now),
            stopping=self._stopping,
        )

    async def _reminder(self, due: Due, now: datetime) -> Outcome:
        if not due.settings.timer_limit or due.timer_started_at is None:
            return Outcome({REMINDER: None})
        async with self._slots:
            if self._stopping is not None and self._stopping.is_set():
                return Outcome({REMINDER: now})  # not started: due again at once, for the next
            try:
                link = self._services.accounts.link_of(due.row)
                timer = await self._services.summaries.running_timer(link)
            except (InvalidCredentials, UnreadableSecret):
                return Outcome({REMINDER: None}, asked=True)  # nothing to do until they reconnect
            except TrackingTimeError:
                return Outcome({REMINDER: now + RETRY}, asked=True)
            return await self._follow(due, timer, now)

    async def _check(self, due: Due, now: datetime) -> Outcome:
        schedule = self._services.schedule
        every = schedule.timer_checks
        if not every or due.active_at is None or now - due.active_at >= ACTIVE_FOR:
            return Outcome({CHECK: None})  # away: looked for again once they are back
        zone, days = due.zone, due.settings.summary_days or WORKDAYS
        if due.row.timer_remind_at is not None or not due.settings.timer_limit:
            # A known timer's reminder will look, or no reminder is wanted: skip this one.
            return Outcome(schedule.looked(due, now, tracking=False))
        if not in_working_hours(now, zone, days):
            offset = spread(due.key.enterprise_id or "", due.key.team_id, due.key.user_id)
            return Outcome({CHECK: timer_check_at(now, zone, days, every, offset)})
        async with self._slots:
            if self._stopping is not None and self._stopping.is_set():
                return Outcome({CHECK: now})  # not started: due again at once, for the next
            try:
                link = self._services.accounts.link_of(due.row)
                timer = await self._services.summaries.running_timer(link)
            except (InvalidCredentials, UnreadableSecret):
                return Outcome({CHECK: None}, asked=True)  # until they reconnect
            except TrackingTimeError:  # the next check, not sooner: a budget
                return Outcome(schedule.looked(due, now, tracking=False), asked=True)
            if timer is not None and is_known(due, timer):  # reminded of, or not yet overdue
                return Outcome(schedule.looked(due, now, tracking=True), asked=True)
            return await self._follow(due, timer, now)

    async def _follow(self, due: Due, timer: RunningTimer | None, now: datetime) -> Outcome:
        """What a look at the user's running timer means: nothing running (forget the known
        one), a timer not yet known (know it), and its reminder, now if it is overdue. The look
        was the user's timer check for now (see ScheduleStore.looked)."""
        values = self._services.schedule.looked(due, now, tracking=timer is not None)
        if timer is None:
            return Outcome({**values, **FORGOTTEN}, asked=True)
        if not is_known(due, timer):
            values["timer_started_at"] = timer.started_at.astimezone(UTC)
            values["timer_event_id"] = timer.event_id
        remind_at = timer.started_at + due.settings.timer_limit
        if remind_at > now:
            return Outcome({**values, REMINDER: remind_at.astimezone(UTC)}, asked=True)
        reminded = await self._remind(due, timer, now)
        values[REMINDER] = now + RETRY if reminded is None else None
        return Outcome(values, sent=bool(reminded), asked=True)

    async def _remind(self, due: Due, timer: RunningTimer, now: datetime) -> bool | None:
        """``True`` once the reminder is sent, ``False`` when it was before, ``None`` when Slack
        could not take it now."""
        deliveries, key = self._services.deliveries, due.key
        period = str(timer.event_id or int(timer.started_at.timestamp()))
        if not await deliveries.claim(key, FORGOTTEN_TIMER, period, now, DELIVERY_LEASE):
            return False if await deliveries.was_sent(key, FORGOTTEN_TIMER, period) else None
        message = forgotten_timer_message(timer, now, due.zone)
        if not await self._messenger.send(key, message):
            await deliveries.release(key, FORGOTTEN_TIMER, period)
            return None
        await deliveries.sent(key, FORGOTTEN_TIMER, period)
        return True
