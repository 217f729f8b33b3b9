"""The worker's direct messages: paced per workspace, and refused ones told apart."""

from __future__ import annotations

import asyncio
import logging

from slack_sdk.errors import SlackApiError

from bot.blocks import Message
from bot.blocks.status import status_turned_off_message
from bot.services.status import StatusService, Tell, status_grant_url
from bot.slack_clients import TeamClients
from bot.storage import SlackUserKey
from bot.storage.status import Problem

log = logging.getLogger(__name__)


class Pacer:
    """Spaces out messages to one workspace, so a fan-out of summaries meets Slack's limits."""

    def __init__(self, per_second: float) -> None:
        self._interval = 1.0 / per_second
        self._next: dict[str, float] = {}

    async def wait(self, team_id: str) -> None:
        loop = asyncio.get_running_loop()
        now = loop.time()
        slot = max(now, self._next.get(team_id, now))
        self._next[team_id] = slot + self._interval
        if slot > now:
            await asyncio.sleep(slot - now)


class Messenger:
    def __init__(self, clients: TeamClients, per_second: float) -> None:
        self.clients = clients
        self._pacer = Pacer(per_second)

    async def send(self, key: SlackUserKey, message: Message) -> bool:
        """A direct message, paced per workspace; ``False`` when Slack refused it."""
        await self._pacer.wait(key.team_id)
        try:
            client = await self.clients.for_team(key.enterprise_id, key.team_id)
            if client is None:  # the app has left that workspace
                return False
            await client.chat_postMessage(channel=key.user_id, **message.to_dict())
        except SlackApiError as error:
            log.warning("could not DM %s: %s", key.user_id, error.response.get("error"))
            return False
        return True


def status_teller(messenger: Messenger, status: StatusService) -> Tell:
    """How a user is told that the app stopped keeping their Slack status (once: the sync is
    off from then on, until they turn it on again)."""

    async def tell(key: SlackUserKey, problem: Problem) -> None:
        availability = status.availability
        url = status_grant_url(availability.public_url, key.team_id)
        await messenger.send(
            key, status_turned_off_message(problem, url if availability.available else "")
        )

    return tell
