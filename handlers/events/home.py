"""The user opened the app's Home tab: show it as it is now."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from handlers.common import services, user_key
from handlers.home import publish_home


async def app_home_opened(
    event: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    # The same event comes for the Messages tab, which has nothing to publish.
    if event.get("tab") == "home":
        await publish_home(client, services(context), user_key(context))
