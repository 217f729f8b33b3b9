"""How the TrackingTime client's requests travel: over aiohttp, without httpx's request objects.

A profile of the worker sending many summaries at once put most of its CPU into httpx, the
client's HTTP library until then: its connection pool (httpcore 1.0) walks every pooled connection
and polls each idle socket on every request and every response, so each request costs more the
more are in flight, and its request and response objects (URL parsing, header and cookie
handling) cost as much again. Measured against the fake TrackingTime: 3.3 ms of CPU per request
at 20 requests at once and 6.4 ms at 150 through httpx, about 0.5 ms either way through aiohttp
(already the Slack SDK's HTTP library).

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
    """One aiohttp session (made on first use, in the running loop), at most ``connections``
    requests at a time, connections kept open between requests."""

    def __init__(self, connections: int = 200) -> None:
        self._connections = connections
        self._session: aiohttp.ClientSession | None = None

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._connections)
            self._session = aiohttp.ClientSession(connector=connector)
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
        except aiohttp.ClientError as error:
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
