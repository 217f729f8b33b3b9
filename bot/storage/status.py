"""The Slack status line's state, kept on each user's linked account.

The user's choice (on or off, what to show, the emoji, whether to replace a status of their
own), the Slack user token they granted (encrypted like the App Password, and gone with the link
on ``/track disconnect`` or uninstall), what the app last set, and when the worker next brings
the status in line with the running timer (``status_sync_at``, claimed as the other due instants
are: see :mod:`bot.storage.schedule`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import or_, update
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.crypto import Keyring, UnreadableSecret
from bot.storage.accounts import SlackUserKey, StatusChoice
from bot.storage.models import LinkedAccount

# Why the app turned the status off (LinkedAccount.status_problem).
Problem = Literal["revoked", "refused", "rate_limited"]


@dataclass(frozen=True)
class UserToken:
    """A Slack user token the user granted (``users.profile:read``/``write``)."""

    token: str = field(repr=False)
    refresh_token: str | None = field(default=None, repr=False)
    expires_at: datetime | None = None


@dataclass(frozen=True)
class StatusState:
    """One user's status line as stored: their choice, token, and what the app shows."""

    key: SlackUserKey
    choice: StatusChoice
    token: UserToken | None
    text_shown: str = ""
    emoji_shown: str = ""
    shown_until: datetime | None = None
    problem: str = ""


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; every instant stored is UTC."""
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class StatusStore:
    """Reads and writes the status columns of linked accounts, by user key."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        keyring: Keyring,
        clock: Callable[[], datetime],
    ) -> None:
        self._sessions = sessions
        self._keyring = keyring
        self._clock = clock

    def state_of(self, row: LinkedAccount) -> StatusState:
        """The row's state, its token decrypted; a token no key can read counts as none."""
        key = SlackUserKey(row.enterprise_id or None, row.team_id, row.slack_user_id)
        token = None
        if row.slack_user_token_encrypted:
            try:
                token = UserToken(
                    self._keyring.decrypt(row.slack_user_token_encrypted),
                    self._open(row.slack_user_refresh_token_encrypted),
                    _aware(row.slack_user_token_expires_at),
                )
            except UnreadableSecret:
                token = None
        return StatusState(
            key,
            StatusChoice.from_row(row),
            token,
            row.status_text_shown,
            row.status_emoji_shown,
            _aware(row.status_shown_until),
            row.status_problem,
        )

    def _open(self, secret: str | None) -> str | None:
        return None if secret is None else self._keyring.decrypt(secret)

    def _seal(self, secret: str | None) -> str | None:
        return None if secret is None else self._keyring.encrypt(secret)

    async def get(self, key: SlackUserKey) -> StatusState | None:
        """The user's state, or ``None`` when they have no link."""
        async with self._sessions() as session:
            row = (await session.exec(select(LinkedAccount).where(*key._where()))).first()
        return None if row is None else self.state_of(row)

    async def choose(self, key: SlackUserKey, choice: StatusChoice, *, sync: bool) -> bool:
        """Save the user's choice; turning it on clears an earlier problem. ``sync`` (the user
        has a token): the worker's next round brings the status in line with the choice."""
        values: dict[str, Any] = {
            "status_enabled": choice.enabled,
            "status_show": choice.show,
            "status_emoji": choice.emoji,
            "status_replace": choice.replace,
            "status_sync_at": self._clock() if sync else None,
        }
        if choice.enabled:
            values["status_problem"] = ""
        return await self._update(key, **values)

    async def grant(self, key: SlackUserKey, token: UserToken) -> bool:
        """Keep the token the user granted and turn their status line on; ``False`` when they
        have no link (the token is then not kept)."""
        return await self._update(
            key,
            status_enabled=True,
            status_problem="",
            status_sync_at=self._clock(),
            **self._token_values(token),
        )

    async def refreshed(self, key: SlackUserKey, token: UserToken) -> None:
        """A rotated token replaces the one it was refreshed from."""
        await self._update(key, **self._token_values(token))

    def _token_values(self, token: UserToken) -> dict[str, Any]:
        return {
            "slack_user_token_encrypted": self._keyring.encrypt(token.token),
            "slack_user_refresh_token_encrypted": self._seal(token.refresh_token),
            "slack_user_token_expires_at": token.expires_at,
        }

    async def shown(self, key: SlackUserKey, text: str, emoji: str, until: datetime | None) -> None:
        """Record what the app has set (``""``: nothing of the app's is shown)."""
        await self._update(
            key, status_text_shown=text, status_emoji_shown=emoji, status_shown_until=until
        )

    async def sync_at(self, key: SlackUserKey, when: datetime | None) -> None:
        """When the worker next brings the user's status in line (``None``: not on its own)."""
        await self._update(key, status_sync_at=when)

    async def turn_off(self, key: SlackUserKey, problem: Problem, *, forget_token: bool) -> None:
        """The app stops keeping the status, saying why; a dead token is forgotten."""
        values: dict[str, Any] = {
            "status_enabled": False,
            "status_problem": problem,
            "status_sync_at": None,
            "status_text_shown": "",
            "status_emoji_shown": "",
            "status_shown_until": None,
        }
        if forget_token:
            values.update(_NO_TOKEN)
        await self._update(key, **values)

    async def forget_tokens(
        self, enterprise_id: str | None, team_id: str, user_ids: Iterable[str]
    ) -> int:
        """Slack revoked these users' tokens (``tokens_revoked``): forget them and stop."""
        users = list(user_ids)
        if not users:
            return 0
        async with self._sessions() as session:
            result = await session.exec(
                update(LinkedAccount)  # type: ignore[call-overload]
                .where(
                    col(LinkedAccount.enterprise_id) == (enterprise_id or ""),
                    col(LinkedAccount.team_id) == team_id,
                    col(LinkedAccount.slack_user_id).in_(users),
                    col(LinkedAccount.slack_user_token_encrypted).is_not(None),
                )
                .values(
                    status_enabled=False,
                    status_problem="revoked",
                    status_sync_at=None,
                    status_text_shown="",
                    status_emoji_shown="",
                    status_shown_until=None,
                    **_NO_TOKEN,
                )
                .execution_options(synchronize_session=False)
            )
            await session.commit()
            return int(result.rowcount or 0)

    async def sync_soon(self, account_id: int, tt_user_id: int | None, now: datetime) -> int:
        """Bring the status of the account's users (or of one of them) in line at once: a
        TrackingTime webhook said an entry changed. Only users with the status on count."""
        where = [
            col(LinkedAccount.tt_account_id) == account_id,
            col(LinkedAccount.status_enabled).is_(True),
            col(LinkedAccount.slack_user_token_encrypted).is_not(None),
        ]
        if tt_user_id is not None:
            where.append(col(LinkedAccount.tt_user_id) == tt_user_id)
        async with self._sessions() as session:
            result = await session.exec(
                update(LinkedAccount)  # type: ignore[call-overload]
                .where(*where)
                .values(status_sync_at=now)
                .execution_options(synchronize_session=False)
            )
            await session.commit()
            return int(result.rowcount or 0)

    async def others_on(self, account_id: int, key: SlackUserKey) -> bool:
        """Whether anyone but ``key`` in the TrackingTime account has the status line on (and
        a token): while someone has, the account keeps its webhook."""
        not_key = or_(
            col(LinkedAccount.enterprise_id) != (key.enterprise_id or ""),
            col(LinkedAccount.team_id) != key.team_id,
            col(LinkedAccount.slack_user_id) != key.user_id,
        )
        query = (
            select(LinkedAccount.id)
            .where(
                col(LinkedAccount.tt_account_id) == account_id,
                col(LinkedAccount.status_enabled).is_(True),
                col(LinkedAccount.slack_user_token_encrypted).is_not(None),
                not_key,
            )
            .limit(1)
        )
        async with self._sessions() as session:
            return (await session.exec(query)).first() is not None

    async def _update(self, key: SlackUserKey, **values: Any) -> bool:
        async with self._sessions() as session:
            result = await session.exec(
                update(LinkedAccount)  # type: ignore[call-overload]
                .where(*key._where())
                .values(**values)
                .execution_options(synchronize_session=False)
            )
            await session.commit()
            return bool(result.rowcount)


_NO_TOKEN = {
    "slack_user_token_encrypted": None,
    "slack_user_refresh_token_encrypted": None,
    "slack_user_token_expires_at": None,
}
