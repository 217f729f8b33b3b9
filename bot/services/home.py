"""What the App Home tab shows one Slack user: their link, timer, today and settings."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field, replace

from bot.services.clock import Clock, local_day, system_clock
from bot.services.reports import Period, Report, ReportService
from bot.services.status import StatusOffer, StatusService
from bot.services.timers import TimerService, TimerStatus
from bot.storage import Link
from bot.storage.accounts import UserSettings
from bot.trackingtime import InvalidCredentials, TrackingTimeError
from bot.trackingtime.timefmt import zone_or_utc


@dataclass(frozen=True)
class HomeState:
    """Everything the Home tab shows, with no secret in it (it goes to a builder).

    ``status`` or ``today`` is ``None`` when TrackingTime could not be asked for it; ``error``
    then says why in words fit for the user, so the Home still renders what is known.
    """

    linked: bool = False
    user_name: str = ""
    workspace: str = ""
    settings: UserSettings = field(default_factory=UserSettings)
    status: TimerStatus | None = None  # the running timer and the recent tasks
    today: Report | None = None  # today's entries and total
    error: str | None = None
    reconnect: bool = False  # connecting again would cure ``error``
    status_line: StatusOffer | None = None  # the Slack status line's state


class HomeService:
    def __init__(
        self,
        timers: TimerService,
        reports: ReportService,
        clock: Clock = system_clock,
        status: StatusService | None = None,
    ) -> None:
        self._timers = timers
        self._reports = reports
        self._clock = clock
        self._status = status

    async def state(self, link: Link | None) -> HomeState:
        """The user's Home; never raises for a TrackingTime failure, which becomes ``error``:
        the Home tab is where users look when something is wrong, so it must always render."""
        if link is None:
            return HomeState()
        state = HomeState(
            linked=True,
            user_name=link.tt_user_name,
            workspace=link.workspace_name,
            settings=link.settings,
            status_line=self._status.offer(link) if self._status is not None else None,
        )
        today = local_day(self._clock(), zone_or_utc(link.time_zone))
        period = Period(today, today, f"Today · {today:%a %d %b %Y}")
        # return_exceptions: one failed call must not leave the other running unobserved, and
        # what the other found is still worth showing.
        status, report = await asyncio.gather(
            self._timers.status(link), self._reports.report(link, period), return_exceptions=True
        )
        failures = [o for o in (status, report) if isinstance(o, BaseException)]
        unexpected = [f for f in failures if not isinstance(f, TrackingTimeError)]
        if unexpected:
            raise unexpected[0]
        failure = next(iter(failures), None)
        return replace(
            state,
            status=status if isinstance(status, TimerStatus) else None,
            today=report if isinstance(report, Report) else None,
            error=failure.user_message if isinstance(failure, TrackingTimeError) else None,
            reconnect=isinstance(failure, InvalidCredentials),
        )
