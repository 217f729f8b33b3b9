"""Stop, start-this-task and create-and-start buttons; each replaces the message it sits on."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext, AsyncRespond

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
from handlers.common import reply, reporting_failures, services, user_key

STALE_BUTTON = "That button is out of date. Run `/track status` for fresh ones."


async def as_linked_user(
    context: AsyncBoltContext,
    respond: AsyncRespond,
    step: Callable[[Services, Link], Awaitable[Message]],
    *,
    replace: bool = True,
) -> None:
    """Run ``step`` for the clicking user and show its message in place of the one clicked."""

    async def send(message: Message) -> None:
        await reply(respond, message, replace=replace)

    async with reporting_failures(send):
        svc = services(context)
        link = await svc.accounts.get(user_key(context))
        await send(not_linked() if link is None else await step(svc, link))


def button_value(body: dict[str, Any]) -> str:
    return str((body.get("actions") or [{}])[0].get("value") or "")


async def stop_timer(ack: AsyncAck, context: AsyncBoltContext, respond: AsyncRespond) -> None:
    await ack()

    async def step(svc: Services, link: Link) -> Message:
        outcome = await svc.timers.stop(link)
        if isinstance(outcome, NothingRunning):
            return nothing_running_message(outcome)
        return stopped_message(outcome)

    await as_linked_user(context, respond, step)


async def _start_from_button(
    context: AsyncBoltContext,
    respond: AsyncRespond,
    arguments: tuple[Any, ...] | None,
    start: Callable[[Services], Callable[..., Awaitable[Started]]],
) -> None:
    """Start a timer with the arguments a button's value carried (``None``: a stale value)."""

    async def step(svc: Services, link: Link) -> Message:
        if arguments is None:
            return failure(STALE_BUTTON)
        started = await start(svc)(link, *arguments)
        return started_message(started, zone_or_utc(link.time_zone))

    await as_linked_user(context, respond, step)


async def start_task(
    ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, respond: AsyncRespond
) -> None:
    await ack()
    arguments = parse_start_task_value(button_value(body))
    await _start_from_button(context, respond, arguments, lambda svc: svc.timers.start_task)


async def create_and_start(
    ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, respond: AsyncRespond
) -> None:
    await ack()
    arguments = parse_create_task_value(button_value(body))
    await _start_from_button(context, respond, arguments, lambda svc: svc.timers.create_and_start)
