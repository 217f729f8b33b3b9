"""The message shortcut "Log entries from message": drafts of every clause with a time in a
message the user wrote, in a form to check and log."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.drafts import no_drafts_modal
from handlers.common import services, user_key
from handlers.drafts_modal import open_drafts_modal
from handlers.log_modal import link_or_connect

NOT_YOURS = (
    "I read drafts only from messages you wrote. To log time for someone else's message, use "
    "the *Log time for message* shortcut: it puts the message in the notes."
)
NOTHING_FOUND = "I found no time in this message to log."


async def log_drafts_shortcut(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    await ack()
    svc, key = services(context), user_key(context)
    trigger_id = body["trigger_id"]
    link = await link_or_connect(client, svc, key, trigger_id)
    if link is None:
        return
    message = body.get("message") or {}
    if message.get("user") != key.user_id:
        await client.views_open(trigger_id=trigger_id, view=no_drafts_modal(NOT_YOURS))
        return
    post = svc.drafts.read(link, str(message.get("text") or ""))
    if not post.drafts:
        await client.views_open(trigger_id=trigger_id, view=no_drafts_modal(NOTHING_FOUND))
        return
    channel_id = (body.get("channel") or {}).get("id")
    thread_ts = message.get("thread_ts")  # a reply in a thread is answered there
    await open_drafts_modal(
        client, svc, link, trigger_id, post.drafts, post.left_alone, channel_id, thread_ts
    )
