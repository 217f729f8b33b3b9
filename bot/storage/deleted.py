"""Entries a user deleted from Slack, kept for a day so that Undo can add them back.

Undo's button carries only a row id; the row is looked up for the clicking Slack user alone, so
another user's id finds nothing. Rows older than :data:`UNDO_FOR` are never handed out and are
purged whenever a new one is kept. The click that adds an entry back claims its row first (a
conditional UPDATE, as in :mod:`bot.storage.pending`), so a double click adds it once.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, delete, or_, update
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.storage.accounts import SlackUserKey
from bot.storage.models import DeletedEntry

UNDO_FOR = timedelta(days=1)


def _owned_by(key: SlackUserKey) -> tuple:  # type: ignore[type-arg]
    return (
        col(DeletedEntry.enterprise_id) == (key.enterprise_id or ""),
        col(DeletedEntry.team_id) == key.team_id,
        col(DeletedEntry.slack_user_id) == key.user_id,
    )


class DeletedEntryStore:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def keep(self, key: SlackUserKey, entry: str, now: datetime) -> int:
        """Keep ``entry`` (JSON) for Undo; returns the id its Undo button carries."""
        async with self._sessions() as session:
            await session.exec(
                delete(DeletedEntry).where(col(DeletedEntry.deleted_at) < now - UNDO_FOR)  # type: ignore[call-overload]
            )
            row = DeletedEntry(
                enterprise_id=key.enterprise_id or "",
                team_id=key.team_id,
                slack_user_id=key.user_id,
                entry=entry,
                deleted_at=now,
            )
            session.add(row)
            await session.commit()
            assert row.id is not None
            return row.id

    async def get(self, key: SlackUserKey, entry_id: int, now: datetime) -> str | None:
        """The entry kept under ``entry_id`` for this user, unless its day has passed."""
        async with self._sessions() as session:
            row = (
                await session.exec(
                    select(DeletedEntry).where(
                        col(DeletedEntry.id) == entry_id,
                        col(DeletedEntry.deleted_at) >= now - UNDO_FOR,
                        *_owned_by(key),
                    )
                )
            ).first()
        return None if row is None else row.entry

    async def claim(
        self, key: SlackUserKey, entry_id: int, now: datetime, lease: timedelta
    ) -> str | None:
        """The entry kept under ``entry_id`` for this user, held by the caller until ``now +
        lease``; ``None`` when there is none, its day has passed, or another click holds it."""
        mine = and_(
            col(DeletedEntry.id) == entry_id,
            col(DeletedEntry.deleted_at) >= now - UNDO_FOR,
            *_owned_by(key),
        )
        free = or_(col(DeletedEntry.claimed_until).is_(None), col(DeletedEntry.claimed_until) < now)
        async with self._sessions() as session:
            claimed = await session.exec(
                update(DeletedEntry)  # type: ignore[call-overload]
                .where(mine, free)
                .values(claimed_until=now + lease)
                .execution_options(synchronize_session=False)
            )
            if claimed.rowcount != 1:
                return None
            row = (await session.exec(select(DeletedEntry).where(mine))).one()
            await session.commit()
            return row.entry

    async def release(self, key: SlackUserKey, entry_id: int) -> None:
        """Nothing came of the claim: the entry may be claimed again at once."""
        async with self._sessions() as session:
            await session.exec(
                update(DeletedEntry)  # type: ignore[call-overload]
                .where(col(DeletedEntry.id) == entry_id, *_owned_by(key))
                .values(claimed_until=None)
            )
            await session.commit()

    async def forget(self, key: SlackUserKey, entry_id: int) -> None:
        """The entry is back in TrackingTime (or kept for the worker to add): Undo is done."""
        await self._delete(col(DeletedEntry.id) == entry_id, *_owned_by(key))

    async def delete_user(self, key: SlackUserKey) -> None:
        """Forget a user's deleted entries (on disconnect)."""
        await self._delete(*_owned_by(key))

    async def delete_workspace(self, enterprise_id: str | None, team_id: str) -> None:
        await self._delete(
            col(DeletedEntry.enterprise_id) == (enterprise_id or ""),
            col(DeletedEntry.team_id) == team_id,
        )

    async def _delete(self, *where: object) -> None:
        async with self._sessions() as session:
            await session.exec(delete(DeletedEntry).where(*where))  # type: ignore[call-overload, arg-type]
            await session.commit()
