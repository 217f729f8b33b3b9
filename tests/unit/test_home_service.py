"""HomeService: what the Home tab is built from, and TrackingTime failures turned into words."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from typing import cast

import pytest

from bot.services.home import HomeService, HomeState
from bot.services.reports import Period, Report, ReportService
from bot.services.timers import TimerService, TimerStatus
from bot.storage import Link, SlackUserKey
from bot.storage.accounts import UserSettings
from bot.trackingtime import InvalidCredentials, Task, Unavailable

# 23:30 UTC on Friday 27 November 2026: already Saturday in Kiritimati (UTC+14).
NOW = datetime(2026, 11, 27, 23, 30, tzinfo=UTC)
SETTINGS = UserSettings(summary_enabled=False, timer_limit=timedelta(hours=4))
LINK = Link(
    key=SlackUserKey(None, "T0ACME", "U0ALICE"),
    tt_user_id=1,
    account_id=2,
    workspace_name="Acme Design",
    app_password="secret-app-password",
    time_zone="Pacific/Kiritimati",
    tt_user_name="Alice Liddell",
    settings=SETTINGS,
)
STATUS = TimerStatus(NOW, None, timedelta(0), (Task(3, "Standup"),))


class Timers:
    def __init__(self, outcome: TimerStatus | Exception) -> None:
        self.outcome = outcome

    async def status(self, link: Link) -> TimerStatus:
        if isinstance(self.outcome, Exception):
            raise self.outcome
        return self.outcome


class Reports:
    def __init__(self, failure: Exception | None = None) -> None:
        self.failure = failure
        self.asked: list[Period] = []

    async def report(self, link: Link, period: Period) -> Report:
        self.asked.append(period)
        if self.failure is not None:
            raise self.failure
        return Report(period, NOW, (), None, timedelta(0), ())


def service(timers: Timers, reports: Reports) -> HomeService:
    return HomeService(cast(TimerService, timers), cast(ReportService, reports), lambda: NOW)


def state(timers: Timers, reports: Reports, link: Link | None = LINK) -> HomeState:
    return asyncio.run(service(timers, reports).state(link))


def test_not_linked() -> None:
    assert state(Timers(STATUS), Reports(), None) == HomeState()


def test_linked_asks_for_the_users_own_today() -> None:
    reports = Reports()
    home = state(Timers(STATUS), reports)
    assert home.linked and home.user_name == "Alice Liddell" and home.workspace == "Acme Design"
    assert home.settings == SETTINGS and home.status == STATUS and home.error is None
    assert home.today is not None
    [period] = reports.asked
    assert period.first == period.last == date(2026, 11, 28)
    assert period.title == "Today · Sat 28 Nov 2026"


def test_a_failed_report_keeps_the_timer_and_says_why() -> None:
    home = state(Timers(STATUS), Reports(Unavailable()))
    assert home.status == STATUS and home.today is None
    assert home.error == Unavailable.default_message and not home.reconnect


def test_rejected_credentials_ask_to_reconnect() -> None:
    home = state(Timers(InvalidCredentials()), Reports(InvalidCredentials()))
    assert home.status is None and home.today is None
    assert home.error == InvalidCredentials.default_message and home.reconnect
    assert home.linked and home.settings == SETTINGS


def test_a_bug_is_not_hidden_as_a_trackingtime_failure() -> None:
    with pytest.raises(KeyError):
        state(Timers(KeyError("bug")), Reports())
