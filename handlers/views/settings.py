"""The settings modal's submission: check the fields, close, save, show the new settings."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks import Message, ids
from bot.blocks.messages import not_linked
from bot.blocks.settings import (
    SUMMARY_ON,
    SettingsForm,
    settings_from_form,
    settings_saved_message,
)
from bot.blocks.status import (
    REPLACE_ON,
    STATUS_ON,
    StatusForm,
    allow_status_message,
    status_from_form,
)
from bot.storage.accounts import StatusChoice, UserSettings
from handlers.common import reporting_failures, send_privately, services, user_key
from handlers.home import publish_home
from handlers.views.state import input_value


def _chosen(view: dict[str, Any], field: tuple[str, str]) -> tuple[str, ...]:
    options = input_value(view, field).get("selected_options") or []
    return tuple(str(option.get("value") or "") for option in options)


def read_form(view: dict[str, Any]) -> SettingsForm:
    limit = input_value(view, ids.TIMER_LIMIT_INPUT).get("selected_option") or {}
    gap = input_value(view, ids.GAP_THRESHOLD_INPUT).get("selected_option") or {}
    return SettingsForm(
        summary=SUMMARY_ON in _chosen(view, ids.SUMMARY_INPUT),
        time=input_value(view, ids.SUMMARY_TIME_INPUT).get("selected_time"),
        days=_chosen(view, ids.SUMMARY_DAYS_INPUT),
        limit=limit.get("value"),
        work_start=input_value(view, ids.WORK_START_INPUT).get("selected_time"),
        work_end=input_value(view, ids.WORK_END_INPUT).get("selected_time"),
        work_days=_chosen(view, ids.WORK_DAYS_INPUT),
        gap=gap.get("value"),
    )


def read_status_form(view: dict[str, Any]) -> StatusForm:
    values = (view.get("state") or {}).get("values") or {}
    if ids.STATUS_SHOW_INPUT[0] not in values:  # the modal had no status fields
        return StatusForm(present=False)
    show = input_value(view, ids.STATUS_SHOW_INPUT).get("selected_option") or {}
    return StatusForm(
        present=True,
        enabled=STATUS_ON in _chosen(view, ids.STATUS_ENABLED_INPUT),
        show=show.get("value"),
        emoji=input_value(view, ids.STATUS_EMOJI_INPUT).get("value"),
        replace=REPLACE_ON in _chosen(view, ids.STATUS_REPLACE_INPUT),
    )


async def settings_submission(
    ack: AsyncAck, view: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    checked = settings_from_form(read_form(view))
    status_form = read_status_form(view)
    # Checked against the defaults first, so that a wrong emoji is an error before the ack.
    status_checked = status_from_form(status_form, StatusChoice())
    errors = {
        **(checked if isinstance(checked, dict) else {}),
        **(status_checked if isinstance(status_checked, dict) else {}),
    }
    if errors or not isinstance(checked, UserSettings):
        await ack(response_action="errors", errors=errors)
        return
    await ack()
    svc, key = services(context), user_key(context)
    # Set when the modal came from /track settings in a channel, where the user is told. From
    # the Home tab there is none: the refreshed Home, showing the new settings, is the answer.
    channel = view.get("private_metadata") or None

    async def tell(message: Message) -> None:
        await send_privately(client, key.user_id, channel, message)

    async with reporting_failures(tell):
        link = await svc.accounts.get(key)
        if link is None or not await svc.accounts.save_settings(key, checked):
            await tell(not_linked())
            return
        offer = None
        if status_form.present:
            offer = await svc.status.choose(link, status_from_form(status_form, link.status))
        if channel:
            await tell(settings_saved_message(checked, offer))
        if offer is not None and offer.waiting and offer.grant_url:
            # The one step left; from the Home, a message too: the button there is easy to miss.
            await tell(allow_status_message(offer))
        await publish_home(client, svc, key)
