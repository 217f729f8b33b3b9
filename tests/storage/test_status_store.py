"""The status line's storage on SQLite and PostgreSQL: the token encrypted and kept only for a
linked user, the choice, revocation by Slack, webhook nudges by account, rotation of keys, and
the due syncs claimed once however many workers ask."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from bot.crypto import Keyring, generate_key
from bot.storage import AccountStore, Database, Link, SlackUserKey
from bot.storage.accounts import StatusChoice
from bot.storage.schedule import STATUS, ScheduleStore
from bot.storage.status import StatusStore, UserToken

KEY = generate_key()
NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
ALICE = SlackUserKey(None, "T1", "U1")
BOB = SlackUserKey(None, "T1", "U2")
ALICE_IN_T2 = SlackUserKey(None, "T2", "U1")
TOKEN = UserToken("xoxp-alice-secret", "xoxe-1-refresh", NOW + timedelta(hours=12))


def link(key: SlackUserKey, account_id: int = 200, tt_user_id: int = 100) -> Link:
    return Link(key, tt_user_id, account_id, "Acme", "app-password", "Europe/Berlin")


async def stores(database: Database, *links: Link) -> tuple[AccountStore, StatusStore]:
    keyring = Keyring((KEY,))
    accounts = AccountStore(database.sessions, keyring, lambda: NOW)
    for each in links:
        await accounts.save(each)
    return accounts, StatusStore(database.sessions, keyring, lambda: NOW)


async def test_a_token_is_kept_encrypted_and_only_for_a_linked_user(database: Database) -> None:
    accounts, status = await stores(database, link(ALICE), link(ALICE_IN_T2, tt_user_id=101))
    assert not await status.grant(BOB, TOKEN)  # not linked: nothing kept
    assert await status.grant(ALICE, TOKEN)
    async with database.engine.connect() as connection:
        rows = (
            await connection.execute(
                text(
                    "SELECT team_id, slack_user_token_encrypted, slack_user_refresh_token_encrypted"
                    " FROM linked_accounts ORDER BY team_id"
                )
            )
        ).all()
    assert rows[0][1].startswith("gAAAA") and "xoxp" not in rows[0][1]
    assert rows[0][2].startswith("gAAAA") and rows[1][1] is None  # T2's Alice untouched
    state = await status.get(ALICE)
    assert state is not None and state.token == TOKEN and state.choice.enabled
    linked = await accounts.get(ALICE)
    assert linked is not None and linked.status_on and linked.status_granted
    other = await accounts.get(ALICE_IN_T2)
    assert other is not None and not other.status_on


async def test_choice_shown_status_and_turning_off(database: Database) -> None:
    _, status = await stores(database, link(ALICE))
    await status.grant(ALICE, TOKEN)
    choice = StatusChoice(True, "project", ":rocket:", True)
    assert await status.choose(ALICE, choice, sync=True)
    await status.shown(ALICE, "Website", ":rocket:", NOW + timedelta(hours=3))
    state = await status.get(ALICE)
    assert state is not None and state.choice == choice
    assert (state.text_shown, state.emoji_shown) == ("Website", ":rocket:")
    await status.turn_off(ALICE, "rate_limited", forget_token=False)
    state = await status.get(ALICE)
    assert state is not None and state.token == TOKEN and not state.choice.enabled
    assert state.problem == "rate_limited" and state.text_shown == ""
    await status.turn_off(ALICE, "revoked", forget_token=True)
    state = await status.get(ALICE)
    assert state is not None and state.token is None and state.problem == "revoked"


async def test_slack_revoking_tokens_forgets_only_those_users(database: Database) -> None:
    _, status = await stores(database, link(ALICE), link(BOB), link(ALICE_IN_T2))
    for key in (ALICE, BOB, ALICE_IN_T2):
        await status.grant(key, TOKEN)
    assert await status.forget_tokens(None, "T1", ["U1", "U9"]) == 1
    states = {key: await status.get(key) for key in (ALICE, BOB, ALICE_IN_T2)}
    assert states[ALICE] is not None and states[ALICE].token is None  # type: ignore[union-attr]
    assert all(states[k].token == TOKEN for k in (BOB, ALICE_IN_T2))  # type: ignore[union-attr]
    assert await status.forget_tokens(None, "T1", []) == 0


async def test_a_webhook_nudge_makes_only_that_accounts_opted_in_users_due(
    database: Database,
) -> None:
    _, status = await stores(
        database,
        link(ALICE, account_id=200, tt_user_id=100),
        link(BOB, account_id=200, tt_user_id=101),
        link(ALICE_IN_T2, account_id=300, tt_user_id=100),
    )
    await status.grant(ALICE, TOKEN)
    await status.grant(ALICE_IN_T2, TOKEN)
    for key in (ALICE, ALICE_IN_T2):
        await status.sync_at(key, None)
    later = NOW + timedelta(minutes=1)
    assert await status.sync_soon(200, None, later) == 1  # Bob has the line off
    assert await status.sync_soon(200, 999, later) == 0
    assert await status.sync_soon(300, 100, later) == 1


async def test_due_syncs_are_claimed_once_by_concurrent_workers(database: Database) -> None:
    keys = [SlackUserKey(None, "T1", f"U{n}") for n in range(30)]
    _, status = await stores(database, *(link(k, tt_user_id=n) for n, k in enumerate(keys)))
    for key in keys:
        await status.grant(key, TOKEN)
    schedule = ScheduleStore(database.sessions, timedelta(hours=1))
    claims = await asyncio.gather(
        *(schedule.claim(STATUS, NOW, timedelta(minutes=5), 10) for _ in range(4))
    )
    claimed = [due.key for batch in claims for due in batch]
    assert len(claimed) == len(set(claimed))
    rest = await schedule.claim(STATUS, NOW, timedelta(minutes=5), 100)
    assert len(claimed) + len(rest) == 30
    assert await schedule.claim(STATUS, NOW, timedelta(minutes=5), 100) == []


async def test_rekey_reencrypts_the_user_tokens(database: Database) -> None:
    _, status = await stores(database, link(ALICE))
    await status.grant(ALICE, TOKEN)
    new_key = generate_key()
    rotated = AccountStore(database.sessions, Keyring((new_key, KEY)))
    assert await rotated.reencrypt_all() == 1
    only_new = StatusStore(database.sessions, Keyring((new_key,)), lambda: NOW)
    state = await only_new.get(ALICE)
    assert state is not None and state.token == dataclasses.replace(TOKEN)
