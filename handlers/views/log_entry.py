"""The Log-time modal's submission: check the fields, close, log, confirm with Undo."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks import Message, ids
from bot.blocks.outcomes import sent_message
from bot.digits import parse_id
from bot.services.entries import Entry, LogForm, Logged, entry_from_form
from bot.storage import Link
from bot.trackingtime.timefmt import zone_or_utc
from handlers.common import for_linked_user, send_privately, services, user_key
from handlers.home import publish_home
from handlers.views.state import input_value


def option_chosen(state: dict[str, Any]) -> tuple[int, str] | None:
    """``(id, label)`` of the option chosen in a select's state; ``None`` when none is."""
    chosen = state.get("selected_option") or {}
    value = parse_id(chosen.get("value"))
    return None if value is None else (value, str(chosen["text"]["text"]))


def _option(view: dict[str, Any], field: tuple[str, str]) -> tuple[int, str] | None:
    return option_chosen(input_value(view, field))


def read_form(view: dict[str, Any]) -> LogForm:
    return LogForm(
        day=input_value(view, ids.LOG_DATE_INPUT).get("selected_date"),
        task=_option(view, ids.LOG_TASK_INPUT),
        project=_option(view, ids.LOG_PROJECT_INPUT),
        start=input_value(view, ids.LOG_START_INPUT).get("selected_time"),
        end=input_value(view, ids.LOG_END_INPUT).get("selected_time"),
        duration=(input_value(view, ids.LOG_DURATION_INPUT).get("value") or "").strip() or None,
        notes=input_value(view, ids.LOG_NOTES_INPUT).get("value") or "",
    )


def read_metadata(view: dict[str, Any]) -> dict[str, Any]:
    """The JSON object a modal carries in ``private_metadata``; ``{}`` for anything else."""
    try:
        metadata = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return {}
    return metadata if isinstance(metadata, dict) else {}


async def log_submission(
    ack: AsyncAck, view: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    metadata = read_metadata(view)
    zone = zone_or_utc(metadata.get("tz"))
    svc = services(context)
    checked = entry_from_form(read_form(view), zone, svc.entries.now())
    if not isinstance(checked, Entry):
        await ack(response_action="errors", errors=checked)
        return
    await ack()
    key = user_key(context)
    channel = metadata.get("channel")

    async def tell(message: Message) -> None:
        await send_privately(client, key.user_id, channel, message)

    async def log(link: Link) -> None:
        outcome = await svc.entries.log_or_keep(link, checked, channel)
        await tell(sent_message(outcome, zone))
        if isinstance(outcome, Logged):
            await publish_home(client, svc, key)

    await for_linked_user(svc, key, tell, log)
