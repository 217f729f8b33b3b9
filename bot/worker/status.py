"""The Slack status line's sync: opted-in users' statuses kept in line with their timers.

A timer started or stopped from Slack changes the status at once (the web process); this catches
what happens in TrackingTime itself, moves the expiry of a status forward while its timer runs,
and takes back what the app set when the user turns the line off. The budget: one TrackingTime
call per opted-in user per ``STATUS_SYNC_MINUTES`` (10: at most 6 an hour), only while a timer
runs or inside their working hours (bot.services.status.next_sync), claimed in the database so
workers split it; a TrackingTime webhook makes a user due at once instead of waiting.
"""

from __future__ import annotations

import asyncio
from datetime import datetime

from bot.crypto import UnreadableSecret
from bot.services.container import Services
from bot.services.status import RETRY_AFTER, Applied, next_sync
from bot.storage.schedule import STATUS, Due
from bot.trackingtime import InvalidCredentials, TrackingTimeError
from bot.worker.batches import Outcome, Tally, each_due


class StatusSync:
    def __init__(
        self, services: Services, slots: asyncio.Semaphore, stopping: asyncio.Event | None = None
    ) -> None:
        self._services = services
        self._slots = slots
        self._stopping = stopping

    async def sync(self, now: datetime) -> Tally:
        """Every user whose status is due a look."""
        return await each_due(
            self._services.schedule,
            STATUS,
            now,
            lambda due: self._sync(due, now),
            stopping=self._stopping,
        )

    async def _sync(self, due: Due, now: datetime) -> Outcome:
        status = self._services.status
        state = status.store.state_of(due.row)
        if state.token is None:
            return Outcome({STATUS: None})
        async with self._slots:
            if self._stopping is not None and self._stopping.is_set():
                return Outcome({STATUS: now})  # not started: due again at once, for the next
            if not state.choice.enabled:  # turned off: take back what the app set, no timer
                await status.apply(state, None)
                return Outcome({STATUS: None})
            try:
                link = self._services.accounts.link_of(due.row)
                timer = await self._services.summaries.running_timer(link)
            except (InvalidCredentials, UnreadableSecret):
                # Until they reconnect; a status set meanwhile lapses by its expiry.
                return Outcome({STATUS: None}, asked=True)
            except TrackingTimeError:
                return Outcome({STATUS: now + RETRY_AFTER}, asked=True)
            applied = await status.apply(state, timer)
        if applied is Applied.TURNED_OFF:
            return Outcome({STATUS: None}, asked=True)
        if applied is Applied.UNREACHABLE:
            return Outcome({STATUS: now + RETRY_AFTER}, asked=True)
        later = next_sync(link, timer is not None, status.every, now)
        return Outcome(
            {STATUS: later}, asked=True, sent=applied in (Applied.SHOWN, Applied.CLEARED)
        )
