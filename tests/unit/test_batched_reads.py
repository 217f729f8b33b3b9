"""Reads asked for together share one query; nothing is cached (bot/storage/batched.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from bot.storage.batched import BatchedReads


class Table:
    """A fetch that records what each query asked for, and can be held or made to fail."""

    def __init__(self, rows: dict[str, str]) -> None:
        self.rows = rows
        self.queries: list[list[str]] = []
        self.at_once = 0
        self.most_at_once = 0
        self.fail_with: Exception | None = None
        self.release = asyncio.Event()
        self.release.set()

    async def fetch(self, keys: Sequence[str]) -> dict[str, str]:
        self.queries.append(list(keys))
        self.at_once += 1
        self.most_at_once = max(self.most_at_once, self.at_once)
        try:
            await self.release.wait()
            if self.fail_with is not None:
                raise self.fail_with
            return {key: self.rows[key] for key in keys if key in self.rows}
        finally:
            self.at_once -= 1


async def test_reads_asked_together_share_one_query() -> None:
    table = Table({f"k{n}": f"row {n}" for n in range(10)})
    reads = BatchedReads(table.fetch)
    rows = await asyncio.gather(*(reads.get(f"k{n}") for n in range(10)), reads.get("k3"))
    assert rows == [f"row {n}" for n in range(10)] + ["row 3"]
    assert table.queries == [[f"k{n}" for n in range(10)]]  # one query, each key once


async def test_a_key_without_a_row_reads_none() -> None:
    reads = BatchedReads(Table({"a": "row a"}).fetch)
    assert await asyncio.gather(reads.get("a"), reads.get("missing")) == ["row a", None]


async def test_nothing_is_cached_each_read_sees_the_table_as_it_is_then() -> None:
    table = Table({"a": "old"})
    reads = BatchedReads(table.fetch)
    assert await reads.get("a") == "old"
    table.rows["a"] = "new"
    assert await reads.get("a") == "new"
    assert len(table.queries) == 2


async def test_reads_arriving_during_a_query_wait_for_the_next_one() -> None:
    table = Table({"a": "row a", "b": "row b", "c": "row c"})
    reads = BatchedReads(table.fetch, most_at_once=1)
    table.release.clear()
    first = asyncio.ensure_future(reads.get("a"))
    await asyncio.sleep(0.01)  # the first query is under way, held
    later = [asyncio.ensure_future(reads.get(key)) for key in ("b", "c")]
    await asyncio.sleep(0.01)
    table.release.set()
    assert await first == "row a"
    assert [await read for read in later] == ["row b", "row c"]
    assert table.queries == [["a"], ["b", "c"]]


async def test_batches_are_bounded_in_size_and_in_number_at_once() -> None:
    table = Table({f"k{n}": str(n) for n in range(25)})
    reads = BatchedReads(table.fetch, most_per_batch=10, most_at_once=2)
    rows = await asyncio.gather(*(reads.get(f"k{n}") for n in range(25)))
    assert rows == [str(n) for n in range(25)]
    assert sorted(len(query) for query in table.queries) == [5, 10, 10]
    assert table.most_at_once <= 2


async def test_a_failed_query_fails_its_reads_and_the_next_reads_work() -> None:
    table = Table({"a": "row a"})
    reads = BatchedReads(table.fetch)
    table.fail_with = ConnectionError("database went away")
    results = await asyncio.gather(reads.get("a"), reads.get("b"), return_exceptions=True)
    assert all(isinstance(r, ConnectionError) for r in results)
    table.fail_with = None
    assert await reads.get("a") == "row a"


async def test_a_read_given_up_leaves_the_others_of_its_batch_alone() -> None:
    table = Table({"a": "row a", "b": "row b"})
    reads = BatchedReads(table.fetch)
    table.release.clear()
    impatient = asyncio.ensure_future(reads.get("a"))
    patient = asyncio.ensure_future(reads.get("b"))
    await asyncio.sleep(0.01)
    impatient.cancel()
    table.release.set()
    assert await patient == "row b"
    with pytest.raises(asyncio.CancelledError):
        await impatient
