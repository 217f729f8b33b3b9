"""What the Slack status line's sync costs in TrackingTime calls, per hour per 1,000 opted-in users.

Builds ``--users`` linked users with the status line on (each granted a user token by the fake
Slack through ``oauth.v2.access``), in zones around the world, a share of them (``--running``)
with a timer running in the fake TrackingTime all day (the worst case: they are looked at all
day, not only in working hours). Then runs the real worker on a simulated clock, a round every
five minutes through one Monday (UTC), and counts the TrackingTime calls its status syncs make,
hour by hour. It also counts the Slack calls, and checks that every running timer shows.

The bar: at the busiest hour, no more than ``60 / STATUS_SYNC_MINUTES`` calls per opted-in user
(6,000 per 1,000 users with the default 10); the day's average is printed next to the cost of
looking at every user every interval all day (what a poll without the due instants would cost).

    python -m bench.status_sync [--users 1000] [--running 0.2]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from slack_sdk.web.async_client import AsyncWebClient

from bench.scale_worker import Clock
from bot.crypto import generate_key
from bot.fakes.slack import FakeSlack
from bot.fakes.trackingtime import FakeTrackingTime
from bot.services.container import Services
from bot.settings import load_settings
from bot.slack_clients import slack_client
from bot.storage import Link, SlackUserKey, UserSettings, upgrade_schema
from bot.storage.status import UserToken
from bot.worker import Worker

# The next Monday (UTC): Slack (the fake too) lets a status lapse at its expiry by the real
# clock, so the simulated day must not lie in the past.
_TODAY = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
MONDAY = _TODAY + timedelta(days=7 - _TODAY.weekday())
ROUND = timedelta(minutes=5)
ZONES = (
    "Europe/Berlin",
    "America/New_York",
    "Asia/Tokyo",
    "America/Los_Angeles",
    "Europe/London",
    "Asia/Kolkata",
    "Australia/Sydney",
    "America/Sao_Paulo",
)
TEAM = "T0STATUS"
BOT = "xoxb-status-bench"
CLIENT = ("111.222", "bench-client-secret")
SCOPES = "users.profile:read,users.profile:write"


async def seed(
    services: Services,
    fake_tt: FakeTrackingTime,
    fake_slack: FakeSlack,
    api_url: str,
    args: argparse.Namespace,
) -> int:
    """The users; returns how many have a timer running."""
    account = fake_tt.add_account("Status bench")
    project = fake_tt.add_project(account, "Website")
    task = fake_tt.add_task(account, "Design review", project)
    fake_slack.add_team(TEAM, BOT, name="Bench")
    oauth = AsyncWebClient(base_url=api_url)
    running_every = round(1 / args.running) if args.running else 0
    running = 0
    for n in range(args.users):
        zone = ZONES[n % len(ZONES)]
        user = f"U{n:07d}"
        password = f"status-password-{n:07d}"
        fake_slack.add_user(TEAM, user, f"User {n}", tz=zone)
        tt_user = fake_tt.add_user(f"u{n}@bench.test", password, "User", str(n), [account])
        if running_every and n % running_every == 0:
            started = (MONDAY - timedelta(hours=4)).strftime("%Y-%m-%d %H:%M:%S")
            fake_tt.start_timer(account, tt_user, task, started, "GMT+00:00")
            running += 1
        key = SlackUserKey(None, TEAM, user)
        await services.accounts.save(
            Link(key, tt_user, account, "Status bench", password, zone, f"User {n}")
        )
        # Only the status line counts here: no daily summary to send.
        await services.accounts.save_settings(key, UserSettings(summary_enabled=False))
        code = fake_slack.approve_install(TEAM, user, scopes="", user_scopes=SCOPES)
        answer = await oauth.oauth_v2_access(
            client_id=CLIENT[0], client_secret=CLIENT[1], code=code
        )
        token = UserToken(answer["authed_user"]["access_token"])
        assert await services.status.grant(key, token)
    return running


async def run(args: argparse.Namespace) -> int:
    fake_tt, fake_slack = FakeTrackingTime(), FakeSlack()
    fake_slack.set_app(*CLIENT)
    with (
        fake_tt.serve() as tt_server,
        fake_slack.serve() as slack_server,
        tempfile.TemporaryDirectory() as folder,
    ):
        settings = load_settings(
            {
                "SLACK_BOT_TOKEN": BOT,
                "SLACK_API_URL": slack_server.api_url,
                "TRACKINGTIME_API_URL": tt_server.api_url,
                "DATABASE_URL": f"sqlite:///{Path(folder) / 'status.db'}",
                "ENCRYPTION_KEYS": generate_key(),
                "SLACK_CLIENT_ID": CLIENT[0],
                "SLACK_CLIENT_SECRET": CLIENT[1],
                "PUBLIC_URL": "https://bench.example.com",
            },
            need_encryption=True,
        )
        await asyncio.to_thread(upgrade_schema, settings.database_url)
        clock = Clock(MONDAY - timedelta(days=1))
        services = Services.create(settings, clock)
        try:
            running = await seed(services, fake_tt, fake_slack, slack_server.api_url, args)
            worker = Worker(services, slack_client(settings), clock)
            await worker.sync_statuses()  # the grants made everyone due: the first look
            fake_slack.clear()
            per_hour: Counter[int] = Counter()
            started = time.perf_counter()
            clock.now = MONDAY
            while clock.now < MONDAY + timedelta(days=1):
                report = await worker.round()
                per_hour[clock.now.hour] += report.status_checks
                clock.now += ROUND
            seconds = time.perf_counter() - started
            shown = sum(
                1
                for n in range(args.users)
                if fake_slack.status_of(TEAM, f"U{n:07d}").text == "Design review · Website"
            )
        finally:
            await services.aclose()
    slack_calls = len(fake_slack.calls_to("users.profile.get")) + len(
        fake_slack.calls_to("users.profile.set")
    )
    return report_figures(args, per_hour, running, shown, slack_calls, seconds)


def report_figures(
    args: argparse.Namespace,
    per_hour: Counter[int],
    running: int,
    shown: int,
    slack_calls: int,
    seconds: float,
) -> int:
    scale = 1000 / args.users
    every = 10
    ceiling = 60 / every * 1000
    peak = max(per_hour.values()) * scale
    average = sum(per_hour.values()) / 24 * scale
    naive = 60 / every * 1000
    print(f"{args.users} opted-in users, {running} with a timer running all day, one Monday (UTC)")
    print("TrackingTime calls per hour per 1,000 opted-in users, by UTC hour:")
    print("  " + " ".join(f"{per_hour[h] * scale:.0f}" for h in range(24)))
    print(f"  busiest hour: {peak:,.0f} (bar: at most {ceiling:,.0f})")
    print(f"  day's average: {average:,.0f} (looking at everyone every {every} min: {naive:,.0f})")
    print(
        f"Slack profile calls in the day: {slack_calls} ({slack_calls / args.users:.2f} per user)"
    )
    print(f"running timers shown at the end: {shown} of {running}")
    print(f"worker rounds took {seconds:.1f} s for 288 simulated rounds")
    ok = peak <= ceiling and shown == running and average < naive
    print("bar met" if ok else "BAR MISSED")
    return 0 if ok else 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--running", type=float, default=0.2, help="share with a timer running")
    sys.exit(asyncio.run(run(parser.parse_args())))


if __name__ == "__main__":
    main()
