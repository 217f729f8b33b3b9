"""What the worker's messages to each user say: the daily summary, and the running timer its
reminder is about. When they are due is :mod:`bot.schedule`'s."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date, timedelta

from bot.services.reports import Period, Report, ReportService, with_gaps
from bot.storage import Link
from bot.trackingtime import RunningTimer, TrackingTime


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
