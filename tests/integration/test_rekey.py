"""``python -m bot rekey``: after a new key is put first, every stored secret is rewritten
under it, so the old key can be dropped."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

from slack_sdk.oauth.installation_store.models.installation import Installation
from sqlalchemy import text

from bot.crypto import Keyring, generate_key
from bot.settings import async_database_url
from bot.storage import AccountStore, Database, Link, SlackUserKey, upgrade_schema
from bot.storage.installations import EncryptedInstallationStore
from bot.storage.webhooks import WebhookStore
from tests.support.paths import PROJECT_ROOT

USER = SlackUserKey(None, "T1", "U1")


async def store_secrets(url: str, key: str) -> None:
    database = Database(url)
    try:
        await AccountStore(database.sessions, Keyring([key])).save(
            Link(USER, 1, 2, "Acme", "app-password-1234", "UTC")
        )
        await EncryptedInstallationStore(database.sessions, Keyring([key]), "C1").async_save(
            Installation(
                app_id="A1",
                team_id="T1",
                user_id="U1",
                bot_token="xoxb-secret-token",
                bot_id="B1",
                bot_user_id="UB1",
            )
        )
        hooks = WebhookStore(database.sessions, Keyring([key]))
        await hooks.ensure_token(2)
        await hooks.mark_registered(2, 6001, "webhook-secret")
    finally:
        await database.dispose()


async def read_secrets(url: str, key: str) -> tuple[str, str | None, str]:
    database = Database(url)
    try:
        link = await AccountStore(database.sessions, Keyring([key])).get(USER)
        store = EncryptedInstallationStore(database.sessions, Keyring([key]), "C1")
        bot = await store.async_find_bot(enterprise_id=None, team_id="T1")
        assert link is not None
        async with database.engine.connect() as connection:
            sealed = await connection.scalar(
                text("SELECT secret_encrypted FROM trackingtime_webhooks")
            )
        return link.app_password, bot.bot_token if bot else None, Keyring([key]).decrypt(sealed)
    finally:
        await database.dispose()


def test_rekey_rewrites_every_secret_under_the_newest_key(tmp_path: Path) -> None:
    url = async_database_url(f"sqlite:///{tmp_path / 'rekey.db'}")
    old, new = generate_key(), generate_key()
    upgrade_schema(url)
    asyncio.run(store_secrets(url, old))
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    env.update(PYTHONPATH=str(PROJECT_ROOT), DATABASE_URL=url, ENCRYPTION_KEYS=f"{new},{old}")
    result = subprocess.run(
        [sys.executable, "-m", "bot", "rekey"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert (
        "re-encrypted 1 linked accounts, 1 Slack installations and 1 TrackingTime webhook "
        "secrets" in result.stdout
    )
    assert asyncio.run(read_secrets(url, new)) == (
        "app-password-1234",
        "xoxb-secret-token",
        "webhook-secret",
    )
