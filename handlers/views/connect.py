"""The App Password modal's submission: verify with TrackingTime, store, confirm."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks import Message, ids
from bot.blocks.views import (
    checking_modal,
    connect_modal,
    connected_modal,
    picker_after_connect,
    workspace_modal,
)
from bot.services.linking import app_password_problem
from bot.trackingtime import InvalidCredentials
from handlers.common import reporting_failures, services, slack_time_zone, user_key
from handlers.home import publish_home
from handlers.views.state import input_value

WRONG_PASSWORD = (
    "TrackingTime did not accept that App Password. Check that you copied all of it, "
    "or create a new one."
)


async def connect_submission(
    ack: AsyncAck, view: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    password = (input_value(view, ids.APP_PASSWORD_INPUT).get("value") or "").strip()
    problem = app_password_problem(password)
    if problem:
        await ack(response_action="errors", errors={ids.APP_PASSWORD_INPUT[0]: problem})
        return
    # TrackingTime may take longer to answer than Slack waits for this ack: show progress now
    # and replace the view once TrackingTime has answered.
    await ack(response_action="update", view=checking_modal())
    view_id = view["id"]

    async def show_error(message: Message) -> None:
        await client.views_update(view_id=view_id, view=connect_modal(error=message.text))

    key = user_key(context)
    async with reporting_failures(show_error):
        time_zone = await slack_time_zone(client, key.user_id) or "UTC"
        try:
            linked = await services(context).linking.connect(key, password, time_zone)
        except InvalidCredentials:
            await client.views_update(view_id=view_id, view=connect_modal(error=WRONG_PASSWORD))
            return
        link = linked.link
        if len(linked.workspaces) > 1:
            intro = picker_after_connect(link.tt_user_name, len(linked.workspaces))
            result = workspace_modal(linked.workspaces, link.account_id, intro)
        else:
            result = connected_modal(link.tt_user_name, link.workspace_name)
        await client.views_update(view_id=view_id, view=result)
        await publish_home(client, services(context), key)
