"""The drafts form's submission: check every row kept, close, log them, answer with what became
of each (its menu, or why not) and Undo all."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks import Message, ids
from bot.blocks.drafts import LEAVE_OUT, MAX_DRAFTS, drafts_logged_message
from bot.services.draft_form import DraftFields, entries_from_drafts
from bot.services.outcomes import Logged
from bot.storage import Link
from bot.trackingtime.timefmt import zone_or_utc
from handlers.common import for_linked_user, send_privately, services, user_key
from handlers.home import publish_home
from handlers.views.log_entry import option_chosen, read_metadata
from handlers.views.state import input_value


def _field(view: dict[str, Any], field: str, row: int) -> dict[str, Any]:
    block_id = ids.draft_block(field, row)
    action_id = ids.LOG_TASK_INPUT[1] if field == "task" else "value"
    return input_value(view, (block_id, action_id))


def read_rows(view: dict[str, Any], count: int) -> list[DraftFields]:
    """The form's rows as submitted (``count`` from its metadata, never more than it holds)."""
    rows = []
    for row in range(min(max(count, 0), MAX_DRAFTS)):
        ticked = _field(view, "leave_out", row).get("selected_options") or []
        rows.append(
            DraftFields(
                leave_out=any(option.get("value") == LEAVE_OUT for option in ticked),
                task=option_chosen(_field(view, "task", row)),
                day=_field(view, "day", row).get("selected_date"),
                when=(_field(view, "when", row).get("value") or "").strip() or None,
                notes=_field(view, "notes", row).get("value") or "",
            )
        )
    return rows


async def drafts_submission(
    ack: AsyncAck, view: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    metadata = read_metadata(view)
    zone = zone_or_utc(metadata.get("tz"))
    count = metadata.get("rows")
    svc = services(context)
    checked = entries_from_drafts(
        read_rows(view, count if isinstance(count, int) else 0), zone, svc.drafts.now()
    )
    if isinstance(checked, dict):
        errors = {ids.draft_block(field, row): text for (row, field), text in checked.items()}
        await ack(response_action="errors", errors=errors)
        return
    await ack()
    key, channel, thread = user_key(context), metadata.get("channel"), metadata.get("thread")

    async def tell(message: Message) -> None:
        await send_privately(client, key.user_id, channel, message, thread)

    async def log(link: Link) -> None:
        outcomes = await svc.drafts.log_all(link, [entry for _, entry in checked], channel)
        await tell(drafts_logged_message(outcomes, zone))
        if any(isinstance(outcome, Logged) for outcome in outcomes):
            await publish_home(client, svc, key)

    await for_linked_user(svc, key, tell, log)
