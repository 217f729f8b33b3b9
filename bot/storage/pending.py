"""Entries waiting to be added to TrackingTime, and the worker's claims on them.

A claim is a lease written in the database: a conditional UPDATE that succeeds for one worker
only (on Postgres the candidates are also locked with ``FOR UPDATE SKIP LOCKED``, so workers do
not even contend). A worker that dies mid-attempt leaves its lease to expire.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, or_, update
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.storage.accounts import SlackUserKey
from bot.storage.models import PendingEntry


@dataclass(frozen=True)
class Claimed:
    """A pending entry this worker holds until ``lease_until``."""

    id: int
    key: SlackUserKey
    entry: str
    channel_id: str | None
    attempts: int
    created_at: datetime


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; everything stored is UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class PendingEntryStore:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def add(
        self, key: SlackUserKey, entry: str, channel_id: str | None, now: datetime
    ) -> int:
        async with self._sessions() as session:
            row = PendingEntry(
                enterprise_id=key.enterprise_id or "",
                team_id=key.team_id,
                slack_user_id=key.user_id,
                entry=entry,
                channel_id=channel_id,
                next_attempt_at=now,
            )
            session.add(row)
            await session.commit()
            assert row.id is not None
            return row.id

    async def claim(self, now: datetime, lease: timedelta, limit: int = 20) -> list[Claimed]:
        """Take up to ``limit`` entries that are due and not leased by another worker."""
        free = or_(col(PendingEntry.claimed_until).is_(None), col(PendingEntry.claimed_until) < now)
        claimed: list[Claimed] = []
        async with self._sessions() as session:
            candidates = (
                await session.exec(
                    select(PendingEntry)
                    .where(col(PendingEntry.next_attempt_at) <= now, free)
                    .order_by(col(PendingEntry.next_attempt_at))
                    .limit(limit)
                    .with_for_update(skip_locked=True)
                )
            ).all()
            for row in candidates:
                result = await session.exec(
                    update(PendingEntry)  # type: ignore[call-overload]
                    .where(col(PendingEntry.id) == row.id, free)
                    .values(claimed_until=now + lease)
                    # The database decides; evaluating the condition on the loaded rows in
                    # Python would compare SQLite's naive datetimes with aware ones.
                    .execution_options(synchronize_session=False)
                )
                if result.rowcount == 1:
                    claimed.append(
                        Claimed(
                            id=row.id or 0,
                            key=SlackUserKey(
                                row.enterprise_id or None, row.team_id, row.slack_user_id
                            ),
                            entry=row.entry,
                            channel_id=row.channel_id,
                            attempts=row.attempts,
                            created_at=_aware(row.created_at),
                        )
                    )
            await session.commit()
        return claimed

    async def done(self, entry_id: int) -> None:
        async with self._sessions() as session:
            await session.exec(delete(PendingEntry).where(col(PendingEntry.id) == entry_id))  # type: ignore[call-overload]
            await session.commit()

    async def retry_at(self, entry_id: int, when: datetime, error: str) -> None:
        """Give up this attempt: release the lease, try again at ``when``."""
        async with self._sessions() as session:
            await session.exec(
                update(PendingEntry)  # type: ignore[call-overload]
                .where(col(PendingEntry.id) == entry_id)
                .values(
                    attempts=PendingEntry.attempts + 1,  # type: ignore[operator]
                    next_attempt_at=when,
                    claimed_until=None,
                    last_error=error[:255],
                )
            )
            await session.commit()

    async def count(self) -> int:
        async with self._sessions() as session:
            return (await session.exec(select(func.count()).select_from(PendingEntry))).one()

    async def delete_user(self, key: SlackUserKey) -> int:
        """Forget a user's pending entries (on disconnect)."""
        return await self._delete(
            col(PendingEntry.enterprise_id) == (key.enterprise_id or ""),
            col(PendingEntry.team_id) == key.team_id,
            col(PendingEntry.slack_user_id) == key.user_id,
        )

    async def delete_workspace(self, enterprise_id: str | None, team_id: str) -> int:
        return await self._delete(
            col(PendingEntry.enterprise_id) == (enterprise_id or ""),
            col(PendingEntry.team_id) == team_id,
        )

    async def _delete(self, *where: object) -> int:
        async with self._sessions() as session:
            result = await session.exec(delete(PendingEntry).where(*where))  # type: ignore[call-overload, arg-type]
            await session.commit()
            return int(result.rowcount or 0)
