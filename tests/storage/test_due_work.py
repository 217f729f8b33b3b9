"""The worker's cost follows the work that is due (SQLite and PostgreSQL, the fakes on localhost):
users with nothing due are neither decrypted nor asked about; a timer started in the app is
reminded of exactly at its start plus the limit, with no TrackingTime call before; a changed
setting moves when the summary goes; two workers split the timer checks."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from prometheus_client import REGISTRY

from bot.crypto import generate_key
from bot.fakes.slack import FakeSlack, FakeSlackServer
from bot.fakes.trackingtime import FakeTrackingTime, FakeTrackingTimeServer
from bot.services.container import Services
from bot.settings import Settings, load_settings
from bot.slack_app import slack_client
from bot.storage import Link, SlackUserKey, UserSettings, upgrade_schema
from bot.storage.models import LinkedAccount
from bot.worker import Worker

TEAM = "T0DUE"
TOKEN = "xoxb-due"
FRIDAY_0900_BERLIN = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
# Zones where 17:30 is still to come from Friday 09:00 in Berlin until after noon there.
BYSTANDER_ZONES = [
    "Europe/Berlin",
    "America/New_York",
    "Asia/Kolkata",
    "America/Los_Angeles",
    "UTC",
]


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@dataclass
class World:
    services: Services
    clock: Clock
    settings: Settings
    fake_tt: FakeTrackingTime
    fake_slack: FakeSlack
    account: int

    def worker(self, now: datetime) -> Worker:
        """A worker whose clock (and its services') says ``now``."""
        self.clock.now = now
        slack = slack_client(self.settings)
        return Worker(self.services, slack, self.clock, sends_per_second=1000)


@pytest.fixture
async def world(
    database_url: str,
    fake_tt: FakeTrackingTime,
    fake_slack: FakeSlack,
    fake_tt_server: tuple[FakeTrackingTime, FakeTrackingTimeServer],
    fake_slack_server: tuple[FakeSlack, FakeSlackServer],
) -> AsyncIterator[World]:
    await asyncio.to_thread(upgrade_schema, database_url)
    fake_slack.add_team(TEAM, TOKEN)
    settings = load_settings(
        {
            "DATABASE_URL": database_url,
            "ENCRYPTION_KEYS": generate_key(),
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_API_URL": fake_slack_server[1].api_url,
            "TRACKINGTIME_API_URL": fake_tt_server[1].api_url,
        },
        need_encryption=True,
        need_bot_token=True,
    )
    clock = Clock(FRIDAY_0900_BERLIN)
    services = Services.create(settings, clock)
    yield World(services, clock, settings, fake_tt, fake_slack, fake_tt.add_account("Due Inc"))
    await services.aclose()


async def link_user(world: World, n: int, zone: str = "Europe/Berlin") -> Link:
    """A user linked to their account in the fake TrackingTime, who can be sent DMs."""
    services, fake_tt, account = world.services, world.fake_tt, world.account
    world.fake_slack.add_user(TEAM, f"U0DUE{n:03d}", f"Due {n}", tz=zone)
    password = f"due-password-{n:04d}"
    tt_id = fake_tt.add_user(f"due{n}@x.test", password, "Due", str(n), [account], timezone=zone)
    link = Link(
        SlackUserKey(None, TEAM, f"U0DUE{n:03d}"), tt_id, account, "Due Inc", password, zone
    )
    await services.accounts.save(link)
    return link


async def insert_links(services: Services, links: list[Link], **columns: Any) -> None:
    """Linked accounts in bulk (passwords encrypted), with ``columns`` as given: a callable
    value is called with each link."""
    rows = [
        {
            "enterprise_id": "",
            "team_id": link.key.team_id,
            "slack_user_id": link.key.user_id,
            "tt_user_id": link.tt_user_id,
            "tt_account_id": link.account_id,
            "tt_workspace_name": link.workspace_name,
            "tt_user_name": "",
            "app_password_encrypted": services.keyring.encrypt(link.app_password),
            "time_zone": link.time_zone,
            "created_at": FRIDAY_0900_BERLIN,
            "updated_at": FRIDAY_0900_BERLIN,
            **{name: value(link) if callable(value) else value for name, value in columns.items()},
        }
        for link in links
    ]
    async with services.database.sessions() as session:
        await session.exec(LinkedAccount.__table__.insert(), params=rows)  # type: ignore[call-overload,attr-defined]
        await session.commit()


async def bystanders(services: Services, count: int, at: datetime) -> None:
    """``count`` linked users, each with their own encrypted password, their summaries at 17:30
    in zones around the world, half of them active with a timer check planned for Monday."""
    monday = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
    links = [
        Link(
            SlackUserKey(None, TEAM, f"U0BY{n:04d}"),
            90000 + n,
            1,
            "Elsewhere",
            f"bystander-{n}",
            BYSTANDER_ZONES[n % len(BYSTANDER_ZONES)],
        )
        for n in range(count)
    ]
    await insert_links(
        services,
        links[::2],
        summary_due_at=lambda link: UserSettings().summary_at(link.time_zone, at),
        active_at=at,
        timer_check_at=monday,
    )
    await insert_links(
        services,
        links[1::2],
        summary_due_at=lambda link: UserSettings().summary_at(link.time_zone, at),
    )


def sent_metric(kind: str) -> float:
    value = REGISTRY.get_sample_value("trackingtime_slack_worker_sent_total", {"kind": kind})
    return value or 0.0


def asked_about(fake_tt: FakeTrackingTime, link: Link) -> int:
    return sum(f"/users/{link.tt_user_id}/" in r.path for r in fake_tt.requests)


async def test_users_with_nothing_due_cost_nothing(
    world: World, fake_tt: FakeTrackingTime, fake_slack: FakeSlack
) -> None:
    svc = world.services
    due = [await link_user(world, n) for n in range(3)]
    for link in due:  # their summaries at noon, when nobody else's is due
        await svc.accounts.save_settings(link.key, UserSettings(summary_time=time(12, 0)))
    await bystanders(svc, 400, FRIDAY_0900_BERLIN)
    opened_before = svc.keyring.decrypted
    fake_tt.requests.clear()

    quiet = await world.worker(FRIDAY_0900_BERLIN + timedelta(minutes=1)).round()
    assert (quiet.summaries, quiet.timer_checks, quiet.decrypted) == (0, 0, 0)
    assert svc.keyring.decrypted == opened_before  # not one of 403 passwords opened
    assert fake_tt.requests == []

    sent_before = sent_metric("summary")
    noon = await world.worker(datetime(2026, 11, 27, 11, 0, tzinfo=UTC)).round()
    assert (noon.summaries, noon.decrypted) == (3, 3)
    assert sent_metric("summary") - sent_before == 3  # what operators see (bot/metrics.py)
    assert svc.keyring.decrypted == opened_before + 3
    assert {
        r.path.split("/users/")[-1].split("/")[0] for r in fake_tt.requests if "/users/" in r.path
    } == {str(link.tt_user_id) for link in due}
    assert len([c for c in fake_slack.calls_to("chat.postMessage") if c.ok]) == 3


async def test_a_timer_started_in_the_app_is_reminded_exactly_at_start_plus_limit(
    world: World, fake_tt: FakeTrackingTime, fake_slack: FakeSlack
) -> None:
    svc = world.services
    task = fake_tt.add_task(world.account, "Design")
    alice = await link_user(world, 1)
    await svc.schedule.active(alice, FRIDAY_0900_BERLIN)  # checked on, as any active user
    started = await svc.timers.start_task(alice, task)  # at 09:00, from Slack
    assert started.timer.started_at == FRIDAY_0900_BERLIN
    reminder_due = FRIDAY_0900_BERLIN + UserSettings().timer_limit
    fake_tt.requests.clear()

    # All day long: the timer is known, its reminder not due, nobody asks TrackingTime about it.
    for minutes in (10, 60, 4 * 60, 8 * 60 + 59):
        moment = FRIDAY_0900_BERLIN + timedelta(minutes=minutes)
        assert await world.worker(moment).check_timers() == 0
    assert await world.worker(reminder_due - timedelta(seconds=1)).check_timers() == 0
    assert asked_about(fake_tt, alice) == 0

    assert await world.worker(reminder_due).check_timers() == 1
    assert asked_about(fake_tt, alice) == 1  # once, to see it still runs
    [dm] = [c.args for c in fake_slack.calls_to("chat.postMessage") if c.ok]
    assert dm["channel"] == alice.key.user_id
    assert "has been running for *9h 00m*" in str(dm["blocks"])
    assert await world.worker(reminder_due + timedelta(minutes=10)).check_timers() == 0


async def test_a_timer_stopped_in_the_app_is_not_reminded_of(
    world: World, fake_tt: FakeTrackingTime, fake_slack: FakeSlack
) -> None:
    svc, clock = world.services, world.clock
    task = fake_tt.add_task(world.account, "Design")
    alice = await link_user(world, 1)
    await svc.timers.start_task(alice, task)
    clock.now = FRIDAY_0900_BERLIN + timedelta(hours=2)
    await svc.timers.stop(alice)
    await svc.accounts.save_settings(alice.key, UserSettings(summary_enabled=False))
    fake_tt.requests.clear()
    reminder_due = FRIDAY_0900_BERLIN + UserSettings().timer_limit
    report = await world.worker(reminder_due).round()
    assert report.reminders == 0
    assert fake_slack.calls_to("chat.postMessage") == []
    # No reminder to confirm; what TrackingTime was asked is the slow check of an active user.
    assert asked_about(fake_tt, alice) == report.timer_checks == 1


async def test_a_changed_setting_moves_when_the_summary_goes(
    world: World, fake_tt: FakeTrackingTime, fake_slack: FakeSlack
) -> None:
    svc, clock = world.services, world.clock
    alice = await link_user(world, 1)
    clock.now = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)  # 16:00 in Berlin
    await svc.accounts.save_settings(alice.key, UserSettings(summary_time=time(16, 30)))
    assert await world.worker(datetime(2026, 11, 27, 15, 29, tzinfo=UTC)).send_summaries() == 0
    assert await world.worker(datetime(2026, 11, 27, 15, 30, tzinfo=UTC)).send_summaries() == 1
    # Moved to 17:30 after it went: today's is not sent again; Monday's goes at 17:30.
    await svc.accounts.save_settings(alice.key, UserSettings(summary_time=time(17, 30)))
    assert await world.worker(datetime(2026, 11, 27, 16, 30, tzinfo=UTC)).send_summaries() == 0
    assert await world.worker(datetime(2026, 11, 30, 16, 29, tzinfo=UTC)).send_summaries() == 0
    assert await world.worker(datetime(2026, 11, 30, 16, 30, tzinfo=UTC)).send_summaries() == 1


# Two workers claiming at the same time, each taking rows the other has not locked: PostgreSQL's
# FOR UPDATE SKIP LOCKED (on SQLite one writer goes at a time, and the first takes the batch).
@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_two_workers_split_the_timer_checks(
    world: World, fake_tt: FakeTrackingTime, fake_slack: FakeSlack
) -> None:
    svc = world.services
    task = fake_tt.add_task(world.account, "Design")
    users = []
    for n in range(250):
        password = f"split-password-{n:04d}"
        tt_id = fake_tt.add_user(f"split{n}@x.test", password, "Split", str(n), [world.account])
        fake_slack.add_user(TEAM, f"U0SPLIT{n:03d}", f"Split {n}", tz="Europe/Berlin")
        key = SlackUserKey(None, TEAM, f"U0SPLIT{n:03d}")
        users.append(Link(key, tt_id, world.account, "Due Inc", password, "Europe/Berlin"))
        if n % 25 == 0:  # ten left running since midnight, in TrackingTime's own app
            start = "2026-11-27 00:00:00"
            fake_tt.start_timer(world.account, tt_id, task, start, "GMT+01:00")
    # Active this morning, each due a check by 10:00, none a summary.
    await insert_links(
        svc,
        users,
        active_at=FRIDAY_0900_BERLIN,
        timer_check_at=FRIDAY_0900_BERLIN,
        summary_enabled=False,
    )
    fake_tt.requests.clear()
    second = Services.create(world.settings, world.clock)
    try:
        both = [world.worker(FRIDAY_0900_BERLIN + timedelta(hours=1))]
        both.append(
            Worker(second, slack_client(world.settings), world.clock, sends_per_second=1000)
        )
        first, other = await asyncio.gather(*(w.round() for w in both))
    finally:
        await second.aclose()
    asked = [r.path for r in fake_tt.requests if r.path.endswith("/tasks/tracking")]
    assert len(asked) == len(set(asked)) == 250  # every active user once
    assert first.timer_checks + other.timer_checks == 250
    assert first.timer_checks and other.timer_checks  # split between the two
    reminders = [c for c in fake_slack.calls_to("chat.postMessage") if c.ok]
    assert len(reminders) == first.reminders + other.reminders == 10
    assert len({c.args["channel"] for c in reminders}) == 10
