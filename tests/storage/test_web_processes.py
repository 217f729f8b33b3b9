"""``WEB_CONCURRENCY=2 python -m bot serve`` on one PostgreSQL database: two web processes on one
port serve one workspace, each request whole in whichever process took it (timers started in one
are stopped from the other, every reply arrives, nothing is logged twice)."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest

from bot.crypto import Keyring, generate_key
from bot.fakes.slack import FakeSlack, FakeSlackServer
from bot.fakes.slack_requests import SignedSlack, SlackUser, command_payload
from bot.fakes.trackingtime import FakeTrackingTime, FakeTrackingTimeServer
from bot.storage import AccountStore, Database, Link, upgrade_schema
from tests.support.paths import PROJECT_ROOT
from tests.support.postgres import isolated_postgres_url

TEAM = "T0WEB"
TOKEN = "xoxb-web-processes"
SECRET = "web-processes-signing-secret"
METRICS_TOKEN = "web-processes-metrics-token"
USERS = [SlackUser(TEAM, f"U0WEB{n}", f"web{n}") for n in range(3)]

pytestmark = pytest.mark.postgres


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
async def linked(
    fake_tt: FakeTrackingTime, fake_slack: FakeSlack
) -> AsyncIterator[tuple[str, str, int]]:
    """The database URL, its encryption key and the TrackingTime account, three users linked."""
    key = generate_key()
    fake_slack.add_team(TEAM, TOKEN)
    account = fake_tt.add_account("Web Inc")
    fake_tt.add_task(account, "Standup", fake_tt.add_project(account, "Internal"))
    async with isolated_postgres_url() as url:
        await asyncio.to_thread(upgrade_schema, url)
        database = Database(url)
        store = AccountStore(database.sessions, Keyring([key]))
        for n, user in enumerate(USERS):
            fake_slack.add_user(TEAM, user.user_id, user.name, tz="Europe/Berlin")
            password = f"web-password-{n:04d}"
            tt_id = fake_tt.add_user(f"web{n}@x.test", password, "Web", str(n), [account])
            await store.save(Link(user.key, tt_id, account, "Web Inc", password, "Europe/Berlin"))
        await database.dispose()
        yield url, key, account


@pytest.fixture
def served(
    linked: tuple[str, str, int],
    fake_slack_server: tuple[FakeSlack, FakeSlackServer],
    fake_tt_server: tuple[FakeTrackingTime, FakeTrackingTimeServer],
) -> Iterator[str]:
    """Two web processes on one port; yields the app's URL."""
    url, key, _ = linked
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_"))}
    env.update(
        PYTHONPATH=str(PROJECT_ROOT),
        WEB_CONCURRENCY="2",
        METRICS_TOKEN=METRICS_TOKEN,
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_BOT_TOKEN=TOKEN,
        SLACK_API_URL=fake_slack_server[1].api_url,
        TRACKINGTIME_API_URL=fake_tt_server[1].api_url,
        DATABASE_URL=url,
        ENCRYPTION_KEYS=key,
        PORT=str(port),
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None, process.stdout.read() if process.stdout else ""
            assert time.monotonic() < deadline, "the web processes did not come up"
            time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=30)
    assert "Traceback" not in output, output


def send(app_url: str, fake_slack: FakeSlack, user: SlackUser, text: str) -> dict[str, Any]:
    """``/track <text>`` over a new connection (so the kernel may hand it to either process),
    and its reply."""
    response_url = fake_slack.new_response_url(TEAM)
    payload = command_payload(user, text, response_url=response_url, trigger_id="1.2.3")
    body = urlencode(payload)
    stamp = str(int(time.time()))
    ack = httpx.post(
        f"{app_url}/slack/events",
        content=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": SignedSlack(app_url, SECRET).signature(stamp, body),
        },
        timeout=10,
    )
    assert ack.status_code == 200, ack.text
    deadline = time.monotonic() + 20
    while True:
        posts = [p for p in fake_slack.responses if p.url == response_url]
        if posts:
            return posts[0].body
        assert time.monotonic() < deadline, f"no reply to /track {text}"
        time.sleep(0.02)


def text_of(message: dict[str, Any]) -> str:
    return str(message.get("blocks")) + message.get("text", "")


def test_two_web_processes_serve_one_workspace(
    served: str,
    linked: tuple[str, str, int],
    fake_slack: FakeSlack,
    fake_tt: FakeTrackingTime,
) -> None:
    _, _, account = linked
    for user in USERS:
        assert "Started" in text_of(send(served, fake_slack, user, "start standup"))

    # Many at once, over new connections: both processes answer, each correctly.
    def both_served() -> bool:
        """Each process asks Slack for a user's time zone the first time it serves them."""
        asked = [c.args["user"] for c in fake_slack.calls_to("users.info")]
        return any(asked.count(user.user_id) == 2 for user in USERS)

    statuses = 0
    with ThreadPoolExecutor(8) as pool:
        for _ in range(10):
            replies = list(pool.map(lambda u: send(served, fake_slack, u, "status"), USERS * 4))
            statuses += len(replies)
            assert all("Standup" in text_of(r) and "Today:" in text_of(r) for r in replies)
            if both_served():
                break
    assert both_served(), "one process served all 120 requests"
    # Whichever process answers /metrics counts both processes' requests (multiprocess mode).
    for _ in range(4):
        exposition = httpx.get(
            f"{served}/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}
        ).text
        line = 'trackingtime_slack_slack_requests_total{kind="command:status",outcome="acked"}'
        [counted] = [row for row in exposition.splitlines() if row.startswith(line)]
        assert float(counted.rsplit(" ", 1)[1]) == statuses

    for user in USERS:
        assert "Stopped" in text_of(send(served, fake_slack, user, "stop"))
    with ThreadPoolExecutor(3) as pool:
        logged = list(
            pool.map(
                lambda u: send(served, fake_slack, u, "log 30m yesterday Standup: two processes"),
                USERS,
            )
        )
    assert all("Logged" in text_of(r) for r in logged)
    notes = [e["notes"] for e in fake_tt.events(account) if e.get("notes") == "two processes"]
    assert len(notes) == len(USERS)  # once each, nothing twice
