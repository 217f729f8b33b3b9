"""``/track edit`` (the latest entries, or the Edit form for the last one), ``/track note`` and
``/track continue``."""

from __future__ import annotations

from bot.blocks.edit import (
    entries_message,
    no_timer_for_notes_message,
    notes_set_message,
    nothing_to_continue_message,
)
from bot.blocks.messages import not_linked, started_message
from bot.commands import Continue, EditEntries, Note
from bot.services.timers import NothingRunning, NothingToContinue
from bot.trackingtime.timefmt import zone_or_utc
from handlers.commands.request import TrackRequest
from handlers.edit_modal import open_edit_modal
from handlers.home import publish_home


async def edit(request: TrackRequest, command: EditEntries) -> None:
    link = await request.link()
    if link is None:
        await request.reply(not_linked())
        return
    if command.last:
        await open_edit_modal(
            request.client,
            request.services,
            link,
            request.trigger_id,
            lambda: request.services.editing.latest_entry(link),
            channel_id=request.channel_id,
            in_home=False,
        )
        return
    latest = await request.services.editing.latest(link)
    await request.reply(entries_message(latest, zone_or_utc(link.time_zone)))


async def note(request: TrackRequest, command: Note) -> None:
    link = await request.link()
    if link is None:
        await request.reply(not_linked())
        return
    outcome = await request.services.timers.set_notes(link, command.text, command.append)
    if isinstance(outcome, NothingRunning):
        await request.reply(no_timer_for_notes_message())
        return
    await request.reply(notes_set_message(outcome, zone_or_utc(link.time_zone)))
    await publish_home(request.client, request.services, request.key)


async def continue_(request: TrackRequest, _: Continue) -> None:
    link = await request.link()
    if link is None:
        await request.reply(not_linked())
        return
    outcome = await request.services.timers.continue_last(link)
    if isinstance(outcome, NothingToContinue):
        await request.reply(nothing_to_continue_message())
        return
    await request.reply(started_message(outcome, zone_or_utc(link.time_zone)))
    await publish_home(request.client, request.services, request.key)
