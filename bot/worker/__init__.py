"""The worker: work that must happen outside any Slack request, and survive restarts.

Each round it adds the time entries users logged while TrackingTime was unavailable, sends the
daily summaries that are due, reminds users of timers left running, and posts the team digests.
Its cost follows the work that is due, not the number of users: every kind of work is found by an
indexed instant stored on its row (:mod:`bot.storage.schedule`, computed by :mod:`bot.schedule`)
and claimed in the database first (a lease), so several workers never do one thing twice and
split the work between them, and a worker killed mid-round leaves its claims to expire for
another to finish. A round with nothing due reads no account and decrypts nothing.

Adding a kept entry is the entry service's (:meth:`bot.services.entries.EntryService.retry_kept`):
it looks for the entry in TrackingTime first, so a first attempt that reached TrackingTime but
lost its answer does not become a duplicate.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.outcomes import retried_message
from bot.metrics import KEPT_ENTRIES, WORKER_CLAIMED, WORKER_ROUND_SECONDS, WORKER_SENT
from bot.services.clock import Clock, system_clock
from bot.services.container import Services
from bot.services.outcomes import Logged
from bot.slack_clients import TeamClients, team_clients
from bot.storage.pending import Claimed
from bot.trackingtime.timefmt import zone_or_utc
from bot.worker.digests import send_digests
from bot.worker.messenger import Messenger, status_teller
from bot.worker.status import StatusSync
from bot.worker.summaries import Summaries
from bot.worker.timers import Timers

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)  # a kept entry's claim
POLL_SECONDS = 10.0
GIVE_UP_AFTER = timedelta(hours=24)
FIRST_RETRY = timedelta(minutes=1)
LONGEST_WAIT = timedelta(minutes=30)
# Users handled at once: each waits on TrackingTime (three calls for a summary), then on Slack.
CONCURRENCY = 50
SENDS_PER_SECOND_PER_WORKSPACE = 10.0  # well under Slack's limits; 429s are retried anyway
# Deliveries are kept this long: past the day (or the timer) they were for, they are history.
KEEP_DELIVERIES = timedelta(days=14)


def backoff(attempts: int) -> timedelta:
    """1, 2, 4 … minutes between tries, at most half an hour."""
    return min(FIRST_RETRY * 2 ** min(attempts, 10), LONGEST_WAIT)


@dataclass(frozen=True)
class RoundReport:
    """What one round did; ``timer_checks`` counts the times TrackingTime was asked for a
    running timer (reminders and slow checks: the budget), ``decrypted`` the App Passwords
    opened."""

    kept: int
    summaries: int
    reminders: int
    timer_checks: int
    digests: int
    status_syncs: int  # opted-in users whose Slack status was looked at
    status_checks: int  # of which TrackingTime was asked (the status line's budget)
    decrypted: int
    seconds: float
    summary_seconds: float  # of which sending the summaries

    @property
    def did_anything(self) -> bool:
        return bool(
            self.kept or self.summaries or self.reminders or self.timer_checks or self.status_syncs
        )


class Worker:
    def __init__(
        self,
        services: Services,
        slack: AsyncWebClient | TeamClients,
        clock: Clock = system_clock,
        *,
        concurrency: int = CONCURRENCY,
        sends_per_second: float = SENDS_PER_SECOND_PER_WORKSPACE,
        stopping: asyncio.Event | None = None,
    ):
        """``stopping`` (set on SIGTERM): finish the batch in hand, claim nothing more."""
        self._services = services
        self._clients = team_clients(slack)
        self._clock = clock
        self._messenger = Messenger(self._clients, sends_per_second)
        slots = asyncio.Semaphore(concurrency)
        self._stopping = stopping
        self._summaries = Summaries(services, self._messenger, slots, concurrency, stopping)
        self._timers = Timers(services, self._messenger, slots, stopping)
        self._status = StatusSync(services, slots, stopping)
        services.status.tell_with(status_teller(self._messenger, services.status))

    def _now(self) -> datetime:
        # In UTC: SQLite keeps instants as text without their offset.
        return self._clock().astimezone(UTC)

    async def round(self) -> RoundReport:
        """Everything that is due now."""
        started, opened = time.perf_counter(), self._services.keyring.decrypted
        now = self._now()
        await self._services.oauth_states.purge_expired(now)
        await self._services.deliveries.purge(now - KEEP_DELIVERIES)
        kept = await self.retry_pending()
        summaries_started = time.perf_counter()
        summaries = await self._summaries.send(now)
        summary_seconds = time.perf_counter() - summaries_started
        reminders = await self._timers.remind(now)
        checks = await self._timers.check(now)
        statuses = await self._status.sync(now)
        digests = await self.send_digests()
        report = RoundReport(
            kept=kept,
            summaries=summaries.sent,
            reminders=reminders.sent + checks.sent,
            timer_checks=reminders.asked + checks.asked,
            digests=digests,
            status_syncs=statuses.rows,
            status_checks=statuses.asked,
            decrypted=self._services.keyring.decrypted - opened,
            seconds=time.perf_counter() - started,
            summary_seconds=summary_seconds,
        )
        if report.did_anything or report.digests:
            log.info("worker round: %s", report)
        WORKER_ROUND_SECONDS.observe(report.seconds)
        tallies = (
            ("summary", summaries),
            ("reminder", reminders),
            ("check", checks),
            ("status", statuses),
        )
        for kind, tally in tallies:
            WORKER_CLAIMED.labels(kind).inc(tally.rows)
        WORKER_CLAIMED.labels("entry").inc(kept)
        WORKER_SENT.labels("summary").inc(report.summaries)
        WORKER_SENT.labels("reminder").inc(report.reminders)
        WORKER_SENT.labels("digest").inc(report.digests)
        WORKER_SENT.labels("status").inc(statuses.sent)
        KEPT_ENTRIES.set(await self._services.pending.count())
        return report

    async def sync_statuses(self) -> int:
        """Bring the due users' Slack status in line; returns how many were looked at."""
        return (await self._status.sync(self._now())).rows

    async def send_digests(self) -> int:
        """Each workspace's team digest that is due, posted once."""
        return await send_digests(self._services, self._clients, self._now())

    async def send_summaries(self) -> int:
        """Send the daily summaries that are due and not yet sent; returns how many were sent."""
        return (await self._summaries.send(self._now())).sent

    async def check_timers(self) -> int:
        """Remind users whose timer has run past their limit, once per timer: the known timers
        whose reminder is due, then the slow check for timers started elsewhere."""
        now = self._now()
        reminders = await self._timers.remind(now)
        checks = await self._timers.check(now)
        return reminders.sent + checks.sent

    async def retry_pending(self) -> int:
        """One round: claim the due entries and try each once; returns how many it claimed."""
        now = self._now()
        await self._services.pending.purge(now)
        claimed = await self._services.pending.claim(now, LEASE)
        for item in claimed:
            if self._stopping is not None and self._stopping.is_set():
                break  # the rest keep their short lease, then another worker takes them
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
        if isinstance(outcome, Logged):
            WORKER_SENT.labels("entry").inc()
        message = retried_message(outcome, zone_or_utc(link.time_zone))
        if message is not None:
            await self._messenger.send(item.key, message)

    async def run(self, stop: asyncio.Event, poll_seconds: float = POLL_SECONDS) -> None:
        """Rounds until ``stop`` is set; a failed round is logged and the next one follows."""
        while not stop.is_set():
            try:
                await self.round()
            except Exception:
                log.exception("worker round failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), poll_seconds)
