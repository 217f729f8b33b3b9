"""Daily summaries: each user's is due at their local time, found by its stored instant.

A claimed row that is not due after all (a stale instant, a summary turned off) is given its next
instant without being decrypted. A due one is claimed once more, for its local day, in the
deliveries table: that row is what makes it go out exactly once, whatever happens to the first
claim. Only then is the App Password opened and TrackingTime asked.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bot.blocks.summary import daily_summary_message, reconnect_message
from bot.crypto import UnreadableSecret
from bot.schedule import due_day, next_after
from bot.services.container import Services
from bot.storage.deliveries import SUMMARY as SUMMARY_KIND
from bot.storage.deliveries import Wanted
from bot.storage.schedule import SUMMARY, Due
from bot.trackingtime import InvalidCredentials, TrackingTimeError
from bot.worker.batches import RETRY, ROW_LEASE, Outcome, Tally, each_due
from bot.worker.grouped import Grouped
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


# How long a summary's "sent" waits for others to be written with it: a few milliseconds on
# tens of summaries a second, against one commit each.
LINGER = 0.02


@dataclass(frozen=True)
class Ledger:
    """The deliveries table as one round's summaries write to it: each batch's claimed at once,
    and marks grouped (see :mod:`bot.worker.grouped`)."""

    claimed: set[int]  # the rows of the current batch whose summary this worker holds
    sent: Grouped[Wanted, None]
    release: Grouped[Wanted, None]


def wanted(due: Due, day: date) -> Wanted:
    return (due.key, SUMMARY_KIND, day.isoformat())


class Summaries:
    def __init__(
        self,
        services: Services,
        messenger: Messenger,
        slots: asyncio.Semaphore,
        concurrency: int,
        stopping: asyncio.Event | None = None,
    ) -> None:
        self._services = services
        self._stopping = stopping
        self._messenger = messenger
        self._slots = slots
        self._linger = LINGER if concurrency > 1 else 0.0  # alone, nobody would join

    async def send(self, now: datetime) -> Tally:
        """Every summary due at ``now`` that is not yet sent."""
        deliveries = self._services.deliveries
        ledger = Ledger(
            set(),
            Grouped(deliveries.sent_many, self._linger),
            Grouped(deliveries.release_many, self._linger),
        )

        async def claim(batch: list[Due]) -> None:
            due_today = [(due, day) for due in batch if (day := summary_day(due, now))]
            mine = await deliveries.claim_many(
                [wanted(due, day) for due, day in due_today], now, ROW_LEASE
            )
            ledger.claimed.clear()
            ledger.claimed.update(
                due.id for (due, _), ok in zip(due_today, mine, strict=True) if ok
            )

        return await each_due(
            self._services.schedule,
            SUMMARY,
            now,
            lambda due: self._one(due, now, ledger),
            claim,
            self._stopping,
        )

    async def _one(self, due: Due, now: datetime, ledger: Ledger) -> Outcome:
        day = summary_day(due, now)
        if day is None:
            return Outcome(summary_next(due, now))
        delivery = wanted(due, day)
        if due.id not in ledger.claimed:
            if await self._services.deliveries.was_sent(*delivery):
                return Outcome(summary_next(due, now))
            return Outcome({SUMMARY: now + RETRY})  # another worker is sending it
        async with self._slots:
            if self._stopping is not None and self._stopping.is_set():
                await ledger.release(delivery)  # not started: due again at once, for the next
                return Outcome({SUMMARY: now})
            try:
                outcome = await self._deliver(due, day, now)
            except BaseException:
                await ledger.release(delivery)
                raise
            if outcome is None:  # postponed: the claim goes back, to be tried again shortly
                await ledger.release(delivery)
                return Outcome({SUMMARY: now + RETRY}, asked=True)
            await ledger.sent(delivery)
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
        tracking = bool(summary.report.total or summary.report.running)
        values = {**summary_next(due, now), **services.schedule.looked(due, now, tracking=tracking)}
        return Outcome(values, sent=True, asked=True)
