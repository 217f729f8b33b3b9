"""The team digest: once each workday, one channel message with every linked member's day.

An admin picks the channel (``/track digest #channel``); the digest goes out at the workspace's
digest time in the zone of the admin who set it. Whether it is due is a pure function of the
settings row and the instant, so every worker agrees; when to look is the row's stored instant
(:mod:`bot.storage.schedule`), and that it goes out *once* is the database's job
(:class:`bot.storage.deliveries.DeliveryStore`: one claim per workspace and local day). The worker
renders and posts it (:mod:`bot.worker.digests`).

Members are read with their own App Passwords, a few at a time: one member whose TrackingTime
call fails is listed as unreadable, and never keeps the rest of the team out of the digest.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.schedule import WORKDAYS, due_day
from bot.services.container import Services
from bot.services.reports import Period, ReportService
from bot.storage import Link
from bot.storage.deliveries import digest_clock_time
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

OFF = "off"


def digest_due(settings_row: TeamSettings, now: datetime) -> date | None:
    """The local date whose digest is due at ``now``, or ``None``.

    Due on a workday (Monday to Friday) in the digest's zone once the local time has reached the
    digest time. Compared as wall-clock time, so 17:45 stays 17:45 across a DST change.
    """
    if not settings_row.digest_channel:
        return None
    zone = zone_or_utc(settings_row.digest_time_zone)
    return due_day(WORKDAYS, digest_clock_time(settings_row), zone, now)


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
    links = await services.accounts.team_links(row.enterprise_id or None, row.team_id)
    limit = asyncio.Semaphore(max(concurrency, 1))
    members = await asyncio.gather(
        *(member_day(services.reports, link, day, limit) for link in links)
    )
    return TeamDay(day, now, tuple(members))
