"""Bursts of signed ``/track status`` against the real server, end to end, next to a floor.

The server under test is ``python -m bot serve`` in a process of its own, on SQLite (or
PostgreSQL with ``--postgres``), with the fake Slack and a fake TrackingTime that answers every
call after ``--latency`` seconds, both in another process. ``--clients`` clients send
``--requests`` commands, each client waiting for its ack only (as Slack does). Then every reply
is awaited at the fake Slack. The same burst then goes to the floor, ``bench/floor_app.py``: a
bare Bolt app doing the same I/O per command, on the same uvicorn. It prints ack and reply
latencies, completed replies per second, failed or missing replies, RSS and CPU of each server,
the ratios, and whether each bar holds.

``--sustained`` sends ``--requests`` (default 12,000) commands to the app alone without waiting
for replies, prints its RSS every 2,000, then waits for every reply and counts the good, busy
(declined at once, which counts as answered) and failed ones.

    python -m bench.burst                              # 1,000 x 50-way, TrackingTime 0.2 s
    python -m bench.burst --latency 2
    python -m bench.burst --sustained
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
import tempfile
import threading
import time
from collections import Counter
from contextlib import ExitStack
from pathlib import Path

import httpx

from bench.load import Outcome, collect_replies, send_commands
from bench.profile import Profile
from bench.report import Run, alone, compare, is_good
from bench.stack import (
    BOT_TOKEN,
    SIGNING_SECRET,
    Fakes,
    Server,
    cpu_seconds,
    free_port,
    prepare_database,
    rss_mb,
    scratch_postgres,
)
from bot.crypto import generate_key

# The admin login: --postgres makes a throwaway role and schema there, and drops them after.
POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
SUSTAINED_SAMPLE_EVERY = 2000


class RssSampler:
    """The highest RSS of a process tree, sampled every 50 ms in a thread."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak = rss_mb(pid)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.05):
            self.peak = max(self.peak, rss_mb(self.pid))

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak


def _burst(server: Server, fakes: Fakes, args: argparse.Namespace, name: str) -> Run:
    user_ids = [u.user_id for u in fakes.users]
    # Warm up: each user once (the app asks Slack for each user's time zone on first sight).
    warm = fakes.response_urls(len(user_ids))
    sent = asyncio.run(
        send_commands(server.url, SIGNING_SECRET, user_ids, warm, concurrency=args.clients)
    )
    collect_replies(sent, fakes.new_replies, quiet_for=30)
    time.sleep(1)
    fakes.new_replies()

    urls = fakes.response_urls(args.requests)
    rss_before, cpu_before = rss_mb(server.pid), cpu_seconds(server.pid)
    harness_before = cpu_seconds(fakes.pid) + time.process_time()
    sampler = RssSampler(server.pid)
    profile = Profile(server.pid, args.profile) if args.profile and name == "this app" else None
    samples: list[tuple[int, float]] = []

    def progress(count: int) -> None:
        if args.sustained and count % SUSTAINED_SAMPLE_EVERY == 0:
            samples.append((count, rss_mb(server.pid)))
            print(f"  {count:>6} sent  RSS {samples[-1][1]:6.1f} MB", flush=True)

    outcome = Outcome(
        asyncio.run(
            send_commands(
                server.url,
                SIGNING_SECRET,
                user_ids,
                urls,
                concurrency=args.clients,
                on_progress=progress,
            )
        )
    )
    collect_replies(outcome.sent, fakes.new_replies, quiet_for=args.wait)
    cpu = cpu_seconds(server.pid) - cpu_before
    if args.metrics and name == "this app":
        print_metrics(server.url)
    harness = cpu_seconds(fakes.pid) + time.process_time() - harness_before
    if profile is not None:
        profile.stop()
        print(profile.summary())
    peak = sampler.stop()
    good = outcome.good(is_good)
    first = min(s.sent for s in outcome.sent)
    last = max((s.reply.at for s in good if s.reply), default=first)
    return Run(name, outcome, last - first, rss_before, rss_mb(server.pid), peak, cpu, harness)


METRICS_TOKEN = "burst-metrics-token-0123456789"


def print_metrics(url: str) -> None:
    """The app's /metrics after the burst, without the histograms' buckets."""
    exposition = httpx.get(
        f"{url}/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}, timeout=10
    ).text
    print("/metrics after the burst (without the buckets and creation times):")
    for line in exposition.splitlines():
        if line.startswith("trackingtime_slack_") and not re.search(r"_(bucket|created)\b", line):
            print(f"  {line}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=None, help="1,000 (12,000 sustained)")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--latency", type=float, default=0.2, help="TrackingTime, s per call")
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--sustained", action="store_true")
    parser.add_argument("--processes", type=int, default=1, help="WEB_CONCURRENCY for the app")
    parser.add_argument("--postgres", action="store_true", help=f"the app on {POSTGRES_URL}")
    parser.add_argument("--wait", type=float, default=60, help="s without a reply to give up")
    parser.add_argument("--logs", type=Path, help="keep the servers' logs in this folder")
    parser.add_argument("--rounds", type=int, default=3, help="app and floor take turns")
    parser.add_argument("--no-floor", action="store_true", help="the app alone (no bars)")
    parser.add_argument("--metrics", action="store_true", help="print the app's /metrics")
    parser.add_argument("--profile", type=Path, help="py-spy the app into this file (raw)")
    args = parser.parse_args()
    args.requests = args.requests or (12_000 if args.sustained else 1_000)
    args.rounds = 1 if args.sustained else args.rounds

    fakes = Fakes(args.users)
    key = generate_key()
    with ExitStack() as stack:
        folder = stack.enter_context(tempfile.TemporaryDirectory())
        sqlite_url = f"sqlite:///{Path(folder) / 'burst.db'}"
        app_url = (
            stack.enter_context(scratch_postgres(POSTGRES_URL)) if args.postgres else sqlite_url
        )
        prepare_database(sqlite_url, key, fakes.users)  # the floor reads SQLite
        if args.postgres:
            prepare_database(app_url, key, fakes.users)
        env = {
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_API_URL": fakes.slack_url,
            "TRACKINGTIME_API_URL": fakes.trackingtime_url,
            "ENCRYPTION_KEYS": key,
            "WEB_CONCURRENCY": str(args.processes),
            "METRICS_TOKEN": METRICS_TOKEN,
        }
        fakes.set_latency(args.latency)
        what = "sustained" if args.sustained else "burst"
        print(
            f"{what}: {args.requests:,} x /track status, {args.clients} clients, TrackingTime "
            f"{args.latency:.2f} s per call, {args.users} users, "
            f"{'PostgreSQL' if args.postgres else 'SQLite'}, {args.processes} web process(es)"
        )
        runs: dict[str, list[Run]] = {}
        variants = [("this app", ["-m", "bot", "serve"], app_url)]
        if not (args.sustained or args.no_floor):
            variants.append(("floor (bare Bolt)", ["-m", "bench.floor_app"], sqlite_url))
        try:
            for name, argv, database_url in variants * args.rounds:  # taking turns
                port = free_port()
                server = Server(
                    argv,
                    {**env, "DATABASE_URL": database_url, "PORT": str(port)},
                    port,
                    (args.logs or Path(folder)) / f"{argv[-1]}.log",
                )
                try:
                    runs.setdefault(name, []).append(_burst(server, fakes, args, name))
                finally:
                    server.stop()
                log = ((args.logs or Path(folder)) / f"{argv[-1]}.log").read_text()
                if "Traceback" in log:
                    errors = Counter(
                        line for line in log.splitlines() if line and line[0].isalpha()
                        and ("Error" in line.split(":")[0] or "Exception" in line.split(":")[0])
                    )  # fmt: skip
                    print(f"{name}: {log.count('Traceback')} tracebacks in its log:")
                    for line, count in errors.most_common(5):
                        print(f"  {count} x {line[:300]}")
        finally:
            fakes.close()
    mine, floor = runs["this app"], runs.get("floor (bare Bolt)")
    held = compare(mine, floor) if floor else alone(mine, sustained=args.sustained)
    return 0 if held else 1


if __name__ == "__main__":
    sys.exit(main())
