"""Multi-step flows that several tests start from."""

from __future__ import annotations

import re
from typing import Any

import httpx

from bot.fakes.slack_requests import SlackUser
from tests.support.harness import AppHarness


def connect(app: AppHarness, user: SlackUser, password: str) -> dict[str, Any]:
    """Link ``user`` through /track connect and the modal, as a user would.

    Returns the view the modal shows at the end, once the app has also refreshed the user's Home
    tab (so that the refresh's TrackingTime calls cannot meet failures a test injects next)."""
    # This command's modal, not an earlier one: it opens after the ack, maybe well after it.
    before = len(app.fake_slack.calls_to("views.open"))
    ack, _ = app.command(user, "connect")
    assert ack.status_code == 200, ack.text
    opened = app.fake_slack.wait_for_calls("views.open", before + 1)[-1]
    assert opened.ok, opened.error
    view_id = opened.reply["view"]["id"]
    assert app.fake_slack.views[view_id].get("callback_id") == "connect"
    view = {**app.fake_slack.views[view_id]}
    values = {"app_password": {"value": {"type": "plain_text_input", "value": password}}}
    homes = len(app.published_homes(user))
    assert app.submit(user, view, values).status_code == 200
    result = app.wait_for_view_update(view_id)
    app.wait_for_home(user, homes + 1)
    return result


def install(app: AppHarness, user: SlackUser, name: str, *, rotate_tokens: bool = False) -> None:
    """What a workspace admin does for "Add to Slack": open the install page, allow, come back.
    The page asks for bot scopes only (nobody is asked for their status at install)."""
    with httpx.Client(base_url=app.server.url) as browser:
        page = browser.get("/slack/install")
        assert page.status_code == 200, page.text
        assert "user_scope=users" not in page.text
        state = re.search(r"state=([\w\-]+)", page.text)
        assert state, page.text
        code = app.fake_slack.approve_install(
            user.team_id, user.user_id, team_name=name, rotate_tokens=rotate_tokens
        )
        # Bolt marks the state cookie Secure; a browser on https would send it back.
        cookie = page.headers["set-cookie"].split(";", 1)[0]
        done = browser.get(
            "/slack/oauth_redirect",
            params={"code": code, "state": state[1]},
            headers={"Cookie": cookie},
        )
        assert done.status_code == 200, done.text
