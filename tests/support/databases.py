"""The database an app under test runs on: SQLite by default, PostgreSQL with
``TEST_DATABASE=postgres`` (``.ci/run`` runs the suite both ways).

The app's server runs in its own thread and loop; the test's own look-ups into the database go
through a small background loop of their own, so that sync and async tests alike can use them.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import text

from bot.settings import async_database_url
from bot.storage import Database
from tests.support.postgres import isolated_postgres_url

T = TypeVar("T")


def on_postgres() -> bool:
    return os.environ.get("TEST_DATABASE", "sqlite").lower() == "postgres"


class LoopThread:
    """An event loop in a daemon thread, for running coroutines from any caller."""

    def __init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(60)

    def close(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)


@contextmanager
def app_database(folder: Path) -> Iterator[str]:
    """An empty database of its own (no tables yet), as an async URL."""
    if not on_postgres():
        yield async_database_url(f"sqlite:///{folder / 'app.db'}")
        return
    loop = LoopThread()
    postgres = isolated_postgres_url()
    try:
        yield loop.run(postgres.__aenter__())
    finally:
        loop.run(postgres.__aexit__(None, None, None))
        loop.close()


class Peek:
    """Plain SQL reads of the app's database, for assertions."""

    def __init__(self, url: str) -> None:
        self._loop = LoopThread()
        self._database = self._loop.run(_database(url))

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        return self._loop.run(self._rows(sql))

    async def _rows(self, sql: str) -> list[tuple[Any, ...]]:
        async with self._database.engine.connect() as connection:
            return [tuple(row) for row in (await connection.execute(text(sql))).all()]

    def close(self) -> None:
        self._loop.run(self._database.dispose())
        self._loop.close()


async def _database(url: str) -> Database:
    # Made on the loop that will use it: an async engine belongs to one event loop.
    return Database(url)
