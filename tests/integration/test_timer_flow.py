"""Timers end to end: signed /track requests to the real server, TrackingTime and Slack faked."""

from __future__ import annotations

from bot.fakes.slack import FakeSlack
from bot.fakes.trackingtime import FakeTrackingTime
from tests.support.flows import connect
from tests.support.harness import AppHarness
from tests.support.seed import ALICE, ALICE_PASSWORD, Seeded


def text_of(message: dict) -> str:  # type: ignore[type-arg]
    return str(message.get("blocks")) + message.get("text", "")


def test_connect_start_status_stop_disconnect_round_trip(
    app: AppHarness, fake_tt: FakeTrackingTime, seeded: Seeded
) -> None:
    connect(app, ALICE, ALICE_PASSWORD)

    started = app.reply_to(ALICE, "start design review in website: header fixes")
    assert started["response_type"] == "ephemeral"
    assert "Started *Design review* · Website" in text_of(started)
    running = fake_tt.running_task(seeded.account_id, seeded.alice_tt_id)
    assert running is not None and running["id"] == seeded.tasks["Design review/Website"]
    assert running["tracking_event"]["notes"] == "header fixes"
    track = [r for r in fake_tt.requests if "/tasks/track/" in r.path][-1]
    assert track.params["timezone"] in ("GMT+01:00", "GMT+02:00")  # Alice is in Berlin
    assert track.params["stop_running_task"] == "true"

    status = app.reply_to(ALICE, "")
    assert "Design review" in text_of(status) and "Running for" in text_of(status)
    assert "Today:" in text_of(status)
    assert any(
        block.get("accessory", {}).get("action_id") == "stop_timer" for block in status["blocks"]
    )

    stopped = app.reply_to(ALICE, "stop")
    assert "Stopped *Design review* · Website" in text_of(stopped)
    assert fake_tt.running_task(seeded.account_id, seeded.alice_tt_id) is None
    [event] = fake_tt.events(seeded.account_id, seeded.alice_tt_id)
    assert event["end"] is not None and event["notes"] == "header fixes"

    idle = app.reply_to(ALICE, "stop")
    assert "nothing to stop" in text_of(idle)

    gone = app.reply_to(ALICE, "disconnect")
    assert "Disconnected" in text_of(gone)
    assert app.rows("select count(*) from linked_accounts") == [(0,)]
    assert "Connect TrackingTime" in text_of(app.reply_to(ALICE, "status"))


def test_starting_stops_the_running_timer_and_says_so(
    app: AppHarness, fake_tt: FakeTrackingTime, seeded: Seeded
) -> None:
    connect(app, ALICE, ALICE_PASSWORD)
    app.reply_to(ALICE, "start standup")
    switched = app.reply_to(ALICE, "start development")
    assert "Started *Development* · Website" in text_of(switched)
    assert "Stopped *Standup* · Internal after" in text_of(switched)
    running = fake_tt.running_task(seeded.account_id, seeded.alice_tt_id)
    assert running is not None and running["name"] == "Development"


def test_stop_button_stops_and_replaces_the_message(
    app: AppHarness, fake_slack: FakeSlack, fake_tt: FakeTrackingTime, seeded: Seeded
) -> None:
    connect(app, ALICE, ALICE_PASSWORD)
    started = app.reply_to(ALICE, "start standup")
    ack, response_url = app.click(ALICE, started, "stop_timer")
    assert ack.status_code == 200 and ack.text == ""
    post = app.wait_for_post(response_url)
    assert post.body["replace_original"] is True
    assert "Stopped *Standup*" in text_of(post.body)
    assert fake_tt.running_task(seeded.account_id, seeded.alice_tt_id) is None


def test_ambiguous_task_offers_a_choice_and_the_button_starts_it(
    app: AppHarness, fake_tt: FakeTrackingTime, seeded: Seeded
) -> None:
    connect(app, ALICE, ALICE_PASSWORD)
    choice = app.reply_to(ALICE, "start design review: notes kept")
    assert "2 tasks match" in text_of(choice)
    labels = [e["text"]["text"] for e in choice["blocks"][1]["elements"]]
    assert labels == ["Design review · Mobile app", "Design review · Website"]
    assert fake_tt.running_task(seeded.account_id, seeded.alice_tt_id) is None

    _, response_url = app.click(ALICE, choice, "start_task", index=1)
    started = app.wait_for_post(response_url).body
    assert "Started *Design review* · Website" in text_of(started)
    running = fake_tt.running_task(seeded.account_id, seeded.alice_tt_id)
    assert running is not None and running["id"] == seeded.tasks["Design review/Website"]
    assert running["tracking_event"]["notes"] == "notes kept"


def test_unknown_task_offers_to_create_it(
    app: AppHarness, fake_tt: FakeTrackingTime, seeded: Seeded
) -> None:
    connect(app, ALICE, ALICE_PASSWORD)
    offer = app.reply_to(ALICE, "start Pricing page in Marketing site")
    assert "couldn't find a task called “Pricing page” in *Marketing site*" in text_of(offer)
    assert "doesn't exist either" in text_of(offer)
    _, response_url = app.click(ALICE, offer, "create_and_start")
    started = app.wait_for_post(response_url).body
    assert "Started *Pricing page* · Marketing site" in text_of(started)
    assert any(p["name"] == "Marketing site" for p in fake_tt.projects(seeded.account_id))


def test_not_linked_user_gets_a_connect_button_that_opens_the_modal(
    app: AppHarness, fake_slack: FakeSlack
) -> None:
    reply = app.reply_to(ALICE, "start standup")
    assert "Connect your TrackingTime account" in text_of(reply)
    ack, _ = app.click(ALICE, reply, "open_connect")
    assert ack.status_code == 200
    opened = fake_slack.wait_for_calls("views.open")[-1]
    assert opened.ok and opened.args["view"]["callback_id"] == "connect"


def test_help_and_did_you_mean(app: AppHarness) -> None:
    # < and > are escaped: Slack would read a bare <task> as a link.
    assert "/track start &lt;task&gt;" in text_of(app.reply_to(ALICE, "help"))
    unknown = app.reply_to(ALICE, "strat standup")
    assert "Did you mean `/track start`?" in text_of(unknown)
    assert "/track stop" in text_of(unknown)


def test_bad_input_gets_the_problem_and_an_example(app: AppHarness) -> None:
    connect(app, ALICE, ALICE_PASSWORD)
    reply = app.reply_to(ALICE, 'start "unclosed')
    assert "opening quote without a closing one" in text_of(reply)
    assert 'Example: `/track start "Design review" in Website`' in text_of(reply)


def test_trackingtime_outage_mid_command_gets_a_clear_reply(
    app: AppHarness, fake_tt: FakeTrackingTime, seeded: Seeded
) -> None:
    connect(app, ALICE, ALICE_PASSWORD)
    fake_tt.fail_next("outage", times=3)
    reply = app.reply_to(ALICE, "start standup")
    assert "TrackingTime is not answering right now" in text_of(reply)
    assert "Traceback" not in text_of(reply)
    assert fake_tt.running_task(seeded.account_id, seeded.alice_tt_id) is None


def test_rejected_credentials_ask_to_reconnect(app: AppHarness, fake_tt: FakeTrackingTime) -> None:
    connect(app, ALICE, ALICE_PASSWORD)
    fake_tt.fail_next("unauthorized_in_body", times=3)
    reply = app.reply_to(ALICE, "status")
    assert "did not accept your App Password" in text_of(reply)
    assert "Reconnect TrackingTime" in text_of(reply)


def test_rate_limited_by_trackingtime(app: AppHarness, fake_tt: FakeTrackingTime) -> None:
    connect(app, ALICE, ALICE_PASSWORD)
    fake_tt.fail_next("rate_limit", times=3)
    assert "too many requests" in text_of(app.reply_to(ALICE, "stop"))


def test_status_shows_quick_start_buttons_for_recent_tasks(
    app: AppHarness, fake_tt: FakeTrackingTime, seeded: Seeded
) -> None:
    connect(app, ALICE, ALICE_PASSWORD)
    app.reply_to(ALICE, "start standup")
    app.reply_to(ALICE, "stop")
    status = app.reply_to(ALICE, "status")
    assert "No timer is running" in text_of(status)
    buttons = [
        e for b in status["blocks"] for e in b.get("elements", []) if e.get("type") == "button"
    ]
    assert [b["text"]["text"] for b in buttons] == ["Start Standup · Internal"]
    _, response_url = app.click(ALICE, status, "start_task")
    assert "Started *Standup*" in text_of(app.wait_for_post(response_url).body)


def test_uninstall_forgets_every_link_of_the_workspace(app: AppHarness) -> None:
    connect(app, ALICE, ALICE_PASSWORD)
    assert app.event(ALICE, {"type": "app_uninstalled"}).status_code == 200
    deadline_rows = _wait_for_count(app, 0)
    assert deadline_rows == 0
    # Delivered again (Slack retries), or after tokens_revoked: still fine.
    assert app.event(ALICE, {"type": "app_uninstalled"}).status_code == 200
    revoked = {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": ["UBOT"]}}
    assert app.event(ALICE, revoked).status_code == 200


def _wait_for_count(app: AppHarness, expected: int, timeout: float = 5.0) -> int:
    import time

    deadline = time.monotonic() + timeout
    while True:
        [(count,)] = app.rows("select count(*) from linked_accounts")
        if count == expected or time.monotonic() > deadline:
            return int(count)
        time.sleep(0.02)
