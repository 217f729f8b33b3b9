"""``/track digest #channel`` and ``/track digest off``: an admin sets up the team digest.

The digest posts every member's tracked time in a channel, so only a workspace admin or owner
may point it somewhere; Slack, not our database, says who that is. The digest is sent in the
admin's time zone, as Slack has it when they set it.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.blocks.digest import (
    DIGEST_EXAMPLE,
    digest_off_message,
    digest_refused_message,
    digest_set_message,
)
from bot.blocks.format import truncate
from bot.blocks.messages import failure, invalid_input
from bot.commands import Digest, channel_ref
from bot.services.digest import OFF
from bot.storage.deliveries import DEFAULT_DIGEST_TIME
from bot.trackingtime.timefmt import zone_or_utc
from handlers.commands.request import TrackRequest

log = logging.getLogger(__name__)

NOT_CHECKED = (
    "Slack didn't tell me whether you're a workspace admin, so nothing was changed. "
    "Please try again in a moment."
)


def is_workspace_admin(user: dict[str, Any]) -> bool:
    """Whether a ``users.info`` user may set the team digest: an admin or owner."""
    return any(bool(user.get(flag)) for flag in ("is_admin", "is_owner", "is_primary_owner"))


def zone_name(user: dict[str, Any]) -> str:
    """The user's Slack zone as an IANA name the worker can read back; else ``UTC``."""
    zone = zone_or_utc(str(user.get("tz") or ""))
    return str(getattr(zone, "key", "UTC"))


async def digest(request: TrackRequest, command: Digest) -> None:
    """Set, move or stop the team digest. Slack is asked who the user is on every use: an
    admin's rights can be taken away, and a stored answer would outlive that."""
    try:
        response = await request.client.users_info(user=request.key.user_id)
    except SlackApiError as error:
        log.warning("users.info failed: %s", error.response.get("error"))
        await request.reply(failure(NOT_CHECKED))
        return
    user: dict[str, Any] = response.get("user") or {}
    if not is_workspace_admin(user):
        await request.reply(digest_refused_message())
        return

    key, store = request.key, request.services.team_settings
    current = await store.get(key.enterprise_id, key.team_id)
    target = command.target.strip()
    if target.casefold() == OFF:
        was_on = current is not None and current.digest_channel is not None
        if current is not None and was_on:
            # Keep the zone and time: turning it on again should bring back the same digest.
            await store.set_digest(
                key.enterprise_id, key.team_id, None, current.digest_time_zone, current.digest_time
            )
        await request.reply(digest_off_message(was_on))
        return

    channel = channel_ref(target)
    if channel is None:
        await request.reply(
            invalid_input(
                f"I can't find a channel in “{truncate(target, 100)}”. Type # and pick the "
                "channel from Slack's list, or say `off` to stop the digest.",
                DIGEST_EXAMPLE,
            )
        )
        return
    at = current.digest_time if current is not None else DEFAULT_DIGEST_TIME
    zone = zone_name(user)
    await store.set_digest(key.enterprise_id, key.team_id, channel, zone, at)
    await request.reply(digest_set_message(channel, at, zone))
