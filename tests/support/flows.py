"""Multi-step flows that several tests start from."""

from __future__ import annotations

from typing import Any

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
