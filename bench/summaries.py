"""How long the worker takes to send daily summaries to many users.

Seeds ``--users`` linked users (one Slack workspace, one TrackingTime account, Berlin time) in
a fresh SQLite database, makes the fake TrackingTime answer every call after ``--latency``
seconds, and times one worker round at 17:45 Berlin time, when every summary is due. It runs
the round twice: paced as in production (``--per-second`` messages a second per workspace) and
unpaced, which shows what TrackingTime's latency and the worker's concurrency alone cost.

    python -m bench.summaries --users 1000 --latency 0.1
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.crypto import Keyring, generate_key
from bot.fakes.slack import FakeSlack
from bot.fakes.trackingtime import FakeTrackingTime
from bot.services.container import Services
from bot.settings import Settings, load_settings
from bot.slack_clients import slack_client
from bot.storage import AccountStore, Database, Link, SlackUserKey, upgrade_schema
from bot.worker import CONCURRENCY, SENDS_PER_SECOND_PER_WORKSPACE, Worker

TEAM = "T0BENCH"
TOKEN = "xoxb-bench"
FRIDAY_1745_BERLIN = datetime(2026, 11, 27, 16, 45, tzinfo=UTC)


async def seed(
    settings_keys: str, url: str, fake_tt: FakeTrackingTime, fake_slack: FakeSlack, users: int
) -> None:
    fake_slack.add_team(TEAM, TOKEN)
    account = fake_tt.add_account("Bench Inc")
    services_keyring = Keyring([settings_keys])

    database = Database(url)
    # Linked the day before: every summary is due at the round's instant.
    store = AccountStore(
        database.sessions, services_keyring, lambda: FRIDAY_1745_BERLIN - timedelta(days=1)
    )
    for n in range(users):
        user_id = f"U{n:07d}"
        fake_slack.add_user(TEAM, user_id, f"User {n}", tz="Europe/Berlin")
        password = f"bench-password-{n:07d}"
        tt_id = fake_tt.add_user(f"u{n}@bench.test", password, "User", str(n), [account])
        await store.save(
            Link(
                SlackUserKey(None, TEAM, user_id),
                tt_id,
                account,
                "Bench Inc",
                password,
                "Europe/Berlin",
            )
        )
    await database.dispose()


async def timed_round(settings: Settings, per_second: float, concurrency: int) -> tuple[int, float]:
    services = Services.create(settings)
    worker = Worker(
        services,
        slack_client(settings),
        lambda: FRIDAY_1745_BERLIN,
        concurrency=concurrency,
        sends_per_second=per_second,
    )
    try:
        started = time.perf_counter()
        sent = await worker.send_summaries()
        return sent, time.perf_counter() - started
    finally:
        await services.aclose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--latency", type=float, default=0.1, help="TrackingTime delay, seconds")
    parser.add_argument("--per-second", type=float, default=SENDS_PER_SECOND_PER_WORKSPACE)
    parser.add_argument("--concurrency", type=int, default=CONCURRENCY)
    args = parser.parse_args()

    fake_tt, fake_slack = FakeTrackingTime(), FakeSlack()
    with (
        fake_tt.serve() as tt_server,
        fake_slack.serve() as slack_server,
        tempfile.TemporaryDirectory() as folder,
    ):
        key = generate_key()
        results = []
        for label, per_second in (("paced", args.per_second), ("unpaced", 1e9)):
            fake_tt.reset()
            fake_slack.reset()
            settings = load_settings(
                {
                    "DATABASE_URL": f"sqlite:///{Path(folder) / f'{label}.db'}",
                    "ENCRYPTION_KEYS": key,
                    "SLACK_BOT_TOKEN": TOKEN,
                    "SLACK_API_URL": slack_server.api_url,
                    "TRACKINGTIME_API_URL": tt_server.api_url,
                },
                need_encryption=True,
                need_bot_token=True,
            )
            upgrade_schema(settings.database_url)
            asyncio.run(seed(key, settings.database_url, fake_tt, fake_slack, args.users))
            fake_tt.latency = args.latency
            sent, seconds = asyncio.run(timed_round(settings, per_second, args.concurrency))
            dms = sum(1 for c in fake_slack.calls_to("chat.postMessage") if c.ok)
            results.append((label, per_second, sent, dms, seconds))

    print(
        f"{args.users} daily summaries, fake TrackingTime latency {args.latency * 1000:.0f} ms, "
        f"{args.concurrency} users at a time"
    )
    for label, per_second, sent, dms, seconds in results:
        pace = f"{per_second:.0f}/s per workspace" if per_second < 1e6 else "no pacing"
        print(
            f"  {label:<8} ({pace}): {sent} sent, {dms} DMs in {seconds:6.1f} s "
            f"({sent / seconds:6.1f} summaries/s)"
        )


if __name__ == "__main__":
    main()
