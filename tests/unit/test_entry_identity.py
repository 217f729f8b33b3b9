"""When a TrackingTime entry is a kept entry (``same_entry``), how kept entries are stored, and
what takes up a user's day (``DayState``)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.services.day import DayState
from bot.services.entry import Entry, entry_from_json, entry_to_json, same_entry, unplaced
from bot.storage.pending import Held
from bot.trackingtime import Event, RunningTimer, Task
from tests.unit.test_blocks import FAST, ZONES

BERLIN = ZoneInfo("Europe/Berlin")
DAY = date(2026, 11, 26)
NOW = datetime(2026, 11, 27, 14, 7, 42, tzinfo=UTC)


def at(hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime.combine(DAY, time(hour, minute, second), tzinfo=BERLIN)


ENTRY = Entry(at(9), at(9, 15), "note 3", 101, 7, "Standup", "Internal")


def event(**changes: object) -> Event:
    values: dict[str, object] = {
        "id": 900001,
        "task_id": 101,
        "task": "Standup",
        "project_id": 7,
        "project": "Internal",
        "start": at(9).astimezone(UTC),  # the same instants, however written
        "end": at(9, 15).astimezone(UTC),
        "duration": timedelta(minutes=15),
        "notes": "note 3",
        **changes,
    }
    return Event(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "same"),
    [
        ({}, True),
        ({"notes": " note 3\n"}, True),  # TrackingTime may trim
        ({"notes": "note 4"}, False),  # the case that lost nine of ten entries
        ({"task_id": 102}, False),
        ({"start": at(9, 0, 1)}, False),
        ({"end": at(9, 16)}, False),
        ({"end": None}, False),  # a running entry is no finished one
    ],
    ids=[
        "same",
        "trimmed notes",
        "other notes",
        "other task",
        "a second later",
        "longer",
        "running",
    ],
)
def test_same_entry_is_the_same_task_times_and_notes(
    changes: dict[str, object], same: bool
) -> None:
    assert same_entry(event(**changes), ENTRY) is same


def test_an_entry_by_task_name_matches_the_task_trackingtime_found_or_made() -> None:
    by_name = replace(ENTRY, task_id=None, project_id=None, task_name="  STANDUP ")
    assert same_entry(event(task_id=555), by_name)
    assert not same_entry(event(task="Retro"), by_name)
    in_project = replace(by_name, project_name="internal")
    assert same_entry(event(), in_project)
    assert not same_entry(event(project="Website"), in_project)
    in_project_id = replace(by_name, project_id=7, project_name="Internal")
    assert same_entry(event(project="Renamed"), in_project_id)
    assert not same_entry(event(project_id=8), in_project_id)


def test_an_entry_on_a_project_alone_matches_no_task() -> None:
    on_project = replace(ENTRY, task_id=None, task_name=None)
    assert same_entry(event(task_id=None, task=None), on_project)
    assert not same_entry(event(), on_project)  # that one has a task
    assert not same_entry(event(task_id=None, task=None, project_id=8), on_project)


def test_an_entry_still_to_be_placed_is_nothing_in_trackingtime_yet() -> None:
    waiting = replace(unplaced(DAY, timedelta(minutes=15), BERLIN), task_id=101, notes="note 3")
    assert not same_entry(event(start=waiting.start, end=waiting.end), waiting)


@FAST
@given(
    st.sampled_from(ZONES),
    st.datetimes(datetime(2000, 1, 1), datetime(2100, 1, 1), timezones=st.just(UTC)),
    st.integers(1, 24 * 60),
    st.text(),
    st.none() | st.integers(1, 10**12),
    st.none() | st.text(),
    st.booleans(),
)
def test_a_kept_entry_reads_back_as_it_was_stored(
    zone: ZoneInfo,
    start: datetime,
    minutes: int,
    notes: str,
    task_id: int | None,
    name: str | None,
    placed: bool,
) -> None:
    span = timedelta(minutes=minutes)
    when = (
        Entry(start.astimezone(zone), start.astimezone(zone) + span)
        if placed
        else unplaced(start.astimezone(zone).date(), span, zone)
    )
    entry = replace(when, notes=notes, task_id=task_id, task_name=name, project_name=name)
    assert entry_from_json(entry_to_json(entry), zone) == replace(
        entry,
        start=entry.start.replace(microsecond=0),
        end=entry.end.replace(microsecond=0),
    )


def test_an_unplaced_entry_keeps_its_day_when_the_users_zone_changes() -> None:
    stored = entry_to_json(unplaced(DAY, timedelta(hours=1), BERLIN))
    for zone in ZONES:
        read = entry_from_json(stored, zone)
        assert (read.day, read.duration, read.placed) == (DAY, timedelta(hours=1), False)


def test_the_day_is_busy_with_entries_the_timer_and_what_the_app_still_holds() -> None:
    running = event(id=900002, start=at(16), end=None, notes="")
    timer = RunningTimer(Task(101, "Standup", 7, "Internal"), 900002, at(16))
    other_timer = RunningTimer(Task(102, "Deploy"), None, at(17))
    kept = Held(1, entry_to_json(replace(ENTRY, start=at(11), end=at(12))), None, None)
    added_since = Held(2, entry_to_json(replace(ENTRY, start=at(12), end=at(13))), 900099, NOW)
    shown = Held(3, entry_to_json(ENTRY), 900001, NOW)  # already among the entries
    waiting = Held(4, entry_to_json(unplaced(DAY, timedelta(hours=1), BERLIN)), None, None)
    state = DayState(NOW, (event(), running), timer)
    busy = state.busy(NOW, [kept, added_since, shown, waiting], BERLIN)
    assert [(b.start, b.end, b.running) for b in busy] == [
        (at(9).astimezone(UTC), at(9, 15).astimezone(UTC), False),
        (at(16), NOW, True),  # the running entry, up to now; the timer is that same entry
        (at(11), at(12), False),
        (at(12), at(13), False),
    ]
    assert busy[0].label == "Standup · Internal"
    with_timer = DayState(NOW, (event(),), other_timer).busy(NOW, [], BERLIN)
    assert (with_timer[-1].start, with_timer[-1].label, with_timer[-1].running) == (
        at(17),
        "Deploy",
        True,
    )
    assert state.like(ENTRY) == {900001}
    assert state.like(replace(ENTRY, notes="other")) == frozenset()
