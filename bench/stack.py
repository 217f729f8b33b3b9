"""What a load benchmark runs against: the fakes in a process of their own, a database of linked
users, and the server under test as a real child process.

The fakes get their own process so that the load generator, the fakes and the server under test
do not share one interpreter's lock: the server's numbers are then the server's. Replies are
timestamped by the fake Slack with ``time.monotonic()``, which on Linux is one clock for every
process, so the load generator can subtract its own send times from them.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from bot.crypto import Keyring
from bot.storage import AccountStore, Database, Link, SlackUserKey, upgrade_schema

TEAM = "T0BURST"
BOT_TOKEN = "xoxb-burst"
SIGNING_SECRET = "burst-signing-secret"
ZONE = "Europe/Berlin"
EVENTS_PER_USER = 12  # a week of entries: what /track status reads for recent tasks and totals


@dataclass(frozen=True)
class BenchUser:
    user_id: str
    app_password: str
    tt_user_id: int
    account_id: int


@dataclass(frozen=True)
class Reply:
    """One post to a ``response_url``, as the fake Slack recorded it."""

    url: str
    at: float  # time.monotonic() when it arrived
    text: str
    error: str | None


def _seed_fakes(fake_tt: Any, fake_slack: Any, users: int) -> list[BenchUser]:
    fake_slack.add_team(TEAM, BOT_TOKEN, name="Burst")
    account = fake_tt.add_account("Burst Inc")
    project = fake_tt.add_project(account, "Website")
    tasks = [fake_tt.add_task(account, name, project) for name in ("Design", "Review", "Build")]
    now = datetime.now(ZoneInfo(ZONE)).replace(microsecond=0)
    seeded = []
    for n in range(users):
        user_id = f"U{n:07d}"
        password = f"burst-password-{n:07d}"
        fake_slack.add_user(TEAM, user_id, f"User {n}", tz=ZONE)
        tt_id = fake_tt.add_user(f"u{n}@burst.test", password, "User", str(n), [account])
        for k in range(EVENTS_PER_USER):  # two a day, over the last six days
            start = (now - timedelta(days=1 + k // 2)).replace(hour=9 + 3 * (k % 2), minute=0)
            end = start + timedelta(hours=2)
            fake_tt.add_event(
                account, tt_id, tasks[k % 3], f"{start:%Y-%m-%d %H:%M:%S}",
                f"{end:%Y-%m-%d %H:%M:%S}", ZONE, notes=f"entry {k}",
            )  # fmt: skip
        if n % 3 == 0:  # a third are tracking right now
            started = now - timedelta(minutes=30)
            fake_tt.start_timer(account, tt_id, tasks[n % 3], f"{started:%Y-%m-%d %H:%M:%S}", ZONE)
        seeded.append(BenchUser(user_id, password, tt_id, account))
    return seeded


def _fakes_main(conn: Connection, users: int) -> None:
    """The fakes' process: serve both fakes and answer the parent's requests on ``conn``."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops us
    from bot.fakes.slack import FakeSlack
    from bot.fakes.trackingtime import FakeTrackingTime

    fake_tt, fake_slack = FakeTrackingTime(), FakeSlack()
    with fake_tt.serve() as tt_server, fake_slack.serve() as slack_server:
        seeded = _seed_fakes(fake_tt, fake_slack, users)
        conn.send((tt_server.api_url, slack_server.api_url, seeded))
        while True:
            command, argument = conn.recv()
            if command == "stop":
                return
            if command == "latency":
                fake_tt.latency = float(argument)
                conn.send(None)
            elif command == "response_urls":
                conn.send([fake_slack.new_response_url(TEAM) for _ in range(int(argument))])
            elif command == "replies":  # every post since index ``argument``
                posts = fake_slack.responses[int(argument) :]
                conn.send([Reply(p.url, p.at, str(p.body.get("text", "")), p.error) for p in posts])
            elif command == "trackingtime_requests":
                conn.send(len(fake_tt.requests))


class Fakes:
    """Both fakes, seeded with ``users`` linked users, in a child process."""

    def __init__(self, users: int) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(target=_fakes_main, args=(child, users), daemon=True)
        self._process.start()
        self.trackingtime_url, self.slack_url, self.users = self._conn.recv()
        self.pid = self._process.pid or 0
        self._seen = 0

    def _ask(self, command: str, argument: Any = None) -> Any:
        self._conn.send((command, argument))
        return self._conn.recv()

    def set_latency(self, seconds: float) -> None:
        self._ask("latency", seconds)

    def response_urls(self, count: int) -> list[str]:
        return self._ask("response_urls", count)  # type: ignore[no-any-return]

    def new_replies(self) -> list[Reply]:
        """The ``response_url`` posts received since the last call."""
        replies: list[Reply] = self._ask("replies", self._seen)
        self._seen += len(replies)
        return replies

    def close(self) -> None:
        self._conn.send(("stop", None))
        self._process.join(10)
        if self._process.is_alive():
            self._process.kill()


async def _link_all(database_url: str, key: str, users: list[BenchUser]) -> None:
    database = Database(database_url)
    store = AccountStore(database.sessions, Keyring([key]))
    for user in users:
        await store.save(
            Link(
                SlackUserKey(None, TEAM, user.user_id),
                user.tt_user_id,
                user.account_id,
                "Burst Inc",
                user.app_password,
                ZONE,
            )
        )
    await database.dispose()


def prepare_database(database_url: str, key: str, users: list[BenchUser]) -> None:
    """The schema and every user linked (passwords encrypted under ``key``)."""
    from bot.settings import async_database_url

    upgrade_schema(async_database_url(database_url))
    asyncio.run(_link_all(async_database_url(database_url), key, users))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and every process under it (web workers), in MB."""
    total = 0.0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) / 1024
        pending += [int(child) for child in children]
    return total


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of ``pid`` and its live children, in seconds."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks
        pending += [int(child) for child in children]
    return total


class Server:
    """A server under test: ``argv`` run with ``env`` until :meth:`stop`, ready on ``/healthz``."""

    def __init__(self, argv: list[str], env: Mapping[str, str], port: int, log: Path) -> None:
        self.url = f"http://127.0.0.1:{port}"
        self._log = log.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, *argv],
            env={**os.environ, **env},
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{' '.join(argv)} exited; see {log}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"{' '.join(argv)} did not answer /healthz in 30 s; see {log}")

    @property
    def pid(self) -> int:
        return self.process.pid

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._log.close()


@contextmanager
def scratch_postgres(admin_url: str) -> Iterator[str]:
    """A throwaway role and schema on the PostgreSQL at ``admin_url`` (as the tests make them:
    the role's own schema comes first on its search path); yields a URL logging in as it."""
    import asyncpg
    from sqlalchemy.engine import make_url

    role = f"tt_bench_{secrets.token_hex(6)}"
    password = secrets.token_hex(16)
    admin = make_url(admin_url).set(drivername="postgresql")
    dsn = admin.render_as_string(hide_password=False)

    async def run(*statements: str) -> None:
        connection = await asyncpg.connect(dsn)
        try:
            for statement in statements:
                await connection.execute(statement)
        finally:
            await connection.close()

    asyncio.run(
        run(
            f"CREATE ROLE {role} LOGIN PASSWORD '{password}'",
            f"CREATE SCHEMA {role} AUTHORIZATION {role}",
        )
    )
    try:
        yield admin.set(username=role, password=password).render_as_string(hide_password=False)
    finally:
        asyncio.run(
            run(
                f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '{role}'",
                f"DROP SCHEMA IF EXISTS {role} CASCADE",
                f"DROP ROLE IF EXISTS {role}",
            )
        )
