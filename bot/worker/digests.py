"""Team digests: each workspace's is due at its stored instant, posted once per workday.

The workspace's row is claimed by its instant (:meth:`bot.storage.schedule.ScheduleStore.
claim_digests`); the day's digest is claimed once more in the deliveries table, which makes it go
out once. Reading every member takes a while (each with their own App Password), so the claims
last :data:`LEASE`.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.digest import digest_message
from bot.schedule import WORKDAYS, next_after
from bot.services.container import Services
from bot.services.digest import digest_due, team_day
from bot.slack_clients import TeamClients, team_clients
from bot.storage import SlackUserKey
from bot.storage.deliveries import DIGEST, digest_clock_time
from bot.storage.models import TeamSettings
from bot.storage.schedule import DueDigest
from bot.trackingtime.timefmt import zone_or_utc
from bot.worker.batches import BATCH, RETRY

log = logging.getLogger(__name__)

# Reading hundreds of members at ``concurrency`` a time, each call allowed its client timeout,
# takes minutes in the worst case: the claim must outlast that, or a second worker would take
# it over and post the digest twice.
LEASE = timedelta(minutes=15)
# Slack errors that a retry a minute later cannot fix. On these the day's claim is kept until
# its lease runs out, so a digest aimed at a channel the app may not post in is tried again
# every quarter of an hour, not every minute, with every member's TrackingTime read each time.
LASTING_SLACK_ERRORS = frozenset(
    {
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "channel_is_archived",
        "restricted_action",
        "missing_scope",
        "not_authed",
        "invalid_auth",
        "account_inactive",
        "token_revoked",
        "team_access_not_granted",
    }
)


def digest_next(row: TeamSettings, now: datetime) -> datetime | None:
    if not row.digest_channel:
        return None
    zone = zone_or_utc(row.digest_time_zone)
    return next_after(WORKDAYS, digest_clock_time(row), zone, now)


async def send_digests(
    services: Services,
    slack: AsyncWebClient | TeamClients,
    now: datetime,
    concurrency: int = 10,
) -> int:
    """Post each digest due at ``now`` once; returns how many were posted. One workspace's
    failure is logged and leaves the others unaffected; its digest is tried again later."""
    clients = team_clients(slack)
    posted = 0
    while True:
        batch = await services.schedule.claim_digests(now, LEASE, BATCH)
        for due in batch:  # one at a time: each reads a whole team, ``concurrency`` at once
            try:
                sent, next_at = await _digest(services, clients, due, now, concurrency)
            except Exception:
                log.exception("digest for team %s failed", due.row.team_id)
                sent, next_at = False, now + RETRY
            await services.schedule.settle_digest(due, next_at)
            posted += sent
        if len(batch) < BATCH:
            return posted


async def _digest(
    services: Services, clients: TeamClients, due: DueDigest, now: datetime, concurrency: int
) -> tuple[bool, datetime | None]:
    """Whether it was posted, and when to look at the workspace again."""
    row = due.row
    day = digest_due(row, now)
    if day is None:
        return False, digest_next(row, now)
    key = SlackUserKey(row.enterprise_id or None, row.team_id, "")
    period = day.isoformat()
    if not await services.deliveries.claim(key, DIGEST, period, now, LEASE):
        if await services.deliveries.was_sent(key, DIGEST, period):
            return False, digest_next(row, now)
        return False, now + RETRY  # another worker is posting it
    try:
        slack = await clients.for_team(row.enterprise_id or None, row.team_id)
        if slack is None:  # the app has left the workspace; its data goes with it
            await services.deliveries.release(key, DIGEST, period)
            return False, digest_next(row, now)
        await _post(services, slack, row, day, now, concurrency)
    except SlackApiError as error:
        code = str(error.response.get("error") or "")
        log.warning("digest for team %s not posted: %s", row.team_id, code)
        if code in LASTING_SLACK_ERRORS:
            return False, now + LEASE  # the day's claim stays until then
        await services.deliveries.release(key, DIGEST, period)
        return False, now + RETRY
    except Exception:
        await services.deliveries.release(key, DIGEST, period)
        raise
    await services.deliveries.sent(key, DIGEST, period)
    return True, digest_next(row, now)


async def _post(
    services: Services,
    slack: AsyncWebClient,
    row: TeamSettings,
    day: date,
    now: datetime,
    concurrency: int,
) -> None:
    team = await team_day(services, row, day, now, concurrency)
    message = digest_message(team, zone_or_utc(row.digest_time_zone))
    await slack.chat_postMessage(channel=row.digest_channel, **message.to_dict())
