"""AccountStore on SQLite and PostgreSQL: upserts, isolation by (enterprise, team, user),
encryption at rest and key rotation."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest
from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import text

from bot.crypto import Keyring, UnreadableSecret, generate_key
from bot.storage import AccountStore, Database, Link, SlackUserKey

KEY_A = generate_key()
KEY_B = generate_key()

ALICE = SlackUserKey(None, "T1", "U1")
BOB = SlackUserKey(None, "T1", "U2")
ALICE_ID_IN_T2 = SlackUserKey(None, "T2", "U1")  # same user id, another workspace
ALICE_ID_IN_GRID = SlackUserKey("E1", "T1", "U1")  # same team and user id, under an enterprise


def link(key: SlackUserKey, password: str = "app-password-1", **changes: object) -> Link:
    base = Link(
        key=key,
        tt_user_id=100,
        account_id=200,
        workspace_name="Acme",
        app_password=password,
        time_zone="Europe/Madrid",
        tt_user_name="Alice",
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def store(database: Database, *keys: str) -> AccountStore:
    return AccountStore(database.sessions, Keyring(keys or (KEY_A,)))


async def raw_rows(database: Database) -> list[dict[str, object]]:
    async with database.engine.connect() as connection:
        result = await connection.execute(
            text(
                "SELECT enterprise_id, team_id, slack_user_id, app_password_encrypted"
                " FROM linked_accounts ORDER BY id"
            )
        )
        return [dict(row._mapping) for row in result]


async def test_save_then_get(database: Database) -> None:
    accounts = store(database)
    saved = link(ALICE)

    await accounts.save(saved)

    assert await accounts.get(ALICE) == saved
    assert await accounts.get(BOB) is None


async def test_save_again_updates_the_row(database: Database) -> None:
    accounts = store(database)
    await accounts.save(link(ALICE))
    updated = link(
        ALICE,
        password="app-password-2",
        tt_user_id=101,
        account_id=201,
        workspace_name="Beta",
        time_zone="UTC",
        tt_user_name="Alice B.",
    )

    await accounts.save(updated)

    assert await accounts.get(ALICE) == updated
    assert len(await raw_rows(database)) == 1


async def test_set_workspace(database: Database) -> None:
    accounts = store(database)
    await accounts.save(link(ALICE))

    assert await accounts.set_workspace(ALICE, 999, "Other") is True
    assert await accounts.set_workspace(BOB, 999, "Other") is False

    assert await accounts.get(ALICE) == link(ALICE, account_id=999, workspace_name="Other")
    assert await accounts.get(BOB) is None


async def test_delete(database: Database) -> None:
    accounts = store(database)
    await accounts.save(link(ALICE))
    await accounts.save(link(BOB))

    assert await accounts.delete(ALICE) is True
    assert await accounts.delete(ALICE) is False

    assert await accounts.get(ALICE) is None
    assert await accounts.get(BOB) == link(BOB)


async def test_delete_workspace_removes_only_that_workspace(database: Database) -> None:
    accounts = store(database)
    for key in (ALICE, BOB, ALICE_ID_IN_T2, ALICE_ID_IN_GRID):
        await accounts.save(link(key))

    assert await accounts.delete_workspace(None, "T1") == 2

    assert await accounts.get(ALICE) is None
    assert await accounts.get(BOB) is None
    assert await accounts.get(ALICE_ID_IN_T2) == link(ALICE_ID_IN_T2)
    assert await accounts.get(ALICE_ID_IN_GRID) == link(ALICE_ID_IN_GRID)
    assert await accounts.delete_workspace(None, "T1") == 0


@pytest.mark.parametrize("other", [ALICE_ID_IN_T2, ALICE_ID_IN_GRID], ids=["team", "enterprise"])
async def test_the_same_user_id_elsewhere_is_another_row(
    database: Database, other: SlackUserKey
) -> None:
    accounts = store(database)
    await accounts.save(link(other, password="theirs", tt_user_id=7))

    assert await accounts.get(ALICE) is None
    await accounts.save(link(ALICE, password="mine"))
    await accounts.save(link(ALICE, password="mine, updated"))
    assert await accounts.get(ALICE) == link(ALICE, password="mine, updated")
    assert await accounts.get(other) == link(other, password="theirs", tt_user_id=7)
    assert len(await raw_rows(database)) == 2

    assert await accounts.delete(ALICE) is True
    assert await accounts.get(other) == link(other, password="theirs", tt_user_id=7)


async def test_enterprise_grid_keys(database: Database) -> None:
    accounts = store(database)
    await accounts.save(link(ALICE_ID_IN_GRID, password="grid"))
    await accounts.save(link(ALICE, password="plain"))

    assert (await accounts.get(ALICE_ID_IN_GRID)).app_password == "grid"  # type: ignore[union-attr]
    assert (await accounts.get(ALICE)).app_password == "plain"  # type: ignore[union-attr]
    # Outside Grid the enterprise is stored as "", so "" and None name the same user.
    assert (await accounts.get(SlackUserKey("", "T1", "U1"))).app_password == "plain"  # type: ignore[union-attr]
    assert await accounts.get(SlackUserKey("E2", "T1", "U1")) is None
    rows = await raw_rows(database)
    assert sorted(row["enterprise_id"] for row in rows) == ["", "E1"]

    assert await accounts.delete_workspace("E1", "T1") == 1
    assert await accounts.get(ALICE_ID_IN_GRID) is None
    assert await accounts.get(ALICE) is not None


async def test_the_app_password_is_stored_encrypted(database: Database) -> None:
    accounts = store(database)
    password = "s3cret-app-password"
    await accounts.save(link(ALICE, password=password))

    [row] = await raw_rows(database)
    stored = str(row["app_password_encrypted"])
    assert password not in stored
    assert Fernet(KEY_A.encode()).decrypt(stored.encode()).decode() == password

    fetched = await accounts.get(ALICE)
    assert fetched is not None
    assert password not in repr(fetched)
    assert password not in str(fetched)


async def test_rows_written_with_an_old_key_stay_readable_and_can_be_reencrypted(
    database: Database,
) -> None:
    await store(database, KEY_A).save(link(ALICE, password="pw-alice"))
    await store(database, KEY_A).save(link(ALICE_ID_IN_T2, password="pw-other"))
    rotated = store(database, KEY_B, KEY_A)

    assert (await rotated.get(ALICE)).app_password == "pw-alice"  # type: ignore[union-attr]

    assert await rotated.reencrypt_all() == 2

    only_b = store(database, KEY_B)
    assert (await only_b.get(ALICE)).app_password == "pw-alice"  # type: ignore[union-attr]
    assert (await only_b.get(ALICE_ID_IN_T2)).app_password == "pw-other"  # type: ignore[union-attr]
    for row in await raw_rows(database):
        with pytest.raises(InvalidToken):
            Fernet(KEY_A.encode()).decrypt(str(row["app_password_encrypted"]).encode())


async def test_a_row_under_a_removed_key_is_unreadable(database: Database) -> None:
    await store(database, KEY_A).save(link(ALICE))
    only_b = store(database, KEY_B)

    with pytest.raises(UnreadableSecret):
        await only_b.get(ALICE)
    with pytest.raises(UnreadableSecret):
        await only_b.reencrypt_all()

    # The failed re-encryption changed nothing.
    assert await store(database, KEY_A).get(ALICE) == link(ALICE)


async def test_concurrent_saves_of_a_new_user_make_one_row(database: Database) -> None:
    accounts = store(database)
    users = [SlackUserKey(None, "T1", f"U{n}") for n in range(5)]

    await asyncio.gather(
        *(
            accounts.save(link(user, password=f"{user.user_id}-{side}"))
            for user in users
            for side in ("a", "b")
        )
    )

    rows = await raw_rows(database)
    assert sorted(row["slack_user_id"] for row in rows) == sorted(u.user_id for u in users)
    for user in users:
        fetched = await accounts.get(user)
        assert fetched is not None
        assert fetched.app_password in (f"{user.user_id}-a", f"{user.user_id}-b")
