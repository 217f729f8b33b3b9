"""Slack requests as Slack sends them: payloads built from Slack's own samples, signed with the
signing secret, form-encoded (commands) or as ``payload=`` JSON (interactivity) or JSON (events).

Starting from the samples in ``shared/reference/slack/payload-samples`` means every key Slack
sends is present, so the app is tested against the real shapes, not a minimal guess.
"""

from __future__ import annotations

import copy
import itertools
import json
import time
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import urlencode

import httpx
from slack_sdk.signature import SignatureVerifier

from tests.support.paths import PAYLOAD_SAMPLES

_counter = itertools.count(1)


@cache
def _sample(relative: str) -> dict[str, Any]:
    return json.loads((PAYLOAD_SAMPLES / relative).read_text())


def sample(relative: str) -> dict[str, Any]:
    """A fresh copy of one of Slack's payload samples."""
    return copy.deepcopy(_sample(relative))


@dataclass(frozen=True)
class SlackUser:
    team_id: str
    user_id: str
    name: str = "someone"
    enterprise_id: str | None = None


def command_payload(
    user: SlackUser, text: str, response_url: str, trigger_id: str, command: str = "/track"
) -> dict[str, str]:
    payload = sample("app-backend/slash-commands/SlashCommandPayload.json")
    payload.update(
        token="legacy-verification-token",
        api_app_id="A0TRACK",
        team_id=user.team_id,
        team_domain="acme",
        enterprise_id=user.enterprise_id or "",
        enterprise_name="",
        channel_id="C0GENERAL",
        channel_name="general",
        user_id=user.user_id,
        user_name=user.name,
        command=command,
        text=text,
        response_url=response_url,
        trigger_id=trigger_id,
    )
    return {
        key: str(value).lower() if isinstance(value, bool) else str(value)
        for key, value in payload.items()
    }


def _identity(payload: dict[str, Any], user: SlackUser) -> None:
    payload["enterprise"] = (
        {"id": user.enterprise_id, "name": "Acme Grid"} if user.enterprise_id else None
    )
    payload["team"] = {
        "id": user.team_id,
        "domain": "acme",
        **({"enterprise_id": user.enterprise_id} if user.enterprise_id else {}),
    }
    payload["user"] = {
        "id": user.user_id,
        "username": user.name,
        "name": user.name,
        "team_id": user.team_id,
    }
    payload["api_app_id"] = "A0TRACK"
    payload["token"] = "legacy-verification-token"
    payload["is_enterprise_install"] = False
    # Keys Slack sends only for workflow functions: leaving them blank would be a lie.
    for key in ("function_data", "interactivity", "bot_access_token"):
        payload.pop(key, None)


def block_action_payload(
    user: SlackUser,
    action: dict[str, Any],
    *,
    response_url: str,
    trigger_id: str,
    message: dict[str, Any],
) -> dict[str, Any]:
    """A click on a button in an (ephemeral) message the app posted."""
    payload = sample("app-backend/interactive-components/BlockActionPayload.json")
    _identity(payload, user)
    template = payload["actions"][0]
    clicked = {
        "action_id": action["action_id"],
        "block_id": action.get("block_id") or "blk",
        "text": action.get("text") or {"type": "plain_text", "text": "", "emoji": True},
        "type": action.get("type", "button"),
        "action_ts": f"{time.time():.6f}",
    }
    for key in ("value", "style", "url"):
        if key in action:
            clicked[key] = action[key]
    assert set(clicked) <= set(template), "the action carries keys Slack never sends"
    payload.update(
        trigger_id=trigger_id,
        response_url=response_url,
        actions=[clicked],
        container={
            "type": "message",
            "message_ts": message.get("ts", "1700000000.000100"),
            "channel_id": "C0GENERAL",
            "is_ephemeral": True,
        },
        channel={"id": "C0GENERAL", "name": "general"},
        message={
            "type": "message",
            "text": message.get("text", ""),
            "blocks": message.get("blocks", []),
            "ts": message.get("ts", "1700000000.000100"),
        },
        state={"values": {}},
    )
    payload.pop("view", None)
    payload.pop("app_unfurl", None)
    return payload


def view_submission_payload(
    user: SlackUser, view: dict[str, Any], values: dict[str, dict[str, dict[str, Any]]]
) -> dict[str, Any]:
    """Submitting a modal the app opened; ``view`` is the view as Slack stored it."""
    payload = sample("app-backend/views/ViewSubmissionPayload.json")
    _identity(payload, user)
    submitted = payload["view"]
    submitted.update({key: view[key] for key in submitted if key in view and view[key] is not None})
    for key in ("team_id", "app_installed_team_id"):
        submitted[key] = submitted.get(key) or user.team_id
    submitted["blocks"] = view.get("blocks", [])
    submitted["state"] = {"values": values}
    payload.update(trigger_id=f"{next(_counter)}.trigger", view=submitted, response_urls=[])
    return payload


def event_payload(user: SlackUser, event: dict[str, Any]) -> dict[str, Any]:
    """An Events API delivery (``event_callback``)."""
    name = event["type"]
    sample_name = {
        "app_uninstalled": "AppUninstalledPayload.json",
        "tokens_revoked": "TokensRevokedPayload.json",
        "app_home_opened": "AppHomeOpenedPayload.json",
    }[name]
    payload = sample(f"events/{sample_name}")
    payload.update(
        token="legacy-verification-token",
        enterprise_id=user.enterprise_id,
        team_id=user.team_id,
        api_app_id="A0TRACK",
        type="event_callback",
        authed_users=[],
        authed_teams=[],
        authorizations=[
            {
                "enterprise_id": user.enterprise_id,
                "team_id": user.team_id,
                "user_id": "UBOT",
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        event_id=f"Ev{next(_counter):08d}",
        event_time=int(time.time()),
        event_context=f"ctx-{next(_counter)}",
        event=event,
    )
    return payload


class SignedSlack:
    """Sends requests to the app the way Slack does, signed with the signing secret."""

    def __init__(self, app_url: str, signing_secret: str, timeout: float = 10.0) -> None:
        self.url = app_url.rstrip("/") + "/slack/events"
        self._verifier = SignatureVerifier(signing_secret)
        self._http = httpx.Client(timeout=timeout)

    def close(self) -> None:
        self._http.close()

    def post(
        self,
        body: str,
        content_type: str,
        *,
        timestamp: int | None = None,
        signature: str | None = None,
    ) -> httpx.Response:
        timestamp = int(time.time()) if timestamp is None else timestamp
        signature = signature or self._verifier.generate_signature(
            timestamp=str(timestamp), body=body
        )
        return self._http.post(
            self.url,
            content=body.encode(),
            headers={
                "Content-Type": content_type,
                "X-Slack-Request-Timestamp": str(timestamp),
                "X-Slack-Signature": signature,
            },
        )

    def command(self, payload: dict[str, str], **signing: Any) -> httpx.Response:
        return self.post(urlencode(payload), "application/x-www-form-urlencoded", **signing)

    def interaction(self, payload: dict[str, Any], **signing: Any) -> httpx.Response:
        body = urlencode({"payload": json.dumps(payload)})
        return self.post(body, "application/x-www-form-urlencoded", **signing)

    def event(self, payload: dict[str, Any], **signing: Any) -> httpx.Response:
        return self.post(json.dumps(payload), "application/json", **signing)
