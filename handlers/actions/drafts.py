"""Buttons of drafts and gaps: an offer's *Review and log*, *Undo all* on drafts logged, and
*Log this* on an untracked stretch of a working day."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks import Message
from bot.blocks.drafts import (
    no_drafts_modal,
    parse_offer_value,
    parse_undo_value,
    undone_all_message,
)
from bot.blocks.gaps import parse_gap_value
from bot.blocks.messages import failure
from bot.services.container import Services
from bot.storage import Link
from handlers.actions.clicks import STALE_BUTTON, Click, on_click
from handlers.common import services, user_key
from handlers.drafts_modal import open_drafts_modal
from handlers.log_modal import link_or_connect, open_log_modal

OFFER_OUT_OF_DATE = "These drafts are out of date. Use the *Log entries from message* shortcut."


async def open_drafts(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    """The offer's button: the drafts it carries, in the form."""
    await ack()
    svc = services(context)
    trigger_id = body["trigger_id"]
    link = await link_or_connect(client, svc, user_key(context), trigger_id)
    if link is None:
        return
    action = (body.get("actions") or [{}])[0]
    drafts = svc.drafts.drafts_from_lines(link, parse_offer_value(str(action.get("value") or "")))
    if not drafts:
        await client.views_open(trigger_id=trigger_id, view=no_drafts_modal(OFFER_OUT_OF_DATE))
        return
    channel_id = (body.get("channel") or {}).get("id")
    await open_drafts_modal(client, svc, link, trigger_id, drafts, channel_id=channel_id)


async def _undo_all(click: Click, svc: Services, link: Link) -> Message:
    """Undo all: each entry deleted only if it is the clicking user's own."""
    event_ids = parse_undo_value(click.value)
    if event_ids is None:
        return failure(STALE_BUTTON)
    return undone_all_message(await svc.drafts.undo_all(link, event_ids))


undo_all = on_click(_undo_all)


async def log_gap(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    """*Log this*: the Log-time form on the stretch's day, From and To filled in."""
    await ack()
    svc = services(context)
    trigger_id = body["trigger_id"]
    link = await link_or_connect(client, svc, user_key(context), trigger_id)
    if link is None:
        return
    action = (body.get("actions") or [{}])[0]
    gap = parse_gap_value(str(action.get("value") or ""))
    day, span = (gap[0], (gap[1], gap[2])) if gap is not None else (None, None)
    channel_id = (body.get("channel") or {}).get("id")
    await open_log_modal(client, svc, link, trigger_id, channel_id=channel_id, day=day, span=span)
