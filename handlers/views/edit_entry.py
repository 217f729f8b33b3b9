"""The Edit form's submission: check the fields, close, save over the entry (if it is still
the user's and unchanged), and answer where the form was opened from."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks import Message
from bot.blocks.edit import changed_message, declined_message, parse_edit_metadata, saved_message
from bot.blocks.views import failure_modal
from bot.crypto import UnreadableSecret
from bot.services.catalogue import Lists
from bot.services.container import Services
from bot.services.editing import Changed, Updated, task_outside_project
from bot.services.entries import Entry, entry_from_form
from bot.storage import Link, SlackUserKey
from bot.trackingtime.timefmt import zone_or_utc
from handlers.common import for_linked_user, send_privately, services, user_key
from handlers.home import publish_home
from handlers.views.log_entry import read_form

OUT_OF_DATE = "This form is out of date: pick *Edit* in the entry's menu again."


async def _cached_lists(svc: Services, key: SlackUserKey) -> Lists | None:
    """The user's project and task lists as cached when the form opened: one database read, no
    TrackingTime call, so the ack stays quick. ``None`` when unknown."""
    try:
        link = await svc.accounts.get(key)
    except UnreadableSecret:  # said after the ack, where the link is read again
        return None
    return svc.catalogue.peek(link) if link else None


async def edit_submission(
    ack: AsyncAck, view: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    metadata = parse_edit_metadata(view.get("private_metadata") or "")
    if metadata is None:
        await ack(response_action="update", view=failure_modal("Edit entry", OUT_OF_DATE))
        return
    svc, key = services(context), user_key(context)
    zone = zone_or_utc(metadata.get("tz"))
    form = read_form(view)
    checked = entry_from_form(form, zone, svc.entries.now())
    # A task outside the project picked must be said on the field, so before the ack.
    problems = task_outside_project(form, await _cached_lists(svc, key))
    if not isinstance(checked, Entry) or problems:
        errors = checked if isinstance(checked, dict) else problems
        await ack(response_action="errors", errors=errors)
        return
    await ack()
    channel, in_home = metadata.get("channel"), bool(metadata.get("home"))

    async def tell(message: Message) -> None:
        if in_home:  # the form came from the Home tab: the answer goes at its top
            await publish_home(client, svc, key, notice=message)
        else:
            await send_privately(client, key.user_id, channel, message)

    async def save(link: Link) -> None:
        outcome = await svc.editing.update(link, metadata["id"], str(metadata["v"]), checked)
        if isinstance(outcome, Updated):
            await tell(saved_message(outcome, zone))
            if not in_home:
                await publish_home(client, svc, key)
        elif isinstance(outcome, Changed):
            await tell(changed_message(outcome, zone))
        else:
            await tell(declined_message(outcome))

    await for_linked_user(svc, key, tell, save)
