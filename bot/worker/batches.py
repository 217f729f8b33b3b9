"""Due rows, claimed a batch at a time and worked on at once.

Each batch is one claim (:meth:`bot.storage.schedule.ScheduleStore.claim`: an indexed query with a
limit), its rows are worked on concurrently (each waits on TrackingTime, then on Slack), and what
each row's work decided (its next instant among it) is written back in one statement per kind of
write. A round takes batches until the due rows run out; nothing that is not due is read.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.storage.schedule import Due, ScheduleStore, UserColumn

log = logging.getLogger(__name__)

BATCH = 200  # rows claimed at once
# How long a claimed row is this worker's: a batch takes seconds, or minutes with TrackingTime
# timing out on every call; a worker that dies leaves its rows due again after this.
ROW_LEASE = timedelta(minutes=5)
# A message's own claim (the once-per-day fact in the deliveries table), made when its work
# starts; a batch's summaries are claimed together, for as long as their rows.
DELIVERY_LEASE = timedelta(minutes=2)
# When work that failed for now (TrackingTime or Slack unavailable) is looked at again.
RETRY = timedelta(minutes=1)


@dataclass
class Outcome:
    """What the work on one row decided."""

    values: dict[str, Any]  # to store on the row: its next instant, and what was learnt
    sent: bool = False  # a message went out
    asked: bool = False  # TrackingTime was asked (the timer checks' budget counts these)


@dataclass
class Tally:
    sent: int = 0
    asked: int = 0
    rows: int = 0


async def each_due(
    schedule: ScheduleStore,
    column: UserColumn,
    now: datetime,
    work: Callable[[Due], Awaitable[Outcome]],
    prepare: Callable[[list[Due]], Awaitable[None]] | None = None,
    stopping: asyncio.Event | None = None,
) -> Tally:
    """Claim the rows due in ``column`` at ``now``, batch by batch, and do ``work`` on each
    (after ``prepare`` on the whole batch, when given). Once ``stopping`` is set (SIGTERM), no
    other batch is claimed; the work on the batch in hand that has not started gives its rows
    back due at once, so the next worker takes them."""
    tally = Tally()

    async def guarded(due: Due) -> Outcome:
        try:
            return await work(due)
        except Exception:
            log.exception("%s for %s failed", column, due.key.user_id)
            return Outcome({column: now + RETRY})

    while True:
        batch = await schedule.claim(column, now, ROW_LEASE, BATCH)
        if batch and prepare is not None:
            await prepare(batch)
        outcomes = await asyncio.gather(*(guarded(due) for due in batch))
        if batch:
            await schedule.settle(
                column,
                [(due, outcome.values) for due, outcome in zip(batch, outcomes, strict=True)],
            )
        tally.rows += len(batch)
        tally.sent += sum(o.sent for o in outcomes)
        tally.asked += sum(o.asked for o in outcomes)
        if len(batch) < BATCH or (stopping is not None and stopping.is_set()):
            return tally
