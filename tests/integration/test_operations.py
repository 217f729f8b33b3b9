"""What an operator sees and relies on: /metrics moving with real signed requests, /readyz saying
why the process is not ready, JSON log lines holding no secret, and SIGTERM letting a reply that
is in flight arrive."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bot.crypto import Keyring, generate_key
from bot.fakes.slack import FakeSlack, FakeSlackServer
from bot.fakes.slack_requests import SignedSlack, command_payload
from bot.fakes.trackingtime import FakeTrackingTime, FakeTrackingTimeServer
from bot.settings import async_database_url
from bot.storage import AccountStore, Database, Link, upgrade_schema
from bot.storage.database import SCHEMA_REVISION, downgrade_schema
from bot.web import create_web_app
from tests.support.databases import app_database
from tests.support.flows import connect
from tests.support.harness import SIGNING_SECRET, AppHarness, app_settings
from tests.support.paths import PROJECT_ROOT
from tests.support.seed import ALICE, ALICE_PASSWORD, BOT_TOKEN, TEAM_ID, Seeded

METRICS_TOKEN = "metrics-token-for-the-test-0123"
# How a served process ends on SIGTERM: uvicorn shuts down, then raises the signal again, so that
# whoever started it sees it stopped by SIGTERM.
STOPPED = (0, -signal.SIGTERM)


def sample(exposition: str, name: str, **labels: str) -> float:
    """One sample's value in Prometheus' text format (0 when absent)."""
    wanted = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    for line in exposition.splitlines():
        if line.startswith("#"):
            continue
        metric, _, value = line.rpartition(" ")
        found_name, _, found_labels = metric.partition("{")
        ordered = ",".join(sorted(found_labels.rstrip("}").split(","))) if found_labels else ""
        if found_name == name and ordered == wanted:
            return float(value)
    return 0.0


@pytest.fixture
def measured(
    tmp_path: Path,
    seeded: Seeded,
    fake_slack: FakeSlack,
    fake_slack_server: tuple[FakeSlack, FakeSlackServer],
    fake_tt_server: tuple[FakeTrackingTime, FakeTrackingTimeServer],
) -> Iterator[AppHarness]:
    with app_database(tmp_path) as database_url:
        harness = AppHarness(
            database_url,
            fake_slack,
            fake_slack_server[1].api_url,
            fake_tt_server[1].api_url,
            env={"METRICS_TOKEN": METRICS_TOKEN},
        )
        connect(harness, ALICE, ALICE_PASSWORD)
        yield harness
        harness.close()


def scrape(app: AppHarness) -> str:
    response = httpx.get(
        f"{app.server.url}/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return response.text


def test_metrics_need_the_token(measured: AppHarness) -> None:
    url = f"{measured.server.url}/metrics"
    assert httpx.get(url).status_code == 401
    assert httpx.get(url, headers={"Authorization": "Bearer wrong-token-wrong"}).status_code == 401


def test_metrics_move_with_real_requests(measured: AppHarness, fake_tt: FakeTrackingTime) -> None:
    before = scrape(measured)
    for _ in range(3):
        measured.reply_to(ALICE, "status")
    fake_tt.fail_next("unavailable", path_contains="tasks/tracking")
    measured.reply_to(ALICE, "status")
    forged = measured.slack.command(
        command_payload(ALICE, "status", response_url="x", trigger_id="1"),
        signature="v0=" + "0" * 64,
    )
    assert forged.status_code == 401
    time.sleep(0.3)  # the last reply's work has ended
    after = scrape(measured)

    def moved(name: str, **labels: str) -> float:
        return sample(after, name, **labels) - sample(before, name, **labels)

    requests = "trackingtime_slack_slack_requests_total"
    assert moved(requests, kind="command:status", outcome="acked") == 4
    assert moved(requests, kind="unknown", outcome="refused") == 1
    assert moved("trackingtime_slack_ack_seconds_count", kind="command:status") == 4
    assert moved("trackingtime_slack_reply_seconds_count", kind="command:status") == 4
    calls = "trackingtime_slack_trackingtime_calls_total"
    assert moved(calls, endpoint="GET users/:id/tasks/tracking", outcome="ok") == 3
    assert moved(calls, endpoint="GET users/:id/tasks/tracking", outcome="Unavailable") == 1
    assert moved(calls, endpoint="GET events", outcome="ok") == 4
    assert moved("trackingtime_slack_trackingtime_call_seconds_count", endpoint="GET events") == 4
    slack = "trackingtime_slack_slack_api_calls_total"
    assert moved(slack, method="response_url", status="200") == 4


async def readiness(database_url: str, fake_urls: tuple[str, str]) -> httpx.Response:
    settings = app_settings(database_url, *fake_urls, generate_key())
    app = create_web_app(settings)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://x") as web:
        return await web.get("/readyz")


async def test_ready_only_at_the_newest_schema(
    tmp_path: Path,
    fake_slack_server: tuple[FakeSlack, FakeSlackServer],
    fake_tt_server: tuple[FakeTrackingTime, FakeTrackingTimeServer],
) -> None:
    fakes = (fake_slack_server[1].api_url, fake_tt_server[1].api_url)
    with app_database(tmp_path) as url:
        never_migrated = await readiness(url, fakes)
        assert never_migrated.status_code == 503
        assert "schema at nothing" in never_migrated.json()["reason"]
        await asyncio.to_thread(upgrade_schema, url)
        assert (await readiness(url, fakes)).json() == {
            "status": "ready",
            "schema": SCHEMA_REVISION,
        }
        await asyncio.to_thread(downgrade_schema, url, "-1")
        behind = await readiness(url, fakes)
        assert behind.status_code == 503 and "run migrate" in behind.json()["reason"]


async def test_not_ready_without_the_database(
    fake_slack_server: tuple[FakeSlack, FakeSlackServer],
    fake_tt_server: tuple[FakeTrackingTime, FakeTrackingTimeServer],
) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = async_database_url(f"postgresql://nobody@127.0.0.1:{port}/test")
    response = await readiness(url, (fake_slack_server[1].api_url, fake_tt_server[1].api_url))
    assert response.status_code == 503
    assert response.json()["reason"].startswith("database unreachable")
    # /healthz stays the liveness check: the process answers.


def test_the_newest_schema_is_the_migrations_head() -> None:
    from alembic.script import ScriptDirectory

    from bot.storage.database import alembic_config

    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert head == SCHEMA_REVISION


# --- A real process: JSON logs, and SIGTERM with a reply in flight ----------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Served:
    """``python -m bot serve`` in a process of its own, Alice linked, its log kept."""

    def __init__(self, tmp_path: Path, slack_url: str, tt_url: str, seeded: Seeded) -> None:
        self.key = generate_key()
        database_url = f"sqlite:///{tmp_path / 'served.db'}"
        upgrade_schema(async_database_url(database_url))

        async def link() -> None:
            database = Database(async_database_url(database_url))
            store = AccountStore(database.sessions, Keyring([self.key]))
            link = Link(
                ALICE.key, seeded.alice_tt_id, seeded.account_id, "Acme Design", ALICE_PASSWORD
            )
            await store.save(link)
            await database.dispose()

        asyncio.run(link())
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_"))}
        env.update(
            PYTHONPATH=str(PROJECT_ROOT),
            LOG_FORMAT="json",
            SLACK_SIGNING_SECRET=SIGNING_SECRET,
            SLACK_BOT_TOKEN=BOT_TOKEN,
            SLACK_API_URL=slack_url,
            TRACKINGTIME_API_URL=tt_url,
            DATABASE_URL=database_url,
            ENCRYPTION_KEYS=self.key,
            METRICS_TOKEN=METRICS_TOKEN,
            PORT=str(self.port),
        )
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "serve"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{self.url}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert self.process.poll() is None, self.output()
            assert time.monotonic() < deadline, "the server did not come up"
            time.sleep(0.1)
        self.slack = SignedSlack(self.url, SIGNING_SECRET)

    def output(self) -> str:
        return self.process.stdout.read() if self.process.stdout else ""

    def stop(self, timeout: float = 30) -> tuple[int, str]:
        self.slack.close()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        output, _ = self.process.communicate(timeout=timeout)
        return self.process.returncode, output


@pytest.fixture
def served(
    tmp_path: Path,
    seeded: Seeded,
    fake_slack_server: tuple[FakeSlack, FakeSlackServer],
    fake_tt_server: tuple[FakeTrackingTime, FakeTrackingTimeServer],
) -> Iterator[Served]:
    process = Served(tmp_path, fake_slack_server[1].api_url, fake_tt_server[1].api_url, seeded)
    yield process
    if process.process.poll() is None:
        process.stop()


def command(served: Served, fake_slack: FakeSlack, text: str) -> tuple[httpx.Response, str]:
    response_url = fake_slack.new_response_url(TEAM_ID)
    payload = command_payload(ALICE, text, response_url=response_url, trigger_id="1.2.3")
    return served.slack.command(payload), response_url


def test_json_log_lines_parse_follow_the_request_and_hold_no_secret(
    served: Served, fake_slack: FakeSlack, fake_tt: FakeTrackingTime
) -> None:
    fake_tt.fail_next("unavailable", path_contains="tasks/tracking")  # a warning in its work
    ack, _ = command(served, fake_slack, "status")
    assert ack.status_code == 200
    fake_slack.wait_for_responses(1, timeout=10)
    forged = served.slack.command(
        command_payload(ALICE, "status", response_url="x", trigger_id="1"),
        signature="v0=" + "f" * 64,
    )
    assert forged.status_code == 401
    code, output = served.stop()
    assert code in STOPPED, output
    lines = [json.loads(line) for line in output.splitlines() if line.strip()]
    assert all({"time", "level", "logger", "message"} <= line.keys() for line in lines)
    failed = [line for line in lines if "request failed" in line["message"]]
    assert len(failed) == 1
    assert failed[0]["kind"] == "command:status" and failed[0]["team"] == TEAM_ID
    assert re.fullmatch(r"[0-9a-f]{12}", failed[0]["request_id"])
    assert re.fullmatch(r"[0-9a-f]{12}", failed[0]["user"])  # a hash, not the id
    assert any("signature does not match" in line["message"] for line in lines)
    for secret in (SIGNING_SECRET, BOT_TOKEN, served.key, ALICE_PASSWORD, METRICS_TOKEN):
        assert secret not in output
    assert ALICE.user_id not in output


def test_sigterm_lets_a_reply_in_flight_arrive(
    served: Served, fake_slack: FakeSlack, fake_tt: FakeTrackingTime
) -> None:
    fake_tt.latency = 2.0
    ack, response_url = command(served, fake_slack, "status")
    assert ack.status_code == 200 and ack.text == ""  # acked; the reply waits on TrackingTime
    stopped_at = time.monotonic()
    code, output = served.stop()
    assert code in STOPPED, output
    assert time.monotonic() - stopped_at < 25
    [reply] = [post for post in fake_slack.responses if post.url == response_url]
    assert "Today:" in json.dumps(reply.body)
    assert "Traceback" not in output


async def test_a_worker_round_moves_the_worker_metrics(
    measured: AppHarness, fake_tt: FakeTrackingTime
) -> None:
    from bot.metrics import exposition
    from bot.services.container import Services
    from bot.slack_app import slack_client
    from bot.worker import Worker

    fake_tt.fail_next("unavailable", path_contains="/events/add")
    kept = await asyncio.to_thread(measured.reply_to, ALICE, "log 30m yesterday Standup: kept")
    assert "kept your entry" in json.dumps(kept)
    before = exposition()[0].decode()
    services = Services.create(measured.settings)
    try:
        await Worker(services, slack_client(measured.settings)).round()
    finally:
        await services.aclose()
    after = exposition()[0].decode()

    def moved(name: str, **labels: str) -> float:
        return sample(after, name, **labels) - sample(before, name, **labels)

    assert moved("trackingtime_slack_worker_round_seconds_count") == 1
    assert moved("trackingtime_slack_worker_claimed_total", kind="entry") == 1
    assert moved("trackingtime_slack_worker_sent_total", kind="entry") == 1
    assert sample(after, "trackingtime_slack_entries_kept") == 0
