"""The requests the playground and tests send look like Slack's and are signed like Slack's."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.fakes.slack_requests import (
    SignedSlack,
    SlackUser,
    block_actions_payload,
    block_suggestion_payload,
    command_payload,
    event_payload,
    message_action_payload,
    message_event,
    shortcut_payload,
    view_submission_payload,
)
from tests.support.paths import PAYLOAD_SAMPLES, SLACK_REFERENCE

USER = SlackUser("T1", "U1", "ann")
GRID_USER = SlackUser("T1", "W1", "ann", enterprise_id="E1")
VIEW = {
    "id": "V1",
    "type": "modal",
    "callback_id": "cb",
    "blocks": [],
    "title": {"type": "plain_text", "text": "t"},
}


def sample(relative: str) -> dict[str, Any]:
    return json.loads((PAYLOAD_SAMPLES / relative).read_text())


def assert_keys_within(payload: Any, reference: Any, path: str = "") -> None:
    """Every key in ``payload`` exists at the same place in Slack's sample (no invented keys)."""
    if isinstance(payload, dict) and isinstance(reference, dict):
        extra = set(payload) - set(reference)
        assert not extra, f"keys Slack never sends at {path or '.'}: {sorted(extra)}"
        for key, value in payload.items():
            assert_keys_within(value, reference[key], f"{path}.{key}")
    elif isinstance(payload, list) and isinstance(reference, list) and reference:
        for item in payload:
            assert_keys_within(item, reference[0], f"{path}[]")


@pytest.mark.parametrize("user", [USER, GRID_USER])
def test_slash_command_has_exactly_slacks_keys(user: SlackUser) -> None:
    payload = command_payload(user, "help", response_url="https://x", trigger_id="1.2")
    assert set(payload) == set(sample("app-backend/slash-commands/SlashCommandPayload.json"))


def test_block_actions_from_a_message_and_from_a_view() -> None:
    reference = sample("app-backend/interactive-components/BlockActionPayload.json")
    reference["state"] = {"values": {}}  # blanked to {} in the sample
    # A real view carries its blocks and state values; the sample omits or blanks them.
    reference["view"].update(blocks=[], state={"values": {}})
    button = {
        "type": "button",
        "action_id": "a",
        "value": "v",
        "text": {"type": "plain_text", "text": "Go", "emoji": False},
    }
    from_message = block_actions_payload(
        USER,
        button,
        block_id="b",
        trigger_id="1.2",
        response_url="https://x",
        message={"blocks": []},
    )
    view = {**VIEW, "state": {"values": {}}, "team_id": "T1", "app_id": "A", "hash": "h"}
    from_view = block_actions_payload(GRID_USER, button, block_id="b", trigger_id="1.2", view=view)
    for payload in (from_message, from_view):
        assert_keys_within(payload, reference)


def test_view_submission_keys() -> None:
    payload = view_submission_payload(
        USER, VIEW, {"b": {"a": {"type": "plain_text_input", "value": "x"}}}
    )
    reference = sample("app-backend/views/ViewSubmissionPayload.json")
    reference["response_urls"] = []  # sent with modals whose inputs enable response URLs
    reference["view"]["blocks"] = []
    assert_keys_within({k: v for k, v in payload.items() if k != "view"}, reference)
    assert set(payload["view"]) <= set(reference["view"]) | {"blocks"}


def test_message_shortcut_sample_has_the_identity_keys_we_send_with_shortcuts() -> None:
    payload = shortcut_payload(USER, "log_time", "1.2")
    reference = sample("app-backend/interactive-components/MessageShortcutPayload.json")
    shared = {
        "team",
        "user",
        "token",
        "trigger_id",
        "callback_id",
        "action_ts",
        "is_enterprise_install",
        "enterprise",
    }
    assert shared <= set(reference)
    assert set(payload) == shared | {"type"}


def test_message_action_keys_are_within_slacks_sample() -> None:
    message = {
        "type": "message",
        "user": "U2",
        "text": "hello",
        "ts": "1.000200",
        "thread_ts": "1.0",
    }
    payload = message_action_payload(
        USER, "log_message", trigger_id="1.2", response_url="https://x", message=message
    )
    reference = sample("app-backend/interactive-components/MessageShortcutPayload.json")
    assert set(payload) <= set(reference)
    assert set(payload["message"]) <= set(reference["message"])


def test_block_suggestion_resembles_slacks_dialog_suggestion() -> None:
    payload = block_suggestion_payload(USER, action_id="a", block_id="b", value="de", view=VIEW)
    assert payload["type"] == "block_suggestion" and payload["value"] == "de"


@pytest.mark.parametrize(
    ("event", "sample_name"),
    [
        ({"type": "app_uninstalled"}, "AppUninstalledPayload.json"),
        (
            {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": ["B1"]}},
            "TokensRevokedPayload.json",
        ),
    ],
)
def test_event_envelope_keys(event: dict[str, Any], sample_name: str) -> None:
    assert_keys_within(event_payload(USER, event), sample(f"events/{sample_name}"))


def test_a_message_event_has_only_keys_slack_sends() -> None:
    posted = message_event(USER, "C1", "2h API review", ts="1.000200", thread_ts="1.000100")
    assert_keys_within(event_payload(USER, posted), sample("events/MessagePayload.json"))
    assert posted["channel_type"] == "channel"
    assert message_event(USER, "G1", "hi")["channel_type"] == "group"


def test_signature_matches_slacks_documented_test_vector() -> None:
    readme = (SLACK_REFERENCE / "README.md").read_text()
    body = readme.split("for the body\n`", 1)[1].split("`", 1)[0]
    signer = SignedSlack("http://127.0.0.1:9", "8f742231b10e8888abcd99yyyzzz85a5")
    try:
        assert signer.signature("1531420618", body) == (
            "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
        )
    finally:
        signer.close()
