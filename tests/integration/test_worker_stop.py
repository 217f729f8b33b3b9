"""SIGTERM to a worker in the middle of a round: it finishes the summaries it has started, gives
back those it has not (due again at once), claims nothing more, and exits; the next worker sends
each of the rest without waiting out a lease, every summary once."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.crypto import Keyring, generate_key
from bot.fakes.slack import FakeSlack, FakeSlackServer
from bot.fakes.trackingtime import FakeTrackingTime, FakeTrackingTimeServer
from bot.storage import AccountStore, Database, Link, SlackUserKey, upgrade_schema
from bot.worker import CONCURRENCY
from tests.support.databases import app_database
from tests.support.paths import PROJECT_ROOT

TEAM = "T0STOP"
TOKEN = "xoxb-stop"
# More than the worker works on at once: SIGTERM lands while some wait their turn.
USERS = CONCURRENCY + 10
FRIDAY = datetime(2026, 11, 27, 16, 45, tzinfo=UTC)  # 17:45 in Berlin: every summary due


async def link_users(url: str, key: str, fake_tt: FakeTrackingTime, fake_slack: FakeSlack) -> None:
    fake_slack.add_team(TEAM, TOKEN)
    account = fake_tt.add_account("Stop Inc")
    database = Database(url)
    store = AccountStore(database.sessions, Keyring([key]), lambda: FRIDAY - timedelta(days=7))
    for n in range(USERS):
        user_id = f"U0S{n:04d}"
        fake_slack.add_user(TEAM, user_id, f"Stopper {n}", tz="Europe/Berlin")
        password = f"stop-password-{n:05d}"
        tt_id = fake_tt.add_user(f"s{n}@x.test", password, "Stopper", str(n), [account])
        link = Link(SlackUserKey(None, TEAM, user_id), tt_id, account, "Stop Inc", password,
                    "Europe/Berlin")  # fmt: skip
        await store.save(link)
    await database.dispose()


async def start_worker(
    url: str, key: str, servers: tuple[FakeSlackServer, FakeTrackingTimeServer], *once: str
) -> asyncio.subprocess.Process:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_"))}
    env.update(
        PYTHONPATH=str(PROJECT_ROOT),
        DATABASE_URL=url,
        ENCRYPTION_KEYS=key,
        SLACK_BOT_TOKEN=TOKEN,
        SLACK_API_URL=servers[0].api_url,
        TRACKINGTIME_API_URL=servers[1].api_url,
    )
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "worker", *once, "--now", FRIDAY.isoformat(),
        env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


def summaries(fake_slack: FakeSlack) -> dict[str, int]:
    counts: dict[str, int] = {}
    for call in fake_slack.calls_to("chat.postMessage"):
        if call.ok and "Your day · Fri 27 Nov" in str(call.args.get("blocks")):
            counts[call.args["channel"]] = counts.get(call.args["channel"], 0) + 1
    return counts


async def test_sigterm_finishes_what_was_started_and_gives_back_the_rest(
    tmp_path: Path,
    fake_tt: FakeTrackingTime,
    fake_slack: FakeSlack,
    fake_tt_server: tuple[FakeTrackingTime, FakeTrackingTimeServer],
    fake_slack_server: tuple[FakeSlack, FakeSlackServer],
) -> None:
    servers = (fake_slack_server[1], fake_tt_server[1])
    key = generate_key()
    with app_database(tmp_path) as url:
        await asyncio.to_thread(upgrade_schema, url)
        await link_users(url, key, fake_tt, fake_slack)
        fake_tt.latency = 0.3  # a batch takes seconds: SIGTERM comes in the middle of one

        worker = await start_worker(url, key, servers)
        for _ in range(600):
            if summaries(fake_slack):
                break
            await asyncio.sleep(0.05)
        worker.send_signal(signal.SIGTERM)
        _, errors = await asyncio.wait_for(worker.communicate(), 30)
        assert worker.returncode == 0, errors.decode()
        sent = summaries(fake_slack)
        assert 0 < len(sent) < USERS  # those started, not those waiting their turn
        assert set(sent.values()) == {1}

        fake_tt.latency = 0.0
        following = await start_worker(url, key, servers, "--once")
        _, errors = await following.communicate()
        assert following.returncode == 0, errors.decode()
        assert summaries(fake_slack) == {f"U0S{n:04d}": 1 for n in range(USERS)}
