"""How much work one web process takes on at once, and what Slack is told when it takes no more.

Bolt answers Slack (the ack) and then runs the rest of a listener as a task of its own, with no
bound: under a burst, acks keep coming at hundreds a second while replies finish far slower, and
the backlog grows in memory until everything waits on a database or HTTP pool and fails. Here a
request is admitted only while fewer than ``limit`` listeners are still running; the excess is
answered at once with a plain "busy, try again in a minute", before Bolt parses it, so that a
flood costs next to nothing. What a user submitted (a time entry, a form, a button they pressed)
has ``reserve`` places more, so a flood of status checks does not turn away the entries being
logged; a form turned away stays open with the message on its first field, so nothing typed is
lost.

A listener counts from the moment Bolt starts it until it returns, reply and all (Bolt's
listener start and completion handlers), so the count is exactly the work in flight.

Of the listeners admitted, only ``running`` go on past their ack at once; the others wait their
turn (first come, first served) right after acking, before any database or TrackingTime call.
Admitting many absorbs a burst; running few keeps the event loop quick, so that a database
connection or a TrackingTime call is never held for long while a thousand other tasks take
their turn (a pooled connection is held across several trips through the loop, and with every
admitted request running at once those trips grew to a third of a second each, until requests
timed out waiting for a connection).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.listener.async_listener_completion_handler import (
    AsyncListenerCompletionHandler,
)
from slack_bolt.listener.async_listener_start_handler import AsyncListenerStartHandler
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from bot.blocks.messages import BUSY_TEXT, busy_command_text
from bot.commands import Help, Invalid, Report, Status, Unknown, parse_command
from bot.metrics import WORK_SECONDS

log = logging.getLogger(__name__)

# What a /track command only reads: turned away first when the process is full.
READS = (Status, Report, Help, Unknown, Invalid)
SUBMISSIONS = ("view_submission", "block_actions", "shortcut", "message_action")
# One warning line per this many requests turned away, not one per request.
LOG_EVERY = 100


@dataclass
class WorkLimit:
    """The listeners in this process, against its limits."""

    limit: int
    reserve: int
    running: int
    in_flight: int = 0
    turned_away: int = 0

    def __post_init__(self) -> None:
        self.turns = asyncio.Semaphore(self.running)
        self.idle = asyncio.Event()  # no listener running (what stopping waits for)
        self.idle.set()

    def started(self) -> None:
        self.in_flight += 1
        self.idle.clear()

    def finished(self) -> None:
        self.in_flight -= 1
        if not self.in_flight:
            self.idle.set()

    @property
    def full(self) -> bool:
        """No room for anything but submissions."""
        return self.in_flight >= self.limit

    def admits(self, body: dict[str, Any]) -> bool:
        """Whether to take on the request ``body`` (as Bolt parses it) now."""
        if not self.full:
            return True
        return self.in_flight < self.limit + self.reserve and is_submission(body)

    def turn_away(self) -> None:
        self.turned_away += 1
        if self.turned_away % LOG_EVERY == 1:
            log.warning(
                "busy: %d listeners running; %d requests turned away so far",
                self.in_flight,
                self.turned_away,
            )


# Where a request's arrival time and kind wait in Bolt's context for its listener's end.
RECEIVED = "received_at"
KIND = "request_kind"


def request_kind(body: dict[str, Any]) -> str:
    """What a request is, in a few words from a fixed set (a metric label and a log field):
    ``command:status``, ``block_actions``, ``event:app_home_opened``…"""
    if "command" in body:
        return "command:" + type(parse_command(str(body.get("text") or ""))).__name__.lower()
    kind = str(body.get("type"))
    if kind == "event_callback":
        return f"event:{(body.get('event') or {}).get('type')}"
    return kind


def who_asks(body: dict[str, Any]) -> tuple[str | None, str | None]:
    """The Slack workspace and user a (checked) request comes from, where it says."""
    if "command" in body:
        return body.get("team_id"), body.get("user_id")
    user = body.get("user")
    team = body.get("team")
    if isinstance(user, dict):
        team_id = team.get("id") if isinstance(team, dict) else user.get("team_id")
        return team_id, user.get("id")
    event = body.get("event") if isinstance(body.get("event"), dict) else {}
    return body.get("team_id"), event.get("user") if isinstance(event.get("user"), str) else None


def is_submission(body: dict[str, Any]) -> bool:
    """Whether the request carries something the user did or typed, rather than a read."""
    if "command" in body:
        return not isinstance(parse_command(str(body.get("text") or "")), READS)
    return body.get("type") in SUBMISSIONS


def _first_input_block(view: Any) -> str | None:
    blocks = view.get("blocks") if isinstance(view, dict) else None
    for block in blocks if isinstance(blocks, list) else []:
        if isinstance(block, dict) and block.get("type") == "input" and block.get("block_id"):
            return str(block["block_id"])
    return None


def busy_answer(body: dict[str, Any]) -> dict[str, Any] | None:
    """The ack's JSON body for a request turned away: said where Slack shows an ack to the user,
    ``None`` (an empty ack) where it does not."""
    if "command" in body:
        text = busy_command_text(str(body.get("command") or ""), str(body.get("text") or ""))
        return {"response_type": "ephemeral", "text": text}
    kind = body.get("type")
    if kind == "view_submission":
        block_id = _first_input_block(body.get("view"))
        if block_id is not None:  # the modal stays open with what was typed
            return {"response_action": "errors", "errors": {block_id: BUSY_TEXT}}
    if kind == "block_suggestion":
        return {"options": []}
    return None


class TakingTurns(AsyncAck):
    """``ack()`` that answers Slack at once, then waits for the listener's turn to run on."""

    def __init__(self, turns: asyncio.Semaphore) -> None:
        super().__init__()
        self._turns = turns
        self.wait_on_ack = False  # set when the listener starts, unless Bolt acked for it
        self.has_turn = False

    async def take_turn(self) -> None:
        if not self.has_turn:
            await self._turns.acquire()
            self.has_turn = True

    def end_turn(self) -> None:
        if self.has_turn:
            self.has_turn = False
            self._turns.release()

    async def __call__(self, *args: Any, **kwargs: Any) -> BoltResponse:
        response = await super().__call__(*args, **kwargs)
        if self.wait_on_ack:
            await self.take_turn()
        return response


class _Started(AsyncListenerStartHandler):
    def __init__(self, limit: WorkLimit, then: AsyncListenerStartHandler) -> None:
        self._limit, self._then = limit, then

    async def handle(self, request: AsyncBoltRequest, response: BoltResponse | None) -> None:
        self._limit.started()
        ack = request.context.ack
        if isinstance(ack, TakingTurns):
            if ack.response is None:
                ack.wait_on_ack = True  # the listener acks, then waits
            else:
                await ack.take_turn()  # Bolt acked already (events): wait now
        await self._then.handle(request, response)


class _Finished(AsyncListenerCompletionHandler):
    def __init__(self, limit: WorkLimit, then: AsyncListenerCompletionHandler) -> None:
        self._limit, self._then = limit, then

    async def handle(self, request: AsyncBoltRequest, response: BoltResponse | None) -> None:
        self._limit.finished()
        received = request.context.get(RECEIVED)
        if received is not None:
            WORK_SECONDS.labels(request.context.get(KIND)).observe(time.perf_counter() - received)
        ack = request.context.ack
        if isinstance(ack, TakingTurns):
            ack.end_turn()
        await self._then.handle(request, response)


def count_listeners(app: AsyncApp, limit: WorkLimit) -> None:
    """Keep ``limit.in_flight`` equal to the number of ``app``'s listeners started and not
    finished, and let only ``limit.running`` of them go on past their ack at once."""
    runner = app.listener_runner
    runner.listener_start_handler = _Started(limit, runner.listener_start_handler)
    runner.listener_completion_handler = _Finished(limit, runner.listener_completion_handler)

    async def taking_turns(context: AsyncBoltContext, next: Callable[[], Awaitable[Any]]) -> Any:
        context["ack"] = TakingTurns(limit.turns)
        return await next()

    app.use(taking_turns)
