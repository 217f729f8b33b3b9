"""The worker's direct messages are valid Block Kit for any data: daily summary, forgotten-timer
reminder, keep-running answer, reconnect request."""

from __future__ import annotations

import inspect
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.blocks import summary as summary_blocks
from bot.blocks.summary import (
    daily_summary_message,
    forgotten_timer_message,
    keep_running_message,
    reconnect_message,
)
from bot.services.reports import Period, summarize
from bot.services.summaries import DailySummary
from bot.trackingtime import Event, RunningTimer, Task
from tests.unit.test_blocks import check_message

DAY = date(2026, 11, 27)
NOW = datetime(2026, 11, 27, 16, 45, tzinfo=UTC)
ZONES = [ZoneInfo("Europe/Berlin"), ZoneInfo("Pacific/Kiritimati"), ZoneInfo("Etc/GMT+12")]


def event(n: int, project: str, task: str, minutes: int, notes: str = "") -> Event:
    start = datetime(2026, 11, 27, 8, 0, tzinfo=UTC) + timedelta(minutes=10 * n)
    end = start + timedelta(minutes=minutes)
    return Event(n, n, task, n, project, start, end, end - start, notes)


def day_summary(
    events: list[Event], running: RunningTimer | None, scheduled: float | None
) -> DailySummary:
    report = summarize(Period(DAY, DAY, "Your day · Fri 27 Nov"), events, running, ZONES[0], NOW)
    return DailySummary(report, timedelta(hours=scheduled) if scheduled else None)


@pytest.mark.parametrize("scheduled", [None, 8.0, 1.5])
@pytest.mark.parametrize("with_timer", [False, True])
def test_daily_summary(scheduled: float | None, with_timer: bool) -> None:
    events = [event(1, "Website", "Design", 90, "notes"), event(2, "Internal", "Standup", 15)]
    timer = (
        RunningTimer(Task(9, "Review", 3, "Mobile"), 99, NOW - timedelta(hours=2))
        if with_timer
        else None
    )
    payload = check_message(daily_summary_message(day_summary(events, timer, scheduled), ZONES[0]))
    text = str(payload["blocks"])
    assert "open_log_modal" in text  # "Log missing time"
    assert ("still running" in text) == with_timer
    if scheduled == 8.0:
        assert "of your *8h 00m*" in text and "to go" in text
    if scheduled == 1.5:  # 1h 45m tracked: the day is done
        assert ":tada:" in text


def test_a_day_with_many_projects_stays_within_limits() -> None:
    events = [event(n, f"Project {n} " + "x" * 200, "Task <b> & " * 20, 5) for n in range(40)]
    payload = check_message(daily_summary_message(day_summary(events, None, 8.0), ZONES[0]))
    assert "more projects" in str(payload["blocks"])


@settings(max_examples=40, deadline=None)
@given(
    name=st.text(max_size=400),
    project=st.none() | st.text(max_size=400),
    hours=st.floats(min_value=0, max_value=400),
    zone=st.sampled_from(ZONES),
)
def test_forgotten_timer_message_for_any_timer(
    name: str, project: str | None, hours: float, zone: ZoneInfo
) -> None:
    timer = RunningTimer(
        Task(1, name, 2 if project else None, project), 5, NOW - timedelta(hours=hours)
    )
    payload = check_message(forgotten_timer_message(timer, NOW, zone))
    actions = [e["action_id"] for b in payload["blocks"] for e in b.get("elements", [])]
    assert actions == ["stop_timer", "keep_running"]


def test_keep_running_and_reconnect_messages() -> None:
    check_message(keep_running_message())
    assert "open_connect" in str(check_message(reconnect_message())["blocks"])


def test_every_builder_is_tested() -> None:
    tested = {
        daily_summary_message,
        forgotten_timer_message,
        keep_running_message,
        reconnect_message,
    }
    public = {
        function
        for name, function in inspect.getmembers(summary_blocks, inspect.isfunction)
        if function.__module__ == summary_blocks.__name__ and not name.startswith("_")
    }
    assert public == tested
