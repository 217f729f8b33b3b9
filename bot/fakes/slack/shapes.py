"""Slack's JSON objects built from the fake's records: users and profiles as ``users.info`` and
``users.profile.*`` return them and ``oauth.v2.access``'s answer, in Slack's key order (checked
against the API samples)."""

from __future__ import annotations

import hashlib
import time
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.fakes.slack.models import Access, Team, User

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


def oauth_reply(
    team: Team,
    extra: dict[str, Any],
    access: Access | None = None,
    issued: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """``oauth.v2.access``'s answer in Slack's key order (see the API sample): ``extra``
    (``authed_user``), then the token ``issued`` for ``access`` at the top level (a bot's comes
    with ``bot_user_id``), then the team. A person's grant alone has no top-level token."""
    enterprise = {"id": team.enterprise_id, "name": team.name} if team.enterprise_id else None
    reply: dict[str, Any] = {"app_id": team.app_id, **extra}
    if access is not None and issued is not None:
        reply["scope"] = access.scope
        reply["token_type"] = "user" if access.is_user else "bot"
        reply["access_token"] = issued["access_token"]
        if not access.is_user:
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


def handle(user: User) -> str:
    """The user's ``name`` (Slack's handle), as ``users.info`` and ``auth.test`` answer it."""
    return ".".join(user.name.lower().split()) or user.user_id.lower()


def profile_object(team: Team, user: User) -> dict[str, Any]:
    """A user's ``profile`` as ``users.info`` and ``users.profile.*`` answer it, with the status
    as it reads now (an expired one reads empty)."""
    status = user.status.as_of(time.time())
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
        "status_text": status.text,
        "status_emoji": status.emoji,
        "status_emoji_display_info": _emoji_display_info(team, status.emoji),
        "status_expiration": status.expiration,
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
    return profile


def _emoji_display_info(team: Team, emoji: str) -> list[dict[str, str]]:
    """How Slack shows the status emoji; every emoji in the shape of a custom one (a standard
    one would add its ``unicode`` code point, which the fake does not know)."""
    if not emoji:
        return []
    name = emoji.strip(":")
    digest = hashlib.sha1(name.encode(), usedforsecurity=False).hexdigest()[:16]
    url = f"https://emoji.slack-edge.com/{team.team_id}/{name}/{digest}.png"
    return [{"emoji_name": name, "display_url": url}]


def user_object(team: Team, user: User, include_locale: bool) -> dict[str, Any]:
    """A ``users.info`` user, with the tz fields computed for the current instant."""
    now = datetime.now(UTC).astimezone(ZoneInfo(user.tz))
    offset = now.utcoffset()
    abbreviation = now.tzname() or user.tz
    obj: dict[str, Any] = {
        "id": user.user_id,
        "team_id": team.team_id,
        "name": handle(user),
        "deleted": False,
        "color": "9f69e7",
        "real_name": user.name,
        "tz": user.tz,
        "tz_label": TZ_LABELS.get(abbreviation, abbreviation),
        "tz_offset": int(offset.total_seconds()) if offset is not None else 0,
        "profile": profile_object(team, user),
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
