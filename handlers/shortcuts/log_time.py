"""Both shortcuts open the Log-time modal; the message one puts the message in the notes."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.format import truncate
from handlers.common import services, user_key
from handlers.log_modal import link_or_connect, open_log_modal

log = logging.getLogger(__name__)
QUOTE_LIMIT = 500  # of the message's text, in the notes


async def log_time_shortcut(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    await ack()
    svc = services(context)
    link = await link_or_connect(client, svc, user_key(context), body["trigger_id"])
    if link is None:
        return
    await open_log_modal(client, svc, link, body["trigger_id"])


async def log_message_shortcut(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    await ack()
    svc = services(context)
    link = await link_or_connect(client, svc, user_key(context), body["trigger_id"])
    if link is None:
        return
    message = body.get("message") or {}
    channel_id = (body.get("channel") or {}).get("id")
    text = " ".join(str(message.get("text") or "").split())
    permalink = await _permalink(client, channel_id, message.get("ts"))
    notes = "\n".join(part for part in (truncate(text, QUOTE_LIMIT), permalink) if part)
    await open_log_modal(
        client,
        svc,
        link,
        body["trigger_id"],
        channel_id=channel_id,
        notes=notes,
        note="Logging time for a message; its text and link are in the notes.",
    )


async def _permalink(client: AsyncWebClient, channel_id: str | None, ts: str | None) -> str:
    """The message's link (a thread reply's link keeps its thread), or "" when Slack won't say."""
    if not channel_id or not ts:
        return ""
    try:
        response = await client.chat_getPermalink(channel=channel_id, message_ts=ts)
    except SlackApiError as error:
        log.info("no permalink: %s", error.response.get("error"))
        return ""
    return str(response.get("permalink") or "")
