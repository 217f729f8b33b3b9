"""The App Home tab and the settings end to end: signed requests to the real server, the Home
published to the fake Slack, TrackingTime faked.

Every Home the app publishes in these tests is checked the way ``tests/unit/test_blocks.py``
checks views (``slack_sdk``, Slack's JSON schema, the round trip, the limits).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from bot.blocks import ids
from bot.blocks.settings import END_BEFORE_START, NO_DAYS, NO_WORK_DAYS
from bot.fakes.slack import FakeSlack
from bot.fakes.slack_requests import CHANNEL, SlackUser
from bot.fakes.trackingtime import FakeTrackingTime
from tests.support.flows import connect
from tests.support.harness import AppHarness
from tests.support.seed import ALICE, ALICE_PASSWORD, BOB, BOB_PASSWORD, TEAM_ID, Seeded
from tests.support.today import needs_today
from tests.unit.test_blocks import all_text, check_view_payload


@pytest.fixture(autouse=True)
def every_published_home_is_valid(app: AppHarness) -> Iterator[None]:
    yield
    for user in (ALICE, BOB):
        for view in app.published_homes(user):
            check_view_payload(view)


@pytest.fixture
def alice(app: AppHarness) -> AppHarness:
    connect(app, ALICE, ALICE_PASSWORD)
    return app


def next_home(app: AppHarness, user: SlackUser) -> Callable[[], dict[str, Any]]:
    """A function that waits for the next Home published for ``user`` after now."""
    count = len(app.published_homes(user))
    return lambda: app.wait_for_home(user, count + 1)


def next_opened(app: AppHarness) -> Callable[[], dict[str, Any]]:
    """A function that waits for the next modal the app opens after now."""
    count = len([call for call in app.fake_slack.calls_to("views.open") if call.ok])
    return lambda: app.opened_view(count + 1)


def home_buttons(view: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        element
        for block in view["blocks"]
        for element in [*block.get("elements", []), block.get("accessory") or {}]
        if element.get("type") == "button"
    ]


def button_ids(view: dict[str, Any]) -> list[str]:
    return [button["action_id"] for button in home_buttons(view)]


def posted_dms(fake_slack: FakeSlack, user: SlackUser) -> list[dict[str, Any]]:
    return [
        call.args
        for call in fake_slack.calls_to("chat.postMessage")
        if call.args.get("channel") in (user.user_id, f"D{user.user_id[1:]}")
    ]


def settle() -> None:
    """Time for work the app would do after an ack, to show that it does none."""
    time.sleep(0.3)


# --- Opening the Home tab --------------------------------------------------------------------


def test_opening_the_home_tab_publishes_the_not_linked_home(
    app: AppHarness, fake_slack: FakeSlack
) -> None:
    assert app.home(ALICE).status_code == 200
    home = app.wait_for_home(ALICE)
    assert "Connect TrackingTime" in all_text(home)
    assert button_ids(home) == [ids.OPEN_CONNECT]
    assert fake_slack.home_views[(TEAM_ID, ALICE.user_id)]["id"] == home["id"]

    # The Connect button opens the App Password modal from the Home tab too.
    assert app.click_in_home(ALICE, home, ids.OPEN_CONNECT).status_code == 200
    assert app.opened_view()["callback_id"] == ids.CONNECT_VIEW


def test_the_messages_tab_publishes_nothing(app: AppHarness) -> None:
    assert app.home(ALICE, tab="messages").status_code == 200
    settle()
    assert app.published_homes(ALICE) == []


def test_after_connecting_the_home_shows_the_account(alice: AppHarness) -> None:
    home = alice.wait_for_home(ALICE)
    text = all_text(home)
    assert "Connected as *Alice Liddell* in workspace *Acme Design*" in text
    assert "No timer running" in text and "*Today* · *&lt;1m* tracked" in text
    assert "*Daily summary at 17:30 on Mon–Fri*" in text
    assert ids.DISCONNECT in button_ids(home) and ids.OPEN_CONNECT not in button_ids(home)
    # Opening the tab later shows the same.
    alice.home(ALICE)
    assert "Connected as *Alice Liddell*" in all_text(alice.wait_for_home(ALICE, 2))


def test_choosing_another_workspace_republishes_the_home(app: AppHarness, seeded: Seeded) -> None:
    picker = connect(app, BOB, BOB_PASSWORD)
    assert "Connected as *Bob Builder* in workspace *Acme Design*" in all_text(
        app.wait_for_home(BOB)
    )
    chosen = {"type": "static_select", "selected_option": {"value": str(seeded.second_account_id)}}
    assert app.submit(BOB, picker, {"workspace": {"value": chosen}}).status_code == 200
    assert "in workspace *Bob's Side Gig*" in all_text(app.wait_for_home(BOB, 2))


def test_a_trackingtime_outage_still_renders_the_home(
    alice: AppHarness, fake_tt: FakeTrackingTime
) -> None:
    fake_tt.fail_next("outage", times=4)
    published = next_home(alice, ALICE)
    alice.home(ALICE)
    text = all_text(published())
    assert ":warning: TrackingTime is not answering right now" in text
    assert "Connected as *Alice Liddell*" in text


def test_rejected_credentials_in_the_home_offer_to_reconnect(
    alice: AppHarness, fake_tt: FakeTrackingTime
) -> None:
    fake_tt.fail_next("unauthorized_in_body", times=4)
    published = next_home(alice, ALICE)
    alice.home(ALICE)
    home = published()
    assert "did not accept your App Password" in all_text(home)
    assert ids.OPEN_CONNECT in button_ids(home)


# --- Timers ----------------------------------------------------------------------------------


def test_start_from_a_command_republishes_the_home_after_the_reply(
    alice: AppHarness, fake_slack: FakeSlack
) -> None:
    published = next_home(alice, ALICE)
    ack, response_url = alice.command(ALICE, "start design review in website: header")
    assert ack.status_code == 200
    reply = alice.wait_for_post(response_url)
    home = published()
    text = all_text(home)
    assert "*Design review* · Website\nRunning for" in text and "_header_" in text
    assert ids.STOP_TIMER in button_ids(home)
    publish = [c for c in fake_slack.calls_to("views.publish") if c.ok][-1]
    assert reply.at <= publish.at, "the reply must not wait for the Home"


def test_stop_from_the_home_stops_and_republishes(
    alice: AppHarness, fake_slack: FakeSlack, fake_tt: FakeTrackingTime, seeded: Seeded
) -> None:
    published = next_home(alice, ALICE)
    alice.reply_to(ALICE, "start standup")
    home = published()
    responses = len(fake_slack.responses)

    published = next_home(alice, ALICE)
    ack = alice.click_in_home(ALICE, home, ids.STOP_TIMER)
    assert ack.status_code == 200 and ack.text == ""
    after = published()
    assert fake_tt.running_task(seeded.account_id, seeded.alice_tt_id) is None
    text = all_text(after)
    assert "No timer running" in text and ids.STOP_TIMER not in button_ids(after)
    assert "Start Standup · Internal" in [b["text"]["text"] for b in home_buttons(after)]
    settle()
    assert len(fake_slack.responses) == responses, "a Home button has no response_url"
    assert posted_dms(fake_slack, ALICE) == []


def test_quick_start_from_the_home(
    alice: AppHarness, fake_tt: FakeTrackingTime, seeded: Seeded
) -> None:
    published = next_home(alice, ALICE)
    alice.reply_to(ALICE, "start standup")
    published()
    published = next_home(alice, ALICE)
    alice.reply_to(ALICE, "stop")
    home = published()

    published = next_home(alice, ALICE)
    assert alice.click_in_home(ALICE, home, ids.START_TASK).status_code == 200
    after = published()
    running = fake_tt.running_task(seeded.account_id, seeded.alice_tt_id)
    assert running is not None and running["id"] == seeded.tasks["Standup/Internal"]
    assert "*Standup* · Internal\nRunning for" in all_text(after)


def test_a_failure_after_a_home_button_comes_as_a_direct_message(
    alice: AppHarness, fake_slack: FakeSlack, fake_tt: FakeTrackingTime
) -> None:
    published = next_home(alice, ALICE)
    alice.reply_to(ALICE, "start standup")
    home = published()
    responses = len(fake_slack.responses)

    fake_tt.fail_next("outage", times=1)
    assert alice.click_in_home(ALICE, home, ids.STOP_TIMER).status_code == 200
    fake_slack.wait_for_calls("chat.postMessage")
    [dm] = posted_dms(fake_slack, ALICE)
    assert "TrackingTime is not answering right now" in dm["text"]
    assert len(fake_slack.responses) == responses


def test_a_stop_button_in_a_message_still_replaces_it_and_refreshes_the_home(
    alice: AppHarness,
) -> None:
    published = next_home(alice, ALICE)
    started = alice.reply_to(ALICE, "start standup")
    published()
    published = next_home(alice, ALICE)
    _, response_url = alice.click(ALICE, started, ids.STOP_TIMER)
    assert alice.wait_for_post(response_url).body["replace_original"] is True
    assert "No timer running" in all_text(published())


# --- Logging ---------------------------------------------------------------------------------


def test_log_time_in_the_home_opens_the_log_modal(alice: AppHarness) -> None:
    home = alice.wait_for_home(ALICE)
    opened = next_opened(alice)
    assert alice.click_in_home(ALICE, home, ids.OPEN_LOG_MODAL).status_code == 200
    assert opened()["callback_id"] == ids.LOG_VIEW


def test_logging_and_undoing_republish_the_home(alice: AppHarness) -> None:
    needs_today(45)
    published = next_home(alice, ALICE)
    logged = alice.reply_to(ALICE, "log 45m standup: sync")
    text = all_text(published())
    assert "*Today* · *45m* tracked" in text and "Standup · Internal" in text and "_sync_" in text

    published = next_home(alice, ALICE)
    _, response_url = alice.click(ALICE, logged, ids.UNDO_ENTRY)
    assert "Undone" in str(alice.wait_for_post(response_url).body)
    assert "Nothing tracked yet today." in all_text(published())


# --- Disconnecting ---------------------------------------------------------------------------


def test_disconnect_from_the_home_removes_the_link(alice: AppHarness) -> None:
    home = alice.wait_for_home(ALICE)
    [button] = [
        b["accessory"]
        for b in home["blocks"]
        if b.get("accessory", {}).get("action_id") == "disconnect"
    ]
    assert button["confirm"]["confirm"]["text"] == "Delete"
    published = next_home(alice, ALICE)
    assert alice.click_in_home(ALICE, home, ids.DISCONNECT).status_code == 200
    after = published()
    assert alice.rows("select count(*) from linked_accounts") == [(0,)]
    assert button_ids(after) == [ids.OPEN_CONNECT]


def test_disconnect_command_republishes_the_home(alice: AppHarness) -> None:
    published = next_home(alice, ALICE)
    assert "Disconnected" in str(alice.reply_to(ALICE, "disconnect"))
    assert button_ids(published()) == [ids.OPEN_CONNECT]


# --- Settings --------------------------------------------------------------------------------


def settings_values(
    summary: bool,
    at: str | None,
    days: list[str],
    limit: str | None,
    working: tuple[str | None, str | None, list[str], str | None] = (
        "09:00",
        "17:30",
        ["0", "1", "2", "3", "4"],
        "15",
    ),
) -> dict[str, dict[str, dict[str, Any]]]:
    """The settings modal's state as Slack submits it (``working``: start, end, days, the
    shortest untracked time listed)."""

    def option(value: str) -> dict[str, Any]:
        return {"text": {"type": "plain_text", "text": value}, "value": value}

    values: dict[str, dict[str, dict[str, Any]]] = {
        "summary": {
            "value": {
                "type": "checkboxes",
                "selected_options": [option("on")] if summary else [],
            }
        },
        "summary_time": {"value": {"type": "timepicker", "selected_time": at}},
        "summary_days": {
            "value": {"type": "checkboxes", "selected_options": [option(d) for d in days]}
        },
        "timer_limit": {
            "value": {
                "type": "static_select",
                "selected_option": option(limit) if limit is not None else None,
            }
        },
    }
    start, end, work_days, gap = working
    values |= {
        "work_start": {"value": {"type": "timepicker", "selected_time": start}},
        "work_end": {"value": {"type": "timepicker", "selected_time": end}},
        "work_days": {
            "value": {"type": "checkboxes", "selected_options": [option(d) for d in work_days]}
        },
        "gap_threshold": {
            "value": {
                "type": "static_select",
                "selected_option": option(gap) if gap is not None else None,
            }
        },
    }
    return values


def settings_row(app: AppHarness) -> list[tuple[Any, ...]]:
    return app.rows(
        "select summary_enabled, summary_time, summary_days, timer_limit_minutes "
        "from linked_accounts"
    )


def test_track_settings_opens_the_modal_checks_it_and_saves(
    alice: AppHarness, fake_slack: FakeSlack
) -> None:
    opened = next_opened(alice)
    ack, _ = alice.command(ALICE, "settings")
    assert ack.status_code == 200
    modal = opened()
    assert modal["callback_id"] == ids.SETTINGS_VIEW
    assert modal["private_metadata"] == CHANNEL["id"]

    bad = alice.submit(ALICE, modal, settings_values(True, "08:15", [], "360"))
    assert bad.status_code == 200
    assert bad.json() == {"response_action": "errors", "errors": {"summary_days": NO_DAYS}}
    assert settings_row(alice) == [(1, "17:30", "01234", 540)]

    published = next_home(alice, ALICE)
    good = alice.submit(ALICE, modal, settings_values(True, "08:15", ["0", "2"], "360"))
    assert good.status_code == 200 and good.text == ""
    home = published()
    assert settings_row(alice) == [(1, "08:15", "02", 360)]
    text = all_text(home)
    assert "*Daily summary at 08:15 on Mon, Wed*\nReminder after a timer runs 6 h" in text
    # Typed in a channel: confirmed there, to the user alone.
    [confirmed] = fake_slack.wait_for_calls("chat.postEphemeral")
    assert confirmed.args["channel"] == CHANNEL["id"] and confirmed.args["user"] == ALICE.user_id
    assert "Settings saved. Daily summary at 08:15 on Mon, Wed." in confirmed.args["text"]


def test_edit_settings_from_the_home(alice: AppHarness, fake_slack: FakeSlack) -> None:
    home = alice.wait_for_home(ALICE)
    opened = next_opened(alice)
    assert alice.click_in_home(ALICE, home, ids.OPEN_SETTINGS).status_code == 200
    modal = opened()
    assert modal["callback_id"] == ids.SETTINGS_VIEW and modal["private_metadata"] == ""

    published = next_home(alice, ALICE)
    values = settings_values(False, "17:30", ["0", "1", "2", "3", "4"], "0")
    assert alice.submit(ALICE, modal, values).status_code == 200
    text = all_text(published())
    assert settings_row(alice) == [(0, "17:30", "01234", 0)]
    assert "*No daily summary*\nNo reminder about timers left running" in text
    # The Home shows the new settings: no message on top.
    settle()
    assert fake_slack.calls_to("chat.postEphemeral") == []
    assert posted_dms(fake_slack, ALICE) == []


def test_track_settings_when_not_connected(app: AppHarness, fake_slack: FakeSlack) -> None:
    reply = app.reply_to(ALICE, "settings")
    assert "Connect your TrackingTime account" in str(reply)
    assert fake_slack.calls_to("views.open") == []


def test_working_hours_are_checked_saved_and_shown_in_the_home(alice: AppHarness) -> None:
    opened = next_opened(alice)
    alice.command(ALICE, "settings")
    modal = opened()
    days = ["0", "1", "2", "3", "4"]
    bad = alice.submit(
        ALICE, modal, settings_values(True, "17:30", days, "540", ("18:00", "08:00", [], "30"))
    )
    assert bad.json() == {
        "response_action": "errors",
        "errors": {"work_end": END_BEFORE_START, "work_days": NO_WORK_DAYS},
    }
    published = next_home(alice, ALICE)
    good = settings_values(
        True, "17:30", days, "540", ("08:00", "16:00", ["0", "1", "2", "3"], "30")
    )
    assert alice.submit(ALICE, modal, good).text == ""
    assert "Working hours 08:00–16:00 on Mon–Thu" in all_text(published())
    assert alice.rows(
        "select work_start, work_end, work_days, gap_minutes from linked_accounts"
    ) == [("08:00", "16:00", "0123", 30)]


def test_help_lists_track_settings(app: AppHarness) -> None:
    assert "`/track settings`" in str(app.reply_to(ALICE, "help"))
