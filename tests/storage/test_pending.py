"""Kept entries and the worker's claims on them, on SQLite and on the local Postgres."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from bot.storage import Database, SlackUserKey
from bot.storage.pending import PendingEntryStore

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
LEASE = timedelta(minutes=2)
ALICE = SlackUserKey(None, "T1", "U1")
BOB = SlackUserKey(None, "T1", "U2")
GRID_ALICE = SlackUserKey("E1", "T1", "U1")


async def test_two_workers_claim_disjoint_sets(database: Database) -> None:
    store = PendingEntryStore(database.sessions)
    ids = {await store.add(ALICE, f'{{"n": {n}}}', None, NOW) for n in range(12)}
    first, second = await asyncio.gather(
        store.claim(NOW, LEASE, limit=8),
        PendingEntryStore(database.sessions).claim(NOW, LEASE, limit=8),
    )
    got_first, got_second = {c.id for c in first}, {c.id for c in second}
    assert not got_first & got_second
    assert got_first | got_second <= ids
    # Whatever neither took is still there for the next round; nothing is claimed twice.
    rest = await store.claim(NOW, LEASE, limit=20)
    assert {c.id for c in rest} == ids - got_first - got_second


async def test_a_lease_expires_so_a_dead_worker_loses_nothing(database: Database) -> None:
    store = PendingEntryStore(database.sessions)
    entry_id = await store.add(ALICE, "{}", "C1", NOW)
    [claimed] = await store.claim(NOW, LEASE)
    assert (claimed.id, claimed.key, claimed.channel_id) == (entry_id, ALICE, "C1")
    assert await store.claim(NOW + LEASE / 2, LEASE) == []  # still leased
    [again] = await store.claim(NOW + LEASE + timedelta(seconds=1), LEASE)
    assert again.id == entry_id


async def test_retry_at_releases_and_delays(database: Database) -> None:
    store = PendingEntryStore(database.sessions)
    entry_id = await store.add(ALICE, "{}", None, NOW)
    await store.claim(NOW, LEASE)
    await store.retry_at(entry_id, NOW + timedelta(minutes=5), "HTTP 502")
    assert await store.claim(NOW + timedelta(minutes=4), LEASE) == []
    [later] = await store.claim(NOW + timedelta(minutes=5), LEASE)
    assert later.attempts == 1
    await store.forget(entry_id)
    assert await store.count() == 0


async def test_entries_are_not_yet_due_before_their_time(database: Database) -> None:
    store = PendingEntryStore(database.sessions)
    await store.add(ALICE, "{}", None, NOW)
    assert await store.claim(NOW - timedelta(seconds=1), LEASE) == []


async def test_deleting_a_user_or_a_workspace(database: Database) -> None:
    store = PendingEntryStore(database.sessions)
    for key in (ALICE, BOB, GRID_ALICE, SlackUserKey(None, "T2", "U1")):
        await store.add(key, "{}", None, NOW)
    assert await store.delete_user(ALICE) == 1  # not the Grid user with the same ids
    assert await store.delete_workspace(None, "T1") == 1  # Bob
    assert await store.count() == 2
    assert await store.delete_workspace("E1", "T1") == 1
    assert await store.count() == 1
