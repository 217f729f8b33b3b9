"""Drafts from a message end to end: the message shortcut, the form, logging the rows chosen
with Undo all; the channel offer through signed events; all through the real server."""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.blocks import ids
from bot.blocks.drafts import LEAVE_OUT
from bot.fakes.slack import FakeSlack
from bot.fakes.slack_requests import event_payload, message_event
from bot.fakes.trackingtime import FakeTrackingTime
from bot.services.draft_form import NO_TASK
from handlers.shortcuts.drafts import NOT_YOURS, NOTHING_FOUND
from tests.support.flows import connect
from tests.support.harness import AppHarness
from tests.support.seed import ALICE, ALICE_PASSWORD, BOB, BOB_PASSWORD, Seeded
from tests.support.views import option_state, submitted_values

BERLIN = ZoneInfo("Europe/Berlin")
STANDUP = "C0STANDUP"
CONTROL = "C0CONTROL"
TABLES = (
    "linked_accounts",
    "pending_entries",
    "deliveries",
    "team_settings",
    "deleted_entries",
    "standup_channels",
    "standup_offers",
)
POST = (
    "*Yesterday:*\n"
    "• 2h standup with <@U0BOB>\n"
    "• design review in website (30m), 45m code golf\n"
    "Blockers: none :tada:"
)


@pytest.fixture
def alice(app: AppHarness) -> AppHarness:
    connect(app, ALICE, ALICE_PASSWORD)
    return app


def yesterday() -> str:
    return (datetime.now(BERLIN) - timedelta(days=1)).date().isoformat()


def own_message(text: str, user: str = ALICE.user_id) -> dict[str, Any]:
    return {"type": "message", "user": user, "text": text, "ts": "1764300000.000200"}


def block(view: dict[str, Any], field: str, row: int) -> dict[str, Any]:
    [found] = [b for b in view["blocks"] if b.get("block_id") == ids.draft_block(field, row)]
    return found


def drafts_form(app: AppHarness, opened: int) -> dict[str, Any]:
    """The form as it stands once the tasks are matched (opened "Reading…", then filled)."""
    loading = app.opened_view(count=opened)
    return app.wait_for_view_update(loading["id"])


def test_the_shortcut_drafts_a_post_and_logs_the_rows_chosen_then_undoes_them(
    alice: AppHarness, fake_slack: FakeSlack, fake_tt: FakeTrackingTime, seeded: Seeded
) -> None:
    assert alice.message_shortcut(ALICE, "log_drafts", own_message(POST)).status_code == 200
    form = drafts_form(alice, opened=2)  # the first was the Connect modal
    assert form["callback_id"] == ids.DRAFTS_VIEW
    assert json.loads(form["private_metadata"])["rows"] == 3
    assert block(form, "leave_out", 0)["label"]["text"] == "1. 2h standup with"
    assert block(form, "task", 0)["element"]["initial_option"]["text"]["text"] == (
        "Standup · Internal"
    )
    assert block(form, "task", 1)["element"]["initial_option"]["text"]["text"] == (
        "Design review · Website"
    )
    assert block(form, "when", 1)["element"]["initial_value"] == "30m"
    assert block(form, "day", 2)["element"]["initial_date"] == yesterday()
    unmatched = block(form, "task", 2)
    assert "initial_option" not in unmatched["element"]
    assert "No task is called “code golf”" in unmatched["hint"]["text"]
    assert block(form, "notes", 2)["element"]["initial_value"] == "code golf"

    # Its select has the Log-time form's typeahead.
    typed = alice.options(ALICE, form, (ids.draft_block("task", 2), ids.LOG_TASK_INPUT[1]), "dev")
    assert [option["text"]["text"] for option in typed] == ["Development · Website"]

    # An unmatched task is a field error until one is chosen (or the row left out).
    refused = alice.submit(ALICE, form, submitted_values(form))
    assert refused.json() == {
        "response_action": "errors",
        "errors": {ids.draft_block("task", 2): NO_TASK},
    }
    assert fake_tt.events(seeded.account_id, seeded.alice_tt_id) == []

    development = str(seeded.tasks["Development/Website"])
    chosen = submitted_values(
        form, {ids.draft_block("task", 2): option_state(development, "Development · Website")}
    )
    assert alice.submit(ALICE, form, chosen).text == ""
    [reply] = fake_slack.wait_for_calls("chat.postEphemeral")
    assert reply.args["channel"] == "C0GENERAL" and reply.args["user"] == ALICE.user_id
    text = str(reply.args["blocks"])
    assert "Logged entries from your message" in text and "3h 15m" in text
    assert text.count("entry_menu") == 3
    events = sorted(
        fake_tt.events(seeded.account_id, seeded.alice_tt_id), key=lambda event: event["start"]
    )
    day = yesterday()
    # Placed one after the other, in the order written, from the start of the working day.
    assert [(e["start"], e["end"]) for e in events] == [
        (f"{day} 09:00:00", f"{day} 11:00:00"),
        (f"{day} 11:00:00", f"{day} 11:30:00"),
        (f"{day} 11:30:00", f"{day} 12:15:00"),
    ]
    assert [e["notes"] for e in events] == ["with", "", "code golf"]  # a bare mention has no name

    message = {"blocks": reply.args["blocks"], "text": reply.args["text"]}
    _, response_url = alice.click(ALICE, message, ids.UNDO_ALL)
    undone = alice.wait_for_post(response_url).body
    assert "Undone: 3 entries deleted" in undone["text"]
    assert fake_tt.events(seeded.account_id, seeded.alice_tt_id) == []


def test_a_thread_reply_left_out_rows_and_all_left_out(
    alice: AppHarness, fake_slack: FakeSlack, fake_tt: FakeTrackingTime, seeded: Seeded
) -> None:
    text = "Yesterday: 1h standup. 2h design review in website"
    reply = own_message(text) | {"thread_ts": "1764299000.000100"}  # a reply in a thread
    alice.message_shortcut(ALICE, "log_drafts", reply)
    form = drafts_form(alice, opened=2)
    leave = {
        "selected_options": [{"text": {"type": "plain_text", "text": "x"}, "value": LEAVE_OUT}]
    }
    both = {ids.draft_block("leave_out", row): leave for row in (0, 1)}
    refused = alice.submit(ALICE, form, submitted_values(form, both))
    assert list(refused.json()["errors"]) == [ids.draft_block("leave_out", 0)]
    one = {ids.draft_block("leave_out", 0): leave}
    assert alice.submit(ALICE, form, submitted_values(form, one)).text == ""
    [answer] = fake_slack.wait_for_calls("chat.postEphemeral")
    assert answer.args["thread_ts"] == "1764299000.000100"  # answered in the thread
    [event] = fake_tt.events(seeded.account_id, seeded.alice_tt_id)
    assert event["task_id"] == seeded.tasks["Design review/Website"]


def test_the_shortcut_reads_only_the_users_own_messages_with_a_time(
    alice: AppHarness, fake_tt: FakeTrackingTime, seeded: Seeded
) -> None:
    alice.message_shortcut(ALICE, "log_drafts", own_message("2h standup", user=BOB.user_id))
    assert NOT_YOURS.split(".")[0] in str(alice.opened_view(count=2)["blocks"])
    alice.message_shortcut(ALICE, "log_drafts", own_message("Fixed the login bug :bug:"))
    assert NOTHING_FOUND in str(alice.opened_view(count=3)["blocks"])
    assert fake_tt.events(seeded.account_id, seeded.alice_tt_id) == []


# The channel offer ------------------------------------------------------------------------------


def offers(fake_slack: FakeSlack) -> list[dict[str, Any]]:
    return [c.args for c in fake_slack.calls_to("chat.postEphemeral") if c.ok]


def post(app: AppHarness, text: str, *, channel: str = STANDUP, user: Any = ALICE) -> int:
    """``user`` posts ``text``; the status Slack got back."""
    return app.slack.event(event_payload(user, message_event(user, channel, text))).status_code


def settled(app: AppHarness, fake_slack: FakeSlack) -> dict[str, Any]:
    """Wait for the offer of a control post sent last (Alice's, where her offers are on): the
    posts before it, which Bolt acks before handling, took less work and are done by then."""
    before = len(offers(fake_slack))
    post(app, "15m control", channel=CONTROL)
    deadline = time.monotonic() + 5
    while len(offers(fake_slack)) == before and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.05)
    control = offers(fake_slack).pop()
    assert control["channel"] == CONTROL
    return control


def test_the_offer_goes_to_the_author_alone_once_and_only_where_turned_on(
    alice: AppHarness, fake_slack: FakeSlack, fake_tt: FakeTrackingTime, seeded: Seeded
) -> None:
    connect(alice, BOB, BOB_PASSWORD)
    turned_on = alice.reply_to(ALICE, f"standup <#{STANDUP}|standup> <#{CONTROL}|control>")
    assert f"I'll offer to log what you post in <#{STANDUP}>, <#{CONTROL}>" in str(turned_on)
    fake_slack.clear()

    payload = event_payload(ALICE, message_event(ALICE, STANDUP, POST, ts="1764300000.000300"))
    assert alice.slack.event(payload).status_code == 200
    [offer] = fake_slack.wait_for_calls("chat.postEphemeral")
    assert offer.args["channel"] == STANDUP and offer.args["user"] == ALICE.user_id
    assert "Log these 3 entries?" in offer.args["text"]
    # Slack retries a delivery it thinks failed: the same event, with X-Slack-Retry-Num.
    assert alice.slack.event(payload, retry=1).status_code == 200
    assert alice.slack.event(payload, retry=2).status_code == 200
    assert post(alice, "2h standup", user=BOB) == 200  # Bob did not turn it on
    assert post(alice, "2h standup", channel="C0RANDOM") == 200  # nor Alice there
    assert post(alice, "Morning all, no times here") == 200
    settled(alice, fake_slack)
    assert offers(fake_slack)[:-1] == [offer.args]

    # The offer's button opens the same form, with the drafts it carries.
    message = {"blocks": offer.args["blocks"], "text": offer.args["text"]}
    alice.click(ALICE, message, ids.OPEN_DRAFTS)
    form = drafts_form(alice, opened=1)  # since the calls were cleared
    assert json.loads(form["private_metadata"])["rows"] == 3
    assert block(form, "day", 0)["element"]["initial_date"] == yesterday()
    assert fake_tt.events(seeded.account_id, seeded.alice_tt_id) == []

    # Nothing of the posts is kept, in any table.
    for table in TABLES:
        stored = str(alice.rows(f"select * from {table}"))
        assert "golf" not in stored and "Blockers" not in stored, table


def test_a_reply_in_a_thread_is_offered_in_its_thread_and_off_stops_it(
    alice: AppHarness, fake_slack: FakeSlack
) -> None:
    alice.reply_to(ALICE, f"standup <#{STANDUP}|standup> <#G0PRIVATE|team> <#{CONTROL}|c>")
    fake_slack.clear()
    reply = message_event(ALICE, "G0PRIVATE", "30m review", thread_ts="1764300000.000100")
    alice.slack.event(event_payload(ALICE, reply))
    [offer] = fake_slack.wait_for_calls("chat.postEphemeral")
    assert offer.args["channel"] == "G0PRIVATE"
    assert offer.args["thread_ts"] == "1764300000.000100"

    stopped = alice.reply_to(ALICE, f"standup off <#{STANDUP}|standup> <#G0PRIVATE|team>")
    assert f"no longer offer to log what you post in <#{STANDUP}>, <#G0PRIVATE>" in str(stopped)
    fake_slack.clear()
    post(alice, "2h standup")
    post(alice, "2h standup", channel="G0PRIVATE")
    settled(alice, fake_slack)
    assert offers(fake_slack)[:-1] == []
    assert "no longer offer" in str(alice.reply_to(ALICE, "standup off"))
    assert "don't offer to log your posts anywhere" in str(alice.reply_to(ALICE, "standup"))
    assert alice.rows("select count(*) from standup_channels") == [(0,)]


def test_edits_bots_and_unlinked_authors_get_no_offer(
    app: AppHarness, fake_slack: FakeSlack
) -> None:
    connect(app, ALICE, ALICE_PASSWORD)
    app.reply_to(ALICE, f"standup <#{STANDUP}|standup>")
    app.reply_to(ALICE, "disconnect")  # forgets where offers were on, too
    assert app.rows("select count(*) from standup_channels") == [(0,)]
    post(app, "2h standup")  # not linked: nothing is read
    connect(app, ALICE, ALICE_PASSWORD)
    app.reply_to(ALICE, f"standup <#{STANDUP}|standup> <#{CONTROL}|control>")
    fake_slack.clear()
    edited = message_event(ALICE, STANDUP, "2h standup", subtype="message_changed")
    app.slack.event(event_payload(ALICE, edited))
    from_a_bot = message_event(ALICE, STANDUP, "2h standup", bot_id="B0OTHER")
    app.slack.event(event_payload(ALICE, from_a_bot))
    settled(app, fake_slack)
    assert offers(fake_slack)[:-1] == []


def test_standup_needs_a_channel_it_can_read(alice: AppHarness) -> None:
    bad = alice.reply_to(ALICE, "standup #standup")
    assert "I can't find a channel in “#standup”" in str(bad)
    too_many = " ".join(f"<#C0{n:07d}|c{n}>" for n in range(11))
    assert "at most 10 channels" in str(alice.reply_to(ALICE, f"standup {too_many}"))
    ten = " ".join(f"<#C0{n:07d}|c{n}>" for n in range(10))
    alice.reply_to(ALICE, f"standup {ten}")
    refused = alice.reply_to(ALICE, f"standup <#{STANDUP}|standup>")
    assert "at most 10 channels" in str(refused)
    assert "stops it" in str(alice.reply_to(ALICE, "standup"))
