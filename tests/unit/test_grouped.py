"""Grouped writes: concurrent callers share one write and each gets its own result."""

from __future__ import annotations

import asyncio

import pytest

from bot.worker.grouped import Grouped


async def test_callers_at_about_the_same_time_share_one_write() -> None:
    writes: list[list[int]] = []

    async def write(items: list[int]) -> list[int]:
        writes.append(items)
        await asyncio.sleep(0.01)
        return [item * 10 for item in items]

    grouped: Grouped[int, int] = Grouped(write, linger=0.01)
    assert await asyncio.gather(*(grouped(n) for n in range(5))) == [0, 10, 20, 30, 40]
    assert writes == [[0, 1, 2, 3, 4]]
    # A caller coming while a write is being made waits for the next one, with its own result.
    first = asyncio.ensure_future(grouped(7))
    await asyncio.sleep(0.015)  # the first write has started, not finished
    assert await asyncio.gather(first, grouped(8)) == [70, 80]
    assert writes[1:] == [[7], [8]]


async def test_without_lingering_a_lone_caller_does_not_wait() -> None:
    grouped: Grouped[int, int] = Grouped(lambda items: _echo(items), linger=0)
    started = asyncio.get_running_loop().time()
    assert await grouped(3) == 3
    assert asyncio.get_running_loop().time() - started < 0.005


async def _echo(items: list[int]) -> list[int]:
    return items


async def test_a_failed_write_fails_every_caller_in_it() -> None:
    async def write(items: list[int]) -> list[int]:
        raise RuntimeError("database gone")

    grouped: Grouped[int, int] = Grouped(write, linger=0)
    results = await asyncio.gather(grouped(1), grouped(2), return_exceptions=True)
    assert [type(r) for r in results] == [RuntimeError, RuntimeError]


async def test_a_caller_given_up_on_does_not_cancel_the_others_write() -> None:
    done: list[list[int]] = []

    async def write(items: list[int]) -> list[int]:
        await asyncio.sleep(0.02)
        done.append(items)
        return items

    grouped: Grouped[int, int] = Grouped(write, linger=0)
    impatient = asyncio.ensure_future(grouped(1))
    patient = asyncio.ensure_future(grouped(2))
    await asyncio.sleep(0.005)
    impatient.cancel()
    assert await patient == 2
    with pytest.raises(asyncio.CancelledError):
        await impatient
    assert done == [[1, 2]]
