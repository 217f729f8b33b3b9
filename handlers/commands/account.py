"""``/track connect``, ``disconnect`` and ``account``."""

from __future__ import annotations

from bot.blocks.messages import disconnected_message
from bot.blocks.views import connect_modal, loading_modal
from bot.commands import Connect, Disconnect, SwitchAccount
from handlers.commands.request import TrackRequest
from handlers.home import publish_home
from handlers.views.workspace import show_workspace_picker


async def connect(request: TrackRequest, _: Connect) -> None:
    # The trigger id expires three seconds after the command: open the modal before anything else.
    await request.client.views_open(trigger_id=request.trigger_id, view=connect_modal())


async def disconnect(request: TrackRequest, _: Disconnect) -> None:
    was_linked = await request.services.linking.disconnect(request.key)
    await request.reply(disconnected_message(was_linked))
    await publish_home(request.client, request.services, request.key)


async def switch_account(request: TrackRequest, _: SwitchAccount) -> None:
    # The workspaces come from TrackingTime, which may be slow: open a loading modal first.
    opened = await request.client.views_open(
        trigger_id=request.trigger_id,
        view=loading_modal("TrackingTime workspace", "Loading your TrackingTime workspaces…"),
    )
    await show_workspace_picker(request.client, request.services, request.key, opened["view"]["id"])
