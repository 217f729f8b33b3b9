"""Each TrackingTime account's webhook row: on SQLite and on the local Postgres."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime

from sqlalchemy import text

from bot.crypto import Keyring, generate_key
from bot.storage import Database
from bot.storage.webhooks import WebhookStore

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
ACME, OTHER = 1001, 1002


async def test_a_token_is_made_once_per_account(database: Database) -> None:
    store = WebhookStore(database.sessions, Keyring([generate_key()]))
    first = await store.ensure_token(ACME)
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", first.path_token)
    assert (first.account_id, first.hook_id, first.refused_at) == (ACME, None, None)
    assert await store.ensure_token(ACME) == first
    other = await store.ensure_token(OTHER)
    assert other.path_token != first.path_token
    assert first.path_token not in repr(first)
    assert await store.account_of(first.path_token) == ACME
    assert await store.account_of(other.path_token) == OTHER
    assert await store.account_of("not-a-token") is None
    assert await store.account_of(first.path_token.upper()) is None


async def test_many_callers_at_once_share_one_row(database: Database) -> None:
    keyring = Keyring([generate_key()])
    stores = [WebhookStore(database.sessions, keyring) for _ in range(6)]
    rows = await asyncio.gather(*(store.ensure_token(ACME) for store in stores))
    assert len({row.path_token for row in rows}) == 1
    async with database.engine.connect() as connection:
        count = await connection.scalar(text("SELECT count(*) FROM trackingtime_webhooks"))
    assert count == 1


async def test_registered_once_with_its_secret_encrypted(database: Database) -> None:
    keyring = Keyring([generate_key()])
    store = WebhookStore(database.sessions, keyring)
    await store.ensure_token(ACME)
    await store.mark_refused(ACME, NOW)
    assert (await store.ensure_token(ACME)).refused_at == NOW
    assert await store.mark_registered(ACME, 6001, "s3cret-from-tt")
    assert not await store.mark_registered(ACME, 6002, "another")  # one per account
    assert not await store.mark_registered(OTHER, 6003, None)  # no row: nothing to mark
    hook = await store.get(ACME)
    assert hook is not None and (hook.hook_id, hook.refused_at) == (6001, None)
    async with database.engine.connect() as connection:
        stored = await connection.scalar(
            text("SELECT secret_encrypted FROM trackingtime_webhooks WHERE hook_id = 6001")
        )
    assert "s3cret" not in stored and keyring.decrypt(stored) == "s3cret-from-tt"


async def test_forget_ends_the_token(database: Database) -> None:
    store = WebhookStore(database.sessions, Keyring([generate_key()]))
    made = await store.ensure_token(ACME)
    await store.ensure_token(OTHER)
    await store.mark_registered(ACME, 6001, None)
    forgotten = await store.forget(ACME)
    assert forgotten is not None and forgotten.hook_id == 6001
    assert await store.account_of(made.path_token) is None
    assert await store.forget(ACME) is None
    assert await store.get(OTHER) is not None
    assert (await store.ensure_token(ACME)).path_token != made.path_token


async def test_secrets_are_reencrypted_under_the_newest_key(database: Database) -> None:
    old_key, new_key = generate_key(), generate_key()
    store = WebhookStore(database.sessions, Keyring([old_key]))
    await store.ensure_token(ACME)
    await store.mark_registered(ACME, 6001, "s3cret")
    await store.ensure_token(OTHER)  # no secret: nothing to re-encrypt
    assert await WebhookStore(database.sessions, Keyring([new_key, old_key])).reencrypt_all() == 1
    async with database.engine.connect() as connection:
        stored = await connection.scalar(
            text("SELECT secret_encrypted FROM trackingtime_webhooks WHERE hook_id = 6001")
        )
    assert Keyring([new_key]).decrypt(stored) == "s3cret"
