"""Two ``python -m bot worker`` processes on one PostgreSQL database: every daily summary is sent
exactly once, also when a worker is killed in the middle of a round and another takes over."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from bot.crypto import Keyring, generate_key
from bot.fakes.slack import FakeSlack, FakeSlackServer
from bot.fakes.trackingtime import FakeTrackingTime, FakeTrackingTimeServer
from bot.storage import AccountStore, Database, Link, SlackUserKey, upgrade_schema
from bot.worker.batches import ROW_LEASE
from tests.support.paths import PROJECT_ROOT
from tests.support.postgres import isolated_postgres_url

TEAM = "T0WORKERS"
TOKEN = "xoxb-workers"
USERS = 6
FRIDAY = datetime(2026, 11, 27, 16, 45, tzinfo=UTC)  # 17:45 in Berlin
MONDAY = FRIDAY + timedelta(days=3)

pytestmark = pytest.mark.postgres


@pytest.fixture
async def postgres_url() -> AsyncIterator[str]:
    async with isolated_postgres_url() as url:
        await asyncio.to_thread(upgrade_schema, url)
        yield url


@pytest.fixture
async def team(
    postgres_url: str,
    fake_tt: FakeTrackingTime,
    fake_slack: FakeSlack,
) -> AsyncIterator[tuple[str, list[SlackUserKey]]]:
    """Six linked users in Berlin; returns the encryption key and their keys."""
    key = generate_key()
    fake_slack.add_team(TEAM, TOKEN)
    account = fake_tt.add_account("Workers Inc")
    database = Database(postgres_url)
    # Linked a week before the replayed days, as the web process would have then.
    store = AccountStore(database.sessions, Keyring([key]), lambda: FRIDAY - timedelta(days=7))
    users = []
    for n in range(USERS):
        slack_id = f"U0W{n:03d}"
        fake_slack.add_user(TEAM, slack_id, f"Worker {n}", tz="Europe/Berlin")
        password = f"worker-password-{n:04d}"
        tt_id = fake_tt.add_user(f"w{n}@x.test", password, "Worker", str(n), [account])
        user = SlackUserKey(None, TEAM, slack_id)
        await store.save(Link(user, tt_id, account, "Workers Inc", password, "Europe/Berlin"))
        users.append(user)
    await database.dispose()
    yield key, users


async def start_worker(
    url: str,
    key: str,
    now: datetime,
    slack: FakeSlackServer,
    tt: FakeTrackingTimeServer,
) -> asyncio.subprocess.Process:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    env.update(
        PYTHONPATH=str(PROJECT_ROOT),
        DATABASE_URL=url,
        ENCRYPTION_KEYS=key,
        SLACK_BOT_TOKEN=TOKEN,
        SLACK_API_URL=slack.api_url,
        TRACKINGTIME_API_URL=tt.api_url,
    )
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "worker",
        "--once",
        "--now",
        now.isoformat(),
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )


def summaries(fake_slack: FakeSlack, day: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for call in fake_slack.calls_to("chat.postMessage"):
        if call.ok and f"Your day · {day}" in str(call.args.get("blocks")):
            counts[call.args["channel"]] = counts.get(call.args["channel"], 0) + 1
    return counts


async def claimed_rows(url: str, day: str) -> int:
    database = Database(url)
    try:
        async with database.engine.connect() as connection:
            result = await connection.execute(
                text("SELECT count(*) FROM deliveries WHERE kind = 'summary' AND period = :day"),
                {"day": day},
            )
            return int(result.scalar_one())
    finally:
        await database.dispose()


async def test_two_workers_and_one_killed_mid_round(
    postgres_url: str,
    team: tuple[str, list[SlackUserKey]],
    fake_tt: FakeTrackingTime,
    fake_slack: FakeSlack,
    fake_tt_server: tuple[FakeTrackingTime, FakeTrackingTimeServer],
    fake_slack_server: tuple[FakeSlack, FakeSlackServer],
) -> None:
    key, users = team
    servers = (fake_slack_server[1], fake_tt_server[1])

    # Two workers at once: every summary once.
    both = [await start_worker(postgres_url, key, FRIDAY, *servers) for _ in range(2)]
    results = await asyncio.gather(*(p.communicate() for p in both))
    assert [p.returncode for p in both] == [0, 0], [r[1] for r in results]
    assert summaries(fake_slack, "Fri 27 Nov") == {u.user_id: 1 for u in users}

    # A worker that claims Monday's summaries, then dies while TrackingTime is slow.
    fake_tt.latency = 5.0
    doomed = await start_worker(postgres_url, key, MONDAY, *servers)
    for _ in range(200):
        if await claimed_rows(postgres_url, "2026-11-30") == USERS:
            break
        await asyncio.sleep(0.05)
    assert await claimed_rows(postgres_url, "2026-11-30") == USERS  # all claimed, none sent
    doomed.send_signal(signal.SIGKILL)
    await doomed.wait()
    fake_tt.latency = 0.0
    assert summaries(fake_slack, "Mon 30 Nov") == {}

    # While its claims are still leased, another worker leaves them alone ...
    early = await start_worker(postgres_url, key, MONDAY + timedelta(minutes=1), *servers)
    await early.communicate()
    assert summaries(fake_slack, "Mon 30 Nov") == {}
    # ... and once the leases have run out, it sends every one of them, once.
    late = await start_worker(
        postgres_url, key, MONDAY + ROW_LEASE + timedelta(minutes=1), *servers
    )
    await late.communicate()
    assert late.returncode == 0
    assert summaries(fake_slack, "Mon 30 Nov") == {u.user_id: 1 for u in users}
    again = await start_worker(postgres_url, key, MONDAY + timedelta(hours=2), *servers)
    await again.communicate()
    assert summaries(fake_slack, "Mon 30 Nov") == {u.user_id: 1 for u in users}
