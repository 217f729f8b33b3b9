"""manifest.yml is valid for Slack and declares exactly what the code handles."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest
import yaml

from bot.fakes.slack_requests import command_payload, message_action_payload, shortcut_payload
from bot.slack_app import BOT_SCOPES, SCOPE_USES
from bot.status_grant import STATUS_SCOPES, USER_SCOPE_USES
from handlers.commands import COMMANDS
from handlers.events import EVENTS, SUBSCRIPTIONS
from handlers.shortcuts import SHORTCUTS
from tests.support.harness import AppHarness
from tests.support.paths import PROJECT_ROOT, SLACK_REFERENCE
from tests.support.seed import ALICE

SCHEMA = SLACK_REFERENCE / "manifest-schema" / "schemas" / "manifest.schema.1.0.0.json"


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    return yaml.safe_load((PROJECT_ROOT / "manifest.yml").read_text())


def test_manifest_validates_against_slacks_schema(manifest: dict[str, Any]) -> None:
    jsonschema.validate(manifest, json.loads(SCHEMA.read_text()))


def test_the_schema_check_would_catch_a_broken_manifest(manifest: dict[str, Any]) -> None:
    broken = {
        **manifest,
        "features": {**manifest["features"], "slash_commands": [{"command": "track"}]},
    }
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, json.loads(SCHEMA.read_text()))


def test_declared_commands_are_exactly_the_handled_ones(manifest: dict[str, Any]) -> None:
    declared = {c["command"] for c in manifest["features"].get("slash_commands", [])}
    assert declared == set(COMMANDS)


# The scope each event subscription needs, from Slack's event reference
# (https://docs.slack.dev/reference/events); events that need none are left out.
EVENT_SCOPES = {"message.channels": "channels:history", "message.groups": "groups:history"}


def test_declared_events_are_exactly_the_handled_ones(manifest: dict[str, Any]) -> None:
    assert set(manifest["settings"]["event_subscriptions"]["bot_events"]) == set(SUBSCRIPTIONS)
    assert set(SUBSCRIPTIONS.values()) == set(EVENTS)


def test_each_event_has_its_scope_and_each_scope_a_use(manifest: dict[str, Any]) -> None:
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    events = manifest["settings"]["event_subscriptions"]["bot_events"]
    needed = {EVENT_SCOPES[event] for event in events if event in EVENT_SCOPES}
    assert needed <= scopes
    # A history scope lets the app read whole channels: only for the events that need it.
    assert {scope for scope in scopes if scope.endswith(":history")} == needed
    assert all(SCOPE_USES[scope] for scope in scopes)


def test_declared_shortcuts_are_exactly_the_handled_ones(manifest: dict[str, Any]) -> None:
    declared = {s["callback_id"] for s in manifest["features"].get("shortcuts", [])}
    assert declared == set(SHORTCUTS)


def test_every_request_url_is_the_one_bolt_endpoint(manifest: dict[str, Any]) -> None:
    urls = [c["url"] for c in manifest["features"]["slash_commands"]]
    urls.append(manifest["settings"]["event_subscriptions"]["request_url"])
    urls.append(manifest["settings"]["interactivity"]["request_url"])
    urls.append(manifest["settings"]["interactivity"]["message_menu_options_url"])
    assert all(url.endswith("/slack/events") for url in urls)


def test_scopes_cover_the_web_api_methods_the_app_calls(manifest: dict[str, Any]) -> None:
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert {"commands", "chat:write", "users:read"} <= scopes
    # OAuth installs ask for exactly what the manifest declares.
    assert scopes == set(BOT_SCOPES)
    assert [
        u.endswith("/slack/oauth_redirect") for u in manifest["oauth_config"]["redirect_urls"]
    ] == [True]


def test_each_declared_command_and_event_is_dispatched_by_the_app(
    app: AppHarness, manifest: dict[str, Any]
) -> None:
    """Bolt answers 404 to a request no listener takes: every declared one must get 200."""
    for command in manifest["features"]["slash_commands"]:
        payload = command_payload(
            ALICE,
            "help",
            response_url=app.fake_slack.new_response_url(),
            trigger_id=app.fake_slack.new_trigger_id(),
            command=command["command"],
        )
        assert app.slack.command(payload).status_code == 200, command
    for subscription in manifest["settings"]["event_subscriptions"]["bot_events"]:
        event: dict[str, Any] = {"type": SUBSCRIPTIONS[subscription]}
        if subscription == "tokens_revoked":
            event["tokens"] = {"oauth": [], "bot": []}
        if event["type"] == "message":
            event |= {"user": ALICE.user_id, "channel": "C0STANDUP", "text": "hi", "ts": "1.2"}
        assert app.event(ALICE, event).status_code == 200, subscription
    for shortcut in manifest["features"].get("shortcuts", []):
        trigger_id = app.fake_slack.new_trigger_id()
        if shortcut["type"] == "global":
            payload = shortcut_payload(ALICE, shortcut["callback_id"], trigger_id)
        else:
            payload = message_action_payload(
                ALICE,
                shortcut["callback_id"],
                trigger_id=trigger_id,
                response_url=app.fake_slack.new_response_url(),
                message={"type": "message", "user": "U0BOB", "text": "hi", "ts": "1.000100"},
            )
        assert app.slack.interaction(payload).status_code == 200, shortcut["callback_id"]
    unknown_payload = command_payload(
        ALICE, "", response_url=app.fake_slack.new_response_url(), trigger_id="1.2", command="/x"
    )
    assert app.slack.command(unknown_payload).status_code == 404


def test_user_scopes_are_exactly_the_status_lines(manifest: dict[str, Any]) -> None:
    """The status grant asks for exactly the user scopes the manifest declares, each with a use;
    "Add to Slack" asks for none of them."""
    declared = set(manifest["oauth_config"]["scopes"]["user"])
    assert declared == set(STATUS_SCOPES) == set(USER_SCOPE_USES)
    assert all(USER_SCOPE_USES[scope] for scope in declared)
    assert not declared & set(BOT_SCOPES)
