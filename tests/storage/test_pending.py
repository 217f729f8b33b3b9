"""Kept entries and the worker's claims on them, on SQLite and on the local Postgres."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import update
from sqlmodel import col

from bot.crypto import Keyring, generate_key
from bot.storage import AccountStore, Database, Link, SlackUserKey
from bot.storage.models import PendingEntry
from bot.storage.pending import KEEP, PendingEntryStore

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


# --- identity: what an entry became, and what it must not be taken for ----------------------


async def test_one_trackingtime_entry_settles_at_most_one_of_a_users_entries(
    database: Database,
) -> None:
    store = PendingEntryStore(database.sessions)
    first, second = [await store.add(ALICE, "{}", None, NOW) for _ in range(2)]
    bobs = await store.add(BOB, "{}", None, NOW)
    assert await store.settle(first, 900001, NOW)
    assert not await store.settle(second, 900001, NOW)  # taken: it can't be both
    assert await store.settle(bobs, 900001, NOW)  # another user's rows are another matter
    assert await store.taken_events(ALICE, besides=second) == {900001}
    assert await store.taken_events(ALICE, besides=first) == frozenset()
    assert await store.count() == 1  # only the second is still waiting
    assert [c.id for c in await store.claim(NOW, LEASE)] == [second]


async def test_known_events_mean_sent_before(database: Database) -> None:
    store = PendingEntryStore(database.sessions)
    never_sent = await store.add(ALICE, '{"n": 1}', None, NOW)
    async with store.holding(ALICE) as mine:
        sent = await mine.insert('{"n": 2}', "C1", NOW, lease_until=None, known_events=[7, 3])
        await mine.update(never_sent, '{"n": 1, "placed": true}', [])
    claimed = {c.id: c for c in await store.claim(NOW, LEASE)}
    assert claimed[sent].known_events == {3, 7} and claimed[sent].channel_id == "C1"
    assert claimed[never_sent].known_events == frozenset()
    assert claimed[never_sent].entry == '{"n": 1, "placed": true}'
    fresh = await store.add(ALICE, "{}", None, NOW)
    [again] = await store.claim(NOW, LEASE)
    assert (again.id, again.known_events) == (fresh, None)


async def test_a_refused_entry_waits_for_its_owner(database: Database) -> None:
    store = PendingEntryStore(database.sessions)
    entry_id = await store.add(ALICE, '{"n": 1}', None, NOW)
    [claimed] = await store.claim(NOW, LEASE)
    await store.await_user(entry_id, "refused")
    assert await store.claim(NOW + LEASE * 10, LEASE) == []  # not the worker's
    assert await store.claim_for(BOB, entry_id, NOW, LEASE) is None  # not Bob's
    assert await store.claim_for(GRID_ALICE, entry_id, NOW, LEASE) is None
    assert await store.get(BOB, entry_id) is None
    mine = await store.claim_for(ALICE, entry_id, NOW, LEASE)
    assert mine is not None and mine.awaiting_user and mine.attempts == claimed.attempts + 1
    assert await store.claim_for(ALICE, entry_id, NOW, LEASE) is None  # a second click waits
    assert await store.get(ALICE, entry_id) == ('{"n": 1}', None)
    assert await store.settle(entry_id, 900009, NOW)
    assert await store.claim_for(ALICE, entry_id, NOW + LEASE * 2, LEASE) is None  # done
    assert await store.get(ALICE, entry_id) == ('{"n": 1}', 900009)


async def test_try_again_meeting_an_outage_hands_the_entry_to_the_worker(
    database: Database,
) -> None:
    store = PendingEntryStore(database.sessions)
    entry_id = await store.add(ALICE, "{}", None, NOW)
    await store.await_user(entry_id, "refused")
    assert await store.claim_for(ALICE, entry_id, NOW, LEASE) is not None
    await store.retry_at(entry_id, NOW, "HTTP 503")
    [claimed] = await store.claim(NOW, LEASE)
    assert claimed.id == entry_id and not claimed.awaiting_user


async def test_purge_drops_done_and_refused_entries_after_a_week_only(database: Database) -> None:
    store = PendingEntryStore(database.sessions)
    old = NOW - KEEP - timedelta(minutes=1)
    done, refused, waiting = [await store.add(ALICE, "{}", None, old) for _ in range(3)]
    recent = await store.add(ALICE, "{}", None, NOW)
    async with database.sessions() as session:  # created a week ago
        await session.exec(
            update(PendingEntry).values(created_at=old).where(col(PendingEntry.id) != recent)
        )  # type: ignore[call-overload]
        await session.commit()
    await store.settle(done, 1, old)
    await store.await_user(refused, "no")
    await store.settle(recent, 2, NOW)
    assert await store.purge(NOW) == 2
    assert await store.get(ALICE, done) is None and await store.get(ALICE, refused) is None
    assert await store.get(ALICE, waiting) is not None  # the worker gives it up, not the purge
    assert await store.get(ALICE, recent) is not None


async def test_holding_lets_one_placement_at_a_time_see_the_others(database: Database) -> None:
    """Two processes placing an entry for the same user: the second sees the first's row."""
    key = generate_key()
    await AccountStore(database.sessions, Keyring([key])).save(
        Link(ALICE, 1, 2, "Acme", "app-password")
    )
    first, second = PendingEntryStore(database.sessions), PendingEntryStore(database.sessions)
    seen: list[list[str]] = []
    locked = asyncio.Event()

    async def place_first() -> None:
        async with first.holding(ALICE) as mine:
            locked.set()
            seen.append([row.entry for row in await mine.rows(NOW)])
            await asyncio.sleep(0.3)  # the other tries to place meanwhile
            await mine.insert("first", None, NOW, lease_until=None, known_events=None)

    async def place_second() -> None:
        await locked.wait()
        async with second.holding(ALICE) as mine:  # waits here until the first commits
            seen.append([row.entry for row in await mine.rows(NOW)])
            await mine.insert("second", None, NOW, lease_until=None, known_events=None)

    await asyncio.gather(place_first(), place_second())
    assert seen == [[], ["first"]]
