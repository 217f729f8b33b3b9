"""Opening the drafts form, from the message shortcut and from a channel offer's button.

It opens at once as "Reading your message…" (a trigger id lasts three seconds) and becomes the
form once the user's tasks are known, each draft's task matched among them.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.drafts import drafts_modal
from bot.blocks.views import failure_modal, loading_modal
from bot.logparse import Draft, LeftAlone
from bot.services.container import Services
from bot.storage import Link
from bot.trackingtime import TrackingTimeError
from handlers.common import failure_text

log = logging.getLogger(__name__)


def drafts_metadata(link: Link, channel_id: str | None, thread_ts: str | None, rows: int) -> str:
    """What the submission needs without a database look-up: where to answer (the channel, and
    the thread of a reply), which zone, and how many rows the form has."""
    return json.dumps(
        {"channel": channel_id, "thread": thread_ts, "tz": link.time_zone, "rows": rows}
    )


async def open_drafts_modal(
    client: AsyncWebClient,
    services: Services,
    link: Link,
    trigger_id: str,
    drafts: Sequence[Draft],
    left_alone: Sequence[LeftAlone] = (),
    channel_id: str | None = None,
    thread_ts: str | None = None,
) -> None:
    opened = await client.views_open(
        trigger_id=trigger_id, view=loading_modal("Log from message", "Reading your message…")
    )
    view = opened["view"]
    try:
        rows = await services.drafts.rows(link, drafts)
        metadata = drafts_metadata(link, channel_id, thread_ts, len(rows))
        filled = drafts_modal(rows, left_alone, metadata)
    except TrackingTimeError as error:  # the form never fills in: say why instead of hanging
        log.warning("drafts form not filled: %s", type(error).__name__)
        filled = failure_modal("Log from message", failure_text(error))
    except Exception as error:
        log.exception("drafts form not filled")
        filled = failure_modal("Log from message", failure_text(error))
    try:
        # The hash makes Slack refuse the update if the user has moved on meanwhile.
        await client.views_update(view_id=view["id"], hash=view.get("hash"), view=filled)
    except SlackApiError as error:
        log.info("drafts form not shown: %s", error.response.get("error"))
