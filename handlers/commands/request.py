"""One ``/track`` invocation, as the subcommand handlers see it."""

from __future__ import annotations

from dataclasses import dataclass

from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks import Message
from bot.services.container import Services
from bot.storage import Link, SlackUserKey
from handlers.common import current_link, reply


@dataclass(frozen=True)
class TrackRequest:
    key: SlackUserKey
    services: Services
    respond: AsyncRespond
    client: AsyncWebClient
    trigger_id: str
    channel_id: str | None = None

    async def reply(self, message: Message) -> None:
        await reply(self.respond, message)

    async def link(self) -> Link | None:
        return await current_link(self.client, self.services, self.key)
