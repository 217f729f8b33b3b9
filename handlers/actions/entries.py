"""Buttons on logged entries and reports: Undo, Try again, pick the task to log on,
create-and-log, show more of a report, and open the Log-time modal."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks import Message
from bot.blocks.edit import declined_message
from bot.blocks.entries import parse_entry_value, undone_message
from bot.blocks.messages import failure
from bot.blocks.outcomes import sent_message, tried_again_message
from bot.blocks.reports import parse_more_value, report_message
from bot.digits import ROW_ID_MAX, parse_id
from bot.services.container import Services
from bot.services.editing import NotYours
from bot.services.entries import Entry
from bot.services.entry import unplaced
from bot.storage import Link
from bot.trackingtime.timefmt import zone_or_utc
from handlers.actions.clicks import STALE_BUTTON, Click, on_click
from handlers.common import services, user_key
from handlers.log_modal import link_or_connect, open_log_modal


async def _undo(click: Click, svc: Services, link: Link) -> Message:
    """Undo of a just-logged entry: deleted only if it is the clicking user's own."""
    event_id = parse_id(click.value)
    if event_id is None:
        return failure(STALE_BUTTON)
    undone = await svc.editing.undo_logged(link, event_id)
    return declined_message(undone) if isinstance(undone, NotYours) else undone_message(undone)


def _entry(payload: dict[str, Any], zone: tzinfo) -> Entry:
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
        task_id=parse_id(payload.get("task_id")),
        task_name=str(payload.get("task") or "") or None,
        project_name=str(payload.get("project") or "") or None,
    )


async def _log_choice(click: Click, svc: Services, link: Link) -> Message:
    """Both the chooser's task buttons and "Create … and log" carry the entry in their value."""
    payload = parse_entry_value(click.value)
    if payload is None:
        return failure(STALE_BUTTON)
    zone = zone_or_utc(link.time_zone)
    outcome = await svc.entries.log_or_keep(link, _entry(payload, zone), click.channel_id)
    return sent_message(outcome, zone)


async def _try_again(click: Click, svc: Services, link: Link) -> Message:
    """Try again on an entry TrackingTime refused: the value is the id of the kept entry, which
    the service looks up among the clicking user's own entries only."""
    kept_id = parse_id(click.value, ROW_ID_MAX)
    if kept_id is None:
        return failure(STALE_BUTTON)
    outcome = await svc.entries.try_again(link, kept_id)
    return tried_again_message(outcome, zone_or_utc(link.time_zone))


async def _report_more(click: Click, svc: Services, link: Link) -> Message:
    asked = parse_more_value(click.value)
    if asked is None:
        return failure(STALE_BUTTON)
    period, page = asked
    report = await svc.reports.report(link, period)
    return report_message(report, zone_or_utc(link.time_zone), page)


undo_entry = on_click(_undo)
log_choice = on_click(_log_choice)
retry_entry = on_click(_try_again)
# A new message below the first page, rather than replacing it; reading changes nothing.
report_more = on_click(_report_more, replace=False, refresh_home=False)


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
