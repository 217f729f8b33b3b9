"""Throwaway PostgreSQL databases for tests: a fresh role and schema each.

The admin connection creates a login role ``tt_test_<random>`` and a schema of the same name
owned by it. PostgreSQL's default ``search_path`` is ``"$user", public``, so a connection made as
that role creates and finds every table (ours and ``alembic_version``) in its own schema. The
isolation lives entirely in the URL's user name, so code that builds its own engine from the URL
(Alembic's ``env.py``, worker processes) is isolated too, and parallel runs never collide.
Teardown ends the role's sessions and drops the schema and the role.

(asyncpg's ``server_settings`` cannot be given in a SQLAlchemy URL: query values arrive as strings
and asyncpg wants a dict, so ``search_path`` cannot be set that way.)

``TEST_POSTGRES_URL`` overrides the admin URL (it must be allowed to create roles). When PostgreSQL
is unreachable its tests are skipped, except with ``CI=true``, where they fail.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
import pytest
from sqlalchemy.engine import URL, make_url

POSTGRES_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
CONNECT_TIMEOUT = 3.0

_unreachable: list[str] = []  # the reason, once the first probe has failed


def _asyncpg_dsn(url: URL) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


async def admin_connection() -> asyncpg.Connection:
    """A connection as the admin user, or skip (fail under CI) when PostgreSQL is not there."""
    admin = make_url(POSTGRES_ADMIN_URL)
    reason = _unreachable[0] if _unreachable else None
    if reason is None:
        try:
            return await asyncpg.connect(_asyncpg_dsn(admin), timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError, asyncpg.PostgresError) as error:
            where = admin.render_as_string(hide_password=True)
            reason = f"PostgreSQL is not available at {where}: {type(error).__name__}: {error}"
            _unreachable.append(reason)
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: the PostgreSQL tests must run)", pytrace=False)
    pytest.skip(reason)


@asynccontextmanager
async def isolated_postgres_url() -> AsyncIterator[str]:
    role = f"tt_test_{secrets.token_hex(6)}"
    password = secrets.token_hex(16)  # works under trust and password authentication alike
    admin = await admin_connection()
    try:
        await admin.execute(f"CREATE ROLE {role} LOGIN PASSWORD '{password}'")
        await admin.execute(f"CREATE SCHEMA {role} AUTHORIZATION {role}")
        url = make_url(POSTGRES_ADMIN_URL).set(
            drivername="postgresql+asyncpg", username=role, password=password
        )
        yield url.render_as_string(hide_password=False)
    finally:
        await admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1", role
        )
        await admin.execute(f"DROP SCHEMA IF EXISTS {role} CASCADE")
        await admin.execute(f"DROP ROLE IF EXISTS {role}")
        await admin.close()
