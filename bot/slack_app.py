"""The Bolt app: Slack's client, our services in every listener's context, the listeners."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_bolt.response import BoltResponse
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

import handlers
from bot.services.container import Services
from bot.settings import Settings
from handlers.common import SERVICES_KEY

log = logging.getLogger(__name__)


def slack_client(settings: Settings) -> AsyncWebClient:
    """A Web API client that retries 429s (honouring ``Retry-After``) and dropped connections.

    Bolt copies these retry handlers into the per-request clients it gives listeners.
    """
    return AsyncWebClient(
        token=settings.slack_bot_token or None,
        base_url=settings.slack_api_url,
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(max_retry_count=2),
            AsyncRateLimitErrorRetryHandler(max_retry_count=3),
        ],
    )


def build_app(settings: Settings, services: Services) -> AsyncApp:
    """The Bolt app for one workspace (``SLACK_BOT_TOKEN``)."""
    app = AsyncApp(
        signing_secret=settings.slack_signing_secret,
        client=slack_client(settings),
        logger=logging.getLogger("slack_bolt"),
    )

    async def provide_services(
        context: AsyncBoltContext, next: Callable[[], Awaitable[Any]]
    ) -> Any:
        context[SERVICES_KEY] = services
        return await next()

    app.use(provide_services)

    @app.error
    async def log_unhandled(error: Exception, body: dict[str, Any]) -> BoltResponse | None:
        # The body may hold user input: log only what kind of request failed.
        log.exception("unhandled error in a %s request", body.get("type") or body.get("command"))
        return None

    handlers.register(app)
    return app
