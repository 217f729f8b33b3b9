"""The team digest: once each workday, one channel message with every linked member's day.

An admin picks the channel (``/track digest #channel``); the digest goes out at the workspace's
digest time in the zone of the admin who set it. Whether it is due is a pure function of the
settings row and the instant, so every worker agrees; that it goes out *once* is the database's
job (:class:`bot.storage.deliveries.DeliveryStore`: one claim per workspace and local day).

Members are read with their own App Passwords, a few at a time: one member whose TrackingTime
call fails is listed as unreadable, and never keeps the rest of the team out of the digest.
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.digest import digest_message
from bot.services.container import Services
from bot.services.reports import Period, ReportService
from bot.slack_clients import TeamClients, team_clients
from bot.storage import Link, SlackUserKey
from bot.storage.deliveries import DIGEST
from bot.storage.models import TeamSettings
from bot.trackingtime import (
    Forbidden,
    InvalidCredentials,
    RateLimited,
    RunningTimer,
    TimedOut,
    TrackingTimeError,
    Unavailable,
)
from bot.trackingtime.timefmt import zone_or_utc

log = logging.getLogger(__name__)

DEFAULT_DIGEST_TIME = "17:45"
OFF = "off"
# Reading hundreds of members at ``concurrency`` a time, each call allowed its client timeout,
# takes minutes in the worst case: the claim must outlast that, or a second worker would take
# it over and post the digest twice.
LEASE = timedelta(minutes=15)
# Slack errors that the next worker round (seconds later) cannot fix. On these the claim is kept
# until its lease runs out instead of being released, so a digest aimed at a channel the app may
# not post in is retried every quarter of an hour, not every round, with every member's
# TrackingTime read again each time.
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
# A channel as Slack sends it in an escaped command: <#C0123|name>, or <#C0123> without a name.
_CHANNEL = re.compile(r"<#([CG][A-Z0-9]+)(?:\|[^<>]*)?>")


def digest_channel(target: str) -> str | None:
    """The channel id in ``/track digest <target>``; ``None`` when the target is no channel
    (Slack leaves a ``#name`` it could not resolve as plain text)."""
    match = _CHANNEL.fullmatch(target.strip())
    return match.group(1) if match else None


def digest_time(row: TeamSettings) -> time:
    """The workspace's digest time; a malformed stored value falls back to the default rather
    than stopping the digest."""
    try:
        return time.fromisoformat(row.digest_time)
    except (TypeError, ValueError):
        return time.fromisoformat(DEFAULT_DIGEST_TIME)


def digest_due(settings_row: TeamSettings, now: datetime) -> date | None:
    """The local date whose digest is due at ``now``, or ``None``.

    Due on a workday (Monday to Friday) in the digest's zone once the local time has reached the
    digest time. Compared as wall-clock time, so 17:45 stays 17:45 across a DST change.
    """
    if not settings_row.digest_channel:
        return None
    local = now.astimezone(zone_or_utc(settings_row.digest_time_zone))
    if local.weekday() >= 5 or local.time() < digest_time(settings_row):
        return None
    return local.date()


@dataclass(frozen=True)
class MemberDay:
    """One member's day as the digest shows it. ``problem`` says why it could not be read."""

    user_id: str
    total: timedelta = timedelta(0)
    running: RunningTimer | None = None
    problem: str | None = None

    @property
    def logged_nothing(self) -> bool:
        return self.problem is None and self.running is None and not self.total


@dataclass(frozen=True)
class TeamDay:
    """Every linked member's day, and the views of it the digest is made of."""

    day: date
    now: datetime
    members: tuple[MemberDay, ...]

    @property
    def nothing_logged(self) -> tuple[MemberDay, ...]:
        return tuple(sorted((m for m in self.members if m.logged_nothing), key=_by_user))

    @property
    def running(self) -> tuple[MemberDay, ...]:
        """Members whose timer is still running, longest running first."""
        running = [m for m in self.members if m.problem is None and m.running is not None]
        return tuple(sorted(running, key=lambda m: (_started(m), m.user_id)))

    @property
    def unreadable(self) -> tuple[MemberDay, ...]:
        return tuple(sorted((m for m in self.members if m.problem is not None), key=_by_user))

    @property
    def totals(self) -> tuple[MemberDay, ...]:
        """Every member that could be read, most time first."""
        readable = [m for m in self.members if m.problem is None]
        return tuple(sorted(readable, key=lambda m: (-m.total, m.user_id)))

    @property
    def total(self) -> timedelta:
        return sum((m.total for m in self.members), timedelta(0))


def _by_user(member: MemberDay) -> str:
    return member.user_id


def _started(member: MemberDay) -> datetime:
    assert member.running is not None
    return member.running.started_at


def problem_text(error: BaseException) -> str:
    """Why a member's day could not be read, short enough for a line in a channel message
    (the errors' own messages speak to the member, "your App Password…")."""
    if isinstance(error, InvalidCredentials):
        return "App Password no longer accepted"
    if isinstance(error, Forbidden):
        return "TrackingTime refused access"
    if isinstance(error, RateLimited):
        return "TrackingTime rate limit"
    if isinstance(error, TimedOut):
        return "TrackingTime too slow"
    if isinstance(error, Unavailable):
        return "TrackingTime not answering"
    if isinstance(error, TrackingTimeError):
        return "TrackingTime error"
    return "unexpected error"


async def member_day(
    reports: ReportService, link: Link, day: date, limit: asyncio.Semaphore
) -> MemberDay:
    """``link``'s member's ``day`` (their own local day); a failure becomes a ``problem``."""
    async with limit:
        try:
            report = await reports.report(link, Period(day, day, f"{day:%a %d %b %Y}"))
        except TrackingTimeError as error:
            log.info("digest: %s unreadable: %s", link.key.user_id, type(error).__name__)
            return MemberDay(link.key.user_id, problem=problem_text(error))
        except Exception as error:
            log.exception("digest: reading %s failed", link.key.user_id)
            return MemberDay(link.key.user_id, problem=problem_text(error))
    return MemberDay(link.key.user_id, report.total, report.running)


async def team_day(
    services: Services, row: TeamSettings, day: date, now: datetime, concurrency: int = 10
) -> TeamDay:
    """Every member linked in the digest's workspace, read at most ``concurrency`` at a time."""
    links = [
        link
        for link in await services.accounts.all_links(row.team_id)
        if (link.key.enterprise_id or "") == (row.enterprise_id or "")
    ]
    limit = asyncio.Semaphore(max(concurrency, 1))
    members = await asyncio.gather(
        *(member_day(services.reports, link, day, limit) for link in links)
    )
    return TeamDay(day, now, tuple(members))


async def send_digests(
    services: Services,
    slack: AsyncWebClient | TeamClients,
    now: datetime,
    concurrency: int = 10,
) -> int:
    """One worker round: post each due digest once; returns how many were posted.

    One workspace's failure is logged and leaves the others unaffected; its digest is tried
    again in a later round.
    """
    clients = team_clients(slack)
    posted = 0
    for row in await services.team_settings.digests():
        day = digest_due(row, now)
        if day is None:
            continue
        try:
            posted += await _send_digest(services, clients, row, day, now, concurrency)
        except Exception:
            log.exception("digest for team %s failed", row.team_id)
    return posted


async def _send_digest(
    services: Services,
    clients: TeamClients,
    row: TeamSettings,
    day: date,
    now: datetime,
    concurrency: int,
) -> bool:
    key = SlackUserKey(row.enterprise_id or None, row.team_id, "")
    period = day.isoformat()
    # Every round until midnight finds the digest due: a plain read first, so that a sent
    # digest costs one SELECT a round, not a failed INSERT (which PostgreSQL logs as an error).
    if await services.deliveries.was_sent(key, DIGEST, period):
        return False
    if not await services.deliveries.claim(key, DIGEST, period, now, LEASE):
        return False  # sent already, or another worker is on it
    try:
        slack = await clients.for_team(row.enterprise_id or None, row.team_id)
        if slack is None:  # the app has left the workspace; its data goes with it
            await services.deliveries.release(key, DIGEST, period)
            return False
        team = await team_day(services, row, day, now, concurrency)
        message = digest_message(team, zone_or_utc(row.digest_time_zone))
        await slack.chat_postMessage(channel=row.digest_channel, **message.to_dict())
    except SlackApiError as error:
        code = str(error.response.get("error") or "")
        log.warning("digest for team %s not posted: %s", row.team_id, code)
        if code not in LASTING_SLACK_ERRORS:
            await services.deliveries.release(key, DIGEST, period)
        return False
    except Exception:
        await services.deliveries.release(key, DIGEST, period)
        raise
    await services.deliveries.sent(key, DIGEST, period)
    return True
