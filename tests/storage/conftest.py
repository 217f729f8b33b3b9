"""Storage fixtures: every test here runs once on SQLite (a fresh file) and once on
PostgreSQL (a throwaway role and schema, see :mod:`tests.support.postgres`)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.settings import async_database_url
from bot.storage.database import Database, upgrade_schema
from tests.support.postgres import isolated_postgres_url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """An async URL of an empty database of its own (no tables yet)."""
    if request.param == "sqlite":
        yield async_database_url(f"sqlite:///{tmp_path / 'storage.db'}")
    else:
        async with isolated_postgres_url() as url:
            yield url


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    """The migrated database with an engine on it."""
    await asyncio.to_thread(upgrade_schema, database_url)
    db = Database(database_url)
    try:
        yield db
    finally:
        await db.dispose()
