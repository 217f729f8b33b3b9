"""The OAuth stores on SQLite and PostgreSQL: installations round-trip with their tokens
encrypted at rest (and long enough to overflow slack_sdk's String(200)), are isolated per
workspace and deleted idempotently; OAuth states are single-use and expire."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from cryptography.fernet import Fernet
from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.installation_store.models.installation import Installation
from sqlalchemy import text

from bot.crypto import Keyring, generate_key
from bot.storage import Database
from bot.storage.installations import DatabaseOAuthStateStore, EncryptedInstallationStore

KEY_A = generate_key()
KEY_B = generate_key()
CLIENT_ID = "1111.2222"
EXPIRES_AT = datetime(2026, 12, 1, 12, 30, tzinfo=UTC)
INSTALLED_AT = datetime(2026, 11, 29, 9, 15, 30, tzinfo=UTC)


def store(database: Database, key: str = KEY_A) -> EncryptedInstallationStore:
    return EncryptedInstallationStore(database.sessions, Keyring([key]), CLIENT_ID)


def installation(team_id: str | None = "T1", **changes: Any) -> Installation:
    values: dict[str, Any] = {
        "app_id": "A1",
        "enterprise_id": None,
        "enterprise_name": None,
        "enterprise_url": None,
        "team_id": team_id,
        "team_name": "Acme",
        "bot_token": f"xoxe.xoxb-1-{team_id}-bot",
        "bot_id": "B1",
        "bot_user_id": "UBOT",
        "bot_scopes": ["chat:write", "commands"],
        "bot_refresh_token": "xoxe-1-refresh-bot",
        "bot_token_expires_at": int(EXPIRES_AT.timestamp()),
        "user_id": "U1",
        "user_token": "xoxe.xoxp-1-user",
        "user_scopes": ["identify"],
        "user_refresh_token": "xoxe-1-refresh-user",
        "user_token_expires_at": int(EXPIRES_AT.timestamp()) + 60,
        "is_enterprise_install": False,
        "token_type": "bot",
        "installed_at": INSTALLED_AT.timestamp(),
    }
    return Installation(**(values | changes))


def fields(value: Installation | Bot | None) -> dict[str, Any]:
    assert value is not None
    return value.to_dict()


async def raw_rows(database: Database) -> list[dict[str, Any]]:
    async with database.engine.connect() as connection:
        result = await connection.execute(
            text(
                "SELECT enterprise_id, team_id, user_id, bot_token_encrypted,"
                " bot_refresh_token_encrypted, user_token_encrypted,"
                " user_refresh_token_encrypted FROM slack_installations ORDER BY id"
            )
        )
        return [dict(row._mapping) for row in result]


async def test_save_then_find_installation_and_bot(database: Database) -> None:
    installations = store(database)
    saved = installation()

    await installations.async_save(saved)

    found = await installations.async_find_installation(enterprise_id=None, team_id="T1")
    assert fields(found) == fields(saved)
    assert found is not None
    assert found.bot_token_expires_at == int(EXPIRES_AT.timestamp())
    assert fields(found)["bot_token_expires_at"] == EXPIRES_AT  # aware UTC
    bot = await installations.async_find_bot(enterprise_id=None, team_id="T1")
    assert fields(bot) == fields(saved.to_bot())
    assert bot is not None and bot.bot_refresh_token == "xoxe-1-refresh-bot"


async def test_installer_gets_the_user_token_others_get_nothing(database: Database) -> None:
    installations = store(database)
    await installations.async_save(installation())

    mine = await installations.async_find_installation(
        enterprise_id=None, team_id="T1", user_id="U1"
    )
    theirs = await installations.async_find_installation(
        enterprise_id=None, team_id="T1", user_id="U2"
    )

    assert mine is not None and mine.user_token == "xoxe.xoxp-1-user"
    assert theirs is None


async def test_tokens_are_stored_encrypted(database: Database) -> None:
    await store(database).async_save(installation())

    [row] = await raw_rows(database)
    plain = {
        "bot_token_encrypted": "xoxe.xoxb-1-T1-bot",
        "bot_refresh_token_encrypted": "xoxe-1-refresh-bot",
        "user_token_encrypted": "xoxe.xoxp-1-user",
        "user_refresh_token_encrypted": "xoxe-1-refresh-user",
    }
    for column, token in plain.items():
        assert token not in row[column]
        assert Fernet(KEY_A.encode()).decrypt(row[column].encode()).decode() == token


async def test_reinstall_replaces_the_row(database: Database) -> None:
    installations = store(database)
    await installations.async_save(installation())
    again = installation(
        team_name="Acme Corp",
        bot_token="xoxb-new",
        bot_scopes=["chat:write"],
        bot_refresh_token=None,
        bot_token_expires_at=None,
        user_id="U9",
        user_token=None,
        user_scopes="",
        user_refresh_token=None,
        user_token_expires_at=None,
    )

    await installations.async_save(again)

    assert fields(
        await installations.async_find_installation(enterprise_id=None, team_id="T1")
    ) == fields(again)
    assert len(await raw_rows(database)) == 1


async def test_a_save_without_user_token_keeps_the_installers(database: Database) -> None:
    """Bolt saves a rotated installation stripped of the installer's user token when another
    user's request triggered the rotation."""
    installations = store(database)
    await installations.async_save(installation())
    rotated = installation(
        bot_token="xoxb-rotated",
        user_token=None,
        user_scopes=None,
        user_refresh_token=None,
        user_token_expires_at=None,
    )

    await installations.async_save(rotated)

    found = await installations.async_find_installation(enterprise_id=None, team_id="T1")
    assert fields(found) == fields(installation(bot_token="xoxb-rotated"))


async def test_bot_token_rotation(database: Database) -> None:
    installations = store(database)
    await installations.async_save(installation())
    later = EXPIRES_AT + timedelta(hours=12)
    rotated = Bot(
        **(
            fields(installation().to_bot())
            | {
                "bot_token": "xoxe.xoxb-1-rotated",
                "bot_refresh_token": "xoxe-1-refresh-2",
                "bot_token_expires_at": later,
            }
        )
    )

    await installations.async_save_bot(rotated)

    bot = await installations.async_find_bot(enterprise_id=None, team_id="T1")
    assert bot is not None
    assert (bot.bot_token, bot.bot_refresh_token) == ("xoxe.xoxb-1-rotated", "xoxe-1-refresh-2")
    assert bot.bot_token_expires_at == int(later.timestamp())
    found = await installations.async_find_installation(enterprise_id=None, team_id="T1")
    assert found is not None and found.bot_token == "xoxe.xoxb-1-rotated"
    assert found.user_token == "xoxe.xoxp-1-user"  # the user part is left alone


async def test_save_bot_alone(database: Database) -> None:
    installations = store(database)
    bot = installation(team_id="T2").to_bot()

    await installations.async_save_bot(bot)

    assert fields(await installations.async_find_bot(enterprise_id=None, team_id="T2")) == fields(
        bot
    )


async def test_enterprise_install_is_found_by_enterprise_id(database: Database) -> None:
    installations = store(database)
    org = installation(
        team_id=None,
        enterprise_id="E1",
        enterprise_name="Grid",
        enterprise_url="https://grid.enterprise.slack.com/",
        team_name=None,
        is_enterprise_install=True,
    )

    await installations.async_save(org)

    for team_id in ("T7", None):
        found = await installations.async_find_installation(
            enterprise_id="E1", team_id=team_id, is_enterprise_install=True
        )
        assert fields(found) == fields(org)
        bot = await installations.async_find_bot(
            enterprise_id="E1", team_id=team_id, is_enterprise_install=True
        )
        assert fields(bot) == fields(org.to_bot())
    assert await installations.async_find_bot(enterprise_id="E2", team_id=None) is None
    assert await installations.async_find_bot(enterprise_id=None, team_id="T7") is None


async def test_workspaces_are_isolated(database: Database) -> None:
    installations = store(database)
    one, two = installation("T1"), installation("T2")
    grid = installation("T1", enterprise_id="E1")  # same team id, under an enterprise
    for each in (one, two, grid):
        await installations.async_save(each)

    await installations.async_delete_all(enterprise_id=None, team_id="T1")

    assert await installations.async_find_installation(enterprise_id=None, team_id="T1") is None
    assert await installations.async_find_bot(enterprise_id=None, team_id="T1") is None
    assert fields(
        await installations.async_find_installation(enterprise_id=None, team_id="T2")
    ) == fields(two)
    assert fields(
        await installations.async_find_installation(enterprise_id="E1", team_id="T1")
    ) == fields(grid)


async def test_another_app_does_not_see_the_installation(database: Database) -> None:
    await store(database).async_save(installation())
    other_app = EncryptedInstallationStore(database.sessions, Keyring([KEY_A]), "9999.9999")

    assert await other_app.async_find_bot(enterprise_id=None, team_id="T1") is None


async def test_deletes_are_idempotent(database: Database) -> None:
    installations = store(database)
    await installations.async_save(installation())

    for _ in range(2):
        await installations.async_delete_all(enterprise_id=None, team_id="T1")
        await installations.async_delete_bot(enterprise_id=None, team_id="T1")
        await installations.async_delete_installation(enterprise_id=None, team_id="T1")
        await installations.async_delete_installation(
            enterprise_id=None, team_id="T1", user_id="U1"
        )

    assert await raw_rows(database) == []


async def test_revoking_the_installers_user_token_keeps_the_bot(database: Database) -> None:
    installations = store(database)
    await installations.async_save(installation())

    await installations.async_delete_installation(enterprise_id=None, team_id="T1", user_id="U2")
    found = await installations.async_find_installation(enterprise_id=None, team_id="T1")
    assert found is not None and found.user_token == "xoxe.xoxp-1-user"

    await installations.async_delete_installation(enterprise_id=None, team_id="T1", user_id="U1")

    found = await installations.async_find_installation(enterprise_id=None, team_id="T1")
    assert found is not None
    assert (found.bot_token, found.user_token, found.user_refresh_token) == (
        "xoxe.xoxb-1-T1-bot",
        None,
        None,
    )


async def test_unreadable_token_counts_as_not_installed(
    database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    await store(database, KEY_A).async_save(installation())
    rekeyed = store(database, KEY_B)

    with caplog.at_level(logging.WARNING, logger="bot.storage.installations"):
        assert await rekeyed.async_find_bot(enterprise_id=None, team_id="T1") is None
        assert await rekeyed.async_find_installation(enterprise_id=None, team_id="T1") is None

    assert "T1" in caplog.text
    [row] = await raw_rows(database)
    assert "xoxe" not in caplog.text
    assert row["bot_token_encrypted"] not in caplog.text


@pytest.mark.parametrize("length", [100, 500])
async def test_long_tokens_fit(database: Database, length: int) -> None:
    """Fernet ciphertext of a 100-character token is already past String(200)."""
    installations = store(database)
    token = "xoxe.xoxb-" + "9" * (length - 10)
    refresh = "xoxe-1-" + "8" * (length - 7)

    await installations.async_save(
        installation(bot_token=token, bot_refresh_token=refresh, user_token=token)
    )

    found = await installations.async_find_installation(enterprise_id=None, team_id="T1")
    assert found is not None
    assert (found.bot_token, found.bot_refresh_token, found.user_token) == (token, refresh, token)
    assert len(token) == length


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


async def test_state_is_consumed_once(database: Database) -> None:
    states = DatabaseOAuthStateStore(database.sessions)
    state = await states.async_issue()
    other = await states.async_issue()

    assert state != other
    assert await states.async_consume(state) is True
    assert await states.async_consume(state) is False
    assert await states.async_consume("never-issued") is False
    assert await states.async_consume(other) is True


async def test_expired_state_is_refused(database: Database) -> None:
    clock = Clock()
    states = DatabaseOAuthStateStore(database.sessions, expiration_seconds=600, clock=clock)
    fresh = await states.async_issue()
    stale = await states.async_issue()

    clock.now += timedelta(seconds=599)
    assert await states.async_consume(fresh) is True
    clock.now += timedelta(seconds=1)
    assert await states.async_consume(stale) is False


async def test_purge_expired(database: Database) -> None:
    clock = Clock()
    states = DatabaseOAuthStateStore(database.sessions, expiration_seconds=600, clock=clock)
    for _ in range(2):
        await states.async_issue()
    clock.now += timedelta(minutes=5)
    kept = await states.async_issue()

    assert await states.purge_expired(clock.now + timedelta(minutes=6)) == 2
    assert await states.purge_expired(clock.now + timedelta(minutes=6)) == 0
    assert await states.async_consume(kept) is True
