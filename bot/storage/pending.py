"""Every time entry a user submits, from before it is sent to TrackingTime until TrackingTime has
it, and the claims of whoever sends it.

A row is written first, then the entry is sent; so an entry is never lost, even when the process
dies in between. A claim is a lease written in the database: a conditional UPDATE that succeeds
for one claimant only (on Postgres the worker's candidates are also locked with ``FOR UPDATE SKIP
LOCKED``, so workers do not even contend). One that dies mid-attempt leaves its lease to expire.

What makes a retry safe is kept here too: the TrackingTime entries that already looked like a
row's entry before it was first sent (never taken for it), and the entry each row became (a
unique index: one TrackingTime entry settles at most one row). Placing an entry in a user's day
happens under :meth:`PendingEntryStore.holding`, which serialises it per user across processes.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, delete, func, or_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from bot.storage.accounts import SlackUserKey
from bot.storage.models import LinkedAccount, PendingEntry

# How long rows that are done, or wait for the user's Try again, are kept: done rows keep their
# TrackingTime entries taken while a row that could be mistaken for them may still be retried.
KEEP = timedelta(days=7)


@dataclass(frozen=True)
class Claimed:
    """An entry this claimant holds until its lease runs out.

    ``known_events`` is ``None`` when nothing was ever sent for it (so none of it can be in
    TrackingTime); otherwise the ids that looked like it before it was first sent.
    """

    id: int
    key: SlackUserKey
    entry: str
    channel_id: str | None
    attempts: int
    created_at: datetime
    known_events: frozenset[int] | None = None
    awaiting_user: bool = False


@dataclass(frozen=True)
class Held:
    """One of a user's rows as seen while placing an entry: not yet done, or done since."""

    id: int
    entry: str
    event_id: int | None
    done_at: datetime | None


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; everything stored is UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _known(text: str | None) -> frozenset[int] | None:
    return None if text is None else frozenset(int(i) for i in json.loads(text))


def _known_text(ids: Iterable[int] | None) -> str | None:
    return None if ids is None else json.dumps(sorted(ids))


def _claimed(row: PendingEntry) -> Claimed:
    return Claimed(
        id=row.id or 0,
        key=SlackUserKey(row.enterprise_id or None, row.team_id, row.slack_user_id),
        entry=row.entry,
        channel_id=row.channel_id,
        attempts=row.attempts,
        created_at=_aware(row.created_at),
        known_events=_known(row.known_event_ids),
        awaiting_user=row.awaiting_user,
    )


def _of(key: SlackUserKey) -> tuple:  # type: ignore[type-arg]
    return (
        col(PendingEntry.enterprise_id) == (key.enterprise_id or ""),
        col(PendingEntry.team_id) == key.team_id,
        col(PendingEntry.slack_user_id) == key.user_id,
    )


def _free(now: datetime):  # type: ignore[no-untyped-def]
    return or_(col(PendingEntry.claimed_until).is_(None), col(PendingEntry.claimed_until) < now)


def due_entries(now: datetime, limit: int) -> SelectOfScalar[PendingEntry]:
    """Up to ``limit`` entries due for another try and free, earliest first: a range scan of
    ``ix_pending_entries_due``, which leaves out the done rows kept for a week."""
    return (
        select(PendingEntry)
        .where(
            col(PendingEntry.done_at).is_(None),
            col(PendingEntry.awaiting_user).is_(False),
            col(PendingEntry.next_attempt_at) <= now,
            _free(now),
        )
        .order_by(col(PendingEntry.next_attempt_at))
        .limit(limit)
        .with_for_update(skip_locked=True)
    )


class UserEntries:
    """One user's rows inside :meth:`PendingEntryStore.holding`: read, then write, atomically."""

    def __init__(self, session: AsyncSession, key: SlackUserKey) -> None:
        self._session = session
        self._key = key

    async def rows(self, done_since: datetime) -> list[Held]:
        """The rows not yet done, and those done since ``done_since``, oldest first."""
        found = await self._session.exec(
            select(PendingEntry)
            .where(
                *_of(self._key),
                or_(
                    col(PendingEntry.done_at).is_(None),
                    col(PendingEntry.done_at) >= done_since,
                ),
            )
            .order_by(col(PendingEntry.id))
        )
        return [
            Held(r.id or 0, r.entry, r.event_id, _aware(r.done_at) if r.done_at else None)
            for r in found.all()
        ]

    async def insert(
        self,
        entry: str,
        channel_id: str | None,
        now: datetime,
        *,
        lease_until: datetime | None,
        known_events: Iterable[int] | None,
    ) -> int:
        """A new row, due at once; leased to the caller until ``lease_until`` if it sends it."""
        row = PendingEntry(
            enterprise_id=self._key.enterprise_id or "",
            team_id=self._key.team_id,
            slack_user_id=self._key.user_id,
            entry=entry,
            channel_id=channel_id,
            next_attempt_at=now,
            claimed_until=lease_until,
            known_event_ids=_known_text(known_events),
        )
        self._session.add(row)
        await self._session.flush()
        assert row.id is not None
        return row.id

    async def update(self, entry_id: int, entry: str, known_events: Iterable[int]) -> None:
        """The entry as it is about to be sent (placed), and what it must not be taken for."""
        await self._session.exec(
            update(PendingEntry)  # type: ignore[call-overload]
            .where(col(PendingEntry.id) == entry_id, *_of(self._key))
            .values(entry=entry, known_event_ids=_known_text(known_events))
        )


class PendingEntryStore:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def add(
        self, key: SlackUserKey, entry: str, channel_id: str | None, now: datetime
    ) -> int:
        """Keep ``entry``, never sent, for the worker to add."""
        async with self.holding(key) as mine:
            return await mine.insert(entry, channel_id, now, lease_until=None, known_events=None)

    @asynccontextmanager
    async def holding(self, key: SlackUserKey) -> AsyncIterator[UserEntries]:
        """The user's rows, with any other process that places an entry for them waiting until
        this block commits: two entries placed at once would otherwise take the same free time.

        The lock is a no-op UPDATE of the user's linked account: a row lock on PostgreSQL, the
        database's write lock on SQLite, taken before anything is read.
        """
        async with self._sessions() as session:
            await session.exec(
                update(LinkedAccount)  # type: ignore[call-overload]
                .where(
                    col(LinkedAccount.enterprise_id) == (key.enterprise_id or ""),
                    col(LinkedAccount.team_id) == key.team_id,
                    col(LinkedAccount.slack_user_id) == key.user_id,
                )
                .values(tt_user_id=LinkedAccount.tt_user_id)
                .execution_options(synchronize_session=False)
            )
            yield UserEntries(session, key)
            await session.commit()

    async def claim(self, now: datetime, lease: timedelta, limit: int = 20) -> list[Claimed]:
        """Take up to ``limit`` entries that are due and not leased by another worker."""
        claimed: list[Claimed] = []
        async with self._sessions() as session:
            candidates = (await session.exec(due_entries(now, limit))).all()
            for row in candidates:
                if await self._lease(session, col(PendingEntry.id) == row.id, now, lease):
                    claimed.append(_claimed(row))
            await session.commit()
        return claimed

    async def claim_for(
        self, key: SlackUserKey, entry_id: int, now: datetime, lease: timedelta
    ) -> Claimed | None:
        """Take the user's own entry ``entry_id`` (a Try again click); ``None`` when it is not
        theirs, is done, or someone else holds it."""
        async with self._sessions() as session:
            mine = and_(
                col(PendingEntry.id) == entry_id, col(PendingEntry.done_at).is_(None), *_of(key)
            )
            if not await self._lease(session, mine, now, lease):
                return None
            row = (await session.exec(select(PendingEntry).where(mine))).one()
            await session.commit()
            return _claimed(row)

    @staticmethod
    async def _lease(session: AsyncSession, which: object, now: datetime, lease: timedelta) -> bool:
        result = await session.exec(
            update(PendingEntry)  # type: ignore[call-overload]
            .where(which, _free(now))
            .values(claimed_until=now + lease)
            # The database decides; evaluating the condition on the loaded rows in Python
            # would compare SQLite's naive datetimes with aware ones.
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount == 1)

    async def settle(self, entry_id: int, event_id: int, now: datetime) -> bool:
        """The entry is TrackingTime's ``event_id``; ``False`` when another of the user's rows
        already has that TrackingTime entry (it cannot be both)."""
        async with self._sessions() as session:
            try:
                await session.exec(
                    update(PendingEntry)  # type: ignore[call-overload]
                    .where(col(PendingEntry.id) == entry_id)
                    .values(event_id=event_id, done_at=now, claimed_until=None, awaiting_user=False)
                )
                await session.commit()
            except IntegrityError:
                return False
        return True

    async def taken_events(self, key: SlackUserKey, besides: int) -> frozenset[int]:
        """The TrackingTime entries the user's rows other than ``besides`` became."""
        async with self._sessions() as session:
            found = await session.exec(
                select(PendingEntry.event_id).where(
                    *_of(key),
                    col(PendingEntry.id) != besides,
                    col(PendingEntry.event_id).is_not(None),
                )
            )
            return frozenset(int(event_id) for event_id in found.all() if event_id is not None)

    async def get(self, key: SlackUserKey, entry_id: int) -> tuple[str, int | None] | None:
        """The user's row ``entry_id`` as (entry, TrackingTime entry once done); ``None`` when
        there is none of theirs."""
        async with self._sessions() as session:
            row = (
                await session.exec(
                    select(PendingEntry).where(col(PendingEntry.id) == entry_id, *_of(key))
                )
            ).first()
            return None if row is None else (row.entry, row.event_id)

    async def retry_at(self, entry_id: int, when: datetime, error: str) -> None:
        """Give up this attempt: release the lease, let the worker try again at ``when``."""
        await self._release(entry_id, error, next_attempt_at=when, awaiting_user=False)

    async def await_user(self, entry_id: int, error: str) -> None:
        """TrackingTime refused it: release the lease; only the user's Try again sends it now."""
        await self._release(entry_id, error, awaiting_user=True)

    async def _release(self, entry_id: int, error: str, **values: object) -> None:
        async with self._sessions() as session:
            await session.exec(
                update(PendingEntry)  # type: ignore[call-overload]
                .where(col(PendingEntry.id) == entry_id)
                .values(
                    attempts=PendingEntry.attempts + 1,  # type: ignore[operator]
                    claimed_until=None,
                    last_error=error[:255],
                    **values,
                )
            )
            await session.commit()

    async def forget(self, entry_id: int) -> None:
        """Drop an entry that will not be sent again (given up, or refused for good)."""
        async with self._sessions() as session:
            await session.exec(delete(PendingEntry).where(col(PendingEntry.id) == entry_id))  # type: ignore[call-overload]
            await session.commit()

    async def purge(self, now: datetime) -> int:
        """Drop rows done, or waiting for a Try again, for longer than :data:`KEEP`."""
        return await self._delete(
            col(PendingEntry.created_at) < now - KEEP,
            or_(col(PendingEntry.done_at).is_not(None), col(PendingEntry.awaiting_user)),
        )

    async def count(self) -> int:
        """Entries not yet in TrackingTime."""
        async with self._sessions() as session:
            return (
                await session.exec(
                    select(func.count())
                    .select_from(PendingEntry)
                    .where(col(PendingEntry.done_at).is_(None))
                )
            ).one()

    async def delete_user(self, key: SlackUserKey) -> int:
        """Forget a user's entries (on disconnect)."""
        return await self._delete(*_of(key))

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
