"""Where drafts are offered, and the offers made: on SQLite and on the local Postgres."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from bot.crypto import Keyring, generate_key
from bot.storage import AccountStore, Database, Link, SlackUserKey, UserSettings
from bot.storage.standup import MAX_CHANNELS, OFFERS_KEPT, StandupStore

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
ALICE = SlackUserKey(None, "T1", "U1")
BOB = SlackUserKey(None, "T1", "U2")
GRID_ALICE = SlackUserKey("E1", "T1", "U1")
OTHER_TEAM_ALICE = SlackUserKey(None, "T2", "U1")


async def test_channels_are_added_once_per_user_and_removed(database: Database) -> None:
    store = StandupStore(database.sessions)
    assert await store.add(ALICE, ("C1", "C2", "C1"), NOW)
    assert await store.add(ALICE, ("C2", "C3"), NOW)
    assert await store.channels(ALICE) == ("C1", "C2", "C3")
    assert await store.channels(BOB) == () and await store.channels(GRID_ALICE) == ()
    assert await store.offers_in(ALICE, "C2")
    assert not await store.offers_in(BOB, "C2")
    assert not await store.offers_in(GRID_ALICE, "C2")
    assert not await store.offers_in(OTHER_TEAM_ALICE, "C2")
    assert await store.remove(ALICE, "C2") == 1
    assert await store.remove(ALICE, "C2") == 0
    assert await store.remove(ALICE) == 2
    assert await store.channels(ALICE) == ()


async def test_at_most_so_many_channels(database: Database) -> None:
    store = StandupStore(database.sessions)
    first = tuple(f"C{n}" for n in range(MAX_CHANNELS - 1))
    assert await store.add(ALICE, first, NOW)
    assert not await store.add(ALICE, ("X1", "X2"), NOW)  # nothing added
    assert await store.add(ALICE, ("X1", "C0"), NOW)  # one new: exactly the most
    assert len(await store.channels(ALICE)) == MAX_CHANNELS


async def test_the_same_command_twice_at_once_adds_each_channel_once(database: Database) -> None:
    stores = [StandupStore(database.sessions) for _ in range(4)]
    added = await asyncio.gather(*(store.add(ALICE, ("C1", "C2"), NOW) for store in stores))
    assert all(added)
    assert await stores[0].channels(ALICE) == ("C1", "C2")


async def test_an_offer_is_claimed_once_per_post_however_many_ask(database: Database) -> None:
    stores = [StandupStore(database.sessions) for _ in range(5)]
    claims = await asyncio.gather(*(s.claim_offer(ALICE, "C1", "1.000100", NOW) for s in stores))
    assert sorted(claims) == [False, False, False, False, True]
    # Another post, another author, another workspace: each its own offer.
    assert await stores[0].claim_offer(ALICE, "C1", "1.000200", NOW)
    assert await stores[0].claim_offer(BOB, "C1", "1.000100", NOW)
    assert await stores[0].claim_offer(GRID_ALICE, "C1", "1.000100", NOW)


async def test_old_claims_are_purged_when_new_ones_come(database: Database) -> None:
    store = StandupStore(database.sessions)
    assert await store.claim_offer(ALICE, "C1", "1.000100", NOW)
    later = NOW + OFFERS_KEPT + timedelta(seconds=1)
    assert await store.claim_offer(BOB, "C1", "2.000100", later)
    # The first claim is gone: Slack stopped retrying its event long before.
    assert await store.claim_offer(ALICE, "C1", "1.000100", later)


async def test_disconnect_and_uninstall_forget_it_all(database: Database) -> None:
    store = StandupStore(database.sessions)
    for key in (ALICE, BOB, GRID_ALICE, OTHER_TEAM_ALICE):
        await store.add(key, ("C1",), NOW)
        await store.claim_offer(key, "C1", "1.000100", NOW)
    await store.delete_user(ALICE)
    assert await store.channels(ALICE) == ()
    assert await store.claim_offer(ALICE, "C1", "1.000100", NOW)  # its claim went too
    assert await store.channels(GRID_ALICE) == ("C1",)
    await store.delete_workspace(None, "T1")
    assert await store.channels(BOB) == ()
    assert await store.channels(GRID_ALICE) == ("C1",)  # another org's workspace T1
    assert await store.channels(OTHER_TEAM_ALICE) == ("C1",)


async def test_working_hours_are_saved_and_read_back(database: Database) -> None:
    accounts = AccountStore(database.sessions, Keyring([generate_key()]))
    await accounts.save(Link(ALICE, 1, 2, "Acme", "app-password"))
    chosen = UserSettings(
        work_start=datetime(2026, 1, 1, 7, 45).time(),
        work_end=datetime(2026, 1, 1, 16, 15).time(),
        work_days=frozenset({0, 2, 6}),
        gap_threshold=timedelta(minutes=30),
    )
    assert await accounts.save_settings(ALICE, chosen)
    link = await accounts.get(ALICE)
    assert link is not None and link.settings == chosen
