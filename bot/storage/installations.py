"""Bolt's OAuth stores on our database: Slack installations with their tokens encrypted at rest,
and the single-use ``state`` values of the "Add to Slack" flow.

slack_sdk ships SQLAlchemy stores, but they keep tokens in plain text in ``String(200)`` columns,
which a Fernet-encrypted token overflows on PostgreSQL. These stores keep one row per
(app, enterprise, team) in ``slack_installations`` (see :class:`SlackInstallation`) instead.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.installation_store.models.installation import Installation
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore
from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.crypto import Keyring, UnreadableSecret
from bot.storage.models import SlackInstallation, SlackOAuthState, utcnow

_logger = logging.getLogger(__name__)


def _utc(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; everything stored is UTC.
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def _from_timestamp(timestamp: float | None) -> datetime | None:
    return None if timestamp is None else datetime.fromtimestamp(timestamp, UTC)


def _to_timestamp(moment: datetime | None) -> int | None:
    return None if moment is None else int(_utc(moment).timestamp())


class EncryptedInstallationStore(AsyncInstallationStore):
    """Slack installations of the app ``client_id``, tokens encrypted with ``keyring``.

    A row holds the bot and, if the installer granted user scopes, the installer's user token;
    other users' tokens are not kept. An org-wide (Enterprise Grid) install is stored with team
    ``""`` and found by its enterprise id. Deletions are idempotent, as Bolt's uninstall and
    token-revocation listeners may run in any order and more than once.
    """

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], keyring: Keyring, client_id: str
    ) -> None:
        self._sessions = sessions
        self._keyring = keyring
        self._client_id = client_id

    @property
    def logger(self) -> logging.Logger:
        return _logger

    def _where(
        self, enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool | None
    ) -> tuple:  # type: ignore[type-arg]
        return (
            col(SlackInstallation.client_id) == self._client_id,
            col(SlackInstallation.enterprise_id) == (enterprise_id or ""),
            col(SlackInstallation.team_id) == ("" if is_enterprise_install else team_id or ""),
        )

    def _encrypt(self, token: str | None) -> str | None:
        return None if token is None else self._keyring.encrypt(token)

    def _decrypt(self, token: str | None) -> str | None:
        return None if token is None else self._keyring.decrypt(token)

    async def async_save(self, installation: Installation) -> None:
        """Store a new install or a re-install, replacing the workspace's row.

        A save without a user token for the same installer keeps the stored user token: Bolt
        strips it from the installation it rotates on another user's request, then saves that.
        """
        if installation.bot_token is None:
            raise ValueError("this store keeps bot installations: the installation has no bot")
        bot = installation.to_bot()

        def fill(row: SlackInstallation) -> None:
            self._fill_bot(row, bot)
            row.enterprise_url = installation.enterprise_url
            row.token_type = installation.token_type
            if installation.user_token is None and installation.user_id == row.user_id:
                return
            row.user_id = installation.user_id or ""
            row.user_token_encrypted = self._encrypt(installation.user_token)
            row.user_refresh_token_encrypted = self._encrypt(installation.user_refresh_token)
            row.user_scopes = ",".join(installation.user_scopes or ())
            row.user_token_expires_at = _from_timestamp(installation.user_token_expires_at)

        await self._upsert(bot, fill)

    async def async_save_bot(self, bot: Bot) -> None:
        """Store the bot's part only (Bolt's bot-only mode, and rotated bot tokens)."""
        await self._upsert(bot, lambda row: self._fill_bot(row, bot))

    def _fill_bot(self, row: SlackInstallation, bot: Bot) -> None:
        row.app_id = bot.app_id
        row.enterprise_name = bot.enterprise_name
        row.team_name = bot.team_name
        row.bot_token_encrypted = self._keyring.encrypt(bot.bot_token)
        row.bot_id = bot.bot_id or ""
        row.bot_user_id = bot.bot_user_id or ""
        row.bot_scopes = ",".join(bot.bot_scopes or ())
        row.bot_refresh_token_encrypted = self._encrypt(bot.bot_refresh_token)
        row.bot_token_expires_at = _from_timestamp(bot.bot_token_expires_at)
        row.is_enterprise_install = bot.is_enterprise_install
        row.installed_at = _from_timestamp(bot.installed_at) or utcnow()

    async def _upsert(self, bot: Bot, fill: Callable[[SlackInstallation], None]) -> None:
        where = self._where(bot.enterprise_id, bot.team_id, bot.is_enterprise_install)
        for attempt in range(2):
            async with self._sessions() as session:
                row = (await session.exec(select(SlackInstallation).where(*where))).first()
                if row is None:
                    row = SlackInstallation(
                        client_id=self._client_id,
                        enterprise_id=bot.enterprise_id or "",
                        team_id="" if bot.is_enterprise_install else bot.team_id or "",
                        bot_token_encrypted="",
                        bot_id="",
                        bot_user_id="",
                    )
                fill(row)
                session.add(row)
                try:
                    await session.commit()
                    return
                except IntegrityError:
                    # Two OAuth callbacks for one workspace at once: the second updates the row.
                    await session.rollback()
                    if attempt:
                        raise

    async def _find(
        self, enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool | None
    ) -> SlackInstallation | None:
        where = self._where(enterprise_id, team_id, is_enterprise_install)
        async with self._sessions() as session:
            return (await session.exec(select(SlackInstallation).where(*where))).first()

    def _unreadable(self, row: SlackInstallation) -> None:
        # Only the ids: a token, even encrypted, never goes to the logs.
        _logger.warning(
            "Slack installation of enterprise %r team %r has a token no key in ENCRYPTION_KEYS"
            " can decrypt; treating it as not installed",
            row.enterprise_id,
            row.team_id,
        )

    def _bot(self, row: SlackInstallation) -> Bot:
        return Bot(
            app_id=row.app_id,
            enterprise_id=row.enterprise_id or None,
            enterprise_name=row.enterprise_name,
            team_id=row.team_id or None,
            team_name=row.team_name,
            bot_token=self._keyring.decrypt(row.bot_token_encrypted),
            bot_id=row.bot_id,
            bot_user_id=row.bot_user_id,
            bot_scopes=row.bot_scopes,
            bot_refresh_token=self._decrypt(row.bot_refresh_token_encrypted),
            bot_token_expires_at=_to_timestamp(row.bot_token_expires_at),
            is_enterprise_install=row.is_enterprise_install,
            installed_at=_utc(row.installed_at).timestamp(),
        )

    async def async_find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        row = await self._find(enterprise_id, team_id, is_enterprise_install)
        if row is None:
            return None
        try:
            return self._bot(row)
        except UnreadableSecret:
            self._unreadable(row)
            return None

    async def async_find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        """The workspace's installation with the installer's user token, or ``None``.

        Asked for another user than the installer it is ``None``, as that user has no tokens
        here; Bolt then uses the workspace's installation (looked up without ``user_id``).
        Returning that installation again would make Bolt rotate its bot token twice.
        """
        row = await self._find(enterprise_id, team_id, is_enterprise_install)
        if row is None or (user_id is not None and user_id != row.user_id):
            return None
        try:
            bot = self._bot(row)
            user_token = self._decrypt(row.user_token_encrypted)
            user_refresh_token = self._decrypt(row.user_refresh_token_encrypted)
        except UnreadableSecret:
            self._unreadable(row)
            return None
        return Installation(
            app_id=bot.app_id,
            enterprise_id=bot.enterprise_id,
            enterprise_name=bot.enterprise_name,
            enterprise_url=row.enterprise_url,
            team_id=bot.team_id,
            team_name=bot.team_name,
            bot_token=bot.bot_token,
            bot_id=bot.bot_id,
            bot_user_id=bot.bot_user_id,
            bot_scopes=bot.bot_scopes,
            bot_refresh_token=bot.bot_refresh_token,
            bot_token_expires_at=bot.bot_token_expires_at,
            user_id=row.user_id,
            user_token=user_token,
            user_scopes=row.user_scopes,
            user_refresh_token=user_refresh_token,
            user_token_expires_at=_to_timestamp(row.user_token_expires_at),
            is_enterprise_install=bot.is_enterprise_install,
            token_type=row.token_type,
            installed_at=bot.installed_at,
        )

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        """Forget the installation: without its bot, the row is of no use."""
        await self.async_delete_all(enterprise_id=enterprise_id, team_id=team_id)

    async def async_delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        """Without ``user_id``, forget the installation; with it, forget that user's token
        (a ``tokens_revoked`` event), keeping the bot."""
        if user_id is None:
            await self.async_delete_all(enterprise_id=enterprise_id, team_id=team_id)
            return
        async with self._sessions() as session:
            await session.exec(
                update(SlackInstallation)  # type: ignore[call-overload]
                .where(
                    *self._where(enterprise_id, team_id, False),
                    col(SlackInstallation.user_id) == user_id,
                )
                .values(
                    user_token_encrypted=None,
                    user_refresh_token_encrypted=None,
                    user_scopes="",
                    user_token_expires_at=None,
                )
                .execution_options(synchronize_session=False)
            )
            await session.commit()

    async def async_delete_all(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        """Forget the workspace's installation (``app_uninstalled``); a no-op when absent."""
        async with self._sessions() as session:
            await session.exec(
                delete(SlackInstallation)  # type: ignore[call-overload]
                .where(*self._where(enterprise_id, team_id, False))
                .execution_options(synchronize_session=False)
            )
            await session.commit()

    async def reencrypt_all(self) -> int:
        """Re-encrypt every stored token under the newest key; returns how many installations.
        (For all apps' rows: key rotation concerns the database, not one client id.)"""
        columns = (
            "bot_token_encrypted",
            "bot_refresh_token_encrypted",
            "user_token_encrypted",
            "user_refresh_token_encrypted",
        )
        async with self._sessions() as session:
            rows = (await session.exec(select(SlackInstallation))).all()
            for row in rows:
                for column in columns:
                    value = getattr(row, column)
                    if value:
                        setattr(row, column, self._keyring.rotate(value))
                session.add(row)
            await session.commit()
            return len(rows)


class DatabaseOAuthStateStore(AsyncOAuthStateStore):
    """OAuth ``state`` values, valid once and for ``expiration_seconds``. Being in the database,
    a state issued by one web process is accepted by another. Consumed states are deleted at
    once; :meth:`purge_expired` removes the ones never used (the worker calls it)."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        expiration_seconds: int = 600,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._sessions = sessions
        self._lifetime = timedelta(seconds=expiration_seconds)
        self._clock = clock

    @property
    def logger(self) -> logging.Logger:
        return _logger

    async def async_issue(self, *args: object, **kwargs: object) -> str:
        state = secrets.token_urlsafe(32)
        async with self._sessions() as session:
            session.add(
                SlackOAuthState(state=state, expires_at=_utc(self._clock()) + self._lifetime)
            )
            await session.commit()
        return state

    async def async_consume(self, state: str) -> bool:
        """``True`` for a state issued here, not yet consumed and not expired. The DELETE decides,
        so of two concurrent callbacks with the same state only one succeeds."""
        async with self._sessions() as session:
            result = await session.exec(
                delete(SlackOAuthState)  # type: ignore[call-overload]
                .where(
                    col(SlackOAuthState.state) == state,
                    col(SlackOAuthState.expires_at) > _utc(self._clock()),
                )
                .execution_options(synchronize_session=False)
            )
            await session.commit()
            return bool(result.rowcount == 1)

    async def purge_expired(self, now: datetime) -> int:
        """Delete the states expired at ``now``; returns how many."""
        async with self._sessions() as session:
            result = await session.exec(
                delete(SlackOAuthState)  # type: ignore[call-overload]
                .where(col(SlackOAuthState.expires_at) <= _utc(now))
                .execution_options(synchronize_session=False)
            )
            await session.commit()
            return int(result.rowcount or 0)
