"""One aiohttp session per process for everything the app sends to Slack.

slack_sdk opens a new ``aiohttp.ClientSession`` (and with it a new TCP and TLS connection) for
every Web API call and every ``respond()`` unless it is given one; under a burst that is a
connection set up and torn down per reply, a large share of a request's CPU. With one shared
session, connections to Slack are kept alive and reused.
"""

from __future__ import annotations

from typing import Any

import aiohttp
import yarl
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_bolt.context.respond.internals import _build_message
from slack_sdk.webhook.async_client import AsyncWebhookClient, WebhookResponse

from bot.metrics import SLACK_API_CALLS

# Connections to Slack kept at most (Web API and response_url hooks together).
MAX_CONNECTIONS = 100


class SlackHttp:
    """The shared session, made on first use inside the running event loop (aiohttp binds a
    session to the loop it is made in) and closed with the process's services."""

    def __init__(self) -> None:
        self._session: aiohttp.ClientSession | None = None

    def session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=MAX_CONNECTIONS),
                timeout=aiohttp.ClientTimeout(total=30),
                # Calls for many workspaces share it: nothing one answer sets is sent again.
                cookie_jar=aiohttp.DummyCookieJar(),
                trace_configs=[_counted()],
            )
        return self._session

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()


def slack_method(url: yarl.URL) -> str:
    """A call's Slack method (``chat.postMessage``), or ``response_url`` for a reply's post."""
    path = url.path
    return path.rsplit("/", 1)[-1] if "/api/" in path else "response_url"


def _counted() -> aiohttp.TraceConfig:
    """Every call to Slack counted by method and status (bot/metrics.py)."""

    async def ended(_: Any, __: Any, call: aiohttp.TraceRequestEndParams) -> None:
        SLACK_API_CALLS.labels(slack_method(call.url), str(call.response.status)).inc()

    async def failed(_: Any, __: Any, call: aiohttp.TraceRequestExceptionParams) -> None:
        SLACK_API_CALLS.labels(slack_method(call.url), "no answer").inc()

    tracing = aiohttp.TraceConfig()
    tracing.on_request_end.append(ended)
    tracing.on_request_exception.append(failed)
    return tracing


class PooledRespond(AsyncRespond):
    """Bolt's ``respond``, posting over the shared session instead of a session of its own."""

    def __init__(self, response_url: str, session: aiohttp.ClientSession) -> None:
        super().__init__(response_url=response_url)
        self._session = session

    async def __call__(self, text: str | dict[str, Any] = "", **fields: Any) -> WebhookResponse:  # type: ignore[override]
        message = (
            _build_message(**text)
            if isinstance(text, dict)
            else _build_message(text=text, **fields)
        )
        client = AsyncWebhookClient(url=self.response_url or "", session=self._session)
        return await client.send_dict(message)
