"""How the TrackingTime client reaches the API: httpx on an aiohttp transport, no cookies, a
User-Agent that names the app and a contact, and each answer's envelope checked (TrackingTime
reports most failures inside HTTP 200 bodies). ``bot.trackingtime.client`` builds the calls.
"""

from __future__ import annotations

import json
from typing import Any

import aiohttp
import httpx
from httpx_aiohttp import AiohttpTransport

from bot import APP_NAME, __version__
from bot.trackingtime.errors import (
    Conflict,
    Forbidden,
    InvalidCredentials,
    NotFound,
    RateLimited,
    RequestRejected,
    TimedOut,
    TrackingTimeError,
    Unavailable,
)


def user_agent(contact: str) -> str:
    """What TrackingTime asks every API client to send: the application's name and version and
    how to reach whoever runs it (an email address or a URL), here followed by the HTTP library,
    as product tokens do (``TrackingTimeForSlack/0.1.0 (ops@example.com) python-httpx/0.28.1``).
    """
    return f"{APP_NAME}/{__version__} ({contact}) python-httpx/{httpx.__version__}"


DEFAULT_TIMEOUT = httpx.Timeout(10.0, connect=5.0)
# Connections to TrackingTime one process keeps at most: two for each request running at once
# (bot/settings.DEFAULT_MAX_RUNNING; /track status asks two things at once), so that a running
# request never waits for one while TrackingTime is slow. Calls beyond wait in aiohttp's
# connector, a queue that costs nothing per waiter, for as long as the timeout's pool part.
MAX_CONNECTIONS = 256


class NoCookies(httpx.Cookies):
    def extract_cookies(self, response: httpx.Response) -> None:
        pass  # neither kept nor even looked for (httpx parses every answer's headers for them)


class CookielessClient(httpx.AsyncClient):
    """One client calls TrackingTime for every user of the process: a cookie set in one user's
    answer must never go out with another user's call, so it keeps none."""

    @property
    def cookies(self) -> httpx.Cookies:
        return NoCookies()

    @cookies.setter
    def cookies(self, _: object) -> None:
        pass


def aiohttp_transport() -> AiohttpTransport:
    """httpx over one aiohttp session, made on the first call (aiohttp binds a session to the
    event loop it is made in); the TLS context is made now, so the first call does not wait for
    the CA bundle to load.

    Like httpx above it, the session keeps no cookie (see :class:`CookielessClient`).
    """
    tls = httpx.create_ssl_context()

    def session() -> aiohttp.ClientSession:
        return aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=MAX_CONNECTIONS, ssl=tls),
            cookie_jar=aiohttp.DummyCookieJar(),
        )

    return AiohttpTransport(verify=tls, client=session)


def transport_failure(exc: Exception, what: str) -> TrackingTimeError:
    """No answer: :class:`TimedOut` when time ran out, else :class:`Unavailable`.

    Decided on aiohttp's own exception where there is one: httpx-aiohttp reports every aiohttp
    connection error as ``httpx.ConnectTimeout``, a refused connection included, and lets a
    bare ``TimeoutError`` through.
    """
    cause = exc.__cause__ if isinstance(exc.__cause__, aiohttp.ClientError) else exc
    if isinstance(cause, TimeoutError | httpx.TimeoutException):  # aiohttp's are TimeoutErrors
        return TimedOut(f"{what}: {type(cause).__name__}")
    # transport errors, and a body that fails to decode
    return Unavailable(f"{what}: {type(cause).__name__}: {cause}")


def unwrap(response: httpx.Response, what: str) -> Any:
    """Check both the HTTP status and the envelope's ``response.status``."""
    status = response.status_code
    if status == 401:
        raise InvalidCredentials(f"{what}: HTTP 401")
    if status == 429:
        raise RateLimited(f"{what}: HTTP 429")
    if status >= 500:
        raise Unavailable(f"{what}: HTTP {status}")
    content_type = response.headers.get("content-type", "")
    if "json" not in content_type:
        raise Unavailable(f"{what}: HTTP {status} with {content_type or 'no content type'}")
    try:
        body = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise Unavailable(f"{what}: HTTP {status} with a body that is not JSON") from None
    envelope = body.get("response") if isinstance(body, dict) else None
    if not isinstance(envelope, dict) or "status" not in envelope:
        raise Unavailable(f"{what}: HTTP {status} without a response envelope")
    try:
        api_status = int(envelope["status"])
    except (TypeError, ValueError):
        raise Unavailable(f"{what}: response.status {envelope['status']!r}") from None
    if api_status == 200 and status < 400:
        return body.get("data")
    message = str(envelope.get("note") or envelope.get("message") or "").strip()
    detail = f"{what}: status {api_status} ({message or 'no message'})"
    error_type: type[TrackingTimeError] = {
        401: InvalidCredentials,
        402: Forbidden,
        403: Forbidden,
        404: NotFound,
        429: RateLimited,
        502: Conflict,
    }.get(api_status if api_status != 200 else status, RequestRejected)
    if error_type is RequestRejected and message:
        raise RequestRejected(detail, f"TrackingTime refused the request: {message}")
    raise error_type(detail)
