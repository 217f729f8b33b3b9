"""The forgotten-timer reminder's "Keep running" button."""

from __future__ import annotations

from slack_bolt.async_app import AsyncAck, AsyncRespond

from bot.blocks.summary import keep_running_message
from handlers.common import reply


async def keep_running(ack: AsyncAck, respond: AsyncRespond) -> None:
    """Nothing to change: the reminder was claimed once per timer, so it will not come again."""
    await ack()
    await reply(respond, keep_running_message(), replace=True)
