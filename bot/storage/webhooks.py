"""The TrackingTime webhook of each TrackingTime account: the unguessable token in its URL, the
id TrackingTime gave it, its secret (encrypted), or when TrackingTime refused to register one.

One row per account (``tt_account_id`` is unique), made the first time a user of that account
turns the Slack status line on; a call to ``/trackingtime/hooks/{path_token}`` is about the
account whose row holds that token, and about nothing else (docs/trackingtime-api.md,
"Webhooks").
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import ColumnElement, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.crypto import Keyring
from bot.storage.models import TrackingTimeWebhook
from bot.storage.schedule import aware

TOKEN_BYTES = 32  # 43 URL-safe characters: as hard to guess as a Fernet key


@dataclass(frozen=True)
class AccountHook:
    """An account's webhook as the app keeps it. ``hook_id`` is ``None`` until TrackingTime
    registered one; ``refused_at`` says when it last refused to."""

    account_id: int
    path_token: str = field(repr=False)  # whoever knows it can make the account's users sync
    hook_id: int | None = None
    refused_at: datetime | None = None


def _hook_of(row: TrackingTimeWebhook) -> AccountHook:
    return AccountHook(row.tt_account_id, row.path_token, row.hook_id, aware(row.refused_at))


def _of_account(account_id: int) -> ColumnElement[bool]:
    return col(TrackingTimeWebhook.tt_account_id) == account_id


class WebhookStore:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], keyring: Keyring) -> None:
        self._sessions = sessions
        self._keyring = keyring

    async def get(self, account_id: int) -> AccountHook | None:
        async with self._sessions() as session:
            query = select(TrackingTimeWebhook).where(_of_account(account_id))
            row = (await session.exec(query)).first()
        return None if row is None else _hook_of(row)

    async def ensure_token(self, account_id: int) -> AccountHook:
        """The account's row, made with a fresh token when there is none. Two callers at once
        (two web processes) get the same row: the unique account id lets one insert win."""
        for _ in range(3):
            existing = await self.get(account_id)
            if existing is not None:
                return existing
            token = secrets.token_urlsafe(TOKEN_BYTES)
            async with self._sessions() as session:
                session.add(TrackingTimeWebhook(tt_account_id=account_id, path_token=token))
                try:
                    await session.commit()
                    return AccountHook(account_id, token)
                except IntegrityError:  # another caller made it meanwhile: read theirs
                    await session.rollback()
        raise RuntimeError(f"no webhook row for account {account_id} after three tries")

    async def mark_registered(self, account_id: int, hook_id: int, secret: str | None) -> bool:
        """TrackingTime registered webhook ``hook_id``. ``False`` when the account had one
        already (registered meanwhile by another process) or has no row: that caller's webhook
        is then one too many."""
        return await self._update(
            account_id,
            col(TrackingTimeWebhook.hook_id).is_(None),
            hook_id=hook_id,
            secret_encrypted=None if secret is None else self._keyring.encrypt(secret),
            refused_at=None,
        )

    async def mark_refused(self, account_id: int, now: datetime) -> None:
        """TrackingTime refused to register one: the poll covers the account meanwhile."""
        await self._update(account_id, refused_at=now)

    async def account_of(self, path_token: str) -> int | None:
        """The TrackingTime account whose webhook URL carries ``path_token``, if any."""
        async with self._sessions() as session:
            query = select(TrackingTimeWebhook.tt_account_id).where(
                col(TrackingTimeWebhook.path_token) == path_token
            )
            return (await session.exec(query)).first()

    async def forget(self, account_id: int) -> AccountHook | None:
        """Forget the account's row (its token stops working at once); returns what it was,
        so that the caller can remove the webhook from TrackingTime too."""
        async with self._sessions() as session:
            query = select(TrackingTimeWebhook).where(_of_account(account_id))
            row = (await session.exec(query)).first()
            if row is None:
                return None
            forgotten = _hook_of(row)
            await session.delete(row)
            await session.commit()
            return forgotten

    async def reencrypt_all(self) -> int:
        """Re-encrypt every stored webhook secret under the newest key; how many."""
        async with self._sessions() as session:
            rows = (
                await session.exec(
                    select(TrackingTimeWebhook).where(
                        col(TrackingTimeWebhook.secret_encrypted).is_not(None)
                    )
                )
            ).all()
            for row in rows:
                row.secret_encrypted = self._keyring.rotate(row.secret_encrypted or "")
                session.add(row)
            await session.commit()
            return len(rows)

    async def _update(self, account_id: int, *where: ColumnElement[bool], **values: object) -> bool:
        async with self._sessions() as session:
            result = await session.exec(
                update(TrackingTimeWebhook)  # type: ignore[call-overload]
                .where(_of_account(account_id), *where)
                .values(**values)
                .execution_options(synchronize_session=False)
            )
            await session.commit()
            return bool(result.rowcount)
