"""Where users want drafts offered (``/track standup #channel``), and the offers made.

A message event asks one question per post, answered by the unique index alone: is the author
offered drafts in this channel? An offer is claimed before it is sent, with one insert that the
unique key (the post) lets succeed once, so a retried event (Slack retries deliveries it thinks
failed) or two processes handling one delivery offer it once. Nothing of the post's text is
kept; claims are purged a day later, long after Slack's last retry.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.commands import MAX_STANDUP_CHANNELS as MAX_CHANNELS
from bot.storage.accounts import SlackUserKey
from bot.storage.models import StandupChannel, StandupOffer

OFFERS_KEPT = timedelta(days=1)


def _users_channels(key: SlackUserKey) -> tuple:  # type: ignore[type-arg]
    return (
        col(StandupChannel.enterprise_id) == (key.enterprise_id or ""),
        col(StandupChannel.team_id) == key.team_id,
        col(StandupChannel.slack_user_id) == key.user_id,
    )


class StandupStore:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def channels(self, key: SlackUserKey) -> tuple[str, ...]:
        """The channels where the user is offered drafts, in the order they were added."""
        async with self._sessions() as session:
            rows = await session.exec(
                select(StandupChannel.channel_id)
                .where(*_users_channels(key))
                .order_by(col(StandupChannel.id))
            )
            return tuple(rows.all())

    async def add(self, key: SlackUserKey, channel_ids: tuple[str, ...], now: datetime) -> bool:
        """Offer drafts in these channels too; ``False`` (and nothing added) when that would
        make more than :data:`MAX_CHANNELS`. A channel already on stays as it is."""
        for _ in range(2):
            current = await self.channels(key)
            new = [c for c in dict.fromkeys(channel_ids) if c not in current]
            if len(current) + len(new) > MAX_CHANNELS:
                return False
            async with self._sessions() as session:
                for channel_id in new:
                    session.add(
                        StandupChannel(
                            enterprise_id=key.enterprise_id or "",
                            team_id=key.team_id,
                            channel_id=channel_id,
                            slack_user_id=key.user_id,
                            created_at=now,
                        )
                    )
                try:
                    await session.commit()
                    return True
                except IntegrityError:  # the same command twice at once: read again
                    await session.rollback()
        return True

    async def remove(self, key: SlackUserKey, channel_id: str | None = None) -> int:
        """Stop offering in ``channel_id`` (every channel when ``None``); how many stopped."""
        where = list(_users_channels(key))
        if channel_id is not None:
            where.append(col(StandupChannel.channel_id) == channel_id)
        return await self._delete(StandupChannel, *where)

    async def offers_in(self, key: SlackUserKey, channel_id: str) -> bool:
        """Whether the user wants drafts of what they post in ``channel_id``."""
        async with self._sessions() as session:
            row = await session.exec(
                select(StandupChannel.id).where(
                    col(StandupChannel.enterprise_id) == (key.enterprise_id or ""),
                    col(StandupChannel.team_id) == key.team_id,
                    col(StandupChannel.channel_id) == channel_id,
                    col(StandupChannel.slack_user_id) == key.user_id,
                )
            )
            return row.first() is not None

    async def claim_offer(
        self, key: SlackUserKey, channel_id: str, message_ts: str, now: datetime
    ) -> bool:
        """``True`` for the one caller that may offer drafts of this post; old claims go."""
        async with self._sessions() as session:
            await session.exec(
                delete(StandupOffer).where(col(StandupOffer.offered_at) < now - OFFERS_KEPT)  # type: ignore[call-overload]
            )
            session.add(
                StandupOffer(
                    enterprise_id=key.enterprise_id or "",
                    team_id=key.team_id,
                    channel_id=channel_id,
                    message_ts=message_ts,
                    slack_user_id=key.user_id,
                    offered_at=now,
                )
            )
            try:
                await session.commit()
            except IntegrityError:
                await session.rollback()
                return False
            return True

    async def delete_user(self, key: SlackUserKey) -> None:
        """Forget the user's channels and offers (on disconnect)."""
        await self.remove(key)
        await self._delete(
            StandupOffer,
            col(StandupOffer.enterprise_id) == (key.enterprise_id or ""),
            col(StandupOffer.team_id) == key.team_id,
            col(StandupOffer.slack_user_id) == key.user_id,
        )

    async def delete_workspace(self, enterprise_id: str | None, team_id: str) -> None:
        for table in (StandupChannel, StandupOffer):
            await self._delete(
                table,
                col(table.enterprise_id) == (enterprise_id or ""),
                col(table.team_id) == team_id,
            )

    async def _delete(self, table: type[StandupChannel | StandupOffer], *where: object) -> int:
        async with self._sessions() as session:
            result = await session.exec(delete(table).where(*where))  # type: ignore[call-overload, arg-type]
            await session.commit()
            return int(result.rowcount or 0)
