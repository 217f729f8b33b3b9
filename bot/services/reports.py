"""What a user tracked over a day or a week: totals by project and task, and the entries."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta, tzinfo

from bot.logparse import LogError, parse_day
from bot.services.clock import Clock, start_of_day, system_clock
from bot.services.gaps import Gap, WorkingDay, find_gaps, working_day
from bot.storage import Link
from bot.storage.accounts import UserSettings
from bot.trackingtime import (
    Event,
    RunningTimer,
    TrackingTime,
    TrackingTimeError,
    TrackingTimeSession,
)

NO_PROJECT = "No project"
NO_TASK = "No task"


@dataclass(frozen=True)
class Period:
    """Days ``first``..``last`` (inclusive, the user's local days) and how to call them."""

    first: date
    last: date
    title: str

    def bounds(self, zone: tzinfo) -> tuple[datetime, datetime]:
        """The instants the period starts and ends, in UTC."""
        begin = start_of_day(self.first, zone).astimezone(UTC)
        end = start_of_day(self.last + timedelta(days=1), zone).astimezone(UTC)
        return begin, end


REPORT_EXAMPLE = "/track week"
PERIOD_HELP = "today, yesterday, week, last week, a weekday like mon, or a date like 2026-11-20"


def parse_period(text: str, today: date) -> Period | LogError:
    """``today``, ``yesterday``, ``week`` (Monday to today), ``last week`` or one day."""
    words = " ".join(text.split()).casefold()
    monday = today - timedelta(days=today.weekday())
    if words in ("week", "this week"):
        return Period(monday, today, f"This week · {_span(monday, today)}")
    if words in ("last week", "lastweek"):
        first = monday - timedelta(days=7)
        return Period(
            first,
            first + timedelta(days=6),
            f"Last week · {_span(first, first + timedelta(days=6))}",
        )
    day = parse_day(words or "today", today)
    if isinstance(day, LogError):
        problem = day.problem
        if "future" in problem:  # the logging grammar's words; a report says it its own way
            problem = f"“{text}” is still to come, so nothing is tracked on it yet."
        return LogError("day", problem, REPORT_EXAMPLE)
    if day is None:
        return LogError("day", f"I can't show “{text}”: ask for {PERIOD_HELP}.", REPORT_EXAMPLE)
    name = {today: "Today", today - timedelta(days=1): "Yesterday"}.get(day, f"{day:%A}")
    return Period(day, day, f"{name} · {day:%a %d %b %Y}")


def _span(first: date, last: date) -> str:
    if first == last:  # "this week" on a Monday
        return f"{last:%d %b %Y}"
    if first.month == last.month:
        return f"{first:%d}–{last:%d %b %Y}"
    return f"{first:%d %b} – {last:%d %b %Y}"


@dataclass(frozen=True)
class TaskTotal:
    name: str
    total: timedelta


@dataclass(frozen=True)
class ProjectTotal:
    name: str
    total: timedelta
    tasks: tuple[TaskTotal, ...]


@dataclass(frozen=True)
class Report:
    period: Period
    now: datetime
    entries: tuple[Event, ...]  # finished entries, by start
    running: RunningTimer | None  # the running timer when it overlaps the period
    total: timedelta
    projects: tuple[ProjectTotal, ...]  # largest first
    # For one working day, when gaps were looked for: its working hours, and the untracked
    # stretches in them (longest first).
    working: WorkingDay | None = None
    gaps: tuple[Gap, ...] = ()


def _clipped(start: datetime, end: datetime, bounds: tuple[datetime, datetime]) -> timedelta:
    begin, finish = bounds
    return max(min(end.astimezone(UTC), finish) - max(start.astimezone(UTC), begin), timedelta(0))


def summarize(
    period: Period,
    events: list[Event],
    running: RunningTimer | None,
    zone: tzinfo,
    now: datetime,
) -> Report:
    """Totals by project and task; a running timer counts up to ``now``, within the period."""
    bounds = period.bounds(zone)
    running_id = running.event_id if running else None
    finished = sorted(
        (e for e in events if not e.is_running and e.id != running_id), key=lambda e: e.start
    )
    spans: list[tuple[str, str, timedelta]] = [
        (e.project or NO_PROJECT, e.task or NO_TASK, _clipped(e.start, e.end or e.start, bounds))
        for e in finished
    ]
    shown_running = None
    if running is not None:
        running_span = _clipped(running.started_at, now, bounds)
        if running_span or bounds[0] <= now.astimezone(UTC) < bounds[1]:
            shown_running = running
            task = running.task
            spans.append((task.project or NO_PROJECT, task.name or NO_TASK, running_span))

    by_project: dict[str, dict[str, timedelta]] = defaultdict(lambda: defaultdict(timedelta))
    for project, task, span in spans:
        by_project[project][task] += span
    projects = sorted(
        (
            ProjectTotal(
                name,
                sum(tasks.values(), timedelta()),
                tuple(
                    TaskTotal(task, total)
                    for task, total in sorted(tasks.items(), key=lambda item: -item[1])
                ),
            )
            for name, tasks in by_project.items()
        ),
        key=lambda project: -project.total,
    )
    return Report(
        period=period,
        now=now,
        entries=tuple(finished),
        running=shown_running,
        total=sum((span for _, _, span in spans), timedelta()),
        projects=tuple(projects),
    )


def with_gaps(
    report: Report, settings: UserSettings, schedule: Sequence[float] | None, zone: tzinfo
) -> Report:
    """A one-day report with the untracked stretches of its working hours (see
    :mod:`bot.services.gaps`); other reports, days off and users who switched it off as they are."""
    day = report.period.first
    hours = working_day(day, settings, schedule, zone) if day == report.period.last else None
    if hours is None or not settings.gap_threshold:
        return report
    busy = [(event.start, event.end or report.now) for event in report.entries]
    if report.running is not None:
        busy.append((report.running.started_at, report.now))
    gaps = find_gaps(hours, busy, report.now, settings.gap_threshold)
    return replace(report, working=hours, gaps=gaps)


async def schedule_of(session: TrackingTimeSession) -> tuple[float, ...] | None:
    """The user's TrackingTime schedule; ``None`` when it has none or cannot be read now (the
    gap finder then goes by the user's settings rather than failing the report)."""
    try:
        return (await session.me()).schedule
    except TrackingTimeError:
        return None


class ReportService:
    def __init__(self, trackingtime: TrackingTime, clock: Clock = system_clock) -> None:
        self._trackingtime = trackingtime
        self._clock = clock

    def now(self) -> datetime:
        return self._clock()

    async def report(self, link: Link, period: Period) -> Report:
        session = self._trackingtime.session(link.app_password, link.account_id, link.time_zone)
        events, running = await asyncio.gather(
            session.events(link.tt_user_id, period.first, period.last),
            session.running_timer(link.tt_user_id),
        )
        return summarize(period, events, running, session.zone, self._clock())

    async def day_report(self, link: Link, period: Period) -> Report:
        """:meth:`report`, with the gaps of a single working day (``/track today``)."""
        if period.first != period.last:
            return await self.report(link, period)
        session = self._trackingtime.session(link.app_password, link.account_id, link.time_zone)
        report, schedule = await asyncio.gather(self.report(link, period), schedule_of(session))
        return with_gaps(report, link.settings, schedule, session.zone)
