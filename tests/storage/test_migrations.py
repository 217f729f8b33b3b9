"""The Alembic migrations make exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

from bot.storage import models  # noqa: F401  (registers the tables on SQLModel.metadata)
from bot.storage.database import Database, downgrade_schema, upgrade_schema

OUR_TABLES = {
    "linked_accounts",
    "pending_entries",
    "deliveries",
    "team_settings",
    "slack_installations",
    "slack_oauth_states",
    "deleted_entries",
    "standup_channels",
    "standup_offers",
    "trackingtime_webhooks",
}
HEAD = "0010"


async def upgrade(url: str) -> None:
    await asyncio.to_thread(upgrade_schema, url)


async def downgrade(url: str) -> None:
    await asyncio.to_thread(downgrade_schema, url)


async def on_connection(url: str, work: Any) -> Any:
    """Run ``work(sync_connection)`` on a fresh engine (committing), and dispose the engine."""
    db = Database(url)
    try:
        async with db.engine.begin() as connection:
            return await connection.run_sync(work)
    finally:
        await db.dispose()


def table_names(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def schema_diff(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return compare_metadata(context, SQLModel.metadata)


def insert_row(connection: Connection) -> None:
    now = datetime.now(UTC)
    connection.execute(
        text(
            "INSERT INTO linked_accounts (enterprise_id, team_id, slack_user_id, tt_user_id,"
            " tt_account_id, tt_workspace_name, tt_user_name, app_password_encrypted, time_zone,"
            " created_at, updated_at) VALUES ('', 'T1', 'U1', 1, 2, 'Acme', '', 'x', 'UTC',"
            " :now, :now)"
        ),
        {"now": now},
    )


def row_count(connection: Connection) -> int:
    return connection.execute(text("SELECT count(*) FROM linked_accounts")).scalar_one()


async def test_upgrade_creates_the_tables(database_url: str) -> None:
    assert await on_connection(database_url, table_names) == set()

    await upgrade(database_url)

    assert await on_connection(database_url, table_names) == OUR_TABLES | {"alembic_version"}
    assert await on_connection(database_url, current_revision) == HEAD


async def test_upgrade_twice_is_a_no_op(database_url: str) -> None:
    await upgrade(database_url)
    await on_connection(database_url, insert_row)

    await upgrade(database_url)

    assert await on_connection(database_url, table_names) == OUR_TABLES | {"alembic_version"}
    assert await on_connection(database_url, current_revision) == HEAD
    assert await on_connection(database_url, row_count) == 1


async def test_downgrade_to_base_removes_the_tables(database_url: str) -> None:
    await upgrade(database_url)

    await downgrade(database_url)

    assert await on_connection(database_url, table_names) & OUR_TABLES == set()
    assert await on_connection(database_url, current_revision) is None

    await upgrade(database_url)  # and the way back up still works
    assert await on_connection(database_url, table_names) >= OUR_TABLES


async def test_migrations_match_the_models(database_url: str) -> None:
    await upgrade(database_url)

    assert await on_connection(database_url, schema_diff) == []


async def test_the_comparison_would_notice_a_difference(database_url: str) -> None:
    """Guards the test above against passing vacuously."""
    await upgrade(database_url)
    await on_connection(
        database_url, lambda c: c.execute(text("DROP INDEX ix_linked_accounts_team_id"))
    )

    diff = await on_connection(database_url, schema_diff)

    assert [entry[0] for entry in diff] == ["add_index"]


async def test_existing_summaries_and_digests_come_due_for_the_worker_to_schedule(
    database_url: str,
) -> None:
    """0008 stores no instant it cannot compute in SQL: it makes every summary that is on, and
    every digest with a channel, due at once, so the worker's next round schedules each."""
    await asyncio.to_thread(upgrade_schema, database_url, "0007")

    def rows_before(connection: Connection) -> None:
        insert_row(connection)
        connection.execute(
            text(
                "INSERT INTO linked_accounts (enterprise_id, team_id, slack_user_id, tt_user_id,"
                " tt_account_id, tt_workspace_name, tt_user_name, app_password_encrypted,"
                " time_zone, summary_enabled, created_at, updated_at) VALUES ('', 'T1', 'U2',"
                " 3, 2, 'Acme', '', 'x', 'UTC', :off, :now, :now)"
            ),
            {"now": datetime.now(UTC), "off": False},
        )
        connection.execute(
            text(
                "INSERT INTO team_settings (enterprise_id, team_id, digest_channel, digest_time,"
                " digest_time_zone, updated_at) VALUES ('', 'T1', 'C1', '17:45', 'UTC', :now),"
                " ('', 'T2', NULL, '17:45', 'UTC', :now)"
            ),
            {"now": datetime.now(UTC)},
        )

    await on_connection(database_url, rows_before)
    before = datetime.now(UTC)
    await upgrade(database_url)

    def due(connection: Connection) -> list[tuple[Any, ...]]:
        return [
            *connection.execute(
                text("SELECT slack_user_id, summary_due_at FROM linked_accounts ORDER BY 1")
            ).all(),
            *connection.execute(
                text("SELECT team_id, digest_due_at FROM team_settings ORDER BY 1")
            ).all(),
        ]

    (u1, u1_due), (u2, u2_due), (t1, t1_due), (t2, t2_due) = await on_connection(database_url, due)
    assert (u1, u2, t1, t2) == ("U1", "U2", "T1", "T2")
    assert u2_due is None and t2_due is None
    for instant in (u1_due, t1_due):
        if isinstance(instant, str):  # SQLite's text form, as SQLAlchemy writes it
            instant = datetime.fromisoformat(instant)
        aware = instant if instant.tzinfo else instant.replace(tzinfo=UTC)
        assert before - timedelta(seconds=5) <= aware <= datetime.now(UTC)
