"""The async engine and session factory, and the Alembic entry point."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import event, make_url, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# The newest migration: a process is ready only on a database at it (/readyz). Kept here, not
# read from the migrations, so that checking costs no import of Alembic; a test keeps it equal
# to the migrations' head.
SCHEMA_REVISION = "0010"


# Pool sizes per backend. An aiosqlite connection is a thread of this process: more of them only
# contend for the GIL (measured with bench.burst: 40 connections held each one longer than 10
# did), SQLite writes one at a time anyway, and the reads every request makes are batched
# (bot/storage/batched.py), so SQLite gets few. A PostgreSQL connection is a server process,
# shared by every web and worker process: few each, with room for a burst.
SQLITE_POOL = {"pool_size": 5, "max_overflow": 5}
POSTGRES_POOL = {"pool_size": 5, "max_overflow": 10}


def create_engine(url: str) -> AsyncEngine:
    """An async engine for a URL normalised by :func:`bot.settings.async_database_url`."""
    if url.startswith("sqlite"):
        in_memory = make_url(url).database in (None, "", ":memory:")  # one shared connection
        pool = {} if in_memory else SQLITE_POOL
        engine = create_async_engine(url, connect_args={"timeout": 30}, **pool)

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
            # WAL lets the web process read while the worker writes.
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    return create_async_engine(url, pool_pre_ping=True, **POSTGRES_POOL)


class Database:
    """One engine per process, and sessions made from it."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = create_engine(url)
        self.sessions = async_sessionmaker(self.engine, class_=AsyncSession, expire_on_commit=False)

    async def dispose(self) -> None:
        await self.engine.dispose()


def alembic_config(url: str) -> Config:
    # Alembic (and Mako) are imported here, not at the top: a web process that never migrates
    # would carry them for nothing (~10 MB of its idle memory).
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # ConfigParser interpolation would choke on a '%' in a password.
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade_schema(url: str, revision: str = "head") -> None:
    """Bring the schema up to ``revision``. Synchronous: it runs its own event loop, so call it
    from async code with ``asyncio.to_thread``."""
    from alembic import command

    command.upgrade(alembic_config(url), revision)


def downgrade_schema(url: str, revision: str = "base") -> None:
    from alembic import command

    command.downgrade(alembic_config(url), revision)


async def schema_revision(engine: AsyncEngine) -> str | None:
    """The revision the database's schema is at (``None`` before the first migration)."""
    async with engine.connect() as connection:
        try:
            found = await connection.execute(text("SELECT version_num FROM alembic_version"))
        except DBAPIError:  # no alembic_version table yet
            return None
        return found.scalar_one_or_none()
