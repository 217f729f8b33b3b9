"""``/track settings``: the daily summary and forgotten-timer settings, in a modal."""

from __future__ import annotations

from bot.blocks.messages import not_linked
from bot.blocks.settings import settings_modal
from bot.commands import SettingsCommand
from handlers.commands.request import TrackRequest


async def settings(request: TrackRequest, _: SettingsCommand) -> None:
    # Only the database before the modal: the trigger id expires three seconds after the command.
    link = await request.services.accounts.get(request.key)
    if link is None:
        await request.reply(not_linked())
        return
    # The channel comes back with the submission, to confirm there.
    await request.client.views_open(
        trigger_id=request.trigger_id,
        view=settings_modal(
            link.settings, request.channel_id or "", request.services.status.offer(link)
        ),
    )
