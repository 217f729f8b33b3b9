"""Opening the Edit form, from an entry's menu and from ``/track edit last``.

It opens at once (the trigger id lasts three seconds) with a line saying it is loading, and is
filled in when TrackingTime has said what the entry is (and whose: an entry of someone else is
never shown). The project and task lists are fetched meanwhile, so typeahead answers quickly.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.edit import declined_message, edit_metadata, edit_modal
from bot.blocks.views import failure_modal, loading_modal
from bot.services.container import Services
from bot.services.editing import Declined
from bot.storage import Link
from bot.trackingtime import Event, TrackingTimeError
from bot.trackingtime.timefmt import zone_or_utc

log = logging.getLogger(__name__)

TITLE = "Edit entry"
NOTHING_TO_EDIT = "Nothing is tracked today or yesterday, so there is nothing to edit yet."


async def open_edit_modal(
    client: AsyncWebClient,
    services: Services,
    link: Link,
    trigger_id: str,
    entry: Callable[[], Awaitable[Event | Declined | None]],
    *,
    channel_id: str | None,
    in_home: bool,
) -> None:
    """Open the form, then fill it with what ``entry()`` finds (once TrackingTime has said)."""
    opened = await client.views_open(
        trigger_id=trigger_id,
        view=loading_modal(TITLE, "Getting the entry from TrackingTime…"),
    )
    view = opened["view"]
    zone = zone_or_utc(link.time_zone)
    # return_exceptions: a failed call must not leave the other running unobserved. The lists
    # only warm typeahead's cache; without them it asks TrackingTime itself.
    found, lists = await asyncio.gather(
        entry(), services.catalogue.lists(link), return_exceptions=True
    )
    for outcome in (found, lists):
        if isinstance(outcome, BaseException) and not isinstance(outcome, TrackingTimeError):
            raise outcome
    if isinstance(found, TrackingTimeError):
        filled = failure_modal(TITLE, found.user_message)
    elif isinstance(found, Event):
        filled = edit_modal(found, zone, edit_metadata(found, zone, channel_id, in_home))
    else:
        text = NOTHING_TO_EDIT if found is None else declined_message(found).text
        filled = failure_modal(TITLE, text)
    try:
        # The hash makes Slack refuse the update if the user has moved on (closed it).
        await client.views_update(view_id=view["id"], hash=view.get("hash"), view=filled)
    except SlackApiError as error:
        log.info("edit modal not filled: %s", error.response.get("error"))
