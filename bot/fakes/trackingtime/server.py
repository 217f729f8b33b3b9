"""The fake TrackingTime's HTTP side: every request goes through one pipeline (record, latency,
injected failure, rate limit, authentication, routing), and the switches that shape it.

Starlette serves one catch-all route for every method; :class:`FakeTrackingTimeServer` runs it
on a free localhost port.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.fakes.server import BackgroundServer
from bot.fakes.trackingtime.hooks import HookSender
from bot.fakes.trackingtime.model import RecordedRequest, User
from bot.fakes.trackingtime.routes import route
from bot.fakes.trackingtime.state import State
from bot.fakes.trackingtime.wire import (
    API_PREFIX,
    FAILURE_KINDS,
    REDACTED,
    SECRET_PARAMS,
    ApiError,
    Reply,
    basic_auth,
    error,
    html,
    rate_limited,
    stringify,
)

if TYPE_CHECKING:
    from bot.fakes.trackingtime.fake import FakeTrackingTime


class FakeTrackingTimeServer(BackgroundServer):
    """A :class:`BackgroundServer` running a :class:`FakeTrackingTime`.

    ``api_url`` is the base URL a client should be configured with
    (``http://127.0.0.1:PORT/api/v4``). :meth:`stop` first wakes any request held by an injected
    ``hang`` so that shutting down never waits for it.
    """

    def __init__(self, fake: FakeTrackingTime) -> None:
        super().__init__(fake.app)
        self.fake = fake

    @property
    def api_url(self) -> str:
        return f"{self.url}{API_PREFIX}"

    def stop(self) -> None:
        self.fake.release_hangs()
        super().stop()


@dataclass
class _Failure:
    kind: str
    times: int
    path_contains: str | None


@dataclass
class _Incoming:
    """A request as the pipeline needs it: its path, credentials and merged parameters (or why
    its body could not be read)."""

    path: str
    authorization: str
    credentials: tuple[str, str] | None
    params: dict[str, str]
    body_error: str | None

    @classmethod
    async def read(cls, request: Request) -> _Incoming:
        params, body_error = await _read_params(request)
        authorization = request.headers.get("authorization") or ""
        return cls(request.url.path, authorization, basic_auth(authorization), params, body_error)


class FakeApi:
    """The request pipeline over a :class:`State`, with the switches tests set.

    Attributes meant to be set directly:

    * ``latency``: seconds awaited before answering every request (never blocks the loop).
    * ``rate_limit_per_second``: when set, a credential (the ``Authorization`` header) gets at most
      that many answered requests in any one-second window; more get HTTP 429.
    * ``hang_seconds``: how long an injected ``hang`` holds a request (30 s by default).
    * ``requests``: every request received, as :class:`RecordedRequest`.

    Control methods are called from the test's thread while the server runs on its own thread
    and loop, so all state sits behind one :class:`threading.Lock` that request handlers only
    hold while not awaiting.
    """

    def __init__(
        self, *, latency: float, rate_limit_per_second: float | None, hang_seconds: float
    ) -> None:
        self.latency = latency
        self.rate_limit_per_second = rate_limit_per_second
        self.hang_seconds = hang_seconds
        self.requests: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self._state = State()
        self._failures: list[_Failure] = []
        self._hang_generation = 0
        self._windows: dict[str, deque[float]] = {}
        self._hooks = HookSender()
        self.app = Starlette(
            routes=[
                Route(
                    "/{path:path}",
                    self._endpoint,
                    methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
                )
            ],
            lifespan=self._hooks.lifespan,
        )

    def _reset_switches(self) -> None:
        """Drop failures, limits and recorded requests, waking held requests (lock held)."""
        self._hang_generation += 1
        self._failures.clear()
        self._windows.clear()
        self.requests.clear()
        self.latency = 0.0
        self.rate_limit_per_second = None
        self._hooks.reset()

    def _send_announcements(self) -> None:
        """Post what the changes just made announced to webhooks (in the background)."""
        with self._lock:
            posts = self._state.take_outbox()
        if posts:
            self._hooks.send(posts)

    # ---- failure switches ---------------------------------------------------------------------

    def fail_next(self, kind: str, times: int = 1, path_contains: str | None = None) -> None:
        """Make the next ``times`` requests (whose path contains ``path_contains``) fail.

        Kinds: ``outage`` (HTTP 502 HTML), ``unavailable`` (HTTP 503 HTML), ``rate_limit`` (HTTP
        429, envelope 429), ``server_error`` (HTTP 200, envelope 500), ``unauthorized_in_body``
        (HTTP 200, envelope 401), ``hang`` (hold the request ``hang_seconds``, then answer
        normally; if woken early by :meth:`reset_failures`/:meth:`release_hangs` or server stop,
        answer HTTP 504 HTML without touching state), ``not_json`` (HTTP 200 HTML page),
        ``answer_lost`` (do what was asked, then answer HTTP 504 HTML, as a gateway that gave up
        waiting for TrackingTime's answer would: the client cannot tell it from an outage).
        Rules queue up; each request consumes the first rule that matches it.
        """
        if kind not in FAILURE_KINDS:
            raise ValueError(
                f"unknown failure kind {kind!r}; expected one of {sorted(FAILURE_KINDS)}"
            )
        if times < 1:
            raise ValueError("times must be at least 1")
        with self._lock:
            self._failures.append(_Failure(kind, times, path_contains))

    def reset_failures(self) -> None:
        """Drop pending injected failures and wake requests held by ``hang``."""
        with self._lock:
            self._failures.clear()
        self.release_hangs()

    def release_hangs(self) -> None:
        """Wake every request currently held by an injected ``hang`` (it answers 504)."""
        with self._lock:
            self._hang_generation += 1

    # ---- the pipeline -------------------------------------------------------------------------

    async def _endpoint(self, request: Request) -> Response:
        """Pipeline: record → latency → injected failure → rate limit → auth → route."""
        incoming = await _Incoming.read(request)
        credentials = incoming.credentials
        record = RecordedRequest(
            method=request.method,
            path=incoming.path,
            params={
                k: (REDACTED if k.lower() in SECRET_PARAMS else v)
                for k, v in incoming.params.items()
            },
            username=credentials[0] if credentials else None,
            time=time.time(),
            user_agent=request.headers.get("user-agent"),
        )
        with self._lock:
            self.requests.append(record)
        reply = await self._answer(incoming)
        record.http_status = reply.http_status
        record.api_status = reply.api_status
        return Response(
            reply.body,
            status_code=reply.http_status,
            media_type=reply.media_type,
            headers=reply.headers,
        )

    async def _answer(self, incoming: _Incoming) -> Reply:
        if self.latency > 0:
            await asyncio.sleep(self.latency)
        failure = self._take_failure(incoming.path)
        if failure == "answer_lost":
            self._carry_out(incoming)
            return html(504)
        if failure is not None:
            if failure == "hang":
                if not await self._hang():
                    return html(504)
            else:
                return _injected(failure)
        return self._carry_out(incoming)

    def _carry_out(self, incoming: _Incoming) -> Reply:
        """Rate limit, authentication, then the route itself; then what it announced to
        webhooks goes out."""
        reply = self._routed(incoming)
        self._send_announcements()
        return reply

    def _routed(self, incoming: _Incoming) -> Reply:
        path = incoming.path
        if self._over_rate_limit(incoming.authorization):
            return rate_limited()
        if not (path == API_PREFIX or path.startswith(API_PREFIX + "/")):
            return error(404, "The requested endpoint doesn't exist")
        with self._lock:
            user = self._authenticate(incoming.credentials)
            if user is None:
                reply = error(401, "Wrong credentials", http_status=401)
                reply.headers["WWW-Authenticate"] = 'Basic realm="TrackingTime"'
                return reply
            if incoming.body_error is not None:
                return error(400, incoming.body_error)
            try:
                return route(self._state, user, path[len(API_PREFIX) :], incoming.params)
            except ApiError as exc:
                return error(exc.status, exc.message)

    def _take_failure(self, path: str) -> str | None:
        with self._lock:
            for rule in self._failures:
                if rule.path_contains is None or rule.path_contains in path:
                    rule.times -= 1
                    if rule.times <= 0:
                        self._failures.remove(rule)
                    return rule.kind
        return None

    async def _hang(self) -> bool:
        """Hold the request; True if the full ``hang_seconds`` elapsed, False if released."""
        with self._lock:
            generation = self._hang_generation
        deadline = time.monotonic() + self.hang_seconds
        while (remaining := deadline - time.monotonic()) > 0:
            if self._hang_generation != generation:
                return False
            await asyncio.sleep(min(0.02, remaining))
        return True

    def _over_rate_limit(self, key: str) -> bool:
        limit = self.rate_limit_per_second
        if limit is None:
            return False
        now = time.monotonic()
        with self._lock:
            window = self._windows.setdefault(key, deque())
            while window and now - window[0] >= 1.0:
                window.popleft()
            if len(window) >= limit:
                return True
            window.append(now)
            return False

    def _authenticate(self, credentials: tuple[str, str] | None) -> User | None:
        if credentials is None:
            return None
        username, password = credentials
        user = self._state.by_password.get(password)
        if user is not None and (username == "API_TOKEN" or username.lower() == user.email.lower()):
            return user
        return None


async def _read_params(request: Request) -> tuple[dict[str, str], str | None]:
    """Merge query string, form body and JSON body (body wins); report a malformed body."""
    params: dict[str, str] = dict(request.query_params)
    raw = await request.body()
    if not raw:
        return params, None
    if request.headers.get("content-encoding", "").lower() == "gzip":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError):
            return params, "The request body is not valid gzip"
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/json":
        try:
            body = json.loads(raw)
        except ValueError:
            return params, "The request body is not valid JSON"
        if not isinstance(body, dict):
            return params, "The JSON body must be an object"
        params.update({str(k): stringify(v) for k, v in body.items()})
    elif content_type == "application/x-www-form-urlencoded":
        text = raw.decode("utf-8", errors="replace")
        params.update(dict(parse_qsl(text, keep_blank_values=True)))
    return params, None


def _injected(kind: str) -> Reply:
    if kind == "outage":
        return html(502)
    if kind == "unavailable":
        return html(503)
    if kind == "not_json":
        return html(200)
    if kind == "rate_limit":
        return rate_limited()
    if kind == "server_error":
        return error(500, "An unexpected error occurred. Please try again later.")
    if kind == "unauthorized_in_body":
        return error(401, "Wrong credentials")
    raise AssertionError(f"unhandled failure kind {kind}")
