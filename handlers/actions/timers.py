"""Stop, start-this-task and create-and-start buttons, in messages and in the Home tab."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks import Message
from bot.blocks.messages import (
    failure,
    not_linked,
    nothing_running_message,
    parse_create_task_value,
    parse_start_task_value,
    started_message,
    stopped_message,
)
from bot.services.container import Services
from bot.services.timers import NothingRunning, Started
from bot.storage import Link
from bot.trackingtime.timefmt import zone_or_utc
from handlers.common import reply, reporting_failures, send_privately, services, user_key
from handlers.home import publish_home

STALE_BUTTON = "That button is out of date. Run `/track status` for fresh ones."


@dataclass(frozen=True)
class Click:
    """A button press, with what is needed to answer it where it happened."""

    body: dict[str, Any]
    context: AsyncBoltContext
    client: AsyncWebClient
    respond: AsyncRespond | None  # Bolt gives none without a response_url

    @property
    def in_home(self) -> bool:
        """Pressed in the Home tab (a view): Slack sends no ``response_url`` to reply to."""
        return (self.body.get("container") or {}).get("type") == "view"


async def as_linked_user(
    click: Click,
    step: Callable[[Services, Link], Awaitable[Message]],
    *,
    replace: bool = True,
    refresh_home: bool = True,
) -> None:
    """Run ``step`` for the clicking user and answer where the button was.

    In a message, ``step``'s message replaces it (or follows it, ``replace=False``). In the Home
    tab the refreshed Home is the answer and the message is dropped; a failure (TrackingTime's,
    or ours) still comes, as a direct message, so it is never silent. After a step that went
    through, the Home is published again (last, so the reply is not kept waiting) unless
    ``refresh_home`` is off for a step that changes nothing.
    """
    svc, key = services(click.context), user_key(click.context)

    async def send(message: Message) -> None:
        if click.in_home or click.respond is None:  # nothing to reply to: a direct message
            await send_privately(click.client, key.user_id, None, message)
        else:
            await reply(click.respond, message, replace=replace)

    async with reporting_failures(send):
        link = await svc.accounts.get(key)
        message = not_linked() if link is None else await step(svc, link)
        if not click.in_home:
            await send(message)
        if click.in_home or (refresh_home and link is not None):
            await publish_home(click.client, svc, key)


def button_value(body: dict[str, Any]) -> str:
    return str((body.get("actions") or [{}])[0].get("value") or "")


async def stop_timer(
    ack: AsyncAck,
    body: dict[str, Any],
    context: AsyncBoltContext,
    client: AsyncWebClient,
    respond: AsyncRespond | None,
) -> None:
    await ack()

    async def step(svc: Services, link: Link) -> Message:
        outcome = await svc.timers.stop(link)
        if isinstance(outcome, NothingRunning):
            return nothing_running_message(outcome)
        return stopped_message(outcome)

    await as_linked_user(Click(body, context, client, respond), step)


async def _start_from_button(
    click: Click,
    arguments: tuple[Any, ...] | None,
    start: Callable[[Services], Callable[..., Awaitable[Started]]],
) -> None:
    """Start a timer with the arguments a button's value carried (``None``: a stale value)."""

    async def step(svc: Services, link: Link) -> Message:
        if arguments is None:
            return failure(STALE_BUTTON)
        started = await start(svc)(link, *arguments)
        return started_message(started, zone_or_utc(link.time_zone))

    await as_linked_user(click, step)


async def start_task(
    ack: AsyncAck,
    body: dict[str, Any],
    context: AsyncBoltContext,
    client: AsyncWebClient,
    respond: AsyncRespond | None,
) -> None:
    await ack()
    arguments = parse_start_task_value(button_value(body))
    click = Click(body, context, client, respond)
    await _start_from_button(click, arguments, lambda svc: svc.timers.start_task)


async def create_and_start(
    ack: AsyncAck,
    body: dict[str, Any],
    context: AsyncBoltContext,
    client: AsyncWebClient,
    respond: AsyncRespond | None,
) -> None:
    await ack()
    arguments = parse_create_task_value(button_value(body))
    click = Click(body, context, client, respond)
    await _start_from_button(click, arguments, lambda svc: svc.timers.create_and_start)
