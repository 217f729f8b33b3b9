"""One worker process of ``bench.worker_scale``: rounds at the instants it is told, then one line of
JSON saying what they did and the process's peak memory.

With ``--lockstep`` it starts each round when told (a line on stdin) and says when it is done
(``done``), so that several processes at once share one simulated clock, as real workers share
the real one: a process running ahead would find its peers' claims expired by its own clock.

Configured like ``python -m bot worker`` (``DATABASE_URL``, ``ENCRYPTION_KEYS``,
``SLACK_BOT_TOKEN``, ``SLACK_API_URL``, ``TRACKINGTIME_API_URL``), with the instants on the
command line:

    python -m bench.scale_worker --from 2026-11-30T06:00+00:00 --until 2026-11-30T10:00+00:00 \\
        --step-minutes 5
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import sys
import time
from datetime import datetime, timedelta

from bot.services.container import Services
from bot.settings import load_settings
from bot.slack_clients import slack_client
from bot.worker import CONCURRENCY, RoundReport, Worker


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def instants(
    start: datetime, until: datetime | None, step: timedelta, rounds: int
) -> list[datetime]:
    if until is None:
        return [start] * rounds
    found = []
    while start < until:
        found.append(start)
        start += step
    return found


def peak_rss_mb() -> float:
    """This process's peak resident memory. Linux's VmHWM, which belongs to the process image:
    ``ru_maxrss`` would also count the parent it was forked from before it ran this."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # not Linux: an upper bound


async def run(args: argparse.Namespace) -> dict[str, object]:
    settings = load_settings(need_encryption=True, need_bot_token=True)
    moments = instants(args.start, args.until, timedelta(minutes=args.step_minutes), args.rounds)
    clock = Clock(moments[0])
    services = Services.create(settings, clock)
    reports: list[RoundReport] = []
    started, cpu = time.perf_counter(), time.process_time()
    slack = slack_client(settings, services.slack_http.session())  # as python -m bot worker
    worker = Worker(services, slack, clock, concurrency=args.concurrency)
    try:
        for moment in moments:
            if args.lockstep:  # wait for the word: several worker processes keep time
                await asyncio.to_thread(sys.stdin.readline)
            clock.now = moment
            reports.append(await worker.round())
            if args.lockstep:
                print("done", flush=True)
    finally:
        await services.aclose()
    return {
        "rounds": len(reports),
        "seconds": time.perf_counter() - started,
        "cpu_seconds": time.process_time() - cpu,
        "round_seconds": [r.seconds for r in reports],
        "summary_seconds": sum(r.summary_seconds for r in reports),
        "summaries": sum(r.summaries for r in reports),
        "reminders": sum(r.reminders for r in reports),
        "timer_checks": sum(r.timer_checks for r in reports),
        "digests": sum(r.digests for r in reports),
        "kept": sum(r.kept for r in reports),
        "decrypted": sum(r.decrypted for r in reports),
        "peak_rss_mb": peak_rss_mb(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="start", type=datetime.fromisoformat, required=True)
    parser.add_argument("--until", type=datetime.fromisoformat, help="rounds before this instant")
    parser.add_argument("--step-minutes", type=float, default=5)
    parser.add_argument("--rounds", type=int, default=1, help="without --until: rounds at --from")
    parser.add_argument("--concurrency", type=int, default=CONCURRENCY)
    parser.add_argument(
        "--lockstep", action="store_true", help="each round when a line arrives on stdin"
    )
    print(json.dumps(asyncio.run(run(parser.parse_args()))))


if __name__ == "__main__":
    main()
