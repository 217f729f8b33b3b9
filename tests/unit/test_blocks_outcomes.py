"""What the user is told about an entry (``bot.blocks.outcomes`` and the entry lines, placement
and overlap notes of ``bot.blocks.entries``): valid for Slack, whatever the text, and saying
where an entry went."""

from __future__ import annotations

import inspect
import re
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.blocks import ids, outcomes
from bot.blocks.entries import entry_line, kept_message, logged_message
from bot.blocks.outcomes import (
    no_room_message,
    refused_message,
    retried_message,
    sent_message,
    tried_again_message,
)
from bot.services.entries import (
    GaveUp,
    Gone,
    InProgress,
    Kept,
    Later,
    Logged,
    NoRoom,
    Refused,
)
from bot.services.entry import Entry, unplaced
from bot.services.placement import Busy, Placement
from bot.trackingtime import Event
from tests.unit.test_blocks import (
    BERLIN,
    FAST,
    HOSTILE,
    HOSTILE_ESCAPED,
    MAX_BUTTON_VALUE,
    ZONES,
    all_text,
    assert_no_stray_markup,
    buttons,
    check_message,
    user_text,
)

DAY = date(2026, 11, 26)  # a Thursday
DATE_MARKUP = re.compile(r"<!date\^-?\d+\^\{time\}\|([^>]*)>")


def at(hour: int, minute: int = 0) -> datetime:
    return datetime.combine(DAY, time(hour, minute), tzinfo=BERLIN)


ENTRY = Entry(at(14), at(15), "sync", 101, 7, "Design review", "Website")
EVENT = Event(900001, 101, "Design review", 7, "Website", at(14), at(15), timedelta(hours=1), "")


def checked(message: Any) -> dict[str, Any]:
    payload = check_message(message)
    assert_no_stray_markup(payload)
    return payload


def plain(payload: dict[str, Any]) -> str:
    """Every text of the message with Slack's date markup read as its fallback."""
    return DATE_MARKUP.sub(r"\1", all_text(payload))


def test_an_entry_line_has_its_times_once_placed() -> None:
    assert DATE_MARKUP.sub(r"\1", entry_line(ENTRY, BERLIN)) == (
        "*1h 00m* on *Design review* · Website, Thu 26 Nov 14:00-15:00"
    )
    waiting = replace(unplaced(DAY, timedelta(minutes=15), BERLIN), task_name="Standup")
    assert entry_line(waiting, BERLIN) == "*15m* on *Standup*, Thu 26 Nov"


@pytest.mark.parametrize(
    ("placement", "said"),
    [
        (
            Placement(at(14), at(15), "after", Busy(at(13), at(14), "Review · Website")),
            "Placed after your last entry that day, Review · Website (until 14:00).",
        ),
        (Placement(at(9), at(10), "day start"), "Placed at the start of your working day"),
        (Placement(at(14), at(15), "now"), "Placed to end now."),
        (
            Placement(at(14), at(15), "before", Busy(at(15), at(16), "Deploy", running=True)),
            "Placed to end when your running timer started (15:00).",
        ),
        (
            Placement(at(14), at(15), "before", Busy(at(15), at(16), "Call")),
            "Placed to end when Call began (15:00), the latest free time long enough.",
        ),
        (Placement(at(23), at(23, 59), "day end"), "Placed in the last free time of that day"),
    ],
    ids=["after", "day start", "now", "before the timer", "before an entry", "day end"],
)
def test_a_logged_entry_says_where_it_was_placed(placement: Placement, said: str) -> None:
    payload = checked(logged_message(Logged(ENTRY, EVENT, placement), BERLIN))
    assert said in plain(payload)
    (undo,) = buttons(payload)
    assert (undo["action_id"], undo["value"]) == (ids.UNDO_ENTRY, "900001")


def test_a_range_says_what_it_overlaps_at_most_three_by_name() -> None:
    busy = tuple(Busy(at(9 + n), at(10 + n), f"Task {n}") for n in range(5))
    payload = checked(logged_message(Logged(ENTRY, EVENT, overlaps=busy[:1]), BERLIN))
    assert "As you gave the times, it overlaps Task 0 09:00-10:00." in plain(payload)
    payload = checked(logged_message(Logged(ENTRY, EVENT, overlaps=busy), BERLIN))
    assert "Task 2 11:00-12:00 and 2 more." in plain(payload)
    assert "Task 3" not in plain(payload)
    timer = Busy(at(13), at(15), HOSTILE, running=True)
    payload = checked(kept_message(Kept(ENTRY, "down", (timer,)), BERLIN))
    assert f"your running timer on {HOSTILE_ESCAPED} (since 13:00)" in plain(payload)


def test_a_kept_entry_still_to_be_placed_says_so() -> None:
    waiting = replace(unplaced(DAY, timedelta(minutes=15), BERLIN), task_name="Standup")
    text = plain(checked(kept_message(Kept(waiting, "TrackingTime is down."), BERLIN)))
    assert "*15m* on *Standup*, Thu 26 Nov, and will add it" in text
    assert "goes after your other entries that day" in text
    assert "goes after" not in plain(checked(kept_message(Kept(ENTRY, "down"), BERLIN)))


@pytest.mark.parametrize("earlier", [False, True])
def test_a_refused_entry_has_try_again_carrying_only_its_kept_id(earlier: bool) -> None:
    refused = Refused(ENTRY, f"TrackingTime refused the request: {HOSTILE}", 4242)
    payload = checked(refused_message(refused, BERLIN, earlier=earlier))
    (again,) = buttons(payload)
    assert (again["action_id"], again["value"], again["text"]["text"]) == (
        ids.RETRY_ENTRY,
        "4242",
        "Try again",
    )
    text = plain(payload)
    assert HOSTILE_ESCAPED in text and "Thu 26 Nov 14:00-15:00" in text
    assert ("logged earlier" in text) == earlier
    assert payload["text"] == "TrackingTime refused 1h 00m on Design review · Website"


def test_no_room_says_how_to_log_it_anyway() -> None:
    waiting = replace(unplaced(DAY, timedelta(hours=3), BERLIN), task_name=HOSTILE)
    text = plain(checked(no_room_message(waiting, BERLIN)))
    assert "no free 3h 00m on Thu 26 Nov" in text and "9:00-10:30" in text
    assert HOSTILE_ESCAPED in text
    assert "logged earlier" in plain(checked(no_room_message(waiting, BERLIN, earlier=True)))


def test_each_outcome_has_its_message() -> None:
    refused = Refused(ENTRY, "no", 1)
    waiting = unplaced(DAY, timedelta(hours=1), BERLIN)
    assert sent_message(Logged(ENTRY, EVENT), BERLIN) == logged_message(
        Logged(ENTRY, EVENT), BERLIN
    )
    assert sent_message(Kept(ENTRY, "down"), BERLIN) == kept_message(Kept(ENTRY, "down"), BERLIN)
    assert sent_message(refused, BERLIN) == refused_message(refused, BERLIN)
    assert sent_message(NoRoom(waiting), BERLIN) == no_room_message(waiting, BERLIN)
    assert "being added already" in all_text(checked(tried_again_message(InProgress(), BERLIN)))
    assert "no longer kept" in all_text(checked(tried_again_message(Gone(), BERLIN)))
    assert tried_again_message(refused, BERLIN) == refused_message(refused, BERLIN)
    assert retried_message(Later(), BERLIN) is None
    later = checked(retried_message(Logged(ENTRY, EVENT), BERLIN))
    assert "TrackingTime is back" in all_text(later)
    gave_up = checked(retried_message(GaveUp(ENTRY, "archived"), BERLIN))
    assert "couldn't add the entry you logged earlier" in all_text(gave_up)
    assert retried_message(refused, BERLIN) == refused_message(refused, BERLIN, earlier=True)
    assert retried_message(NoRoom(waiting), BERLIN) == no_room_message(
        waiting, BERLIN, earlier=True
    )


@FAST
@given(
    user_text(),
    user_text(),
    st.integers(1, 2**31 - 1),
    st.sampled_from(ZONES),
    st.datetimes(datetime(2000, 1, 1), datetime(2100, 1, 1), timezones=st.just(UTC)),
    st.integers(1, 24 * 60),
    st.booleans(),
)
def test_any_outcome_message_is_valid(
    name: str, reason: str, kept_id: int, zone: Any, start: datetime, minutes: int, placed: bool
) -> None:
    span = timedelta(minutes=minutes)
    entry = (
        Entry(start, start + span, reason, task_name=name or None, project_name=name or None)
        if placed
        else replace(unplaced(start.date(), span, zone), task_name=name or None)
    )
    busy = Busy(start, start + span, name or "x", running=placed)
    for message in (
        refused_message(Refused(entry, reason or "no", kept_id), zone),
        no_room_message(entry, zone, earlier=placed),
        kept_message(Kept(entry, reason or "down", (busy,) * 4), zone),
        logged_message(Logged(entry, EVENT, Placement(start, start + span, "after", busy)), zone),
    ):
        payload = checked(message)
        assert all(len(b.get("value", "")) <= MAX_BUTTON_VALUE for b in buttons(payload))


def test_every_builder_is_tested() -> None:
    tested = {
        no_room_message,
        refused_message,
        retried_message,
        sent_message,
        tried_again_message,
    }
    public = {
        function
        for name, function in inspect.getmembers(outcomes, inspect.isfunction)
        if function.__module__ == outcomes.__name__ and not name.startswith("_")
    }
    assert public == tested
