"""Opening the Log-time modal, from ``/track log``, the shortcuts and buttons.

It opens at once (the trigger id lasts three seconds) and is filled in when TrackingTime has
answered: the user's most recent task is preselected, and the project and task lists are fetched
so that typeahead answers quickly.
"""

from __future__ import annotations

import json
import logging
from datetime import date, time
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.log_form import log_modal
from bot.blocks.views import connect_modal
from bot.services.clock import local_day
from bot.services.container import Services
from bot.storage import Link, SlackUserKey
from bot.trackingtime import TrackingTimeError
from bot.trackingtime.timefmt import zone_or_utc

log = logging.getLogger(__name__)


def modal_metadata(link: Link, channel_id: str | None) -> str:
    """What the submission needs without a database look-up: where to confirm, which zone."""
    return json.dumps({"channel": channel_id, "tz": link.time_zone})


async def open_log_modal(
    client: AsyncWebClient,
    services: Services,
    link: Link,
    trigger_id: str,
    *,
    channel_id: str | None = None,
    notes: str = "",
    note: str | None = None,
    day: date | None = None,
    span: tuple[time, time] | None = None,
) -> dict[str, Any]:
    """Open the modal (on ``day``, today unless given; ``span`` fills in From and To), then
    preselect the user's latest task; returns the view as opened."""
    today = day or local_day(services.entries.now(), zone_or_utc(link.time_zone))
    metadata = modal_metadata(link, channel_id)
    opened = await client.views_open(
        trigger_id=trigger_id,
        view=log_modal(today, notes=notes, metadata=metadata, note=note, span=span),
    )
    view: dict[str, Any] = opened["view"]
    try:
        task = await services.entries.recent_task(link)
    except TrackingTimeError as error:
        log.info("log modal left unfilled: %s", type(error).__name__)
        return view
    if task is None:
        return view
    filled = log_modal(today, notes=notes, metadata=metadata, note=note, task=task, span=span)
    try:
        # The hash makes Slack refuse the update if the user has moved on (submitted, pushed).
        await client.views_update(view_id=view["id"], hash=view.get("hash"), view=filled)
    except SlackApiError as error:
        log.info("log modal not filled: %s", error.response.get("error"))
    return view


async def link_or_connect(
    client: AsyncWebClient, services: Services, key: SlackUserKey, trigger_id: str
) -> Link | None:
    """The user's link; without one, the Connect modal opens instead and ``None`` comes back.

    Shortcuts and Home or DM buttons have no channel to reply in, so connecting is the answer.
    """
    link = await services.accounts.get(key)
    if link is None:
        await client.views_open(trigger_id=trigger_id, view=connect_modal())
    return link
