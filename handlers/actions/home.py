"""The Home tab's own buttons: Disconnect and Edit settings."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.settings import settings_modal
from bot.blocks.views import connect_modal
from handlers.common import reporting_privately, services, user_key
from handlers.home import publish_home


async def disconnect(ack: AsyncAck, context: AsyncBoltContext, client: AsyncWebClient) -> None:
    """Slack asked "Disconnect TrackingTime?" before sending this: delete, then show the Home
    as it is now (not connected), which is the confirmation."""
    await ack()
    svc, key = services(context), user_key(context)
    async with reporting_privately(client, key.user_id):
        await svc.linking.disconnect(key)
        await publish_home(client, svc, key)


async def open_settings(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    await ack()
    key = user_key(context)
    async with reporting_privately(client, key.user_id):
        link = await services(context).accounts.get(key)
        if link is None:  # disconnected meanwhile: connecting is the useful next step
            await client.views_open(trigger_id=body["trigger_id"], view=connect_modal())
            return
        # In a message (a DM), confirm there; in the Home tab the refreshed Home confirms.
        channel_id = (body.get("channel") or {}).get("id") or ""
        view = settings_modal(link.settings, channel_id, services(context).status.offer(link))
        await client.views_open(trigger_id=body["trigger_id"], view=view)
