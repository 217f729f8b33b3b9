"""Linking an account end to end: /track connect, the modal, TrackingTime's verdict, storage."""

from __future__ import annotations

from bot.fakes.slack import FakeSlack
from bot.fakes.trackingtime import FakeTrackingTime
from tests.support.harness import AppHarness
from tests.support.seed import ALICE, ALICE_PASSWORD, BOB, BOB_PASSWORD, Seeded


def open_connect_modal(app: AppHarness, fake_slack: FakeSlack, user=ALICE) -> dict:  # type: ignore[no-untyped-def]
    ack, _ = app.command(user, "connect")
    assert ack.status_code == 200
    assert ack.text == ""  # the modal is the answer; nothing is posted in the channel
    opened = fake_slack.wait_for_calls("views.open")[-1]
    assert opened.ok, opened.error
    return fake_slack.views[next(reversed(fake_slack.views))]


def password_values(password: str) -> dict:  # type: ignore[type-arg]
    return {"app_password": {"value": {"type": "plain_text_input", "value": password}}}


def test_connect_verifies_stores_encrypted_and_confirms(
    app: AppHarness, fake_slack: FakeSlack, fake_tt: FakeTrackingTime, seeded: Seeded
) -> None:
    view = open_connect_modal(app, fake_slack)
    assert view["callback_id"] == "connect"
    assert "App Passwords" in str(view["blocks"])  # says where to make one

    ack = app.submit(ALICE, view, password_values(f"  {ALICE_PASSWORD}\n"))
    assert ack.status_code == 200
    assert ack.json()["response_action"] == "update"
    assert "Checking" in str(ack.json()["view"])

    done = app.wait_for_view_update(view["id"])
    assert "You're connected as *Alice Liddell*" in str(done["blocks"])
    assert "Acme Design" in str(done["blocks"])

    rows = app.rows(
        "select team_id, slack_user_id, tt_user_id, tt_account_id, tt_workspace_name, "
        "app_password_encrypted, time_zone from linked_accounts"
    )
    assert len(rows) == 1
    team, user, tt_user, account, workspace, secret, zone = rows[0]
    assert (team, user, tt_user, account, workspace) == (
        ALICE.team_id,
        ALICE.user_id,
        seeded.alice_tt_id,
        seeded.account_id,
        "Acme Design",
    )
    assert ALICE_PASSWORD not in secret and secret.startswith("gAAAA")  # a Fernet token
    assert zone == "Europe/Berlin"  # from users.info
    me_calls = [r for r in fake_tt.requests if r.path.endswith("/me")]
    assert me_calls and me_calls[-1].username == "API_TOKEN"


def test_wrong_password_shows_the_form_again_with_the_reason(
    app: AppHarness, fake_slack: FakeSlack
) -> None:
    view = open_connect_modal(app, fake_slack)
    app.submit(ALICE, view, password_values("not-the-right-password"))
    again = app.wait_for_view_update(view["id"])
    assert again["callback_id"] == "connect"
    assert "did not accept that App Password" in str(again["blocks"])
    assert app.rows("select count(*) from linked_accounts") == [(0,)]


def test_empty_or_short_password_is_a_field_error_in_the_ack(
    app: AppHarness, fake_slack: FakeSlack, fake_tt: FakeTrackingTime
) -> None:
    view = open_connect_modal(app, fake_slack)
    ack = app.submit(ALICE, view, password_values("abc"))
    assert ack.json() == {
        "response_action": "errors",
        "errors": {"app_password": "That is too short to be an App Password: copy all of it."},
    }
    assert not [r for r in fake_tt.requests if r.path.endswith("/me")]


def test_trackingtime_down_while_connecting_says_so_in_the_modal(
    app: AppHarness, fake_slack: FakeSlack, fake_tt: FakeTrackingTime
) -> None:
    view = open_connect_modal(app, fake_slack)
    fake_tt.fail_next("outage", path_contains="/me")
    app.submit(ALICE, view, password_values(ALICE_PASSWORD))
    again = app.wait_for_view_update(view["id"])
    assert "not answering right now" in str(again["blocks"])
    assert app.rows("select count(*) from linked_accounts") == [(0,)]


def test_several_workspaces_offer_a_picker_and_the_choice_is_stored(
    app: AppHarness, fake_slack: FakeSlack, seeded: Seeded
) -> None:
    view = open_connect_modal(app, fake_slack, BOB)
    app.submit(BOB, view, password_values(BOB_PASSWORD))
    picker = app.wait_for_view_update(view["id"])
    assert picker["callback_id"] == "choose_workspace"
    select = picker["blocks"][1]["element"]
    assert [o["text"]["text"] for o in select["options"]] == ["Acme Design", "Bob's Side Gig"]
    assert select["initial_option"]["value"] == str(seeded.account_id)

    choice = {
        "workspace": {
            "value": {
                "type": "static_select",
                "selected_option": {
                    "text": {"type": "plain_text", "text": "Bob's Side Gig"},
                    "value": str(seeded.second_account_id),
                },
            }
        }
    }
    ack = app.submit(BOB, picker, choice)
    assert ack.json()["response_action"] == "update"
    assert "Bob's Side Gig" in str(ack.json()["view"])
    assert wait_rows(app, "select tt_account_id, tt_workspace_name from linked_accounts") == [
        (seeded.second_account_id, "Bob's Side Gig")
    ]


def test_a_workspace_that_was_not_offered_is_refused(
    app: AppHarness, fake_slack: FakeSlack, seeded: Seeded
) -> None:
    view = open_connect_modal(app, fake_slack, BOB)
    app.submit(BOB, view, password_values(BOB_PASSWORD))
    picker = app.wait_for_view_update(view["id"])
    forged = {
        "workspace": {
            "value": {
                "type": "static_select",
                "selected_option": {"text": {"type": "plain_text", "text": "x"}, "value": "999999"},
            }
        }
    }
    ack = app.submit(BOB, picker, forged)
    assert ack.json()["response_action"] == "errors"
    assert app.rows("select tt_account_id from linked_accounts") == [(seeded.account_id,)]


def test_track_account_switches_workspace_later(
    app: AppHarness, fake_slack: FakeSlack, seeded: Seeded
) -> None:
    view = open_connect_modal(app, fake_slack, BOB)
    app.submit(BOB, view, password_values(BOB_PASSWORD))
    app.wait_for_view_update(view["id"])

    ack, _ = app.command(BOB, "account")
    assert ack.status_code == 200
    loading = fake_slack.wait_for_calls("views.open", count=2)[-1]
    assert "Loading" in str(loading.args["view"])
    # The loading modal's own id: the Home tab, published after connecting, is a view too.
    view_id = loading.reply["view"]["id"]
    picker = app.wait_for_view_update(view_id)
    assert picker["callback_id"] == "choose_workspace"


def test_track_account_when_not_linked(app: AppHarness, fake_slack: FakeSlack) -> None:
    app.command(ALICE, "account")
    fake_slack.wait_for_calls("views.open")
    view_id = next(reversed(fake_slack.views))
    view = app.wait_for_view_update(view_id)
    assert "/track connect" in str(view["blocks"])


def wait_rows(app: AppHarness, sql: str, timeout: float = 5.0) -> list:  # type: ignore[type-arg]
    """Rows once they stop being what they were: the write follows the ack."""
    import time

    deadline = time.monotonic() + timeout
    first = app.rows(sql)
    while time.monotonic() < deadline:
        rows = app.rows(sql)
        if rows != first:
            return rows
        time.sleep(0.02)
    return first
