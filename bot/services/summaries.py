"""The worker's messages to each user: the daily summary and the forgotten-timer reminder."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.services.reports import Period, Report, ReportService, with_gaps
from bot.storage import Link
from bot.trackingtime import RunningTimer, TrackingTime
from bot.trackingtime.timefmt import zone_or_utc


def summary_due(link: Link, now: datetime) -> date | None:
    """The local day whose summary is due for ``link`` at ``now``, if one is.

    Due from the chosen local time until the end of that local day, on the chosen weekdays, so a
    worker that was down at 17:30 still sends it at 18:10, but not the next morning.
    """
    settings = link.settings
    if not settings.summary_enabled:
        return None
    local = now.astimezone(zone_or_utc(link.time_zone))
    if local.weekday() not in settings.summary_days or local.time() < settings.summary_time:
        return None
    return local.date()


def timer_overdue(link: Link, timer: RunningTimer, now: datetime) -> bool:
    """Whether a running timer has gone past the user's limit (a zero limit never does)."""
    limit = link.settings.timer_limit
    return bool(limit) and timer.elapsed(now) >= limit


@dataclass(frozen=True)
class DailySummary:
    report: Report  # with the day's gaps (see bot.services.gaps)
    scheduled: timedelta | None  # the user's TrackingTime schedule for the day, when set


class SummaryService:
    def __init__(self, trackingtime: TrackingTime, reports: ReportService) -> None:
        self._trackingtime = trackingtime
        self._reports = reports

    async def summary(self, link: Link, day: date) -> DailySummary:
        session = self._trackingtime.session(link.app_password, link.account_id, link.time_zone)
        period = Period(day, day, f"Your day · {day:%a %d %b}")
        report, me = await asyncio.gather(self._reports.report(link, period), session.me())
        hours = me.schedule[day.weekday()] if me.schedule else None
        report = with_gaps(report, link.settings, me.schedule, session.zone)
        return DailySummary(report, timedelta(hours=hours) if hours else None)

    async def running_timer(self, link: Link) -> RunningTimer | None:
        session = self._trackingtime.session(link.app_password, link.account_id, link.time_zone)
        return await session.running_timer(link.tt_user_id)
