"""Logging past time end to end: /track log, its choosers, the modal with typeahead, both
shortcuts, Undo, and the reports; all through the real server with signed requests."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.fakes.slack import FakeSlack
from bot.fakes.slack_requests import SlackUser
from bot.fakes.trackingtime import FakeTrackingTime
from tests.support.flows import connect
from tests.support.harness import AppHarness
from tests.support.seed import ALICE, ALICE_PASSWORD, TEAM_ID, Seeded
from tests.support.today import needs_today

BERLIN = ZoneInfo("Europe/Berlin")


def text_of(message: dict) -> str:  # type: ignore[type-arg]
    return str(message.get("blocks")) + message.get("text", "")


def berlin_today() -> datetime:
    return datetime.now(BERLIN)


@pytest.fixture
def alice(app: AppHarness) -> AppHarness:
    connect(app, ALICE, ALICE_PASSWORD)
    return app


def test_log_a_duration_yesterday_then_undo(
    alice: AppHarness, fake_tt: FakeTrackingTime, seeded: Seeded
) -> None:
    reply = alice.reply_to(ALICE, "log 1h30m yesterday standup: sprint sync")
    assert "Logged *1h 30m* on *Standup* · Internal" in text_of(reply)
    assert "sprint sync" in text_of(reply)
    [event] = fake_tt.events(seeded.account_id, seeded.alice_tt_id)
    yesterday = (berlin_today() - timedelta(days=1)).date()
    assert event["start"] == f"{yesterday} 09:00:00" and event["end"] == f"{yesterday} 10:30:00"
    assert event["duration"] == 5400 and event["notes"] == "sprint sync"
    assert event["task_id"] == seeded.tasks["Standup/Internal"]

    _, response_url = alice.click(ALICE, reply, "undo_entry")
    undone = alice.wait_for_post(response_url).body
    assert "Undone" in text_of(undone) and undone["replace_original"] is True
    assert fake_tt.events(seeded.account_id, seeded.alice_tt_id) == []


def test_log_a_range_on_a_date(
    alice: AppHarness, fake_tt: FakeTrackingTime, seeded: Seeded
) -> None:
    day = (berlin_today() - timedelta(days=3)).date()
    reply = alice.reply_to(ALICE, f"log {day} 9-10:30am development in website")
    assert "Logged *1h 30m* on *Development* · Website" in text_of(reply)
    [event] = fake_tt.events(seeded.account_id, seeded.alice_tt_id)
    assert (event["start"], event["end"]) == (f"{day} 09:00:00", f"{day} 10:30:00")


def test_a_log_with_no_day_ends_now(
    alice: AppHarness, fake_tt: FakeTrackingTime, seeded: Seeded
) -> None:
    needs_today(45)
    alice.reply_to(ALICE, "log 45m standup")
    [event] = fake_tt.events(seeded.account_id, seeded.alice_tt_id)
    end = datetime.strptime(event["end"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=BERLIN)
    assert abs(end - datetime.now(BERLIN)) < timedelta(minutes=2)
    assert event["duration"] == 45 * 60


def test_ambiguous_task_then_choose(
    alice: AppHarness, fake_tt: FakeTrackingTime, seeded: Seeded
) -> None:
    choice = alice.reply_to(ALICE, "log 2h yesterday design review: wireframes")
    assert "2 tasks match “design review”. Which one gets 2h 00m" in text_of(choice)
    assert fake_tt.events(seeded.account_id, seeded.alice_tt_id) == []
    _, response_url = alice.click(ALICE, choice, "log_choice", index=1)
    logged = alice.wait_for_post(response_url).body
    assert "Logged *2h 00m* on *Design review* · Website" in text_of(logged)
    [event] = fake_tt.events(seeded.account_id, seeded.alice_tt_id)
    assert event["task_id"] == seeded.tasks["Design review/Website"]
    assert event["notes"] == "wireframes"


def test_unknown_task_can_be_created_and_logged(
    alice: AppHarness, fake_tt: FakeTrackingTime, seeded: Seeded
) -> None:
    offer = alice.reply_to(ALICE, "log 1h yesterday Pricing page in Marketing site")
    assert "couldn't find a task called “Pricing page” in *Marketing site*" in text_of(offer)
    _, response_url = alice.click(ALICE, offer, "create_and_log")
    logged = alice.wait_for_post(response_url).body
    assert "Logged *1h 00m* on *Pricing page* · Marketing site" in text_of(logged)
    [event] = fake_tt.events(seeded.account_id, seeded.alice_tt_id)
    assert event["task"] == "Pricing page" and event["project"] == "Marketing site"


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("1.5x standup", "“1.5x”"),
        ("standup", "how long"),
        ("2h", "which task"),
        ("1h 2099-01-01 standup", "future"),
        ("1h yesterday 10-9 standup", "10-9"),
    ],
)
def test_bad_log_input_names_the_part_and_shows_an_example(
    alice: AppHarness, typed: str, problem: str
) -> None:
    reply = alice.reply_to(ALICE, f"log {typed}")
    assert problem.casefold() in text_of(reply).casefold()
    assert "Example: `/track log" in text_of(reply)


def test_dst_day_entry_lasts_its_real_time(
    alice: AppHarness, fake_tt: FakeTrackingTime, seeded: Seeded
) -> None:
    # Berlin's clocks went back at 03:00 on 2026-10-25: 01:30 to 03:30 is three real hours.
    reply = alice.reply_to(ALICE, "log 2026-10-25 1:30-3:30 standup")
    assert "Logged *3h 00m*" in text_of(reply)
    [event] = fake_tt.events(seeded.account_id, seeded.alice_tt_id)
    assert event["duration"] == 3 * 3600
    assert event["start"] == "2026-10-25 01:30:00"


@pytest.mark.parametrize(
    ("zone", "offset"), [("Pacific/Kiritimati", "GMT+14:00"), ("Etc/GMT+12", "GMT-12:00")]
)
def test_far_time_zones(
    app: AppHarness,
    fake_slack: FakeSlack,
    fake_tt: FakeTrackingTime,
    seeded: Seeded,
    zone: str,
    offset: str,
) -> None:
    far = SlackUser(TEAM_ID, "U0FAR", "far")
    fake_slack.add_user(TEAM_ID, far.user_id, "Far Away", tz=zone)
    account = seeded.account_id
    tt_user = fake_tt.add_user("far@acme.test", "far-app-password-1", "Far", "Away", [account])
    connect(app, far, "far-app-password-1")
    reply = app.reply_to(far, "log yesterday 8:00-9:15 standup")
    assert "Logged *1h 15m*" in text_of(reply)
    [event] = fake_tt.events(account, tt_user)
    yesterday = (datetime.now(ZoneInfo(zone)) - timedelta(days=1)).date()
    assert event["start"] == f"{yesterday} 08:00:00"
    assert event["timezone"] == offset


# The modal ----------------------------------------------------------------------------------


def values(**fields: dict) -> dict:  # type: ignore[type-arg]
    return {block: {action: state} for block, (action, state) in fields.items()}


def option(value: int, text: str) -> dict:  # type: ignore[type-arg]
    return {"text": {"type": "plain_text", "text": text}, "value": str(value)}


def test_modal_opens_at_once_fills_in_and_offers_typeahead(
    alice: AppHarness, fake_slack: FakeSlack, fake_tt: FakeTrackingTime, seeded: Seeded
) -> None:
    yesterday = (berlin_today() - timedelta(days=1)).date()
    fake_tt.add_event(
        seeded.account_id,
        seeded.alice_tt_id,
        seeded.tasks["Standup/Internal"],
        f"{yesterday} 09:00:00",
        f"{yesterday} 09:15:00",
        "GMT+01:00",
    )
    ack, _ = alice.command(ALICE, "log")
    assert ack.status_code == 200 and ack.text == ""
    view = alice.opened_view(count=2)  # after the connect modal
    assert view["callback_id"] == "log_entry"
    filled = alice.wait_for_view_update(view["id"])
    task_select = next(b for b in filled["blocks"] if b.get("block_id") == "task")["element"]
    assert task_select["initial_option"]["text"]["text"] == "Standup · Internal"

    projects = alice.options(ALICE, view, ("project", "log_project"), "web")
    assert [o["text"]["text"] for o in projects] == ["Website"]
    everything = alice.options(ALICE, view, ("task", "log_task"), "")
    assert len(everything) == 5
    chosen = values(
        project=(
            "log_project",
            {
                "type": "external_select",
                "selected_option": option(seeded.projects["Website"], "Website"),
            },
        )
    )
    in_website = alice.options(ALICE, view, ("task", "log_task"), "", chosen)
    assert {o["text"]["text"] for o in in_website} == {
        "Design review · Website",
        "Log in page · Website",
        "Development · Website",
    }


def test_modal_submission_errors_then_success(
    alice: AppHarness, fake_slack: FakeSlack, fake_tt: FakeTrackingTime, seeded: Seeded
) -> None:
    alice.command(ALICE, "log")
    view = alice.opened_view(count=2)
    yesterday = str((berlin_today() - timedelta(days=1)).date())
    task = option(seeded.tasks["Development/Website"], "Development · Website")
    nothing = values(date=("value", {"type": "datepicker", "selected_date": yesterday}))
    ack = alice.submit(ALICE, view, nothing)
    assert ack.json()["response_action"] == "errors"
    assert set(ack.json()["errors"]) == {"task", "duration"}

    backwards = values(
        task=("log_task", {"type": "external_select", "selected_option": task}),
        date=("value", {"type": "datepicker", "selected_date": yesterday}),
        start=("value", {"type": "timepicker", "selected_time": "11:00"}),
        end=("value", {"type": "timepicker", "selected_time": "10:00"}),
    )
    ack = alice.submit(ALICE, view, backwards)
    assert ack.json() == {
        "response_action": "errors",
        "errors": {"end": "This must be after From."},
    }

    good = values(
        task=("log_task", {"type": "external_select", "selected_option": task}),
        date=("value", {"type": "datepicker", "selected_date": yesterday}),
        start=("value", {"type": "timepicker", "selected_time": "10:00"}),
        duration=("value", {"type": "plain_text_input", "value": "1h15m"}),
        notes=("value", {"type": "plain_text_input", "value": "API review"}),
    )
    ack = alice.submit(ALICE, view, good)
    assert ack.status_code == 200 and ack.text == ""  # the modal closes
    posted = fake_slack.wait_for_calls("chat.postEphemeral")[-1]
    assert posted.args["channel"] == "C0GENERAL" and posted.args["user"] == ALICE.user_id
    assert "Logged *1h 15m* on *Development* · Website" in str(posted.args["blocks"])
    [event] = fake_tt.events(seeded.account_id, seeded.alice_tt_id)
    assert (event["start"], event["end"]) == (f"{yesterday} 10:00:00", f"{yesterday} 11:15:00")
    assert event["notes"] == "API review"


def test_global_shortcut_opens_the_modal_or_connect(app: AppHarness, fake_slack: FakeSlack) -> None:
    assert app.shortcut(ALICE, "log_time").status_code == 200
    assert app.opened_view()["callback_id"] == "connect"  # not linked yet
    connect(app, ALICE, ALICE_PASSWORD)
    app.shortcut(ALICE, "log_time")
    assert app.opened_view(count=3)["callback_id"] == "log_entry"


def test_message_shortcut_on_a_thread_reply_prefills_text_and_link(
    alice: AppHarness, fake_slack: FakeSlack
) -> None:
    reply = {
        "type": "message",
        "user": "U0BOB",
        "text": "Can you look at the   checkout bug?",
        "ts": "1764300000.000200",
        "thread_ts": "1764299000.000100",
    }
    assert alice.message_shortcut(ALICE, "log_message", reply).status_code == 200
    view = alice.opened_view(count=2)
    notes = next(b for b in view["blocks"] if b.get("block_id") == "notes")["element"]
    assert notes["initial_value"].startswith("Can you look at the checkout bug?\nhttps://")
    assert "/archives/C0GENERAL/p1764300000000200" in notes["initial_value"]


# Reports ------------------------------------------------------------------------------------


def test_today_report_totals_by_project_and_lists_entries(
    alice: AppHarness, fake_tt: FakeTrackingTime, seeded: Seeded
) -> None:
    needs_today(90)
    alice.reply_to(ALICE, "log 30m standup: daily")
    alice.reply_to(ALICE, "log 1h development")
    alice.reply_to(ALICE, "start design review in website")
    report = alice.reply_to(ALICE, "today")
    text = text_of(report)
    assert "Today" in text and "Total:" in text
    assert "*Website* · 1h" in text and "*Internal* · 30m" in text
    assert "Running: *Design review* · Website" in text
    assert "daily" in text


def test_empty_period_and_bad_period(alice: AppHarness) -> None:
    assert "Nothing tracked" in text_of(alice.reply_to(ALICE, "last week"))
    bad = alice.reply_to(ALICE, "report someday")
    assert "someday" in text_of(bad) and "Example" in text_of(bad)


def test_a_long_week_is_paginated_with_show_more(
    alice: AppHarness, fake_tt: FakeTrackingTime, seeded: Seeded
) -> None:
    today = berlin_today().date()
    monday = today - timedelta(days=today.weekday() + 7)  # last week, all of it in the past
    for day in range(5):
        for slot in range(24):
            start = datetime.combine(monday + timedelta(days=day), datetime.min.time()) + timedelta(
                minutes=20 * slot
            )
            fake_tt.add_event(
                seeded.account_id,
                seeded.alice_tt_id,
                seeded.tasks["Standup/Internal"],
                f"{start:%Y-%m-%d %H:%M:%S}",
                f"{start + timedelta(minutes=15):%Y-%m-%d %H:%M:%S}",
                "GMT+01:00",
                f"entry {day}-{slot}",
            )
    first = alice.reply_to(ALICE, "last week")
    assert len(first["blocks"]) <= 50
    assert "Total: 30h 00m" in text_of(first)
    assert first["blocks"][-1]["elements"][0]["action_id"] == "report_more"
    _, response_url = alice.click(ALICE, first, "report_more")
    second = alice.wait_for_post(response_url).body
    assert "continued" in text_of(second) and len(second["blocks"]) <= 50
    assert second.get("replace_original") is False


def test_the_users_slack_time_zone_is_followed(
    alice: AppHarness, fake_slack: FakeSlack, fake_tt: FakeTrackingTime, seeded: Seeded
) -> None:
    # Alice flew to Tokyo and Slack now says so; the app asks users.info now and then.
    fake_slack.add_user(TEAM_ID, ALICE.user_id, "Alice Liddell", tz="Asia/Tokyo")
    alice.reply_to(ALICE, "log yesterday 9:00-10:00 standup")
    [event] = fake_tt.events(seeded.account_id, seeded.alice_tt_id)
    assert event["timezone"] == "GMT+09:00"
    assert alice.rows("select time_zone from linked_accounts") == [("Asia/Tokyo",)]
