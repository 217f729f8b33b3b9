"""Daily summaries: each user's is due at their local time, found by its stored instant.

A claimed row that is not due after all (a stale instant, a summary turned off) is given its next
instant without being decrypted. A due one is claimed once more, for its local day, in the
deliveries table: that row is what makes it go out exactly once, whatever happens to the first
claim. Only then is the App Password opened and TrackingTime asked.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import date, datetime
from typing import Any

from bot.blocks.summary import daily_summary_message, reconnect_message
from bot.crypto import UnreadableSecret
from bot.schedule import due_day, next_after
from bot.services.container import Services
from bot.storage.deliveries import SUMMARY as SUMMARY_KIND
from bot.storage.schedule import SUMMARY, Due
from bot.trackingtime import InvalidCredentials, TrackingTimeError
from bot.worker.batches import DELIVERY_LEASE, RETRY, Outcome, Tally, each_due
from bot.worker.messenger import Messenger

log = logging.getLogger(__name__)


def summary_next(due: Due, now: datetime) -> dict[str, Any]:
    """The row's next summary instant after a look at ``now``."""
    settings = due.settings
    if not settings.summary_enabled:
        return {SUMMARY: None}
    return {SUMMARY: next_after(settings.summary_days, settings.summary_time, due.zone, now)}


def summary_day(due: Due, now: datetime) -> date | None:
    settings = due.settings
    if not settings.summary_enabled:
        return None
    return due_day(settings.summary_days, settings.summary_time, due.zone, now)


class Summaries:
    def __init__(self, services: Services, messenger: Messenger, slots: asyncio.Semaphore) -> None:
        self._services = services
        self._messenger = messenger
        self._slots = slots

    async def send(self, now: datetime) -> Tally:
        """Every summary due at ``now`` that is not yet sent."""
        return await each_due(
            self._services.schedule, SUMMARY, now, lambda due: self._one(due, now)
        )

    async def _one(self, due: Due, now: datetime) -> Outcome:
        day = summary_day(due, now)
        if day is None:
            return Outcome(summary_next(due, now))
        deliveries, period = self._services.deliveries, day.isoformat()
        async with self._slots:
            if not await deliveries.claim(due.key, SUMMARY_KIND, period, now, DELIVERY_LEASE):
                if await deliveries.was_sent(due.key, SUMMARY_KIND, period):
                    return Outcome(summary_next(due, now))
                return Outcome({SUMMARY: now + RETRY})  # another worker is sending it
            try:
                outcome = await self._deliver(due, day, now)
            except BaseException:
                await deliveries.release(due.key, SUMMARY_KIND, period)
                raise
            if outcome is None:  # postponed: the claim goes back, to be tried again shortly
                await deliveries.release(due.key, SUMMARY_KIND, period)
                return Outcome({SUMMARY: now + RETRY}, asked=True)
            await deliveries.sent(due.key, SUMMARY_KIND, period)
            return outcome

    async def _deliver(self, due: Due, day: date, now: datetime) -> Outcome | None:
        """The day's summary sent (or the user told to reconnect), or ``None`` when TrackingTime
        or Slack could not be reached for it."""
        services, key = self._services, due.key
        try:
            link = services.accounts.link_of(due.row)
            summary = await services.summaries.summary(link, day)
        except (InvalidCredentials, UnreadableSecret):
            # Tell once, then stay quiet until the user reconnects (connecting resets this).
            if not due.row.reconnect_notified:
                await self._messenger.send(key, reconnect_message())
            return Outcome({**summary_next(due, now), "reconnect_notified": True}, asked=True)
        except TrackingTimeError as error:
            log.info("summary for %s postponed: %s", key.user_id, type(error).__name__)
            return None
        if not await self._messenger.send(key, daily_summary_message(summary, due.zone)):
            return None
        values = summary_next(due, now)
        if summary.report.total or summary.report.running:
            values.update(services.schedule.active_values(due, now))
        return Outcome(values, sent=True, asked=True)
