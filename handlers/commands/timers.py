"""``/track status``, ``start`` and ``stop``."""

from __future__ import annotations

from bot.blocks.messages import (
    choose_task_message,
    no_match_message,
    not_linked,
    nothing_running_message,
    started_message,
    status_message,
    stopped_message,
)
from bot.commands import Start, Status, Stop
from bot.services.matching import Choose, NoMatch
from bot.services.timers import NothingRunning
from bot.trackingtime.timefmt import zone_or_utc
from handlers.commands.request import TrackRequest
from handlers.home import publish_home


async def status(request: TrackRequest, _: Status) -> None:
    link = await request.link()
    if link is None:
        await request.reply(not_linked())
        return
    result = await request.services.timers.status(link)
    await request.reply(status_message(result, zone_or_utc(link.time_zone)))


async def start(request: TrackRequest, command: Start) -> None:
    link = await request.link()
    if link is None:
        await request.reply(not_linked())
        return
    outcome = await request.services.timers.start(link, command.words, command.notes)
    if isinstance(outcome, Choose):
        await request.reply(choose_task_message(outcome))
    elif isinstance(outcome, NoMatch):
        await request.reply(no_match_message(outcome))
    else:
        await request.reply(started_message(outcome, zone_or_utc(link.time_zone)))
        await publish_home(request.client, request.services, request.key)


async def stop(request: TrackRequest, _: Stop) -> None:
    link = await request.link()
    if link is None:
        await request.reply(not_linked())
        return
    outcome = await request.services.timers.stop(link)
    if isinstance(outcome, NothingRunning):
        await request.reply(nothing_running_message(outcome))
    else:
        await request.reply(stopped_message(outcome))
        await publish_home(request.client, request.services, request.key)
