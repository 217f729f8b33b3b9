"""Deliveries claimed in groups (SQLite and PostgreSQL): each at most once, taken over only once
its claimant's lease has run out, and never again once sent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.storage import Database, SlackUserKey
from bot.storage.deliveries import SUMMARY, DeliveryStore

NOW = datetime(2026, 11, 27, 16, 30, tzinfo=UTC)
LEASE = timedelta(minutes=5)


def wanted(n: int, period: str = "2026-11-27") -> tuple[SlackUserKey, str, str]:
    return (SlackUserKey(None, "T1", f"U{n}"), SUMMARY, period)


async def test_claims_in_a_group_are_each_the_first_claimants(database: Database) -> None:
    store = DeliveryStore(database.sessions)
    assert await store.claim(*wanted(1), NOW, LEASE)  # held by someone else, one at a time
    group = [wanted(n) for n in range(4)]
    assert await store.claim_many(group, NOW, LEASE) == [True, False, True, True]
    assert await store.claim_many(group, NOW, LEASE) == [False] * 4  # all held now
    assert await store.claim_many([], NOW, LEASE) == []


async def test_a_group_takes_over_expired_claims_but_never_a_sent_one(database: Database) -> None:
    store = DeliveryStore(database.sessions)
    group = [wanted(n) for n in range(3)]
    assert await store.claim_many(group, NOW, LEASE) == [True, True, True]
    await store.sent_many(group[:1])  # the first went out
    await store.release_many(group[1:2])  # the second was given back
    later = NOW + timedelta(minutes=1)
    # The released one is free at once; the third is still leased; the sent one is done.
    assert await store.claim_many(group, later, LEASE) == [False, True, False]
    after_the_lease = NOW + LEASE + timedelta(seconds=1)
    assert await store.claim_many(group, after_the_lease, LEASE) == [False, False, True]
    assert await store.was_sent(*group[0])
    assert not await store.was_sent(*group[2])


async def test_another_day_is_another_delivery(database: Database) -> None:
    store = DeliveryStore(database.sessions)
    await store.claim_many([wanted(1)], NOW, LEASE)
    await store.sent_many([wanted(1)])
    assert await store.claim_many([wanted(1, "2026-11-30")], NOW, LEASE) == [True]
    assert await store.purge(NOW + timedelta(days=1)) == 2  # older than then: gone
