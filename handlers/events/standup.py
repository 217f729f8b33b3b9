"""A message posted in a channel the app is in: if its author asked for it there (``/track
standup #channel``), offer them alone to log the entries it holds.

Slack sends every message of every channel the app is in; each costs one indexed look-up, and
only a post whose author turned offers on there is read. Its text is read in memory and never
stored or logged.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncBoltContext
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.drafts import offer_message
from bot.storage import SlackUserKey
from handlers.common import services

log = logging.getLogger(__name__)

# A person's post: a plain message, one also sent to the channel from a thread, one with files.
# Edits, deletions, joins and bots' messages come with other subtypes (or a bot_id).
READ_SUBTYPES = (None, "thread_broadcast", "file_share")


async def message_posted(
    event: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    if event.get("subtype") not in READ_SUBTYPES or event.get("bot_id"):
        return
    user, channel, ts = event.get("user"), event.get("channel"), event.get("ts")
    text = event.get("text")
    if not (isinstance(user, str) and isinstance(channel, str) and isinstance(ts, str)):
        return
    if not isinstance(text, str) or not text.strip():
        return
    key = SlackUserKey(context.enterprise_id or None, context.team_id or "", user)
    offer = await services(context).drafts.offer(key, channel, ts, text)
    message = offer_message(offer.drafts, offer.today) if offer is not None else None
    if message is None:
        return
    try:
        await client.chat_postEphemeral(
            channel=channel, user=user, thread_ts=event.get("thread_ts"), **message.to_dict()
        )
    except SlackApiError as error:
        log.warning("drafts offer not shown: %s", error.response.get("error"))
