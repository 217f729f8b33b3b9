"""Every look-up is keyed by (enterprise, team, user): the same user id in another workspace,
or under an Enterprise Grid org, sees and changes nothing of the first one's."""

from __future__ import annotations

import time

from bot.fakes.slack import FakeSlack
from bot.fakes.slack_requests import SlackUser
from bot.fakes.trackingtime import FakeTrackingTime
from tests.support.flows import connect
from tests.support.harness import AppHarness
from tests.support.seed import ALICE, ALICE_PASSWORD, Seeded

# Same user id as Alice, other workspaces (one of them in an Enterprise Grid org).
TWIN = SlackUser("T0OTHER", ALICE.user_id, "alice-elsewhere")
GRID_TWIN = SlackUser(ALICE.team_id, ALICE.user_id, "alice-grid", enterprise_id="E0GRID")


def text_of(message: dict) -> str:  # type: ignore[type-arg]
    return str(message.get("blocks")) + message.get("text", "")


def test_a_user_id_in_another_workspace_sees_and_changes_nothing(
    app: AppHarness, fake_slack: FakeSlack, fake_tt: FakeTrackingTime, seeded: Seeded
) -> None:
    fake_slack.add_team(TWIN.team_id, "xoxb-other-team", name="Other")
    fake_slack.add_user(TWIN.team_id, TWIN.user_id, "Alice Elsewhere")
    connect(app, ALICE, ALICE_PASSWORD)
    app.reply_to(ALICE, "start standup")

    for twin in (TWIN, GRID_TWIN):
        # Not linked there: asked to connect, and Alice's running timer is not shown...
        assert "Connect your TrackingTime account" in text_of(app.reply_to(twin, "status"))
        # ... nor stopped, nor disconnected.
        assert "Connect your TrackingTime account" in text_of(app.reply_to(twin, "stop"))
        assert "weren't connected" in text_of(app.reply_to(twin, "disconnect"))
    assert fake_tt.running_task(seeded.account_id, seeded.alice_tt_id) is not None
    assert app.rows("select team_id, slack_user_id from linked_accounts") == [
        (ALICE.team_id, ALICE.user_id)
    ]
    # The other workspace leaving takes nothing of Alice's with it.
    assert app.event(TWIN, {"type": "app_uninstalled"}).status_code == 200
    time.sleep(0.5)  # events are handled after their ack; give the listener time to act
    assert "Running for" in text_of(app.reply_to(ALICE, "status"))
    assert app.rows("select count(*) from linked_accounts") == [(1,)]
