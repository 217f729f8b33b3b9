"""Publishing a user's App Home tab: when they open it, and after every change they make."""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks import Message
from bot.blocks.home import home_view
from bot.crypto import UnreadableSecret
from bot.services.container import Services
from bot.services.home import HomeState
from bot.storage import SlackUserKey
from bot.trackingtime.timefmt import zone_or_utc
from handlers.common import UNREADABLE_LINK

log = logging.getLogger(__name__)


async def publish_home(
    client: AsyncWebClient,
    services: Services,
    key: SlackUserKey,
    *,
    notice: Message | None = None,
) -> None:
    """Build the user's Home tab (with ``notice`` at the top: the answer to a button pressed
    there) and publish it. Never raises: a refresh follows another action (a start, a stop, a
    saved setting) that has already succeeded and been answered, and its failure must not turn
    that success into an error. Failures are logged."""
    try:
        try:
            # The stored zone: the user's own requests keep it in step with Slack (current_link),
            # and a refresh, which follows them, would only spend users.info's rate limit.
            link = await services.accounts.get(key)
        except UnreadableSecret:
            state = HomeState(error=UNREADABLE_LINK)  # the not-linked Home offers Connect
            zone = zone_or_utc(None)
        else:
            state = await services.home.state(link)
            zone = zone_or_utc(link.time_zone if link else None)
        await client.views_publish(user_id=key.user_id, view=home_view(state, zone, notice))
    except SlackApiError as error:
        log.warning("Home tab not published: %s", error.response.get("error"))
    except Exception:
        log.exception("Home tab not published")
