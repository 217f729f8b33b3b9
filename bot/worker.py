"""The worker: work that must happen outside any Slack request, and survive restarts.

Each round it adds the time entries users logged while TrackingTime was unavailable, sends the
daily summaries that are due, and reminds users of timers left running. Every piece of work is
claimed in the database first (a lease, see :mod:`bot.storage.pending` and
:mod:`bot.storage.deliveries`), so several workers never do one thing twice, and a worker killed
mid-round leaves its claims to expire for another to finish. Adding a kept entry is the entry
service's (:meth:`bot.services.entries.EntryService.retry_kept`): it looks for the entry in
TrackingTime first, so a first attempt that reached TrackingTime but lost its answer does not
become a duplicate.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import date, datetime, timedelta

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks import Message
from bot.blocks.outcomes import retried_message
from bot.blocks.summary import daily_summary_message, forgotten_timer_message, reconnect_message
from bot.crypto import UnreadableSecret
from bot.services.clock import Clock, system_clock
from bot.services.container import Services
from bot.services.digest import send_digests
from bot.services.summaries import summary_due, timer_overdue
from bot.slack_clients import TeamClients, team_clients
from bot.storage import Link, SlackUserKey
from bot.storage.deliveries import FORGOTTEN_TIMER, SUMMARY
from bot.storage.pending import Claimed
from bot.trackingtime import InvalidCredentials, TrackingTimeError
from bot.trackingtime.timefmt import zone_or_utc

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)
POLL_SECONDS = 10.0
GIVE_UP_AFTER = timedelta(hours=24)
FIRST_RETRY = timedelta(minutes=1)
LONGEST_WAIT = timedelta(minutes=30)
CONCURRENCY = 20  # users handled at once (each waits on TrackingTime, then on Slack)
SENDS_PER_SECOND_PER_WORKSPACE = 10.0  # well under Slack's limits; 429s are retried anyway
TIMER_CHECK_EVERY = timedelta(minutes=10)


class Pacer:
    """Spaces out messages to one workspace, so a fan-out of summaries meets Slack's limits."""

    def __init__(self, per_second: float) -> None:
        self._interval = 1.0 / per_second
        self._next: dict[str, float] = {}

    async def wait(self, team_id: str) -> None:
        loop = asyncio.get_running_loop()
        now = loop.time()
        slot = max(now, self._next.get(team_id, now))
        self._next[team_id] = slot + self._interval
        if slot > now:
            await asyncio.sleep(slot - now)


def backoff(attempts: int) -> timedelta:
    """1, 2, 4 … minutes between tries, at most half an hour."""
    return min(FIRST_RETRY * 2 ** min(attempts, 10), LONGEST_WAIT)


class Worker:
    def __init__(
        self,
        services: Services,
        slack: AsyncWebClient | TeamClients,
        clock: Clock = system_clock,
        *,
        concurrency: int = CONCURRENCY,
        sends_per_second: float = SENDS_PER_SECOND_PER_WORKSPACE,
    ):
        self._services = services
        self._clients = team_clients(slack)
        self._clock = clock
        self._slots = asyncio.Semaphore(concurrency)
        self._pacer = Pacer(sends_per_second)
        self._timers_checked: dict[SlackUserKey, datetime] = {}

    async def round(self) -> None:
        """Everything that is due now."""
        await self._services.oauth_states.purge_expired(self._clock())
        await self.retry_pending()
        links = await self._services.accounts.all_links()
        await self.send_summaries(links)
        await self.check_timers(links)
        await self.send_digests()

    async def send_digests(self) -> int:
        """Each workspace's team digest that is due, posted once."""
        return await send_digests(self._services, self._clients, self._clock())

    async def send_summaries(self, links: list[Link] | None = None) -> int:
        """Send the daily summaries that are due and not yet sent; returns how many were sent."""
        now = self._clock()
        links = await self._services.accounts.all_links() if links is None else links
        due = [(link, day) for link in links if (day := summary_due(link, now))]
        sent = await asyncio.gather(*(self._summary(link, day, now) for link, day in due))
        return sum(sent)

    async def _summary(self, link: Link, day: date, now: datetime) -> bool:
        services, period = self._services, day.isoformat()
        async with self._slots:
            if not await services.deliveries.claim(link.key, SUMMARY, period, now, LEASE):
                return False  # sent already, or another worker has it
            try:
                summary = await services.summaries.summary(link, day)
            except (InvalidCredentials, UnreadableSecret):
                # Tell once, then stay quiet until the user reconnects (connect resets this).
                if not link.reconnect_notified:
                    await self._send(link.key, reconnect_message())
                    await services.accounts.set_reconnect_notified(link.key, True)
                await services.deliveries.sent(link.key, SUMMARY, period)
                return False
            except TrackingTimeError as error:
                log.info("summary for %s postponed: %s", link.key.user_id, type(error).__name__)
                await services.deliveries.release(link.key, SUMMARY, period)
                return False
            if not await self._send(
                link.key, daily_summary_message(summary, zone_or_utc(link.time_zone))
            ):
                await services.deliveries.release(link.key, SUMMARY, period)
                return False
            await services.deliveries.sent(link.key, SUMMARY, period)
            return True

    async def check_timers(self, links: list[Link] | None = None) -> int:
        """Remind users whose timer has run past their limit, once per timer."""
        now = self._clock()
        links = await self._services.accounts.all_links() if links is None else links
        due = [
            link
            for link in links
            if link.settings.timer_limit
            and now - self._timers_checked.get(link.key, datetime.min.replace(tzinfo=now.tzinfo))
            >= TIMER_CHECK_EVERY
        ]
        reminded = await asyncio.gather(*(self._timer(link, now) for link in due))
        return sum(reminded)

    async def _timer(self, link: Link, now: datetime) -> bool:
        services = self._services
        async with self._slots:
            self._timers_checked[link.key] = now
            try:
                timer = await services.summaries.running_timer(link)
            except (TrackingTimeError, UnreadableSecret):
                return False
            if timer is None or not timer_overdue(link, timer, now):
                return False
            period = str(timer.event_id or int(timer.started_at.timestamp()))
            if not await services.deliveries.claim(link.key, FORGOTTEN_TIMER, period, now, LEASE):
                return False
            message = forgotten_timer_message(timer, now, zone_or_utc(link.time_zone))
            if not await self._send(link.key, message):
                await services.deliveries.release(link.key, FORGOTTEN_TIMER, period)
                return False
            await services.deliveries.sent(link.key, FORGOTTEN_TIMER, period)
            return True

    async def _send(self, key: SlackUserKey, message: Message) -> bool:
        """A direct message, paced per workspace; ``False`` when Slack refused it."""
        await self._pacer.wait(key.team_id)
        try:
            client = await self._clients.for_team(key.enterprise_id, key.team_id)
            if client is None:  # the app has left that workspace
                return False
            await client.chat_postMessage(channel=key.user_id, **message.to_dict())
        except SlackApiError as error:
            log.warning("could not DM %s: %s", key.user_id, error.response.get("error"))
            return False
        return True

    async def retry_pending(self) -> int:
        """One round: claim the due entries and try each once; returns how many it claimed."""
        now = self._clock()
        await self._services.pending.purge(now)
        claimed = await self._services.pending.claim(now, LEASE)
        for item in claimed:
            await self._retry(item, now)
        return len(claimed)

    async def _retry(self, item: Claimed, now: datetime) -> None:
        services = self._services
        link = await services.accounts.get(item.key) if item.key else None
        if link is None:  # disconnected meanwhile: their data is gone, and so is this
            await services.pending.forget(item.id)
            return
        outcome = await services.entries.retry_kept(
            link,
            item,
            give_up=now - item.created_at >= GIVE_UP_AFTER,
            next_try=now + backoff(item.attempts),
        )
        message = retried_message(outcome, zone_or_utc(link.time_zone))
        if message is not None:
            await self._tell(item, message)

    async def _tell(self, item: Claimed, message: Message) -> None:
        await self._send(item.key, message)

    async def run(self, stop: asyncio.Event, poll_seconds: float = POLL_SECONDS) -> None:
        """Rounds until ``stop`` is set; a failed round is logged and the next one follows."""
        while not stop.is_set():
            try:
                await self.round()
            except Exception:
                log.exception("worker round failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), poll_seconds)
