"""Persistence: SQLModel tables on an async engine, schema made by Alembic migrations."""

from bot.storage.accounts import AccountStore, Link, SlackUserKey, UserSettings
from bot.storage.database import Database, upgrade_schema

__all__ = ["AccountStore", "Database", "Link", "SlackUserKey", "UserSettings", "upgrade_schema"]
