"""Writes that many concurrent tasks make at about the same time, made as one statement.

Each summary is claimed and marked sent in the deliveries table, and each caller must know its own
write is done before it goes on (a summary is sent only once claimed, and is finished only once
recorded). Done one by one, a thousand summaries at once are thousands of commits queueing for
the database (on SQLite, for its single write lock); grouped, they are a few dozen, and every
caller still waits for the commit that holds its own write.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


class Grouped(Generic[Item, Result]):
    """``await grouped(item)`` returns ``item``'s result of one ``write(items)`` call, made for
    every item given within ``linger`` seconds of the first. Give ``linger=0`` where nobody
    else could join (work done one at a time), so that grouping never slows that down."""

    def __init__(
        self, write: Callable[[list[Item]], Awaitable[Sequence[Result]]], linger: float
    ) -> None:
        self._write = write
        self._linger = linger
        self._pending: list[Item] = []
        self._flush: asyncio.Future[Sequence[Result]] | None = None

    async def __call__(self, item: Item) -> Result:
        if self._flush is None:
            self._flush = asyncio.ensure_future(self._made())
        position, flush = len(self._pending), self._flush
        self._pending.append(item)
        # Shielded: a caller given up on must not cancel the write made for the others.
        return (await asyncio.shield(flush))[position]

    async def _made(self) -> Sequence[Result]:
        await asyncio.sleep(self._linger)
        items, self._pending, self._flush = self._pending, [], None
        return await self._write(items)
