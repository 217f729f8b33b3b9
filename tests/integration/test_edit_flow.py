"""Fixing what was tracked, end to end through the real server with signed requests and both
fakes: edit from a report (field errors, an entry changed or deleted meanwhile), delete and
Undo from the Home tab, log again today and start again from a log reply, /track edit and
/track edit last, /track note on the running timer, /track continue, and forged payloads that
name a colleague's entry. Runs on SQLite, and on PostgreSQL with TEST_DATABASE=postgres."""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from bot.blocks import ids
from bot.fakes.slack import FakeSlack
from bot.fakes.slack_requests import view_submission_payload
from bot.fakes.trackingtime import FakeTrackingTime
from bot.playground.modal_state import initial_state
from tests.support.flows import connect
from tests.support.harness import AppHarness
from tests.support.seed import ALICE, ALICE_PASSWORD, Seeded
from tests.support.today import needs_today

BERLIN = ZoneInfo("Europe/Berlin")
WALL = "%Y-%m-%d %H:%M:%S"


def text_of(message: dict[str, Any] | list[Any]) -> str:
    if isinstance(message, list):  # some blocks
        return str(message)
    return str(message.get("blocks")) + str(message.get("text", ""))


def berlin_day(days_ago: int = 0) -> str:
    return f"{(datetime.now(BERLIN) - timedelta(days=days_ago)).date()}"


@pytest.fixture
def alice(app: AppHarness) -> AppHarness:
    connect(app, ALICE, ALICE_PASSWORD)
    return app


def seed_entry(
    fake_tt: FakeTrackingTime,
    seeded: Seeded,
    task: str,
    start: str,
    end: str,
    notes: str = "",
    user: int | None = None,
) -> int:
    return fake_tt.add_event(
        seeded.account_id,
        seeded.alice_tt_id if user is None else user,
        seeded.tasks[task],
        start,
        end,
        "Europe/Berlin",
        notes,
    )


def stored(fake_tt: FakeTrackingTime, seeded: Seeded, event_id: int) -> dict[str, Any] | None:
    return next((e for e in fake_tt.events(seeded.account_id) if e["id"] == event_id), None)


def as_alice(fake_tt_url: str, seeded: Seeded) -> httpx.Client:
    """Alice in TrackingTime's own app: changes the app does not know about."""
    return httpx.Client(
        base_url=f"{fake_tt_url}/{seeded.account_id}", auth=("API_TOKEN", ALICE_PASSWORD)
    )


def form_values(view: dict[str, Any], **changes: dict[str, Any]) -> dict[str, Any]:
    """What Slack submits for a modal: every input's current value (its initial one unless the
    user changed it), by block id."""
    values: dict[str, Any] = {}
    for block in view["blocks"]:
        if block["type"] != "input":
            continue
        element = block["element"]
        state = changes.get(block["block_id"]) or initial_state(element)
        if state is not None:
            values[block["block_id"]] = {element["action_id"]: {"type": element["type"], **state}}
    return values


def home_showing(app: AppHarness, wanted: str, timeout: float = 5.0) -> dict[str, Any]:
    """The latest Home published for Alice once it shows ``wanted`` (a refresh follows the
    reply, so it may not be there yet when the reply is)."""
    deadline = time.monotonic() + timeout
    while True:
        homes = app.published_homes(ALICE)
        if homes and wanted in text_of(homes[-1]):
            return app.wait_for_home(ALICE, len(homes))  # as Slack keeps it, with its id
        if time.monotonic() > deadline:
            raise AssertionError(f"no Home showing {wanted!r}; last: {homes[-1:] or None}")
        time.sleep(0.01)


def ephemerals(app: AppHarness, count: int, timeout: float = 5.0) -> list[dict[str, Any]]:
    calls = app.fake_slack.wait_for_calls("chat.postEphemeral", count, timeout)
    return [call.args for call in calls]


def open_edit_form(app: AppHarness, message: dict[str, Any], index: int = 0) -> dict[str, Any]:
    """Choose Edit in an entry's menu: the form opens at once, and is filled in after."""
    opened = len([c for c in app.fake_slack.calls_to("views.open") if c.ok])
    ack, _ = app.choose(ALICE, message, "Edit", index=index)
    assert ack.status_code == 200, ack.text
    loading = app.opened_view(opened + 1)
    assert "Getting the entry from TrackingTime" in text_of(loading)
    return app.wait_for_view_update(loading["id"])


# --- Edit ----------------------------------------------------------------------------------------


def test_edit_an_entry_from_a_report(
    alice: AppHarness, fake_tt: FakeTrackingTime, seeded: Seeded
) -> None:
    day = berlin_day(1)
    first = seed_entry(
        fake_tt, seeded, "Design review/Website", f"{day} 09:00:00", f"{day} 10:30:00", "draft"
    )
    seed_entry(fake_tt, seeded, "Standup/Internal", f"{day} 13:00:00", f"{day} 13:15:00")
    report = alice.reply_to(ALICE, "yesterday")
    form = open_edit_form(alice, report, index=0)
    assert form["callback_id"] == ids.EDIT_VIEW
    fields = {b["block_id"]: b["element"] for b in form["blocks"] if b["type"] == "input"}
    assert fields["task"]["initial_option"]["text"]["text"] == "Design review · Website"
    assert (fields["start"]["initial_time"], fields["end"]["initial_time"]) == ("09:00", "10:30")
    assert fields["notes"]["initial_value"] == "draft"

    # The task typeahead offers the tasks of the project shown (Website), as in the Log form.
    offered = alice.options(ALICE, form, ids.LOG_TASK_INPUT, "", form_values(form))
    assert {o["text"]["text"] for o in offered} == {
        "Design review · Website",
        "Development · Website",
        "Log in page · Website",
    }
    homes = len(alice.published_homes(ALICE))
    values = form_values(
        form,
        task={"selected_option": {"text": {"type": "plain_text", "text": "Development · Website"},
                                  "value": str(seeded.tasks["Development/Website"])}},
        end={"selected_time": "11:15"},
        notes={"value": "checkout flow"},
    )  # fmt: skip
    response = alice.submit(ALICE, form, values)
    assert response.status_code == 200 and not response.content  # the form closes
    [saved] = ephemerals(alice, 1)
    assert "Saved:" in text_of(saved) and "Development" in text_of(saved)
    event = stored(fake_tt, seeded, first)
    assert event is not None
    assert (event["start"], event["end"], event["duration"]) == (
        f"{day} 09:00:00",
        f"{day} 11:15:00",
        8100,
    )
    assert (event["task"], event["notes"]) == ("Development", "checkout flow")
    # The Home is published again (it shows today; yesterday's entry is fine as it is).
    alice.wait_for_home(ALICE, homes + 1)


def test_edit_form_mistakes_are_said_on_their_fields(
    alice: AppHarness, fake_tt: FakeTrackingTime, seeded: Seeded
) -> None:
    day = berlin_day(1)
    event_id = seed_entry(
        fake_tt, seeded, "Design review/Website", f"{day} 09:00:00", f"{day} 10:30:00"
    )
    form = open_edit_form(alice, alice.reply_to(ALICE, "edit"))
    before = stored(fake_tt, seeded, event_id)
    backwards = form_values(form, end={"selected_time": "08:00"})
    response = alice.submit(ALICE, form, backwards)
    assert response.json() == {
        "response_action": "errors",
        "errors": {"end": "This must be after From."},
    }
    # A task of Website with Mobile app picked as the project: the task would win, silently.
    mobile = {
        "selected_option": {
            "text": {"type": "plain_text", "text": "Mobile app"},
            "value": str(seeded.projects["Mobile app"]),
        }
    }
    response = alice.submit(ALICE, form, form_values(form, project=mobile))
    errors = response.json()["errors"]
    assert (
        list(errors) == ["task"] and "Design review is in Website, not Mobile app" in errors["task"]
    )
    assert stored(fake_tt, seeded, event_id) == before


def test_an_entry_changed_or_deleted_meanwhile_gets_a_plain_message(
    alice: AppHarness,
    fake_tt: FakeTrackingTime,
    seeded: Seeded,
    fake_tt_server: Any,
) -> None:
    day = berlin_day(1)
    changed = seed_entry(fake_tt, seeded, "Standup/Internal", f"{day} 09:00:00", f"{day} 09:15:00")
    deleted = seed_entry(fake_tt, seeded, "Standup/Internal", f"{day} 10:00:00", f"{day} 10:15:00")
    listing = alice.reply_to(ALICE, "edit")  # newest first: `deleted`, then `changed`
    form_of_deleted = open_edit_form(alice, listing, index=0)
    form_of_changed = open_edit_form(alice, listing, index=1)
    with as_alice(fake_tt_server[1].api_url, seeded) as web_app:
        web_app.post(f"/events/update/{changed}", data={"notes": "edited in TrackingTime"})
        web_app.get(f"/events/delete/{deleted}")

    alice.submit(ALICE, form_of_changed, form_values(form_of_changed, notes={"value": "mine"}))
    alice.submit(ALICE, form_of_deleted, form_values(form_of_deleted, notes={"value": "mine"}))
    first, second = ephemerals(alice, 2)
    assert "was changed in TrackingTime while you were editing it" in text_of(first)
    assert "edited in TrackingTime" in text_of(first)  # what it says now
    assert "no longer in TrackingTime" in text_of(second)
    event = stored(fake_tt, seeded, changed)
    assert event is not None and event["notes"] == "edited in TrackingTime"
    assert stored(fake_tt, seeded, deleted) is None


# --- Delete and Undo, from the Home tab ---------------------------------------------------------


def test_delete_and_undo_from_the_home(
    alice: AppHarness, fake_tt: FakeTrackingTime, seeded: Seeded
) -> None:
    needs_today(50)
    now = datetime.now(BERLIN).replace(microsecond=0)
    start, end = now - timedelta(minutes=50), now - timedelta(minutes=5)
    event_id = seed_entry(
        fake_tt,
        seeded,
        "Design review/Website",
        start.strftime(WALL),
        end.strftime(WALL),
        "wireframes, second pass",
    )
    before = stored(fake_tt, seeded, event_id)
    assert before is not None
    count = len(alice.published_homes(ALICE))
    alice.home(ALICE)
    home = alice.wait_for_home(ALICE, count + 1)
    assert "wireframes, second pass" in text_of(home)

    assert alice.choose_in_home(ALICE, home, "Delete").status_code == 200
    asking = alice.wait_for_home(ALICE, count + 2)
    assert "Delete " in text_of(asking["blocks"][1])  # the question, at the top of the Home
    assert stored(fake_tt, seeded, event_id) is not None  # nothing deleted before confirming
    delete = asking["blocks"][1]["accessory"]
    assert delete["action_id"] == ids.DELETE_ENTRY and delete["confirm"]["confirm"]["text"]

    alice.click_in_home(ALICE, asking, ids.DELETE_ENTRY)  # Slack sends it once confirmed
    deleted = alice.wait_for_home(ALICE, count + 3)
    assert stored(fake_tt, seeded, event_id) is None
    assert "Deleted" in text_of(deleted["blocks"][1])
    assert "wireframes, second pass" not in text_of(deleted["blocks"][3:])  # gone from Today
    assert alice.rows("SELECT count(*) FROM deleted_entries") == [(1,)]

    alice.click_in_home(ALICE, deleted, ids.RESTORE_ENTRY)
    restored = alice.wait_for_home(ALICE, count + 4)
    assert "Back in TrackingTime" in text_of(restored["blocks"][1])
    [back] = fake_tt.events(seeded.account_id, seeded.alice_tt_id)
    same = ("start", "end", "duration", "timezone", "task_id", "notes")
    assert {k: back[k] for k in same} == {k: before[k] for k in same}
    assert alice.rows("SELECT count(*) FROM deleted_entries") == [(0,)]
    # Nothing went to a direct message: the Home was the answer each time.
    assert alice.fake_slack.calls_to("chat.postMessage") == []


def test_edit_from_the_home_answers_in_the_home(
    alice: AppHarness, fake_tt: FakeTrackingTime, seeded: Seeded
) -> None:
    needs_today(40)
    now = datetime.now(BERLIN).replace(microsecond=0)
    start = now - timedelta(minutes=40)
    event_id = seed_entry(
        fake_tt, seeded, "Standup/Internal", start.strftime(WALL), now.strftime(WALL), "daily"
    )
    count = len(alice.published_homes(ALICE))
    alice.home(ALICE)
    home = alice.wait_for_home(ALICE, count + 1)
    opened = len([c for c in alice.fake_slack.calls_to("views.open") if c.ok])
    assert alice.choose_in_home(ALICE, home, "Edit").status_code == 200
    form = alice.wait_for_view_update(alice.opened_view(opened + 1)["id"])
    assert json.loads(form["private_metadata"])["home"] is True
    alice.submit(ALICE, form, form_values(form, notes={"value": "daily, with design"}))
    answered = home_showing(alice, "Saved")
    assert "Saved" in text_of(answered["blocks"][1])  # at the top of the Home
    assert "daily, with design" in text_of(answered["blocks"][3:])  # and in today's list
    event = stored(fake_tt, seeded, event_id)
    assert event is not None and event["notes"] == "daily, with design"
    assert alice.fake_slack.calls_to("chat.postEphemeral") == []


# --- Log again today and start again, from a log reply ------------------------------------------


def test_log_again_today_and_start_again_from_a_log_reply(
    alice: AppHarness, fake_tt: FakeTrackingTime, seeded: Seeded
) -> None:
    needs_today(60)
    reply = alice.reply_to(ALICE, "log 1h yesterday standup: sprint sync")
    _, response_url = alice.choose(ALICE, reply, "Log again today")
    again = alice.wait_for_post(response_url).body
    assert "Logged *1h 00m* on *Standup* · Internal" in text_of(again)
    assert again["replace_original"] is False  # the first reply stays
    first, second = fake_tt.events(seeded.account_id, seeded.alice_tt_id)
    assert (second["notes"], second["duration"], second["task_id"]) == (
        "sprint sync",
        3600,
        first["task_id"],
    )
    assert second["end"][:10] == berlin_day(0)

    _, response_url = alice.choose(ALICE, again, "Start again")
    started = alice.wait_for_post(response_url).body
    assert "Started *Standup* · Internal" in text_of(started)
    running = fake_tt.running_task(seeded.account_id, seeded.alice_tt_id)
    assert running is not None and running["tracking_event"]["notes"] == "sprint sync"


# --- /track edit ---------------------------------------------------------------------------------


def test_track_edit_lists_the_latest_and_edit_last_opens_the_latest(
    alice: AppHarness, fake_tt: FakeTrackingTime, seeded: Seeded
) -> None:
    needs_today(30)
    today, yesterday, older = berlin_day(0), berlin_day(1), berlin_day(3)
    seed_entry(fake_tt, seeded, "Standup/Internal", f"{older} 09:00:00", f"{older} 09:15:00")
    seed_entry(
        fake_tt, seeded, "Standup/Internal", f"{yesterday} 09:00:00", f"{yesterday} 09:15:00"
    )
    now = datetime.now(BERLIN).replace(microsecond=0)
    latest = seed_entry(
        fake_tt,
        seeded,
        "Log in page/Website",
        (now - timedelta(minutes=30)).strftime(WALL),
        (now - timedelta(minutes=10)).strftime(WALL),
        "the latest",
    )
    listing = alice.reply_to(ALICE, "edit")
    menus = [
        block["accessory"]["options"][0]["value"]
        for block in listing["blocks"]
        if block.get("accessory", {}).get("type") == "overflow"
    ]
    assert len(menus) == 2 and menus[0] == f"edit:{latest}"
    assert today != older

    opened = len([c for c in alice.fake_slack.calls_to("views.open") if c.ok])
    ack, _ = alice.command(ALICE, "edit last")
    assert ack.status_code == 200
    form = alice.wait_for_view_update(alice.opened_view(opened + 1)["id"])
    assert "the latest" in text_of(form) and "Log in page · Website" in text_of(form)
    metadata = json.loads(form["private_metadata"])
    assert metadata["id"] == latest and metadata["channel"] == "C0GENERAL"


# --- Notes on the running timer, and continue ----------------------------------------------------


def test_note_sets_and_adds_to_the_running_timers_notes(
    alice: AppHarness, fake_tt: FakeTrackingTime, seeded: Seeded
) -> None:
    nothing = alice.reply_to(ALICE, "note hero section")
    assert "No timer is running, so there are no notes to set." in text_of(nothing)

    alice.reply_to(ALICE, "start design review in website")
    set_ = alice.reply_to(ALICE, "note hero section")
    assert "Notes on *Design review* · Website" in text_of(set_) and "hero section" in text_of(set_)
    added = alice.reply_to(ALICE, "note + then the footer")
    assert "_hero section_\\n_then the footer_" in text_of(added)
    running = fake_tt.running_task(seeded.account_id, seeded.alice_tt_id)
    assert running is not None
    assert running["tracking_event"]["notes"] == "hero section\nthen the footer"
    assert running["tracking_event"]["end"] is None
    status = alice.reply_to(ALICE, "status")
    assert "_hero section_\\n_then the footer_" in text_of(status)
    home_showing(alice, "_hero section_\\n_then the footer_")


def test_continue_from_the_stop_reply_the_home_and_the_command(
    alice: AppHarness, fake_tt: FakeTrackingTime, seeded: Seeded
) -> None:
    alice.reply_to(ALICE, "start standup: sprint sync")
    stopped = alice.reply_to(ALICE, "stop")
    _, response_url = alice.click(ALICE, stopped, "start_task")  # its Continue button
    resumed = alice.wait_for_post(response_url).body
    assert "Started *Standup* · Internal" in text_of(resumed) and "sprint sync" in text_of(resumed)
    running = fake_tt.running_task(seeded.account_id, seeded.alice_tt_id)
    assert running is not None and running["tracking_event"]["notes"] == "sprint sync"

    alice.reply_to(ALICE, "stop")
    alice.home(ALICE)
    # The latest Home once it offers Continue (refreshes of the start and stop may land late).
    home = home_showing(alice, "Continue Standup")
    [resume] = [
        b["accessory"]
        for b in home["blocks"]
        if b.get("accessory", {}).get("action_id") == ids.CONTINUE_TIMER
    ]
    assert resume["text"]["text"] == "Continue Standup · Internal"
    alice.click_in_home(ALICE, home, ids.CONTINUE_TIMER)
    home_showing(alice, "Running for")
    running = fake_tt.running_task(seeded.account_id, seeded.alice_tt_id)
    assert running is not None and running["tracking_event"]["notes"] == "sprint sync"

    alice.reply_to(ALICE, "stop")
    by_command = alice.reply_to(ALICE, "continue")
    assert "Started *Standup* · Internal" in text_of(by_command)
    assert len(fake_tt.events(seeded.account_id, seeded.alice_tt_id)) == 4


def test_continue_with_nothing_stopped(alice: AppHarness) -> None:
    reply = alice.reply_to(ALICE, "continue")
    assert "There is no stopped timer from the past week to continue." in text_of(reply)


# --- Forged payloads: a colleague's entry id -----------------------------------------------------


def forged(app: AppHarness, element: dict[str, Any]) -> str:
    """Alice uses an element Slack never showed her; returns where the app answers."""
    ack, response_url = app.use(ALICE, "forged", element, {"text": "x", "blocks": []})
    assert ack.status_code == 200
    return response_url


def forged_menu(app: AppHarness, value: str) -> str:
    """An entry menu option with the value ``value``."""
    option = {"text": {"type": "plain_text", "text": "Delete"}, "value": value}
    return forged(app, {"type": "overflow", "action_id": ids.ENTRY_MENU, "selected_option": option})


def forged_button(app: AppHarness, action_id: str, value: str) -> str:
    text = {"type": "plain_text", "text": "x"}
    return forged(app, {"type": "button", "action_id": action_id, "value": value, "text": text})


@pytest.mark.parametrize("value", ["²", "٣", "\uff11\uff12", "1" * 40, "-1", "0"])
def test_ids_no_button_of_ours_carries_are_out_of_date(
    alice: AppHarness, fake_tt: FakeTrackingTime, value: str
) -> None:
    """Every id from a payload is read the same way (ASCII digits, bounded): one ``int()``
    accepts (``٣`` is 3) or fails on (``²``) is out of date, never a crash or another entry."""
    for action_id in (ids.UNDO_ENTRY, ids.DELETE_ENTRY, ids.RESTORE_ENTRY, ids.RETRY_ENTRY):
        reply = alice.wait_for_post(forged_button(alice, action_id, value)).body
        assert "out of date" in text_of(reply), action_id
    for verb in ("edit", "delete", "again", "start"):
        reply = alice.wait_for_post(forged_menu(alice, f"{verb}:{value}")).body
        assert "out of date" in text_of(reply), verb
    writes = ("events/update/", "events/delete/", "events/add", "tasks/track/", "tasks/stop/")
    assert [r for r in fake_tt.requests if any(w in r.path for w in writes)] == []


def test_a_forged_id_of_a_colleagues_entry_is_refused(
    alice: AppHarness, fake_tt: FakeTrackingTime, fake_slack: FakeSlack, seeded: Seeded
) -> None:
    """Alice is her workspace's admin: TrackingTime would let her App Password change Bob's
    entries. Payloads naming Bob's entry (which Slack never showed her) change nothing."""
    day = berlin_day(1)
    bobs = seed_entry(
        fake_tt,
        seeded,
        "Design review/Website",
        f"{day} 09:00:00",
        f"{day} 10:00:00",
        "Bob's own",
        user=seeded.bob_tt_id,
    )
    before = stored(fake_tt, seeded, bobs)
    for verb in ("delete", "again", "start"):
        reply = alice.wait_for_post(forged_menu(alice, f"{verb}:{bobs}")).body
        assert "That entry is not one of yours, so I left it alone." in text_of(reply), verb
    for action_id in (ids.DELETE_ENTRY, ids.UNDO_ENTRY):
        reply = alice.wait_for_post(forged_button(alice, action_id, str(bobs))).body
        assert "not one of yours" in text_of(reply), action_id

    # Edit: the form never shows Bob's entry...
    opened = len([c for c in fake_slack.calls_to("views.open") if c.ok])
    forged_menu(alice, f"edit:{bobs}")
    refusal = alice.wait_for_view_update(alice.opened_view(opened + 1)["id"])
    assert "not one of yours" in text_of(refusal) and "Bob's own" not in text_of(refusal)
    # ...and a submission with forged metadata saves nothing over it.
    form = {**refusal, "callback_id": ids.EDIT_VIEW,
            "private_metadata": json.dumps({"id": bobs, "v": "whatever", "tz": "Europe/Berlin",
                                            "channel": "C0GENERAL", "home": False})}  # fmt: skip
    values = {
        "task": {"log_task": {"type": "external_select", "selected_option": {
            "text": {"type": "plain_text", "text": "Standup · Internal"},
            "value": str(seeded.tasks["Standup/Internal"])}}},
        "date": {"value": {"type": "datepicker", "selected_date": day}},
        "start": {"value": {"type": "timepicker", "selected_time": "09:00"}},
        "end": {"value": {"type": "timepicker", "selected_time": "12:00"}},
        "notes": {"value": {"type": "plain_text_input", "value": "taken over"}},
    }  # fmt: skip
    response = alice.slack.interaction(view_submission_payload(ALICE, form, values))
    assert response.status_code == 200
    [told] = ephemerals(alice, 1)
    assert "not one of yours" in text_of(told)
    # An Undo id of nothing Alice deleted brings nothing back.
    reply = alice.wait_for_post(forged_button(alice, ids.RESTORE_ENTRY, "1")).body
    assert "nothing left to undo" in text_of(reply).casefold()

    time.sleep(0.2)  # let any stray follow-up land before looking
    assert stored(fake_tt, seeded, bobs) == before
    assert fake_tt.events(seeded.account_id, seeded.alice_tt_id) == []
    assert fake_tt.running_task(seeded.account_id, seeded.alice_tt_id) is None
    writes = ("events/update/", "events/delete/", "events/add", "tasks/track/", "tasks/stop/")
    changes = [r for r in fake_tt.requests if any(w in r.path for w in writes)]
    assert changes == []
