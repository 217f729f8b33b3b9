"""Choosing the TrackingTime workspace to track in (after connecting, or ``/track account``)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks import Message, ids
from bot.blocks.views import (
    failure_modal,
    picker_to_switch,
    single_workspace_modal,
    workspace_chosen_modal,
    workspace_modal,
    workspaces_from_metadata,
)
from bot.digits import parse_id
from bot.services.container import Services
from bot.storage import SlackUserKey
from bot.trackingtime import Workspace
from handlers.common import reporting_failures, services, user_key
from handlers.home import publish_home
from handlers.views.state import input_value

TITLE = "TrackingTime workspace"
NOT_CONNECTED = "You're not connected to TrackingTime. Connect first with `/track connect`."


async def show_workspace_picker(
    client: AsyncWebClient, services: Services, key: SlackUserKey, view_id: str
) -> None:
    """Replace an open (loading) modal with the user's workspaces."""

    async def show_error(message: Message) -> None:
        await client.views_update(view_id=view_id, view=failure_modal(TITLE, message.text))

    async with reporting_failures(show_error):
        link = await services.accounts.get(key)
        if link is None:
            await client.views_update(view_id=view_id, view=failure_modal(TITLE, NOT_CONNECTED))
            return
        workspaces = await services.linking.workspaces(link)
        if len(workspaces) == 1:
            view = single_workspace_modal(workspaces[0].company)
        else:
            view = workspace_modal(
                workspaces, link.account_id, picker_to_switch(link.workspace_name)
            )
        await client.views_update(view_id=view_id, view=view)


async def workspace_submission(
    ack: AsyncAck, view: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    chosen = (input_value(view, ids.WORKSPACE_INPUT).get("selected_option") or {}).get("value")
    offered = workspaces_from_metadata(view.get("private_metadata") or "")
    account_id = parse_id(chosen)
    if account_id is None or account_id not in offered:
        await ack(
            response_action="errors",
            errors={ids.WORKSPACE_INPUT[0]: "Choose one of the listed workspaces."},
        )
        return
    name = offered[account_id]
    await ack(response_action="update", view=workspace_chosen_modal(name))

    async def show_error(message: Message) -> None:
        await client.views_update(view_id=view["id"], view=failure_modal(TITLE, message.text))

    async with reporting_failures(show_error):
        svc, key = services(context), user_key(context)
        chose = await svc.linking.choose_workspace(key, Workspace(account_id, name))
        if not chose:
            await client.views_update(view_id=view["id"], view=failure_modal(TITLE, NOT_CONNECTED))
            return
        await publish_home(client, svc, key)
