"""The worker: work that must happen outside any Slack request, and survive restarts.

For now that is adding the time entries users logged while TrackingTime was unavailable. Each
round claims due entries in the database (a lease, see :mod:`bot.storage.pending`), so several
workers never add one twice, and a worker killed mid-round leaves its claims to expire. Before
adding, it looks for the entry in TrackingTime: a first attempt that reached TrackingTime but
lost its answer must not become a duplicate.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime, timedelta

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks import Message
from bot.blocks.entries import logged_later_message, not_logged_message
from bot.crypto import UnreadableSecret
from bot.services.clock import Clock, system_clock
from bot.services.container import Services
from bot.services.entries import RETRYABLE, Logged, entry_from_json
from bot.storage.pending import Claimed
from bot.trackingtime import TrackingTimeError
from bot.trackingtime.timefmt import zone_or_utc

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)
POLL_SECONDS = 10.0
GIVE_UP_AFTER = timedelta(hours=24)
FIRST_RETRY = timedelta(minutes=1)
LONGEST_WAIT = timedelta(minutes=30)


def backoff(attempts: int) -> timedelta:
    """1, 2, 4 … minutes between tries, at most half an hour."""
    return min(FIRST_RETRY * 2 ** min(attempts, 10), LONGEST_WAIT)


class Worker:
    def __init__(self, services: Services, slack: AsyncWebClient, clock: Clock = system_clock):
        self._services = services
        self._slack = slack
        self._clock = clock

    async def retry_pending(self) -> int:
        """One round: claim the due entries and try each once; returns how many it claimed."""
        now = self._clock()
        claimed = await self._services.pending.claim(now, LEASE)
        for item in claimed:
            await self._retry(item, now)
        return len(claimed)

    async def _retry(self, item: Claimed, now: datetime) -> None:
        services = self._services
        link = await services.accounts.get(item.key) if item.key else None
        if link is None:  # disconnected meanwhile: their data is gone, and so is this
            await services.pending.done(item.id)
            return
        zone = zone_or_utc(link.time_zone)
        entry = entry_from_json(item.entry, zone)
        try:
            found = await services.entries.already_logged(link, entry)
            logged = Logged(entry, found) if found else await services.entries.log(link, entry)
        except RETRYABLE as error:
            if now - item.created_at < GIVE_UP_AFTER:
                await services.pending.retry_at(item.id, now + backoff(item.attempts), str(error))
                return
            await services.pending.done(item.id)
            await self._tell(item, not_logged_message(entry, zone, error.user_message))
            return
        except (TrackingTimeError, UnreadableSecret) as error:
            reason = getattr(error, "user_message", "your TrackingTime link can't be read")
            await services.pending.done(item.id)
            await self._tell(item, not_logged_message(entry, zone, reason))
            return
        await services.pending.done(item.id)
        await self._tell(item, logged_later_message(logged, zone))

    async def _tell(self, item: Claimed, message: Message) -> None:
        try:
            await self._slack.chat_postMessage(channel=item.key.user_id, **message.to_dict())
        except SlackApiError as error:
            log.warning("could not DM %s: %s", item.key.user_id, error.response.get("error"))

    async def run(self, stop: asyncio.Event, poll_seconds: float = POLL_SECONDS) -> None:
        """Rounds until ``stop`` is set; a failed round is logged and the next one follows."""
        while not stop.is_set():
            try:
                handled = await self.retry_pending()
                if handled:
                    log.info("retried %d pending entries", handled)
            except Exception:
                log.exception("worker round failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), poll_seconds)
