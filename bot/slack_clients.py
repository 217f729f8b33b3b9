"""Web API clients for work done outside a Slack request (the worker's messages).

In one workspace every message goes out with the configured bot token. Installed into many
workspaces (OAuth), each workspace has its own bot token, found in the installation store; when
token rotation is on, a token about to expire is refreshed first and the new one saved, because
Bolt only refreshes tokens while handling an incoming request.
"""

from __future__ import annotations

import logging
from typing import Protocol

import aiohttp
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.token_rotation.async_rotator import AsyncTokenRotator
from slack_sdk.web.async_client import AsyncWebClient

from bot.settings import Settings

log = logging.getLogger(__name__)


def slack_client(
    settings: Settings, session: aiohttp.ClientSession | None = None
) -> AsyncWebClient:
    """A Web API client that retries 429s (honouring ``Retry-After``) and dropped connections.

    Bolt copies these retry handlers into the per-request clients it gives listeners. Without a
    ``session`` slack_sdk opens a new HTTP session (and connection) for every call; the app gives
    its listeners the process's shared one (:mod:`bot.slack_http`), and the worker passes it
    here for its fan-out of messages.
    """
    return AsyncWebClient(
        token=settings.slack_bot_token or None,
        base_url=settings.slack_api_url,
        session=session,
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(max_retry_count=2),
            AsyncRateLimitErrorRetryHandler(max_retry_count=3),
        ],
    )


REFRESH_MINUTES_BEFORE_EXPIRY = 120


class TeamClients(Protocol):
    async def for_team(self, enterprise_id: str | None, team_id: str) -> AsyncWebClient | None:
        """A client with the workspace's bot token, or ``None`` when the app is not there."""
        ...


class SingleWorkspaceClients:
    """Every workspace is the one the bot token belongs to."""

    def __init__(self, client: AsyncWebClient) -> None:
        self._client = client

    async def for_team(self, enterprise_id: str | None, team_id: str) -> AsyncWebClient | None:
        return self._client


class InstalledWorkspaceClients:
    """Bot tokens from the installation store, refreshed before they expire."""

    def __init__(
        self,
        store: AsyncInstallationStore,
        base: AsyncWebClient,
        client_id: str,
        client_secret: str,
    ) -> None:
        self._store = store
        self._base = base
        self._rotator = AsyncTokenRotator(
            client_id=client_id, client_secret=client_secret, client=base
        )

    async def for_team(self, enterprise_id: str | None, team_id: str) -> AsyncWebClient | None:
        bot = await self._store.async_find_bot(enterprise_id=enterprise_id, team_id=team_id)
        if bot is None:
            log.info("no installation for %s: message not sent", team_id)
            return None
        if bot.bot_refresh_token:
            rotated = await self._rotator.perform_bot_token_rotation(
                bot=bot, minutes_before_expiration=REFRESH_MINUTES_BEFORE_EXPIRY
            )
            if rotated is not None:
                await self._store.async_save_bot(rotated)
                bot = rotated
        return AsyncWebClient(
            token=bot.bot_token,
            base_url=self._base.base_url,
            session=self._base.session,
            retry_handlers=self._base.retry_handlers,
        )


def team_clients(slack: AsyncWebClient | TeamClients) -> TeamClients:
    """Accept a plain client for one workspace where team clients are wanted."""
    return SingleWorkspaceClients(slack) if isinstance(slack, AsyncWebClient) else slack


def team_clients_for(
    settings: Settings,
    installations: AsyncInstallationStore,
    session: aiohttp.ClientSession | None = None,
) -> TeamClients:
    """The worker's Slack clients: the bot token's, or each installed workspace's own, all
    sending over ``session`` when one is given."""
    client = slack_client(settings, session)
    if not settings.oauth:
        return SingleWorkspaceClients(client)
    return InstalledWorkspaceClients(
        installations, client, settings.slack_client_id, settings.slack_client_secret
    )
