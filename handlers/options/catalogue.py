"""Typeahead for projects and tasks, from the user's TrackingTime lists.

The answer to an options request is its acknowledgement, so it must come well inside Slack's
3 s: the lists come from a short-lived cache, and if TrackingTime is too slow to fill it the
answer is what the cache held (or nothing), while the fetch goes on for the next keystroke.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext

from bot.blocks import ids
from bot.blocks.log_form import project_options as project_option_list
from bot.blocks.log_form import task_options as task_option_list
from bot.digits import parse_id
from bot.services.catalogue import Lists, search_projects, search_tasks
from bot.trackingtime import TrackingTimeError
from handlers.common import services, user_key
from handlers.views.state import input_value

log = logging.getLogger(__name__)
DEADLINE_SECONDS = 2.0


async def _lists(context: AsyncBoltContext) -> Lists | None:
    svc = services(context)
    link = await svc.accounts.get(user_key(context))
    if link is None:
        return None
    try:
        return await asyncio.wait_for(svc.catalogue.lists(link), DEADLINE_SECONDS)
    except (TimeoutError, TrackingTimeError) as error:
        log.info("options from cache only: %s", type(error).__name__)
        return svc.catalogue.peek(link)


async def project_options(ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext) -> None:
    lists = await _lists(context)
    found = search_projects(lists.projects, body.get("value") or "") if lists else []
    await ack(options=project_option_list(found))


async def task_options(ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext) -> None:
    lists = await _lists(context)
    chosen = input_value(body.get("view") or {}, ids.LOG_PROJECT_INPUT).get("selected_option")
    project_id = parse_id(chosen.get("value")) if chosen else None
    found = search_tasks(lists.tasks, body.get("value") or "", project_id) if lists else []
    await ack(options=task_option_list(found))
