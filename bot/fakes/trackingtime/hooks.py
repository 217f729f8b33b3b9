"""Webhooks of the fake TrackingTime: which entry changes are announced, and how the posts go out.

Every change to a time entry, through the API or a seeding method, is announced to the
account's webhooks that asked for it: ``event.created`` (a timer started, an entry added),
``event.updated`` (a timer stopped, an entry changed) and ``event.deleted`` (a name this fake
assumes). The body is ``{"event": <name>, "data": <the event, as the API shows it>}``, posted as
JSON with no signature (none is documented). Posts go out in the background from the server's
event loop once the change is made: the API's answer never waits for them, a failed post is
not tried again, and every post is recorded as a :class:`WebhookDelivery` for tests.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx

from bot.fakes.trackingtime.model import Event, Webhook
from bot.fakes.trackingtime.render import event_json
from bot.fakes.trackingtime.state import State

CREATED = "event.created"
UPDATED = "event.updated"
DELETED = "event.deleted"
HOOK_EVENTS = (CREATED, UPDATED, DELETED)
POST_TIMEOUT = 5.0


@dataclass(frozen=True)
class WebhookDelivery:
    """One webhook post: where it went, what it said, and the HTTP status it got (``None``,
    with ``error``, when it got no answer)."""

    hook_id: int
    url: str
    body: dict[str, Any]
    status: int | None
    error: str
    time: float


def announce(state: State, name: str, event: Event) -> None:
    """Queue ``name`` about ``event`` for the account's webhooks that asked for it."""
    hooks = [
        hook
        for hook in state.hooks.values()
        if hook.account_id == event.account_id and name in hook.events
    ]
    if hooks:
        body = {"event": name, "data": event_json(state, event)}
        state.outbox.extend((hook, body) for hook in hooks)


def hook_json(hook: Webhook) -> dict[str, Any]:
    return {
        "id": hook.id,
        "url": hook.url,
        "events": ",".join(hook.events),
        "grouped": False,
        "secret": hook.secret,
        "is_active": True,
        "created_at": hook.created_at,
    }


class HookSender:
    """Posts webhook bodies on the server's event loop (made and closed by its lifespan), from
    whatever thread the change was made on."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._deliveries: list[WebhookDelivery] = []
        self._generation = 0  # posts of before a reset are not recorded after it
        self._loop: asyncio.AbstractEventLoop | None = None
        self._client: httpx.AsyncClient | None = None
        self._posting: set[asyncio.Task[None]] = set()

    @asynccontextmanager
    async def lifespan(self, _: object) -> AsyncIterator[None]:
        self._client = httpx.AsyncClient(timeout=POST_TIMEOUT, trust_env=False)
        self._loop = asyncio.get_running_loop()
        try:
            yield
        finally:
            self._loop = None
            for task in list(self._posting):
                task.cancel()
            await self._client.aclose()

    def send(self, posts: list[tuple[Webhook, dict[str, Any]]]) -> None:
        """Start posting ``posts``; returns at once."""
        with self._lock:
            generation = self._generation
        for hook, body in posts:
            loop = self._loop
            try:
                if loop is None:
                    raise RuntimeError("the fake is not being served")
                loop.call_soon_threadsafe(self._start, hook, body, generation)
            except RuntimeError as exc:  # not served, or the loop closed meanwhile
                self._record(generation, hook, body, None, str(exc))

    def _start(self, hook: Webhook, body: dict[str, Any], generation: int) -> None:
        task = asyncio.get_running_loop().create_task(self._post(hook, body, generation))
        self._posting.add(task)
        task.add_done_callback(self._posting.discard)

    async def _post(self, hook: Webhook, body: dict[str, Any], generation: int) -> None:
        assert self._client is not None
        try:
            response = await self._client.post(hook.url, json=body)
        except httpx.HTTPError as exc:
            self._record(generation, hook, body, None, f"{type(exc).__name__}: {exc}")
        else:
            self._record(generation, hook, body, response.status_code, "")

    def _record(
        self,
        generation: int,
        hook: Webhook,
        body: dict[str, Any],
        status: int | None,
        error: str,
    ) -> None:
        with self._lock:
            if generation == self._generation:
                delivery = WebhookDelivery(hook.id, hook.url, body, status, error, time.time())
                self._deliveries.append(delivery)

    def reset(self) -> None:
        with self._lock:
            self._generation += 1
            self._deliveries.clear()

    def deliveries(self) -> list[WebhookDelivery]:
        with self._lock:
            return list(self._deliveries)

    def wait(self, count: int, timeout: float) -> list[WebhookDelivery]:
        """The deliveries once there are ``count`` of them (AssertionError after ``timeout``)."""
        deadline = time.monotonic() + timeout
        while len(done := self.deliveries()) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{len(done)} webhook deliveries, not {count}: {done}")
            time.sleep(0.01)
        return done
