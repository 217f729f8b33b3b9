"""Persistence: SQLModel tables on an async engine, schema made by Alembic migrations."""

from bot.storage.accounts import AccountStore, Link, SlackUserKey
from bot.storage.database import Database, upgrade_schema

__all__ = ["AccountStore", "Database", "Link", "SlackUserKey", "upgrade_schema"]
