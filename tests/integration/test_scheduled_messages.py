"""The worker's scheduled messages, with a clock the tests control: daily summaries at each
user's local time (DST included), once per day even with two workers, reconnect asked once,
forgotten timers reminded once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.fakes.slack import FakeSlack
from bot.fakes.slack_requests import SlackUser
from bot.fakes.trackingtime import FakeTrackingTime
from bot.services.container import Services
from bot.slack_app import slack_client
from bot.storage import UserSettings
from bot.worker import Worker
from tests.support.flows import connect
from tests.support.harness import AppHarness
from tests.support.schedule import scheduled_at
from tests.support.seed import ALICE, ALICE_PASSWORD, BOB, BOB_PASSWORD, TEAM_ID, Seeded

CAROL = SlackUser(TEAM_ID, "U0CAROL", "carol")
EVERY_DAY = frozenset(range(7))
# The links are made through the app (now); the tests replay days from here on.
REPLAYED_FROM = datetime(2026, 10, 20, tzinfo=UTC)


class Clock:
    """The clock of the worker's services, moved to each round's instant."""

    def __init__(self) -> None:
        self.now = REPLAYED_FROM

    def __call__(self) -> datetime:
        return self.now


CLOCK = Clock()


@pytest.fixture
async def services(app: AppHarness, three_zones: AppHarness) -> AsyncIterator[Services]:
    CLOCK.now = REPLAYED_FROM
    services = Services.create(app.settings, CLOCK)
    await scheduled_at(services, REPLAYED_FROM)
    yield services
    await services.aclose()


@pytest.fixture
def three_zones(
    app: AppHarness, fake_slack: FakeSlack, fake_tt: FakeTrackingTime, seeded: Seeded
) -> AppHarness:
    """Alice in Berlin, Bob in New York, Carol in Kolkata, all linked."""
    fake_slack.add_user(TEAM_ID, CAROL.user_id, "Carol Singh", tz="Asia/Kolkata")
    fake_tt.add_user(
        "carol@acme.test", "carol-app-password-3", "Carol", "Singh", [seeded.account_id]
    )
    connect(app, ALICE, ALICE_PASSWORD)
    connect(app, BOB, BOB_PASSWORD)
    connect(app, CAROL, "carol-app-password-3")
    return app


def worker_at(services: Services, app: AppHarness, now: datetime) -> Worker:
    CLOCK.now = now
    return Worker(services, slack_client(app.settings), CLOCK, sends_per_second=1000)


def dms_to(fake_slack: FakeSlack, user: SlackUser) -> list[dict]:  # type: ignore[type-arg]
    return [
        c.args
        for c in fake_slack.calls_to("chat.postMessage")
        if c.args["channel"] == user.user_id and c.ok
    ]


async def every_day(services: Services, *users: SlackUser) -> None:
    for user in users:
        await services.accounts.save_settings(user.key, UserSettings(summary_days=EVERY_DAY))


async def test_summaries_go_out_at_each_users_local_time(
    three_zones: AppHarness, fake_slack: FakeSlack, services: Services
) -> None:
    app = three_zones
    # Friday 27 Nov 2026: 17:30 is 16:30 UTC in Berlin, 12:00 UTC in Kolkata, 22:30 UTC in NY.
    friday = datetime(2026, 11, 27, tzinfo=UTC)
    assert await worker_at(services, app, friday.replace(hour=11, minute=59)).send_summaries() == 0
    assert await worker_at(services, app, friday.replace(hour=12)).send_summaries() == 1
    assert [len(dms_to(fake_slack, u)) for u in (ALICE, BOB, CAROL)] == [0, 0, 1]
    assert await worker_at(services, app, friday.replace(hour=16, minute=30)).send_summaries() == 1
    assert await worker_at(services, app, friday.replace(hour=22, minute=29)).send_summaries() == 0
    assert await worker_at(services, app, friday.replace(hour=22, minute=30)).send_summaries() == 1
    # Later rounds the same day send nothing more.
    assert await worker_at(services, app, friday.replace(hour=23)).send_summaries() == 0
    assert [len(dms_to(fake_slack, u)) for u in (ALICE, BOB, CAROL)] == [1, 1, 1]
    summary = dms_to(fake_slack, ALICE)[0]
    assert "Your day · Fri 27 Nov" in str(summary["blocks"])
    assert "of your *8h 00m*" in str(summary["blocks"])  # TrackingTime's schedule for Friday
    assert "open_log_modal" in str(summary["blocks"])  # "Log missing time"


async def test_weekends_are_skipped_unless_chosen(
    three_zones: AppHarness, fake_slack: FakeSlack, services: Services
) -> None:
    saturday = datetime(2026, 11, 28, 20, 0, tzinfo=UTC)  # 21:00 in Berlin
    assert await worker_at(services, three_zones, saturday).send_summaries() == 0
    await every_day(services, ALICE)
    assert await worker_at(services, three_zones, saturday).send_summaries() == 1


async def test_dst_change_day_moves_the_utc_instant(
    three_zones: AppHarness, fake_slack: FakeSlack, services: Services
) -> None:
    await every_day(services, ALICE, BOB)

    async def round_at(*when: int) -> tuple[int, int]:
        await worker_at(services, three_zones, datetime(*when, tzinfo=UTC)).send_summaries()
        return len(dms_to(fake_slack, ALICE)), len(dms_to(fake_slack, BOB))

    # Berlin leaves summer time on Sun 25 Oct 2026: 17:30 is 15:30 UTC the day before, 16:30 on it.
    assert await round_at(2026, 10, 24, 15, 29) == (0, 0)
    assert await round_at(2026, 10, 24, 15, 30) == (1, 0)
    assert await round_at(2026, 10, 25, 16, 29) == (1, 0)
    assert await round_at(2026, 10, 25, 16, 30) == (2, 0)
    # New York leaves summer time on Sun 1 Nov 2026: 17:30 is 21:30 UTC before, 22:30 on it.
    assert (await round_at(2026, 10, 31, 21, 29))[1] == 0
    assert (await round_at(2026, 10, 31, 21, 30))[1] == 1
    assert (await round_at(2026, 11, 1, 22, 29))[1] == 1
    assert (await round_at(2026, 11, 1, 22, 30))[1] == 2


async def test_two_workers_send_each_summary_once(
    three_zones: AppHarness, fake_slack: FakeSlack, app: AppHarness, services: Services
) -> None:
    # 23:45 in Berlin and 17:45 in New York on Friday: both due (Kolkata is already Saturday).
    now = datetime(2026, 11, 27, 22, 45, tzinfo=UTC)
    first, second = Services.create(app.settings), Services.create(app.settings)
    try:
        import asyncio

        counts = await asyncio.gather(
            worker_at(first, app, now).send_summaries(),
            worker_at(second, app, now).send_summaries(),
        )
    finally:
        await first.aclose()
        await second.aclose()
    assert sum(counts) == 2
    assert [len(dms_to(fake_slack, u)) for u in (ALICE, BOB, CAROL)] == [1, 1, 0]


async def test_rejected_credentials_get_one_reconnect_message(
    three_zones: AppHarness, fake_slack: FakeSlack, fake_tt: FakeTrackingTime, services: Services
) -> None:
    await services.accounts.save_settings(BOB.key, UserSettings(summary_enabled=False))
    await services.accounts.save_settings(CAROL.key, UserSettings(summary_enabled=False))
    fake_tt.fail_next("unauthorized_in_body", times=10)
    for day in (27, 30):  # Friday, then Monday
        await worker_at(
            services, three_zones, datetime(2026, 11, day, 20, tzinfo=UTC)
        ).send_summaries()
    [message] = dms_to(fake_slack, ALICE)
    assert "no longer accepts your App Password" in str(message["blocks"])


async def test_a_summary_waits_out_a_trackingtime_outage(
    three_zones: AppHarness, fake_slack: FakeSlack, fake_tt: FakeTrackingTime, services: Services
) -> None:
    await services.accounts.save_settings(BOB.key, UserSettings(summary_enabled=False))
    await services.accounts.save_settings(CAROL.key, UserSettings(summary_enabled=False))
    now = datetime(2026, 11, 27, 17, 0, tzinfo=UTC)
    fake_tt.fail_next("outage", times=4)
    assert await worker_at(services, three_zones, now).send_summaries() == 0
    fake_tt.reset_failures()
    assert await worker_at(services, three_zones, now + timedelta(minutes=1)).send_summaries() == 1


async def test_slack_rate_limits_are_retried_without_losing_a_summary(
    three_zones: AppHarness, fake_slack: FakeSlack, services: Services
) -> None:
    fake_slack.fail_next("chat.postMessage", retry_after=1)
    fake_slack.fail_next("chat.postMessage", retry_after=1)
    now = datetime(2026, 11, 27, 22, 45, tzinfo=UTC)  # Alice and Bob are due
    assert await worker_at(services, three_zones, now).send_summaries() == 2
    assert [len(dms_to(fake_slack, u)) for u in (ALICE, BOB, CAROL)] == [1, 1, 0]
    assert sum(not c.ok for c in fake_slack.calls_to("chat.postMessage")) == 2  # the two 429s


def timer_asks(fake_tt: FakeTrackingTime, tt_user_id: int) -> int:
    """How often TrackingTime was asked for the user's running timer."""
    return sum(r.path.endswith(f"/users/{tt_user_id}/tasks/tracking") for r in fake_tt.requests)


async def test_a_timer_started_elsewhere_is_found_then_reminded_once(
    three_zones: AppHarness,
    fake_slack: FakeSlack,
    fake_tt: FakeTrackingTime,
    seeded: Seeded,
    services: Services,
) -> None:
    fake_tt.start_timer(
        seeded.account_id,
        seeded.alice_tt_id,
        seeded.tasks["Standup/Internal"],
        "2026-11-27 09:00:00",  # 08:00 UTC, in TrackingTime's own app
        "GMT+01:00",
    )
    morning = datetime(2026, 11, 27, 8, 30, tzinfo=UTC)  # 09:30 in Berlin
    await scheduled_at(services, morning)  # the three were active then
    asked_before = timer_asks(fake_tt, seeded.alice_tt_id)  # by the app, for its Home tab

    def asks() -> int:
        return timer_asks(fake_tt, seeded.alice_tt_id) - asked_before

    # The slow check looks within the hour (TIMER_CHECK_MINUTES), and finds the timer.
    assert await worker_at(services, three_zones, morning + timedelta(hours=1)).check_timers() == 0
    assert asks() == 1
    # Known now: its reminder is due at 09:00 + 9 h, and nobody asks about it before then.
    for hours in range(2, 9):
        at = morning + timedelta(hours=hours)
        assert await worker_at(services, three_zones, at).check_timers() == 0
    reminder_due = datetime(2026, 11, 27, 17, 0, tzinfo=UTC)
    before = reminder_due - timedelta(seconds=1)
    assert await worker_at(services, three_zones, before).check_timers() == 0
    assert asks() == 1
    assert dms_to(fake_slack, ALICE) == []

    assert await worker_at(services, three_zones, reminder_due).check_timers() == 1
    assert asks() == 2  # once, to see it still runs
    [reminder] = dms_to(fake_slack, ALICE)
    assert "has been running for *9h 00m*" in str(reminder["blocks"])
    assert "keep_running" in str(reminder["blocks"]) and "stop_timer" in str(reminder["blocks"])
    later = reminder_due + timedelta(hours=1)
    assert await worker_at(services, three_zones, later).check_timers() == 0
    assert len(dms_to(fake_slack, ALICE)) == 1
