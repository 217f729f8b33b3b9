"""Stop, start-this-task, create-and-start and Continue buttons, in messages and in the Home."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from bot.blocks import Message
from bot.blocks.edit import nothing_to_continue_message
from bot.blocks.messages import (
    failure,
    nothing_running_message,
    parse_create_task_value,
    parse_start_task_value,
    started_message,
    stopped_message,
)
from bot.services.container import Services
from bot.services.timers import NothingRunning, NothingToContinue, Started
from bot.storage import Link
from bot.trackingtime.timefmt import zone_or_utc
from handlers.actions.clicks import STALE_BUTTON, Click, on_click


async def _stop(_: Click, svc: Services, link: Link) -> Message:
    outcome = await svc.timers.stop(link)
    if isinstance(outcome, NothingRunning):
        return nothing_running_message(outcome)
    return stopped_message(outcome)


def _start_from_value(
    parse: Callable[[str], tuple[Any, ...] | None],
    start: Callable[[Services], Callable[..., Awaitable[Started]]],
) -> Callable[[Click, Services, Link], Awaitable[Message]]:
    """A step that starts a timer with the arguments ``parse`` reads from the button's value."""

    async def step(click: Click, svc: Services, link: Link) -> Message:
        arguments = parse(click.value)
        if arguments is None:
            return failure(STALE_BUTTON)
        started = await start(svc)(link, *arguments)
        return started_message(started, zone_or_utc(link.time_zone))

    return step


async def _continue(_: Click, svc: Services, link: Link) -> Message:
    outcome = await svc.timers.continue_last(link)
    if isinstance(outcome, NothingToContinue):
        return nothing_to_continue_message()
    return started_message(outcome, zone_or_utc(link.time_zone))


stop_timer = on_click(_stop)
start_task = on_click(_start_from_value(parse_start_task_value, lambda s: s.timers.start_task))
create_and_start = on_click(
    _start_from_value(parse_create_task_value, lambda s: s.timers.create_and_start)
)
continue_timer = on_click(_continue)
