"""How the TrackingTime client's requests travel: straight over one aiohttp session.

httpx's own pool (httpcore) spends CPU in proportion to connections times queued requests
(encode/httpcore#1035); httpx on an aiohttp transport (httpx-aiohttp) removes that, but every
call still builds and parses httpx's request and response objects (URL, headers, cookies) around
aiohttp's own. ``python -m bench.transports`` measures them: at 150 calls at once, 6.2 ms of CPU
per call through httpx, 0.65 ms through httpx-aiohttp, 0.31 ms for a bare aiohttp session. A
summary makes three calls, and the worker sends a thousand of them at once
(``python -m bench.worker_scale``), so the client sends over a bare session.

A transport takes a request as plain values and gives back a :class:`Reply`. httpx transports
(the tests' ``httpx.MockTransport``) still plug in, through :class:`HttpxTransport`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import aiohttp
import httpx

Params = dict[str, str | int]


@dataclass(frozen=True)
class Timeouts:
    connect: float | None
    read: float | None


@dataclass(frozen=True)
class Reply:
    status: int
    content_type: str
    body: bytes


class TransportTimeout(Exception):
    """No answer in time (connecting or reading)."""


class TransportError(Exception):
    """No usable answer: refused, dropped, or a body that cannot be decoded."""


class Transport(Protocol):
    async def send(
        self,
        method: str,
        url: str,
        headers: dict[str, str],
        params: Params | None,
        form: Params | None,
        timeouts: Timeouts,
    ) -> Reply: ...

    async def aclose(self) -> None: ...


class AiohttpTransport:
    """One aiohttp session, made on the first call (aiohttp binds a session to the event loop
    it is made in); the TLS context is made now, so that the first call does not wait for the CA
    bundle to load. At most ``connections`` at once; the rest wait in aiohttp's connector.

    One session calls TrackingTime for every user of the process: a cookie set in one user's
    answer must never go out with another user's call, so it keeps none.
    """

    def __init__(self, connections: int) -> None:
        self._connections = connections
        self._tls = httpx.create_ssl_context()
        self._session: aiohttp.ClientSession | None = None

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._connections, ssl=self._tls),
                cookie_jar=aiohttp.DummyCookieJar(),
            )
        return self._session

    async def send(
        self,
        method: str,
        url: str,
        headers: dict[str, str],
        params: Params | None,
        form: Params | None,
        timeouts: Timeouts,
    ) -> Reply:
        try:
            async with self._client().request(
                method,
                url,
                params={k: str(v) for k, v in (params or {}).items()},
                data={k: str(v) for k, v in form.items()} if form is not None else None,
                headers=headers,
                allow_redirects=False,
                timeout=aiohttp.ClientTimeout(
                    sock_connect=timeouts.connect, sock_read=timeouts.read
                ),
            ) as response:
                body = await response.read()
                return Reply(response.status, response.headers.get("Content-Type", ""), body)
        except TimeoutError as error:  # aiohttp's timeouts are TimeoutErrors
            raise TransportTimeout(type(error).__name__) from None
        except aiohttp.ClientError as error:  # refused, dropped, a body that fails to decode
            raise TransportError(f"{type(error).__name__}: {error}") from None

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()


class HttpxTransport:
    """An httpx transport (such as ``httpx.MockTransport``) used as a :class:`Transport`."""

    def __init__(self, transport: httpx.AsyncBaseTransport) -> None:
        self._transport = transport

    async def send(
        self,
        method: str,
        url: str,
        headers: dict[str, str],
        params: Params | None,
        form: Params | None,
        timeouts: Timeouts,
    ) -> Reply:
        request = httpx.Request(
            method,
            url,
            params=params,
            data=form,
            headers=headers,
            extensions={"timeout": {"connect": timeouts.connect, "read": timeouts.read}},
        )
        try:
            response = await self._transport.handle_async_request(request)
            try:
                body = await response.aread()
            finally:
                await response.aclose()
        except httpx.TimeoutException as error:
            raise TransportTimeout(type(error).__name__) from None
        except httpx.RequestError as error:  # transport errors, and a body that fails to decode
            raise TransportError(f"{type(error).__name__}: {error}") from None
        return Reply(response.status_code, response.headers.get("content-type", ""), body)

    async def aclose(self) -> None:
        await self._transport.aclose()
