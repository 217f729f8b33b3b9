"""Reads by key that arrive together go to the database together (the "data loader" pattern).

Every Slack request starts by reading its user's link. One read is a handful of trips through the
event loop while a pooled connection is held (on SQLite each trip also crosses to aiosqlite's
thread); under a burst those trips, not the query, cost most of a request's CPU and leave
requests queueing for connections. Here the reads asked for while a batch is being fetched wait
for the next batch and go in one query, so the trips are shared by all of them. Nothing is
cached: every read starts after it was asked for, and sees what the database has then.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import Generic, TypeVar

Key = TypeVar("Key", bound=Hashable)
Row = TypeVar("Row")

#: Keys one query asks for at most (well inside SQLite's and PostgreSQL's parameter limits).
MOST_PER_BATCH = 100
#: Batches fetched at once: one alone would leave a slow query holding up every request.
MOST_AT_ONCE = 4


class BatchedReads(Generic[Key, Row]):
    """``get(key)`` through ``fetch(keys) -> {key: row}`` (a key it leaves out has no row)."""

    def __init__(
        self,
        fetch: Callable[[Sequence[Key]], Awaitable[dict[Key, Row]]],
        *,
        most_per_batch: int = MOST_PER_BATCH,
        most_at_once: int = MOST_AT_ONCE,
    ) -> None:
        self._fetch = fetch
        self._most_per_batch = most_per_batch
        self._most_at_once = most_at_once
        self._waiting: dict[Key, list[asyncio.Future[Row | None]]] = {}
        self._fetching: set[asyncio.Task[None]] = set()
        self._gathering = False  # a batch is taking the reads asked for in this moment

    async def get(self, key: Key) -> Row | None:
        future: asyncio.Future[Row | None] = asyncio.get_running_loop().create_future()
        self._waiting.setdefault(key, []).append(future)
        self._start_batch()
        return await future

    def _start_batch(self) -> None:
        if self._waiting and not self._gathering and len(self._fetching) < self._most_at_once:
            self._gathering = True
            task = asyncio.ensure_future(self._run())
            self._fetching.add(task)
            task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[None]) -> None:
        self._fetching.discard(task)
        self._start_batch()

    async def _run(self) -> None:
        await asyncio.sleep(0)  # the reads asked for in this same moment join the batch
        self._gathering = False
        keys = list(self._waiting)[: self._most_per_batch]
        batch = {key: self._waiting.pop(key) for key in keys}
        self._start_batch()  # more than one batch's worth waiting: the next one starts too
        try:
            rows = await self._fetch(list(batch))
        except Exception as error:  # every read of the batch fails the same way
            for futures in batch.values():
                for future in futures:
                    if not future.done():
                        future.set_exception(error)
            return
        except asyncio.CancelledError:  # shutting down: so are the reads
            for futures in batch.values():
                for future in futures:
                    future.cancel()
            raise
        for key, futures in batch.items():
            for future in futures:
                if not future.done():
                    future.set_result(rows.get(key))
