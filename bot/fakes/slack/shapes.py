"""Slack's JSON objects built from the fake's records: users as ``users.info`` returns them and
``oauth.v2.access``'s answer, in Slack's key order (checked against the API samples)."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.fakes.slack.models import Team, User

#: Long time-zone names Slack shows as ``tz_label``; zoneinfo only knows abbreviations.
TZ_LABELS = {
    "CET": "Central European Time",
    "CEST": "Central European Summer Time",
    "WET": "Western European Time",
    "WEST": "Western European Summer Time",
    "EET": "Eastern European Time",
    "EEST": "Eastern European Summer Time",
    "GMT": "Greenwich Mean Time",
    "BST": "British Summer Time",
    "UTC": "Coordinated Universal Time",
    "IST": "India Standard Time",
    "JST": "Japan Standard Time",
    "EST": "Eastern Standard Time",
    "EDT": "Eastern Daylight Time",
    "CST": "Central Standard Time",
    "CDT": "Central Daylight Time",
    "MST": "Mountain Standard Time",
    "MDT": "Mountain Daylight Time",
    "PST": "Pacific Standard Time",
    "PDT": "Pacific Daylight Time",
}


def oauth_reply(team: Team, issued: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """``oauth.v2.access``'s answer in Slack's key order (see the API sample)."""
    enterprise = {"id": team.enterprise_id, "name": team.name} if team.enterprise_id else None
    reply: dict[str, Any] = {"app_id": team.app_id, **extra, "scope": team.scope}
    reply.update({"token_type": "bot", "access_token": issued["access_token"]})
    reply["bot_user_id"] = team.bot_user_id
    reply.update({k: issued[k] for k in ("refresh_token", "expires_in") if k in issued})
    reply.update(
        {
            "team": {"id": team.team_id, "name": team.name},
            "enterprise": enterprise,
            "is_enterprise_install": False,
        }
    )
    return reply


def has_content(body: dict[str, Any]) -> bool:
    return bool(body.get("text") or body.get("blocks") or body.get("attachments"))


def user_object(team: Team, user: User, include_locale: bool) -> dict[str, Any]:
    """A ``users.info`` user, with the tz fields computed for the current instant."""
    now = datetime.now(UTC).astimezone(ZoneInfo(user.tz))
    offset = now.utcoffset()
    abbreviation = now.tzname() or user.tz
    handle = ".".join(user.name.lower().split()) or user.user_id.lower()
    first, _, last = user.name.partition(" ")
    avatar = f"https://secure.gravatar.com/avatar/{user.user_id.lower()}"
    profile: dict[str, Any] = {
        "title": "",
        "phone": "",
        "skype": "",
        "real_name": user.name,
        "real_name_normalized": user.name,
        "display_name": user.name,
        "display_name_normalized": user.name,
        "fields": None,
        "status_text": "",
        "status_emoji": "",
        "status_emoji_display_info": [],
        "status_expiration": 0,
        "avatar_hash": f"g{user.user_id.lower()[-11:]}",
        "first_name": first,
        "last_name": last,
        "image_24": f"{avatar}?s=24",
        "image_32": f"{avatar}?s=32",
        "image_48": f"{avatar}?s=48",
        "image_72": f"{avatar}?s=72",
        "image_192": f"{avatar}?s=192",
        "image_512": f"{avatar}?s=512",
        "status_text_canonical": "",
        "status_emoji_url": "",
        "team": team.team_id,
        "huddle_state": "default_unset",
        "huddle_state_expiration_ts": 0,
    }
    if user.email is not None:
        profile["email"] = user.email
    if user.is_bot:
        profile.update({"api_app_id": team.app_id, "always_active": True, "bot_id": team.bot_id})
    obj: dict[str, Any] = {
        "id": user.user_id,
        "team_id": team.team_id,
        "name": handle,
        "deleted": False,
        "color": "9f69e7",
        "real_name": user.name,
        "tz": user.tz,
        "tz_label": TZ_LABELS.get(abbreviation, abbreviation),
        "tz_offset": int(offset.total_seconds()) if offset is not None else 0,
        "profile": profile,
        "is_admin": user.is_admin,
        "is_owner": user.is_owner,
        "is_primary_owner": False,
        "is_restricted": False,
        "is_ultra_restricted": False,
        "is_bot": user.is_bot,
        "is_app_user": False,
        "updated": int(time.time()),
        "is_email_confirmed": user.email is not None,
        "who_can_share_contact_card": "EVERYONE",
        "is_workflow_bot": False,
        "is_invited_user": False,
        "is_connector_bot": False,
    }
    if include_locale:
        obj["locale"] = "en-US"
    if team.enterprise_id:
        obj["enterprise_user"] = {
            "id": user.user_id,
            "enterprise_id": team.enterprise_id,
            "enterprise_name": team.name,
            "is_admin": user.is_admin,
            "is_owner": user.is_owner,
            "is_primary_owner": False,
            "teams": [team.team_id],
        }
        obj["teams"] = [team.team_id]
        obj["enterprise_id"] = team.enterprise_id
        obj["enterprise_name"] = team.name
    return obj
