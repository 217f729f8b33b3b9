"""Due work, found by index and claimed in the database.

Every linked account carries the instants (UTC) at which the worker next looks at it: its daily
summary, the reminder of its known running timer, the slow check for a timer started elsewhere
(:mod:`bot.schedule` computes them); every workspace its digest's. A round asks only for rows
whose instant has passed, so users with nothing due cost nothing: no row read, nothing decrypted.

A claim is one conditional UPDATE: it moves each due instant it takes to the end of the
claimant's lease and returns those rows, so no other worker selects them until the lease runs
out (and if the claimant dies, they come due again by themselves). On PostgreSQL the rows are
picked ``FOR UPDATE SKIP LOCKED``, so workers claiming at once take different rows instead of
queueing on the same ones; SQLite has one writer at a time anyway. What the worker writes back
afterwards is conditional on its lease still being in place: a user who changed their settings
meanwhile got a freshly computed instant from the web process, and that one stands.

Nothing here decrypts: a claimed row's App Password stays ciphertext until the worker knows it
has work that needs it (:meth:`bot.storage.AccountStore.link_of`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from functools import cached_property
from typing import Any, Literal

from sqlalchemy import Select, bindparam, func, select, update
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.schedule import spread, timer_check_at
from bot.storage.accounts import Link, SlackUserKey, UserSettings
from bot.storage.models import LinkedAccount, TeamSettings
from bot.trackingtime.timefmt import zone_or_utc

# The instants a linked account is claimed by.
SUMMARY = "summary_due_at"
REMINDER = "timer_remind_at"
CHECK = "timer_check_at"
STATUS = "status_sync_at"
UserColumn = Literal["summary_due_at", "timer_remind_at", "timer_check_at", "status_sync_at"]
DIGEST = "digest_due_at"


def aware(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; every instant stored is UTC."""
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Due:
    """A linked account this worker holds until ``lease`` for one kind of work."""

    row: LinkedAccount = field(repr=False)  # as claimed; the App Password still encrypted
    lease: datetime

    @property
    def id(self) -> int:
        return self.row.id or 0

    @cached_property
    def key(self) -> SlackUserKey:
        return SlackUserKey(
            self.row.enterprise_id or None, self.row.team_id, self.row.slack_user_id
        )

    @cached_property
    def zone(self) -> tzinfo:
        return zone_or_utc(self.row.time_zone)

    @cached_property  # read many times while its work is decided
    def settings(self) -> UserSettings:
        return UserSettings.from_row(self.row)

    @property
    def timer_started_at(self) -> datetime | None:
        return aware(self.row.timer_started_at)

    @property
    def active_at(self) -> datetime | None:
        return aware(self.row.active_at)


@dataclass(frozen=True)
class DueDigest:
    """A workspace whose digest this worker holds until ``lease``."""

    row: TeamSettings
    lease: datetime


def checks_first(
    key: SlackUserKey, zone: tzinfo, days: Iterable[int], every: timedelta, now: datetime
) -> datetime:
    """When to start looking for a newly active user's timers: within one interval, at a
    moment of it fixed per user, so that many users do not fall due together."""
    offset = spread(key.enterprise_id or "", key.team_id, key.user_id)
    return timer_check_at(now + every * offset, zone, frozenset(days), every, offset)


def check_after_look(
    key: SlackUserKey, zone: tzinfo, days: Iterable[int], every: timedelta, now: datetime
) -> datetime:
    """When to look for a user's timer next, having just seen it (or started or stopped it):
    an interval later, inside their working hours."""
    offset = spread(key.enterprise_id or "", key.team_id, key.user_id)
    return timer_check_at(now + every, zone, frozenset(days), every, offset)


def due_rows(model: type[SQLModel], column: str, now: datetime, limit: int) -> Select[Any]:
    """The ids of up to ``limit`` rows whose ``column`` instant has passed, earliest first: a
    range scan of that column's index, however many rows are not due."""
    due_at = getattr(model, column)
    return (
        select(model.id)  # type: ignore[attr-defined]
        .where(due_at <= now)
        .order_by(due_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )


async def _claim(
    session: AsyncSession,
    model: type[SQLModel],
    column: str,
    now: datetime,
    lease: timedelta,
    limit: int,
) -> tuple[list[Any], datetime]:
    until = now + lease
    picked = due_rows(model, column, now, limit).scalar_subquery()
    result = await session.exec(
        update(model)
        .where(model.id.in_(picked), getattr(model, column) <= now)  # type: ignore[attr-defined]
        .values({column: until})
        .returning(model)
        .execution_options(synchronize_session=False)
    )
    rows = list(result.scalars().all())
    await session.commit()
    return rows, until


async def _settle(
    session: AsyncSession,
    model: type[SQLModel],
    column: str,
    writes: Iterable[tuple[int, datetime, dict[str, Any]]],
) -> None:
    """Write each row's ``values`` where it is still held under its lease; one statement per
    set of columns written."""
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
    for row_id, lease, values in writes:
        names = tuple(sorted(values))
        groups[names].append(
            {"b_id": row_id, "b_lease": lease, **{f"b_{n}": values[n] for n in names}}
        )
    table = model.__table__  # type: ignore[attr-defined]
    for names, parameters in groups.items():
        statement = (
            update(table)
            .where(table.c.id == bindparam("b_id"), table.c[column] == bindparam("b_lease"))
            .values({name: bindparam(f"b_{name}") for name in names})
        )
        await session.exec(statement, params=parameters)
    await session.commit()


class ScheduleStore:
    """Claims on due summaries, timer reminders, timer checks and digests."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], timer_checks: timedelta) -> None:
        self._sessions = sessions
        self.timer_checks = timer_checks  # how often an active user's timer is looked for

    async def claim(
        self, column: UserColumn, now: datetime, lease: timedelta, limit: int
    ) -> list[Due]:
        """Up to ``limit`` linked accounts whose ``column`` instant has passed, earliest first,
        held by the caller until ``now + lease``."""
        async with self._sessions() as session:
            rows, until = await _claim(session, LinkedAccount, column, now, lease, limit)
        return [Due(row, until) for row in rows]

    async def settle(
        self, column: UserColumn, writes: Iterable[tuple[Due, dict[str, Any]]]
    ) -> None:
        """After the work: each row's new values (its next instant among them), written only
        where the caller's lease on ``column`` still stands."""
        async with self._sessions() as session:
            await _settle(
                session,
                LinkedAccount,
                column,
                ((due.id, due.lease, values) for due, values in writes),
            )

    async def claim_digests(self, now: datetime, lease: timedelta, limit: int) -> list[DueDigest]:
        async with self._sessions() as session:
            rows, until = await _claim(session, TeamSettings, DIGEST, now, lease, limit)
        return [DueDigest(row, until) for row in rows]

    async def settle_digest(self, due: DueDigest, next_at: datetime | None) -> None:
        async with self._sessions() as session:
            await _settle(
                session, TeamSettings, DIGEST, [(due.row.id or 0, due.lease, {DIGEST: next_at})]
            )

    def looked(self, due: Due, now: datetime, *, tracking: bool) -> dict[str, Any]:
        """What to write on a claimed row whose running timer was just asked for (a summary,
        a reminder, a check): that look was this interval's check, so the next one is an
        interval later; seen ``tracking`` time, the user is active (and checked on from now, if
        they were not)."""
        values: dict[str, Any] = {"active_at": now} if tracking else {}
        every = self.timer_checks
        if every and (tracking or due.row.timer_check_at is not None):
            days = due.settings.summary_days
            values[CHECK] = check_after_look(due.key, due.zone, days, every, now)
        return values

    def _check_after_look(self, link: Link, now: datetime) -> datetime | None:
        if not self.timer_checks:
            return None
        zone, days = zone_or_utc(link.time_zone), link.settings.summary_days
        return check_after_look(link.key, zone, days, self.timer_checks, now)

    async def active(self, link: Link, now: datetime) -> None:
        """The user is using the app: their timers are looked for from now on (if they were
        not already), until they have been away for a while."""
        first = None
        if self.timer_checks:
            zone, days = zone_or_utc(link.time_zone), link.settings.summary_days
            first = checks_first(link.key, zone, days, self.timer_checks, now)
        await self._update(
            link.key,
            active_at=now,
            timer_check_at=func.coalesce(LinkedAccount.timer_check_at, first),
        )

    async def timer_started(
        self, link: Link, started_at: datetime, event_id: int | None, now: datetime
    ) -> None:
        """The app started a timer: its reminder is due at start + the user's limit (no
        polling); a worker's check or reminder in flight for an older timer no longer counts."""
        limit = link.settings.timer_limit
        await self._update(
            link.key,
            timer_started_at=started_at.astimezone(UTC),
            timer_event_id=event_id,
            timer_remind_at=(started_at + limit).astimezone(UTC) if limit else None,
            active_at=now,
            timer_check_at=self._check_after_look(link, now),
        )

    async def timer_stopped(self, link: Link, now: datetime) -> None:
        """The app stopped the user's timer: nothing to remind of."""
        await self._update(
            link.key,
            timer_started_at=None,
            timer_event_id=None,
            timer_remind_at=None,
            active_at=now,
            timer_check_at=self._check_after_look(link, now),
        )

    async def _update(self, key: SlackUserKey, **values: Any) -> None:
        async with self._sessions() as session:
            await session.exec(
                update(LinkedAccount)
                .where(*key._where())
                .values(**values)
                .execution_options(synchronize_session=False)
            )
            await session.commit()
