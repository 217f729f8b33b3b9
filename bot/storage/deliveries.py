"""Scheduled messages claimed and sent: the database is what makes them happen once.

To send a daily summary a worker first claims it: it inserts the (user, kind, period) row, which
the unique key lets only one worker do. A claim carries a lease; if the worker dies before
marking the message sent, another worker takes the claim over once the lease has run out, so
nothing is skipped either. (A worker that dies after Slack accepted the message but before it
recorded that is the one case that can repeat a message; the window is one database write.)
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import Insert, Update, and_, bindparam, delete, or_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.schedule import WORKDAYS, next_occurrence
from bot.storage.accounts import SlackUserKey
from bot.storage.models import Delivery, TeamSettings, utcnow
from bot.trackingtime.timefmt import zone_or_utc

SUMMARY = "summary"
FORGOTTEN_TIMER = "timer"
DIGEST = "digest"


# What one delivery is: (user, kind, period); a workspace message has no user ("").
Wanted = tuple[SlackUserKey, str, str]
_IDENTITY = ("enterprise_id", "team_id", "slack_user_id", "kind", "period")


def _identity(wanted: Wanted) -> tuple[str, str, str, str, str]:
    key, kind, period = wanted
    return (key.enterprise_id or "", key.team_id, key.user_id, kind, period)


def _parameters(wanted: Wanted) -> dict[str, str]:
    return {f"b_{name}": value for name, value in zip(_IDENTITY, _identity(wanted), strict=True)}


_TABLE = Delivery.__table__  # type: ignore[attr-defined]
_SAME = and_(*(_TABLE.c[name] == bindparam(f"b_{name}") for name in _IDENTITY))
_IDENTITY_COLUMNS = [_TABLE.c[name] for name in _IDENTITY]


def _insert(connection: AsyncConnection) -> Insert:
    """A new claim per row given, none where the delivery exists already; the new ones back."""
    # Imported here: the dialect in use is loaded already, and the other would cost the process
    # its memory for nothing.
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return (
        insert(_TABLE)
        .values(
            **{name: bindparam(f"b_{name}") for name in _IDENTITY},
            sent=False,
            claimed_until=bindparam("until"),
            created_at=bindparam("now"),
        )
        .on_conflict_do_nothing()
        .returning(*_IDENTITY_COLUMNS)
    )


# A claim of an unsent delivery whose lease has run out (its claimant died).
_TAKE_OVER = (
    update(_TABLE)
    .where(
        _SAME,
        _TABLE.c.sent.is_(False),
        or_(_TABLE.c.claimed_until.is_(None), _TABLE.c.claimed_until < bindparam("now")),
    )
    .values(claimed_until=bindparam("until"))
    .returning(*_IDENTITY_COLUMNS)
)
_MARK_SENT = update(_TABLE).where(_SAME).values(sent=True, claimed_until=None)
_RELEASE = update(_TABLE).where(_SAME).values(claimed_until=None)


def _key_where(key: SlackUserKey, kind: str, period: str) -> tuple:  # type: ignore[type-arg]
    return (
        col(Delivery.enterprise_id) == (key.enterprise_id or ""),
        col(Delivery.team_id) == key.team_id,
        col(Delivery.slack_user_id) == key.user_id,
        col(Delivery.kind) == kind,
        col(Delivery.period) == period,
    )


class DeliveryStore:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def claim(
        self, key: SlackUserKey, kind: str, period: str, now: datetime, lease: timedelta
    ) -> bool:
        """``True`` when this worker may send the message (and must then call :meth:`sent`
        or :meth:`release`). For a workspace message, ``key.user_id`` is ``""``."""
        async with self._sessions() as session:
            session.add(
                Delivery(
                    enterprise_id=key.enterprise_id or "",
                    team_id=key.team_id,
                    slack_user_id=key.user_id,
                    kind=kind,
                    period=period,
                    claimed_until=now + lease,
                    created_at=now,
                )
            )
            try:
                await session.commit()
                return True
            except IntegrityError:
                await session.rollback()
        async with self._sessions() as session:
            expired = or_(col(Delivery.claimed_until).is_(None), col(Delivery.claimed_until) < now)
            result = await session.exec(
                update(Delivery)  # type: ignore[call-overload]
                .where(*_key_where(key, kind, period), col(Delivery.sent).is_(False), expired)
                .values(claimed_until=now + lease)
                .execution_options(synchronize_session=False)
            )
            await session.commit()
            return bool(result.rowcount == 1)

    async def claim_many(self, wanted: list[Wanted], now: datetime, lease: timedelta) -> list[bool]:
        """:meth:`claim` for many at once (one commit); whether each is the caller's."""
        if not wanted:
            return []
        until = now + lease
        rows = [{**_parameters(w), "until": until, "now": now} for w in wanted]
        async with self._sessions() as session:
            # Core statements with the same shape every time, compiled once: a statement
            # listing this call's rows would be compiled anew for every group.
            connection = await session.connection()
            claimed = {
                tuple(row) for row in (await connection.execute(_insert(connection), rows)).all()
            }
            others = [
                row for row, w in zip(rows, wanted, strict=True) if _identity(w) not in claimed
            ]
            for row in others:  # sent already, held by another claimant, or expired: rare
                taken = await connection.execute(_TAKE_OVER, row)
                claimed |= {tuple(found) for found in taken.all()}
            await session.commit()
        return [_identity(w) in claimed for w in wanted]

    async def sent_many(self, wanted: list[Wanted]) -> list[None]:
        """:meth:`sent` for many at once (one commit)."""
        await self._each(_MARK_SENT, wanted)
        return [None] * len(wanted)

    async def release_many(self, wanted: list[Wanted]) -> list[None]:
        """:meth:`release` for many at once (one commit)."""
        await self._each(_RELEASE, wanted)
        return [None] * len(wanted)

    async def _each(self, statement: Update, wanted: list[Wanted]) -> None:
        async with self._sessions() as session:
            connection = await session.connection()
            await connection.execute(statement, [_parameters(w) for w in wanted])
            await session.commit()

    async def sent(self, key: SlackUserKey, kind: str, period: str) -> None:
        await self._set(key, kind, period, sent=True, claimed_until=None)

    async def release(self, key: SlackUserKey, kind: str, period: str) -> None:
        """Give the claim back unsent: the next round tries again."""
        await self._set(key, kind, period, claimed_until=None)

    async def was_sent(self, key: SlackUserKey, kind: str, period: str) -> bool:
        async with self._sessions() as session:
            row = (
                await session.exec(select(Delivery).where(*_key_where(key, kind, period)))
            ).first()
            return bool(row and row.sent)

    async def _set(self, key: SlackUserKey, kind: str, period: str, **values: object) -> None:
        async with self._sessions() as session:
            await session.exec(
                update(Delivery)  # type: ignore[call-overload]
                .where(*_key_where(key, kind, period))
                .values(**values)
                .execution_options(synchronize_session=False)
            )
            await session.commit()

    async def purge(self, before: datetime) -> int:
        """Forget deliveries first claimed before ``before``: long past the day (or the timer)
        they were for, they no longer keep anything from being sent twice."""
        async with self._sessions() as session:
            result = await session.exec(
                delete(Delivery).where(col(Delivery.created_at) < before)  # type: ignore[call-overload]
            )
            await session.commit()
            return int(result.rowcount or 0)

    async def delete_user(self, key: SlackUserKey) -> None:
        async with self._sessions() as session:
            await session.exec(
                delete(Delivery).where(  # type: ignore[call-overload]
                    col(Delivery.enterprise_id) == (key.enterprise_id or ""),
                    col(Delivery.team_id) == key.team_id,
                    col(Delivery.slack_user_id) == key.user_id,
                )
            )
            await session.commit()

    async def delete_workspace(self, enterprise_id: str | None, team_id: str) -> None:
        async with self._sessions() as session:
            for table in (Delivery, TeamSettings):
                await session.exec(
                    delete(table).where(  # type: ignore[call-overload]
                        col(table.enterprise_id) == (enterprise_id or ""),
                        col(table.team_id) == team_id,
                    )
                )
            await session.commit()


class TeamSettingsStore:
    """Per-workspace settings: the team digest's channel, time and time zone, and when it is
    next due (Monday to Friday at that time in that zone; see :mod:`bot.storage.schedule`)."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._sessions = sessions
        self._clock = clock

    async def set_digest(
        self,
        enterprise_id: str | None,
        team_id: str,
        channel_id: str | None,
        time_zone: str = "UTC",
        at: str = "17:45",
    ) -> None:
        """Send the digest to ``channel_id`` (``None`` stops it)."""
        async with self._sessions() as session:
            row = (
                await session.exec(
                    select(TeamSettings).where(
                        col(TeamSettings.enterprise_id) == (enterprise_id or ""),
                        col(TeamSettings.team_id) == team_id,
                    )
                )
            ).first() or TeamSettings(enterprise_id=enterprise_id or "", team_id=team_id)
            row.digest_channel = channel_id
            row.digest_time_zone = time_zone
            row.digest_time = at
            row.digest_due_at = digest_at(row, self._clock())
            row.updated_at = utcnow()
            session.add(row)
            await session.commit()

    async def get(self, enterprise_id: str | None, team_id: str) -> TeamSettings | None:
        async with self._sessions() as session:
            return (
                await session.exec(
                    select(TeamSettings).where(
                        col(TeamSettings.enterprise_id) == (enterprise_id or ""),
                        col(TeamSettings.team_id) == team_id,
                    )
                )
            ).first()


DEFAULT_DIGEST_TIME = "17:45"


def digest_clock_time(row: TeamSettings) -> time:
    """The workspace's digest time; a malformed stored value falls back to the default rather
    than stopping the digest."""
    try:
        return time.fromisoformat(row.digest_time)
    except (TypeError, ValueError):
        return time.fromisoformat(DEFAULT_DIGEST_TIME)


def digest_at(row: TeamSettings, now: datetime) -> datetime | None:
    """When the workspace's digest is next due, from its local today on; ``None`` without a
    channel."""
    if not row.digest_channel:
        return None
    zone = zone_or_utc(row.digest_time_zone)
    return next_occurrence(WORKDAYS, digest_clock_time(row), zone, now.astimezone(zone).date())
