"""Buttons of drafts and gaps: an offer's *Review and log*, *Undo all* on drafts logged, and
*Log this* on an untracked stretch of a working day."""

from __future__ import annotations

from dataclasses import dataclass
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


@dataclass(frozen=True)
class ModalClick:
    """A button that answers with a modal: who clicked (linked), where, and its value."""

    services: Services
    link: Link
    trigger_id: str
    value: str
    channel_id: str | None


async def _modal_click(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> ModalClick | None:
    """Ack; ``None`` when the user is not linked (the Connect modal opened instead)."""
    await ack()
    svc = services(context)
    trigger_id = body["trigger_id"]
    link = await link_or_connect(client, svc, user_key(context), trigger_id)
    if link is None:
        return None
    action = (body.get("actions") or [{}])[0]
    channel_id = (body.get("channel") or {}).get("id")
    return ModalClick(svc, link, trigger_id, str(action.get("value") or ""), channel_id)


async def open_drafts(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    """The offer's button: the drafts it carries, in the form."""
    click = await _modal_click(ack, body, client, context)
    if click is None:
        return
    drafts = click.services.drafts.drafts_from_lines(click.link, parse_offer_value(click.value))
    if not drafts:
        await client.views_open(
            trigger_id=click.trigger_id, view=no_drafts_modal(OFFER_OUT_OF_DATE)
        )
        return
    await open_drafts_modal(
        client, click.services, click.link, click.trigger_id, drafts, channel_id=click.channel_id
    )


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
    click = await _modal_click(ack, body, client, context)
    if click is None:
        return
    gap = parse_gap_value(click.value)
    day, span = (gap[0], (gap[1], gap[2])) if gap is not None else (None, None)
    await open_log_modal(
        client,
        click.services,
        click.link,
        click.trigger_id,
        channel_id=click.channel_id,
        day=day,
        span=span,
    )
