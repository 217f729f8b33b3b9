"""Entries given only a length never collide: end to end, across a day that has entries and a
running timer, from ``/track log`` (its time words in any order) and from the Log-time modal."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.fakes.slack import FakeSlack
from bot.fakes.trackingtime import FakeTrackingTime
from bot.trackingtime import Event
from bot.trackingtime.timefmt import gmt_offset
from tests.integration.test_log_flow import option, values
from tests.support.flows import connect
from tests.support.harness import AppHarness
from tests.support.seed import ALICE, ALICE_PASSWORD, Seeded
from tests.support.today import needs_today

BERLIN = ZoneInfo("Europe/Berlin")


def text_of(message: dict) -> str:  # type: ignore[type-arg]
    """The message's text, with Slack's date markup shown as its fallback (what users without
    Slack's formatting see, and what the user's zone gives)."""
    text = str(message.get("blocks")) + message.get("text", "")
    return re.sub(r"<!date\^-?\d+\^\{time\}\|([^>]*)>", r"\1", text)


def yesterday() -> date:
    return (datetime.now(BERLIN) - timedelta(days=1)).date()


def seed_entry(
    fake_tt: FakeTrackingTime, seeded: Seeded, task: str, day: date, start: str, end: str
) -> None:
    offset = gmt_offset(datetime.combine(day, time.fromisoformat(start), tzinfo=BERLIN))
    fake_tt.add_event(
        seeded.account_id,
        seeded.alice_tt_id,
        seeded.tasks[task],
        f"{day} {start}:00",
        f"{day} {end}:00",
        offset,
    )


def walls(fake_tt: FakeTrackingTime, seeded: Seeded, notes: str) -> tuple[str, str]:
    """The wall-clock start and end of Alice's one entry with these notes."""
    [event] = [
        e for e in fake_tt.events(seeded.account_id, seeded.alice_tt_id) if e["notes"] == notes
    ]
    return event["start"][11:16], event["end"][11:16]


@pytest.fixture
def alice(app: AppHarness) -> AppHarness:
    connect(app, ALICE, ALICE_PASSWORD)
    return app


def test_a_past_day_stacks_after_its_last_entry_in_any_word_order(
    alice: AppHarness, fake_tt: FakeTrackingTime, seeded: Seeded
) -> None:
    day = yesterday()
    seed_entry(fake_tt, seeded, "Standup/Internal", day, "09:00", "09:15")
    seed_entry(fake_tt, seeded, "Development/Website", day, "13:00", "14:00")

    first = alice.reply_to(ALICE, "log 1h yesterday Standup: Meeting A")
    assert walls(fake_tt, seeded, "Meeting A") == ("14:00", "15:00")
    assert "14:00-15:00" in text_of(first)
    assert "Placed after your last entry that day, Development · Website (until 14:00)" in (
        text_of(first)
    )
    alice.reply_to(ALICE, "log yesterday 1h Standup: Meeting B")  # the day first
    assert walls(fake_tt, seeded, "Meeting B") == ("15:00", "16:00")
    alice.reply_to(ALICE, "log 1h30m -1d Standup: Meeting C")
    assert walls(fake_tt, seeded, "Meeting C") == ("16:00", "17:30")


def test_a_range_is_taken_as_typed_and_the_reply_says_what_it_overlaps(
    alice: AppHarness, fake_tt: FakeTrackingTime, seeded: Seeded
) -> None:
    day = yesterday()
    seed_entry(fake_tt, seeded, "Standup/Internal", day, "09:00", "09:30")
    reply = alice.reply_to(ALICE, "log 9:15-10:00 yesterday Development: pairing")  # range first
    assert walls(fake_tt, seeded, "pairing") == ("09:15", "10:00")
    assert "it overlaps Standup · Internal 09:00-09:30" in text_of(reply)
    clear = alice.reply_to(ALICE, "log yesterday 10:00-10:30 Development: after")
    assert walls(fake_tt, seeded, "after") == ("10:00", "10:30")
    assert "overlaps" not in text_of(clear)  # touching is not overlapping


def test_today_ends_where_the_running_timer_began_and_the_reply_says_so(
    alice: AppHarness, fake_tt: FakeTrackingTime, seeded: Seeded
) -> None:
    needs_today(60)
    now = datetime.now(BERLIN)
    began = (now - timedelta(minutes=20)).replace(second=0, microsecond=0)
    fake_tt.start_timer(
        seeded.account_id,
        seeded.alice_tt_id,
        seeded.tasks["Design review/Website"],
        began.strftime("%Y-%m-%d %H:%M:%S"),
        gmt_offset(began),
    )
    reply = alice.reply_to(ALICE, "log 15m today Standup: before the timer")  # day then length
    start, end = walls(fake_tt, seeded, "before the timer")
    assert end == f"{began:%H:%M}"
    assert start == f"{began - timedelta(minutes=15):%H:%M}"
    assert f"Placed to end when your running timer started ({began:%H:%M})" in text_of(reply)
    # The next one goes before that one, and nothing overlaps.
    alice.reply_to(ALICE, "log 10m Standup: earlier still")
    assert walls(fake_tt, seeded, "earlier still")[1] == start
    finished = [
        Event.from_api(e, BERLIN)
        for e in fake_tt.events(seeded.account_id, seeded.alice_tt_id)
        if e["end"]
    ]
    assert len(finished) == 2


def test_a_full_day_has_no_room_and_nothing_is_logged(
    alice: AppHarness, fake_tt: FakeTrackingTime, seeded: Seeded
) -> None:
    day = yesterday()
    seed_entry(fake_tt, seeded, "Development/Website", day, "00:00", "23:30")
    reply = alice.reply_to(ALICE, "log 1h yesterday Standup")
    assert "there is no free 1h 00m" in text_of(reply) and "Give the times" in text_of(reply)
    assert len(fake_tt.events(seeded.account_id, seeded.alice_tt_id)) == 1


def test_the_modal_places_a_duration_the_same_way(
    alice: AppHarness, fake_slack: FakeSlack, fake_tt: FakeTrackingTime, seeded: Seeded
) -> None:
    day = yesterday()
    seed_entry(fake_tt, seeded, "Standup/Internal", day, "09:00", "11:00")
    alice.command(ALICE, "log")
    view = alice.opened_view(count=2)
    task = option(seeded.tasks["Development/Website"], "Development · Website")
    how_long = values(
        task=("log_task", {"type": "external_select", "selected_option": task}),
        date=("value", {"type": "datepicker", "selected_date": str(day)}),
        duration=("value", {"type": "plain_text_input", "value": "45m"}),
        notes=("value", {"type": "plain_text_input", "value": "from the form"}),
    )
    ack = alice.submit(ALICE, view, how_long)
    assert ack.status_code == 200 and ack.text == ""
    posted = fake_slack.wait_for_calls("chat.postEphemeral")[-1]
    assert "Placed after your last entry that day" in text_of(posted.args)
    assert walls(fake_tt, seeded, "from the form") == ("11:00", "11:45")
