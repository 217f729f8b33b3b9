"""Requests as Slack sends them to an app: payload builders and a signing sender.

The playground, the tests and the benchmarks drive the real app through these, so every request
crosses the same HTTP, signature check and Bolt routing as one from Slack. The shapes follow
Slack's own payload samples (a test checks that no key here is one Slack never sends):
slash commands are form-encoded, interactivity (buttons, modals, shortcuts, select options) is a
``payload=`` form field holding JSON, and Events API deliveries are JSON.
"""

from __future__ import annotations

import itertools
import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx
from slack_sdk.signature import SignatureVerifier

from bot.storage.accounts import SlackUserKey

APP_ID = "A0TRACKING"
CHANNEL = {"id": "C0GENERAL", "name": "general"}
# Slack still sends the deprecated verification token; Bolt ignores it when signatures are on.
VERIFICATION_TOKEN = "deprecated-verification-token"

_sequence = itertools.count(1)


@dataclass(frozen=True)
class SlackUser:
    """A member of a Slack workspace, as requests identify them."""

    team_id: str
    user_id: str
    name: str = "someone"
    enterprise_id: str | None = None

    @property
    def key(self) -> SlackUserKey:
        """How the app's storage identifies this user."""
        return SlackUserKey(self.enterprise_id, self.team_id, self.user_id)


def _identity(user: SlackUser) -> dict[str, Any]:
    """The keys every interactivity payload carries about who and where."""
    return {
        "enterprise": {"id": user.enterprise_id, "name": "Grid"} if user.enterprise_id else None,
        "team": {"id": user.team_id, "domain": "workspace"}
        | ({"enterprise_id": user.enterprise_id} if user.enterprise_id else {}),
        "user": {
            "id": user.user_id,
            "username": user.name,
            "name": user.name,
            "team_id": user.team_id,
        },
        "api_app_id": APP_ID,
        "token": VERIFICATION_TOKEN,
        "is_enterprise_install": False,
    }


def command_payload(
    user: SlackUser,
    text: str,
    *,
    response_url: str,
    trigger_id: str,
    command: str = "/track",
) -> dict[str, str]:
    """A slash command (sent form-encoded)."""
    return {
        "token": VERIFICATION_TOKEN,
        "api_app_id": APP_ID,
        "team_id": user.team_id,
        "team_domain": "workspace",
        "enterprise_id": user.enterprise_id or "",
        "enterprise_name": "Grid" if user.enterprise_id else "",
        "channel_id": CHANNEL["id"],
        "channel_name": CHANNEL["name"],
        "user_id": user.user_id,
        "user_name": user.name,
        "command": command,
        "text": text,
        "response_url": response_url,
        "trigger_id": trigger_id,
        "is_enterprise_install": "false",
    }


def _clicked(action: dict[str, Any], block_id: str) -> dict[str, Any]:
    """What Slack reports about the element a user used, from the element as the app sent it."""
    clicked = {
        "action_id": action["action_id"],
        "block_id": block_id,
        "type": action.get("type", "button"),
        "action_ts": f"{time.time():.6f}",
    }
    for key in ("text", "value", "style", "url", "selected_option"):
        if key in action:
            clicked[key] = action[key]
    return clicked


def block_actions_payload(
    user: SlackUser,
    action: dict[str, Any],
    *,
    block_id: str,
    trigger_id: str,
    response_url: str | None = None,
    message: dict[str, Any] | None = None,
    view: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A click in a message the app posted (``message`` and ``response_url``) or in a modal or
    Home tab (``view``, as Slack stores it, with its ``state``)."""
    payload = {"type": "block_actions", **_identity(user), "trigger_id": trigger_id}
    if view is not None:
        payload["container"] = {"type": "view", "view_id": view["id"]}
        payload["view"] = view
    else:
        message = message or {}
        ts = message.get("ts") or f"{time.time():.6f}"
        payload["container"] = {
            "type": "message",
            "message_ts": ts,
            "channel_id": CHANNEL["id"],
            "is_ephemeral": True,
        }
        payload["channel"] = dict(CHANNEL)
        payload["message"] = {
            "type": "message",
            "text": message.get("text", ""),
            "blocks": message.get("blocks", []),
            "ts": ts,
        }
        payload["response_url"] = response_url
        payload["state"] = {"values": {}}
    payload["actions"] = [_clicked(action, block_id)]
    return payload


def submitted_view(
    user: SlackUser, view: dict[str, Any], values: dict[str, dict[str, dict[str, Any]]]
) -> dict[str, Any]:
    """``view`` (as the app sent it) as Slack returns it in interactions: ids and ``state``."""
    return {
        "id": view["id"],
        "team_id": user.team_id,
        "type": view.get("type", "modal"),
        "blocks": view.get("blocks", []),
        "private_metadata": view.get("private_metadata", ""),
        "callback_id": view.get("callback_id", ""),
        "state": {"values": values},
        "hash": view.get("hash", f"{int(time.time())}.{next(_sequence):08d}"),
        "title": view.get("title"),
        "close": view.get("close"),
        "submit": view.get("submit"),
        "clear_on_close": False,
        "notify_on_close": False,
        "root_view_id": view.get("root_view_id", view["id"]),
        "previous_view_id": None,
        "app_id": APP_ID,
        "external_id": view.get("external_id", ""),
        "app_installed_team_id": user.team_id,
        "bot_id": "B0TRACKING",
    }


def view_submission_payload(
    user: SlackUser, view: dict[str, Any], values: dict[str, dict[str, dict[str, Any]]]
) -> dict[str, Any]:
    """Pressing a modal's submit button."""
    return {
        "type": "view_submission",
        **_identity(user),
        "trigger_id": f"{next(_sequence)}.{int(time.time())}.submission",
        "view": submitted_view(user, view, values),
        "response_urls": [],
    }


def block_suggestion_payload(
    user: SlackUser,
    *,
    action_id: str,
    block_id: str,
    value: str,
    view: dict[str, Any],
) -> dict[str, Any]:
    """An external select asking for options while the user types ``value``."""
    return {
        "type": "block_suggestion",
        **_identity(user),
        "container": {"type": "view", "view_id": view["id"]},
        "view": view,
        "action_id": action_id,
        "block_id": block_id,
        "value": value,
    }


def shortcut_payload(user: SlackUser, callback_id: str, trigger_id: str) -> dict[str, Any]:
    """A global shortcut (the lightning-bolt menu)."""
    identity = _identity(user)
    del identity["api_app_id"]  # shortcut payloads do not name the app
    return {
        "type": "shortcut",
        **identity,
        "callback_id": callback_id,
        "trigger_id": trigger_id,
        "action_ts": f"{time.time():.6f}",
    }


def message_action_payload(
    user: SlackUser,
    callback_id: str,
    *,
    trigger_id: str,
    response_url: str,
    message: dict[str, Any],
) -> dict[str, Any]:
    """A message shortcut (the "⋯" menu of a message), on a reply in a thread too."""
    identity = _identity(user)
    del identity["api_app_id"]
    return {
        "type": "message_action",
        **identity,
        "callback_id": callback_id,
        "trigger_id": trigger_id,
        "action_ts": f"{time.time():.6f}",
        "response_url": response_url,
        "channel": dict(CHANNEL),
        "message_ts": message["ts"],
        "message": message,
    }


def message_event(
    user: SlackUser, channel: str, text: str, *, ts: str | None = None, **extra: Any
) -> dict[str, Any]:
    """``user`` posting ``text`` in ``channel``, as the ``message`` event Slack sends an app in
    that channel (``extra``: ``thread_ts``, ``subtype``…)."""
    return {
        "type": "message",
        "channel": channel,
        "user": user.user_id,
        "text": text,
        "ts": ts or f"{time.time():.6f}",
        "team": user.team_id,
        "channel_type": "group" if channel.startswith("G") else "channel",
        "event_ts": f"{time.time():.6f}",
        **extra,
    }


def event_payload(user: SlackUser, event: dict[str, Any]) -> dict[str, Any]:
    """An Events API delivery (``event_callback``) for the workspace ``user`` is in."""
    return {
        "token": VERIFICATION_TOKEN,
        "enterprise_id": user.enterprise_id,
        "team_id": user.team_id,
        "api_app_id": APP_ID,
        "event": event,
        "type": "event_callback",
        "event_id": f"Ev{next(_sequence):010d}",
        "event_time": int(time.time()),
        "authorizations": [
            {
                "enterprise_id": user.enterprise_id,
                "team_id": user.team_id,
                "user_id": "UBOT",
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": f"4-{next(_sequence):012d}",
    }


class SignedSlack:
    """Sends requests to an app's ``/slack/events`` signed with its signing secret, as Slack does
    (``v0=HMAC-SHA256(secret, "v0:{timestamp}:{body}")``)."""

    def __init__(self, app_url: str, signing_secret: str, timeout: float = 10.0) -> None:
        self.url = app_url.rstrip("/") + "/slack/events"
        self._verifier = SignatureVerifier(signing_secret)
        self._http = httpx.Client(timeout=timeout)

    def close(self) -> None:
        self._http.close()

    def signature(self, timestamp: str, body: str) -> str:
        return self._verifier.generate_signature(timestamp=timestamp, body=body)

    def post(
        self,
        body: str,
        content_type: str,
        *,
        timestamp: int | None = None,
        signature: str | None = None,
        retry: int | None = None,
    ) -> httpx.Response:
        """``timestamp`` and ``signature`` override the real ones, to test forgeries; ``retry``
        sends the request as Slack sends the ``retry``-th retry of an event it thinks failed."""
        stamp = str(int(time.time()) if timestamp is None else timestamp)
        headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": signature or self.signature(stamp, body),
        }
        if retry is not None:
            headers |= {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
        return self._http.post(self.url, content=body.encode(), headers=headers)

    def command(self, payload: dict[str, str], **forgery: Any) -> httpx.Response:
        return self.post(urlencode(payload), "application/x-www-form-urlencoded", **forgery)

    def interaction(self, payload: dict[str, Any], **forgery: Any) -> httpx.Response:
        body = urlencode({"payload": json.dumps(payload)})
        return self.post(body, "application/x-www-form-urlencoded", **forgery)

    def event(self, payload: dict[str, Any], **forgery: Any) -> httpx.Response:
        return self.post(json.dumps(payload), "application/json", **forgery)
