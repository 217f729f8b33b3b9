"""An entry TrackingTime refuses gets a Try again button: it sends the same entry again, with the
same identity rule, so a double click adds it once; it only ever acts for the user who owns it."""

from __future__ import annotations

from typing import Any

import pytest

from bot.blocks import ids
from bot.fakes.slack import FakeSlack
from bot.fakes.slack_requests import SlackUser
from bot.fakes.trackingtime import FakeTrackingTime
from tests.support.flows import connect
from tests.support.harness import AppHarness
from tests.support.seed import ALICE, ALICE_PASSWORD, TEAM_ID, Seeded

CAROL = SlackUser(TEAM_ID, "U0CAROL", "carol")
CAROL_PASSWORD = "carol-app-password-0003"
REFUSAL = "An unexpected error occurred. Please try again later."  # the fake's status 500


def text_of(message: dict[str, Any]) -> str:
    return str(message.get("blocks")) + message.get("text", "")


def undo_value(message: dict[str, Any]) -> str:
    """The value of the reply's Undo button (the entry's id), in the row under the entry."""
    [undo] = [
        element["value"]
        for block in message["blocks"]
        for element in block.get("elements", [])
        if element.get("action_id") == ids.UNDO_ENTRY
    ]
    return str(undo)


def alices_notes(fake_tt: FakeTrackingTime, seeded: Seeded) -> list[str]:
    return [e["notes"] for e in fake_tt.events(seeded.account_id, seeded.alice_tt_id)]


def refused_entry(app: AppHarness, fake_tt: FakeTrackingTime) -> dict[str, Any]:
    connect(app, ALICE, ALICE_PASSWORD)
    fake_tt.fail_next("server_error", path_contains="/events/add")
    reply = app.reply_to(ALICE, "log 1h yesterday Standup: sprint sync")
    assert REFUSAL in text_of(reply) and "Try again" in text_of(reply)
    return reply


def click(app: AppHarness, user: SlackUser, message: dict[str, Any]) -> str:
    """Press Try again; returns the response_url the answer goes to."""
    ack, response_url = app.click(user, message, ids.RETRY_ENTRY)
    assert ack.status_code == 200, ack.text
    return response_url


def test_try_again_twice_at_once_adds_the_entry_once(
    app: AppHarness, fake_tt: FakeTrackingTime, seeded: Seeded
) -> None:
    reply = refused_entry(app, fake_tt)
    assert alices_notes(fake_tt, seeded) == []
    # A double click: the second request arrives while the first is still being handled (a
    # slow TrackingTime makes sure it is).
    fake_tt.latency = 0.3
    first, second = click(app, ALICE, reply), click(app, ALICE, reply)
    answers = [app.wait_for_post(url, timeout=10).body for url in (first, second)]
    for answer in answers:
        assert "Logged" in text_of(answer), text_of(answer)
        assert answer["replace_original"] is True
    assert undo_value(answers[0]) == undo_value(answers[1])  # one entry, both say so
    assert alices_notes(fake_tt, seeded) == ["sprint sync"]
    # A later click on the same button finds it added and adds nothing.
    again = app.wait_for_post(click(app, ALICE, reply)).body
    assert "Logged" in text_of(again) and undo_value(again) == undo_value(answers[0])
    assert alices_notes(fake_tt, seeded) == ["sprint sync"]
    [(kept,)] = app.rows("select count(*) from pending_entries where done_at is null")
    assert kept == 0


def test_refused_again_offers_try_again_again(
    app: AppHarness, fake_tt: FakeTrackingTime, seeded: Seeded
) -> None:
    reply = refused_entry(app, fake_tt)
    fake_tt.fail_next("server_error", path_contains="/events/add")
    answer = app.wait_for_post(click(app, ALICE, reply)).body
    assert REFUSAL in text_of(answer) and "Try again" in text_of(answer)
    assert alices_notes(fake_tt, seeded) == []
    done = app.wait_for_post(click(app, ALICE, answer)).body
    assert "Logged" in text_of(done)
    assert alices_notes(fake_tt, seeded) == ["sprint sync"]


def test_try_again_while_trackingtime_is_down_keeps_it_for_the_worker(
    app: AppHarness, fake_tt: FakeTrackingTime, seeded: Seeded
) -> None:
    reply = refused_entry(app, fake_tt)
    fake_tt.fail_next("unavailable", times=5)
    answer = app.wait_for_post(click(app, ALICE, reply)).body
    assert "I've kept your entry" in text_of(answer)
    fake_tt.reset_failures()
    [(due,)] = app.rows("select count(*) from pending_entries where not awaiting_user")
    assert due == 1  # the worker's now (see test_nothing_lost for the worker's side)


@pytest.mark.parametrize("forged", ["not-a-number", "99999999", "²", "1" * 40])
def test_try_again_acts_only_on_the_clicking_users_own_entry(
    app: AppHarness,
    fake_tt: FakeTrackingTime,
    fake_slack: FakeSlack,
    seeded: Seeded,
    forged: str,
) -> None:
    reply = refused_entry(app, fake_tt)
    fake_slack.add_user(TEAM_ID, CAROL.user_id, "Carol Danvers", tz="Europe/Berlin")
    fake_tt.add_user("carol@acme.test", CAROL_PASSWORD, "Carol", "Danvers", [seeded.account_id])
    connect(app, CAROL, CAROL_PASSWORD)
    # Carol presses Alice's button (the same payload value): nothing of Alice's is sent.
    answer = app.wait_for_post(click(app, CAROL, reply)).body
    assert "no longer kept" in text_of(answer)
    # Values no button of ours carries are out of date, for anyone.
    tampered = {
        **reply,
        "blocks": [
            {**block, "elements": [{**block["elements"][0], "value": forged}]}
            if block.get("type") == "actions"
            else block
            for block in reply["blocks"]
        ],
    }
    answer = app.wait_for_post(click(app, ALICE, tampered)).body
    assert "out of date" in text_of(answer) or "no longer kept" in text_of(answer)
    assert fake_tt.events(seeded.account_id) == []
    # Alice's own click still works.
    assert "Logged" in text_of(app.wait_for_post(click(app, ALICE, reply)).body)
    assert alices_notes(fake_tt, seeded) == ["sprint sync"]
