"""What the worker costs with many users: proportional to the work that is due, not to the users.

Builds a database of ``--users`` linked users (SQLite, or PostgreSQL with ``--postgres``; see
:mod:`bench.scale_seed` for who they are), serves the fake TrackingTime (answering after
``--latency``) and the fake Slack from this process, and runs worker rounds in separate worker
processes (:mod:`bench.scale_worker`), as ``python -m bot worker`` would run them:

1. rounds with nothing due (a Saturday): their time, what they decrypt and what they call;
2. two hours of a Monday morning, a round every 5 minutes: the TrackingTime calls the timer
   checks and reminders make, per hour per 1,000 users and per active user per working hour;
3. 1,000 summaries due at once, and a sample of summaries sent one at a time;
4. each of these with two worker processes at once (the next two hours of checks, another 1,000
   summaries): each summary once, the checks split between them.

It prints every figure next to its bar and exits non-zero when one is missed.

    python -m bench.worker_scale --users 100000 [--postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from bench.scale_seed import TOKEN, people, seed
from bench.scale_worker import instants
from bot.crypto import generate_key
from bot.fakes.slack import FakeSlack
from bot.fakes.trackingtime import FakeTrackingTime
from bot.schedule import WORK_ENDS, WORK_STARTS, WORKDAYS, first_instant
from bot.settings import DEFAULT_TIMER_CHECK_MINUTES, async_database_url
from bot.storage import upgrade_schema
from bot.trackingtime.timefmt import zone_or_utc
from bot.worker import CONCURRENCY

ROOT = Path(__file__).resolve().parent.parent
SATURDAY_QUIET = "2026-11-28T13:00:00+00:00"
MONDAY = "2026-11-30"
# Per number of worker processes: the hours of timer checks and the summaries due at once.
WINDOWS = {1: ("06:00", "08:00"), 2: ("08:00", "10:00")}
SUMMARIES_AT = {1: "11:00", 2: "11:15"}  # 12:00 and 12:15 in Berlin (bench.scale_seed)
ONE_AT_A_TIME_AT = "11:30"
# The bars (issue 13).
QUIET_ROUND_MS = 100.0
CALLS_PER_ACTIVE_WORKING_HOUR = 1.0
SPEED_UP = 20.0
PEAK_RSS_MB = 150.0


@contextmanager
def database(postgres: bool, folder: Path) -> Iterator[str]:
    if not postgres:
        yield async_database_url(f"sqlite:///{folder / 'scale.db'}")
        return
    from tests.support.postgres import isolated_postgres_url  # a throwaway role and schema

    loop = asyncio.new_event_loop()
    isolated = isolated_postgres_url()
    try:
        yield loop.run_until_complete(isolated.__aenter__())
    finally:
        loop.run_until_complete(isolated.__aexit__(None, None, None))
        loop.close()


def workers(env: dict[str, str], count: int, *arguments: str) -> list[dict[str, Any]]:
    """Run ``count`` worker processes at once, their rounds in lockstep; what each reports."""
    command = [sys.executable, "-m", "bench.scale_worker", "--lockstep", *arguments]
    with ExitStack() as stack:
        # Their logs go to files: a full pipe would stop a process nobody reads from yet.
        logs = [stack.enter_context(tempfile.TemporaryFile("w+")) for _ in range(count)]
        running = [
            subprocess.Popen(
                command,
                env=env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                text=True,
            )
            for log in logs
        ]
        for _ in range(rounds(arguments)):
            for process in running:
                assert process.stdin is not None
                process.stdin.write("go\n")
                process.stdin.flush()
            for process in running:
                assert process.stdout is not None
                if process.stdout.readline().strip() != "done":
                    break  # it failed: its error is read below
        results = []
        for process, log in zip(running, logs, strict=True):
            assert process.stdin is not None and process.stdout is not None
            process.stdin.close()
            out = process.stdout.read()  # through the buffer its "done" lines were read from
            process.wait()
            log.seek(0)
            if process.returncode or not out.strip():
                raise SystemExit(f"a worker process failed:\n{out[-500:]}\n{log.read()[-3000:]}")
            results.append(json.loads(out.strip().splitlines()[-1]))
        return results


def rounds(arguments: tuple[str, ...]) -> int:
    """How many rounds the worker arguments ask for (as bench.scale_worker counts them)."""
    given = dict(zip(arguments[::2], arguments[1::2], strict=False))
    if "--until" not in given:
        return int(given.get("--rounds", 1))
    start, until = (datetime.fromisoformat(given[name]) for name in ("--from", "--until"))
    step = timedelta(minutes=float(given.get("--step-minutes", 5)))
    return len(instants(start, until, step, 1))


def catch_up(env: dict[str, str], before: str) -> None:
    """A round a minute before ``before``, not measured: the checks due since the last round
    are done there, so that what is measured from ``before`` on is its own work."""
    workers(env, 1, "--from", (datetime.fromisoformat(before) - timedelta(minutes=1)).isoformat())


def active_working_hours(
    users: int, active: float, sequential: int, window: tuple[str, str]
) -> float:
    """Hours of the Monday ``window`` inside the working hours of every active user, summed."""
    start, end = (datetime.fromisoformat(f"{MONDAY}T{at}:00+00:00") for at in window)
    total = timedelta(0)
    for person in people(users, active, sequential):
        if not person.active:
            continue
        zone = zone_or_utc(person.zone)
        for day_offset in (-1, 0, 1):
            day = (start + timedelta(days=day_offset)).astimezone(zone).date()
            if day.weekday() not in WORKDAYS:
                continue
            opens, closes = (
                first_instant(day, WORK_STARTS, zone),
                first_instant(day, WORK_ENDS, zone),
            )
            total += max(min(closes, end) - max(opens, start), timedelta(0))
    return total.total_seconds() / 3600


def tracking_calls(fake_tt: FakeTrackingTime, since: int) -> Counter[str]:
    return Counter(r.path for r in fake_tt.requests[since:] if r.path.endswith("/tasks/tracking"))


def check(label: str, ok: bool, failures: list[str]) -> str:
    if not ok:
        failures.append(label)
    return "ok " if ok else "MISSED"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL at 127.0.0.1:5432")
    parser.add_argument("--active", type=float, default=0.05, help="share recently active")
    parser.add_argument("--sequential", type=int, default=100, help="summaries sent one at a time")
    parser.add_argument("--latency", type=float, default=0.1, help="TrackingTime's, in seconds")
    parser.add_argument("--concurrency", type=int, default=CONCURRENCY)
    parser.add_argument("--quiet-rounds", type=int, default=20)
    args = parser.parse_args()
    every = timedelta(minutes=DEFAULT_TIMER_CHECK_MINUTES)
    failures: list[str] = []

    fake_tt, fake_slack = FakeTrackingTime(), FakeSlack()
    with (
        fake_tt.serve() as tt_server,
        fake_slack.serve() as slack_server,
        tempfile.TemporaryDirectory() as folder,
        database(args.postgres, Path(folder)) as url,
    ):
        key = generate_key()
        upgrade_schema(url)
        started = time.perf_counter()
        counts = asyncio.run(
            seed(url, key, fake_tt, fake_slack, args.users, args.active, args.sequential, every)
        )
        seeded = time.perf_counter() - started
        fake_tt.latency = args.latency
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TIMER_"))}
        env.update(
            PYTHONPATH=str(ROOT),
            DATABASE_URL=url,
            ENCRYPTION_KEYS=key,
            SLACK_BOT_TOKEN=TOKEN,
            SLACK_API_URL=slack_server.api_url,
            TRACKINGTIME_API_URL=tt_server.api_url,
            TIMER_CHECK_MINUTES=str(DEFAULT_TIMER_CHECK_MINUTES),
        )
        concurrency = ["--concurrency", str(args.concurrency)]
        results: dict[int, Any] = {}
        sample: list[dict[str, Any]] = []
        for processes in (1, 2):
            mark = len(fake_tt.requests)
            quiet = workers(
                env, processes, "--from", SATURDAY_QUIET, "--rounds", str(args.quiet_rounds)
            )
            results[processes] = {"quiet": quiet, "quiet_calls": len(fake_tt.requests) - mark}
        for processes in (1, 2):
            start, until = (f"{MONDAY}T{at}:00+00:00" for at in WINDOWS[processes])
            catch_up(env, start)
            mark = len(fake_tt.requests)
            window = workers(
                env,
                processes,
                "--from",
                start,
                "--until",
                until,
                "--step-minutes",
                "5",
                *concurrency,
            )
            results[processes].update(window=window, window_calls=tracking_calls(fake_tt, mark))
        for processes in (1, 2):
            at = f"{MONDAY}T{SUMMARIES_AT[processes]}:00+00:00"
            catch_up(env, at)
            dms_before = len(fake_slack.calls_to("chat.postMessage"))
            summaries = workers(env, processes, "--from", at, *concurrency)
            dms = [c for c in fake_slack.calls_to("chat.postMessage")[dms_before:] if c.ok]
            results[processes].update(
                summaries=summaries,
                summary_dms=Counter(c.args["channel"] for c in dms if "Your day" in str(c.args)),
            )
        at = f"{MONDAY}T{ONE_AT_A_TIME_AT}:00+00:00"
        catch_up(env, at)
        sample = workers(env, 1, "--from", at, "--concurrency", "1")

    report(args, counts, seeded, results, sample, failures)
    if failures:
        raise SystemExit(f"missed: {', '.join(failures)}")


def report(
    args: argparse.Namespace,
    counts: dict[str, int],
    seeded: float,
    results: dict[int, Any],
    sample: list[dict[str, Any]],
    failures: list[str],
) -> None:
    kind = "PostgreSQL" if args.postgres else "SQLite"
    print(
        f"{counts['links']:,} linked users on {kind} (seeded in {seeded:.0f} s): "
        f"{counts['active']:,} recently active, {counts['timers']:,} timers running, "
        f"{counts['single']:,} summaries due at once; TrackingTime answers in "
        f"{args.latency * 1000:.0f} ms; {args.concurrency} users at a time per worker process"
    )
    one_by_one = sample[0]["summaries"] / sample[0]["summary_seconds"]
    for processes, got in results.items():
        name = f"{processes} worker process{'es' if processes > 1 else ''}"
        print(f"\n{name} at once:")
        times = [s * 1000 for w in got["quiet"] for s in w["round_seconds"]]
        decrypted = sum(w["decrypted"] for w in got["quiet"])
        median = statistics.median(times)
        ok = median <= QUIET_ROUND_MS and decrypted == 0 and got["quiet_calls"] == 0
        print(
            f"  [{check(f'quiet round, {name}', ok, failures)}] a round with nothing due: median "
            f"{median:.1f} ms, worst {max(times):.1f} ms over {len(times)} rounds; {decrypted} "
            f"decrypted, {got['quiet_calls']} TrackingTime calls "
            f"(bar: ≤ {QUIET_ROUND_MS:.0f} ms, 0 decrypted)"
        )
        window = WINDOWS[processes]
        hours = active_working_hours(args.users, args.active, args.sequential, window)
        calls = sum(got["window_calls"].values())
        most = max(got["window_calls"].values(), default=0)
        per_active = calls / hours
        per_thousand = calls / 2 / (counts["links"] / 1000)
        split = " + ".join(str(w["timer_checks"]) for w in got["window"])
        ok = per_active <= CALLS_PER_ACTIVE_WORKING_HOUR and most <= 3
        print(
            f"  [{check(f'timer budget, {name}', ok, failures)}] timer checks and reminders, "
            f"Monday {window[0]}-{window[1]} UTC: {calls:,} TrackingTime calls ({split} by "
            f"process), {per_thousand:.1f} per hour per 1,000 users, {per_active:.2f} per active "
            f"user per working hour ({hours:,.0f} active working hours; bar ≤ "
            f"{CALLS_PER_ACTIVE_WORKING_HOUR:.0f}), at most {most} for one user in 2 h; "
            f"{sum(w['reminders'] for w in got['window'])} reminders sent; "
            f"{sum(w['decrypted'] for w in got['window']):,} decrypted"
        )
        sent = [w["summaries"] for w in got["summaries"]]
        seconds = max(w["summary_seconds"] for w in got["summaries"])
        due = counts["single" if processes == 1 else "double"]
        once = len(got["summary_dms"]) == due and set(got["summary_dms"].values()) == {1}
        rate = sum(sent) / seconds
        ok = once and rate >= SPEED_UP * one_by_one
        print(
            f"  [{check(f'summaries, {name}', ok, failures)}] {sum(sent):,} summaries due at once "
            f"({' + '.join(map(str, sent))} by process) in {seconds:.1f} s: {rate:.0f}/s, "
            f"{rate / one_by_one:.1f}x one at a time ({sample[0]['summaries']} in "
            f"{sample[0]['summary_seconds']:.1f} s, {one_by_one:.1f}/s; bar ≥ "
            f"{SPEED_UP:.0f}x); each user's once: {once}"
        )
        phases = ("quiet", "window", "summaries")
        peaks = {kind: max(w["peak_rss_mb"] for w in got[kind]) for kind in phases}
        ok = max(peaks.values()) <= PEAK_RSS_MB
        print(
            f"  [{check(f'memory, {name}', ok, failures)}] worker peak RSS "
            f"{max(peaks.values()):.0f} MB (quiet rounds {peaks['quiet']:.0f}, timer checks "
            f"{peaks['window']:.0f}, summaries {peaks['summaries']:.0f}; bar ≤ "
            f"{PEAK_RSS_MB:.0f} MB)"
        )


if __name__ == "__main__":
    main()
