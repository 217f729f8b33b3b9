"""Timer service: today's total in the user's zone (DST, midnight), recent tasks, stop races."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest

from bot.fakes.trackingtime import FakeTrackingTime, FakeTrackingTimeServer
from bot.services.catalogue import Catalogue
from bot.services.timers import NothingRunning, Stopped, TimerService, recent_tasks, today_total
from bot.storage import Link, SlackUserKey
from bot.trackingtime import Event, RunningTimer, Task, TrackingTime

BERLIN = ZoneInfo("Europe/Berlin")


class Watch:
    """What the service tells the worker's schedule about the timers it starts and stops."""

    def __init__(self) -> None:
        self.told: list[tuple[str, ...]] = []

    async def timer_started(
        self, link: Link, started_at: datetime, event_id: int | None, now: datetime
    ) -> None:
        self.told.append(("started", link.key.user_id, started_at.isoformat(), str(event_id)))

    async def timer_stopped(self, link: Link, now: datetime) -> None:
        self.told.append(("stopped", link.key.user_id))


def event(id_: int, start: datetime, end: datetime | None, task_id: int = 1) -> Event:
    return Event(
        id_,
        task_id,
        f"Task {task_id}",
        None,
        None,
        start,
        end,
        (end - start) if end else timedelta(0),
    )


def test_today_total_counts_only_the_local_day() -> None:
    now = datetime(2026, 11, 27, 12, 0, tzinfo=BERLIN)
    events = [
        event(
            1,
            datetime(2026, 11, 26, 23, 0, tzinfo=BERLIN),
            datetime(2026, 11, 27, 1, 0, tzinfo=BERLIN),
        ),
        event(
            2,
            datetime(2026, 11, 27, 9, 0, tzinfo=BERLIN),
            datetime(2026, 11, 27, 10, 30, tzinfo=BERLIN),
        ),
    ]
    assert today_total(events, None, BERLIN, now) == timedelta(hours=2, minutes=30)


def test_today_total_on_the_day_clocks_go_back() -> None:
    # 2026-10-25 in Berlin has 25 hours: 00:00 to 23:59 local is 25 h of real time.
    start = datetime(2026, 10, 25, 0, 0, tzinfo=BERLIN)
    end = datetime(2026, 10, 25, 23, 59, tzinfo=BERLIN)
    now = end
    assert today_total([event(1, start, end)], None, BERLIN, now) == timedelta(hours=24, minutes=59)


def test_a_running_timer_counts_up_to_now_and_its_event_is_not_counted_twice() -> None:
    now = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
    started = now - timedelta(minutes=45)
    timer = RunningTimer(Task(1, "A"), 77, started)
    events = [event(77, started, None)]
    assert today_total(events, timer, UTC, now) == timedelta(minutes=45)


def test_a_timer_running_since_yesterday_counts_from_midnight() -> None:
    now = datetime(2026, 11, 27, 1, 0, tzinfo=BERLIN)
    timer = RunningTimer(Task(1, "A"), 5, datetime(2026, 11, 26, 22, 0, tzinfo=BERLIN))
    assert today_total([], timer, BERLIN, now) == timedelta(hours=1)


def test_recent_tasks_are_distinct_latest_first_without_the_running_one() -> None:
    base = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
    events = [
        event(i, base + timedelta(hours=i), base + timedelta(hours=i, minutes=30), task_id=t)
        for i, t in enumerate([1, 2, 1, 3, 4, 2])
    ]
    assert [t.id for t in recent_tasks(events, exclude=2)] == [4, 3, 1]


@pytest.fixture
def alice(fake_tt: FakeTrackingTime) -> tuple[int, int, int]:
    account = fake_tt.add_account("Acme")
    user = fake_tt.add_user("a@x.test", "alice-password-123", "Alice", accounts=[account])
    task = fake_tt.add_task(account, "Standup")
    return account, user, task


async def test_stop_reports_tracked_time_by_the_clock(
    fake_tt: FakeTrackingTime,
    fake_tt_server: tuple[FakeTrackingTime, FakeTrackingTimeServer],
    alice: tuple[int, int, int],
) -> None:
    account, user, task = alice
    fake_tt.start_timer(account, user, task, "2026-11-27 09:00:00", "GMT+01:00")
    client = TrackingTime(fake_tt_server[1].api_url)
    clock = lambda: datetime(2026, 11, 27, 10, 15, tzinfo=BERLIN)  # noqa: E731
    link = Link(
        SlackUserKey(None, "T", "U"), user, account, "Acme", "alice-password-123", "Europe/Berlin"
    )
    watch = Watch()
    service = TimerService(client, Catalogue(client), watch, clock)
    try:
        outcome = await service.stop(link)
        assert isinstance(outcome, Stopped)
        assert outcome.tracked == timedelta(hours=1, minutes=15)
        assert outcome.today_total == timedelta(hours=1, minutes=15)
        assert await service.stop(link) == NothingRunning()
        # Whatever the worker knew of a running timer, there is none to remind of.
        assert watch.told == [("stopped", "U"), ("stopped", "U")]
        started = await service.start_task(link, task)
        assert watch.told[-1] == (
            "started",
            "U",
            started.timer.started_at.isoformat(),
            str(started.timer.event_id),
        )
    finally:
        await client.aclose()


async def test_a_timer_stopped_elsewhere_meanwhile_is_nothing_running() -> None:
    """Stopped in TrackingTime's own app between our look-up and our stop: TrackingTime then
    answers the stop with a 502 "user exception" inside an HTTP 200 body."""

    def answer(request: httpx.Request) -> httpx.Response:
        if "/tasks/tracking" in request.url.path:
            data = [
                {
                    "id": 9,
                    "name": "Standup",
                    "tracking_event": {
                        "id": 1,
                        "start": "2026-11-27 09:00:00",
                        "timezone": "GMT+00:00",
                    },
                }
            ]
            return httpx.Response(200, json={"response": {"status": 200}, "data": data})
        assert "/tasks/stop/9" in request.url.path
        return httpx.Response(
            200,
            json={
                "response": {"status": 502, "message": "The task is not being tracked"},
                "data": None,
            },
        )

    client = TrackingTime("https://tt.test/api/v4", transport=httpx.MockTransport(answer))
    link = Link(SlackUserKey(None, "T", "U"), 2, 1, "Acme", "alice-password-123", "UTC")
    service = TimerService(
        client, Catalogue(client), Watch(), lambda: datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
    )
    try:
        assert await service.stop(link) == NothingRunning()
    finally:
        await client.aclose()
