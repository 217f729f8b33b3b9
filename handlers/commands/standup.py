"""``/track standup``: turn on or off the offer to log what the user posts in a channel."""

from __future__ import annotations

from bot.blocks.messages import not_linked
from bot.blocks.standup import (
    standup_off_message,
    standup_on_message,
    standup_status_message,
    standup_too_many_message,
)
from bot.commands import Standup
from handlers.commands.request import TrackRequest


async def standup(request: TrackRequest, command: Standup) -> None:
    link = await request.link()
    if link is None:
        await request.reply(not_linked())
        return
    store, key = request.services.standup, request.key
    if command.off:
        stopped = 0
        for channel_id in command.channels or (None,):
            stopped += await store.remove(key, channel_id)
        await request.reply(standup_off_message(stopped, command.channels))
    elif not command.channels:
        await request.reply(standup_status_message(await store.channels(key)))
    elif await store.add(key, command.channels, request.services.drafts.now()):
        await request.reply(standup_on_message(await store.channels(key)))
    else:
        await request.reply(standup_too_many_message())
