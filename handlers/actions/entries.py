"""Buttons on logged entries and reports: Undo, Try again, pick the task to log on,
create-and-log, show more of a report, and open the Log-time modal."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks import Message
from bot.blocks.entries import parse_entry_value, undone_message
from bot.blocks.messages import failure
from bot.blocks.outcomes import sent_message, tried_again_message
from bot.blocks.reports import parse_more_value, report_message
from bot.services.container import Services
from bot.services.entries import Entry
from bot.services.entry import unplaced
from bot.storage import Link
from bot.trackingtime.timefmt import zone_or_utc
from handlers.actions.timers import STALE_BUTTON, Click, as_linked_user, button_value
from handlers.common import services, user_key
from handlers.log_modal import link_or_connect, open_log_modal


async def undo_entry(
    ack: AsyncAck,
    body: dict[str, Any],
    context: AsyncBoltContext,
    client: AsyncWebClient,
    respond: AsyncRespond | None,
) -> None:
    await ack()
    value = button_value(body)

    async def step(svc: Services, link: Link) -> Message:
        if not value.isdigit():
            return failure(STALE_BUTTON)
        return undone_message(await svc.entries.undo(link, int(value)))

    await as_linked_user(Click(body, context, client, respond), step)


def _entry(payload: dict[str, Any], zone: Any) -> Entry:
    length = timedelta(seconds=int(payload.get("length") or 0))
    when = (
        unplaced(date.fromisoformat(payload["day"]), length, zone)
        if "day" in payload
        else Entry(
            start=datetime.fromtimestamp(int(payload["start"]), UTC).astimezone(zone),
            end=datetime.fromtimestamp(int(payload["end"]), UTC).astimezone(zone),
        )
    )
    return replace(
        when,
        notes=str(payload.get("notes") or ""),
        task_id=int(payload["task_id"]) if str(payload.get("task_id", "")).isdigit() else None,
        task_name=str(payload.get("task") or "") or None,
        project_name=str(payload.get("project") or "") or None,
    )


async def log_choice(
    ack: AsyncAck,
    body: dict[str, Any],
    context: AsyncBoltContext,
    client: AsyncWebClient,
    respond: AsyncRespond | None,
) -> None:
    """Both the chooser's task buttons and "Create … and log" carry the entry in their value."""
    await ack()
    payload = parse_entry_value(button_value(body))

    async def step(svc: Services, link: Link) -> Message:
        if payload is None:
            return failure(STALE_BUTTON)
        zone = zone_or_utc(link.time_zone)
        channel = (body.get("channel") or {}).get("id")
        outcome = await svc.entries.log_or_keep(link, _entry(payload, zone), channel)
        return sent_message(outcome, zone)

    await as_linked_user(Click(body, context, client, respond), step)


async def retry_entry(
    ack: AsyncAck,
    body: dict[str, Any],
    context: AsyncBoltContext,
    client: AsyncWebClient,
    respond: AsyncRespond | None,
) -> None:
    """Try again on an entry TrackingTime refused: the value is the id of the kept entry, which
    the service looks up among the clicking user's own entries only."""
    await ack()
    value = button_value(body)
    # Only ids we could have made: ASCII digits that fit the database's integer.
    kept_id = int(value) if value.isascii() and value.isdigit() and len(value) < 10 else None

    async def step(svc: Services, link: Link) -> Message:
        if kept_id is None:
            return failure(STALE_BUTTON)
        outcome = await svc.entries.try_again(link, kept_id)
        return tried_again_message(outcome, zone_or_utc(link.time_zone))

    await as_linked_user(Click(body, context, client, respond), step)


async def report_more(
    ack: AsyncAck,
    body: dict[str, Any],
    context: AsyncBoltContext,
    client: AsyncWebClient,
    respond: AsyncRespond | None,
) -> None:
    await ack()
    asked = parse_more_value(button_value(body))

    async def step(svc: Services, link: Link) -> Message:
        if asked is None:
            return failure(STALE_BUTTON)
        period, page = asked
        report = await svc.reports.report(link, period)
        return report_message(report, zone_or_utc(link.time_zone), page)

    # A new message below the first page, rather than replacing it; reading changes nothing.
    click = Click(body, context, client, respond)
    await as_linked_user(click, step, replace=False, refresh_home=False)


async def open_log_modal_button(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    await ack()
    svc = services(context)
    link = await link_or_connect(client, svc, user_key(context), body["trigger_id"])
    if link is None:
        return
    channel_id = (body.get("channel") or {}).get("id")
    await open_log_modal(client, svc, link, body["trigger_id"], channel_id=channel_id)
