"""Fixing what was tracked, in Block Kit: the entry menu, the Edit form (prefilled, and read back
as it was shown), ``/track edit``'s list, the answers to the menu, ``/track note`` and
``/track continue``; and the menus where entries are shown (reports, the Home, the daily
summary, log replies). Every payload goes through ``test_blocks``' checks: slack_sdk models,
Slack's schemas, a round trip and the limits neither checks (overflow options, option values).
"""

from __future__ import annotations

import inspect
import json
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.blocks import edit, entry_menu, ids
from bot.blocks.edit import (
    MAX_LISTED,
    changed_message,
    declined_message,
    delete_prompt,
    deleted_message,
    edit_metadata,
    edit_modal,
    entries_message,
    no_timer_for_notes_message,
    notes_set_message,
    nothing_to_continue_message,
    parse_edit_metadata,
    project_only_message,
    restored_message,
    saved_message,
    undo_expired_message,
)
from bot.blocks.entry_menu import (
    VERBS,
    entry_row,
    event_line,
    menu_value,
    parse_menu_value,
)
from bot.blocks.entry_menu import entry_menu as menu_of
from bot.blocks.home import home_view
from bot.blocks.message import Message
from bot.blocks.reports import report_message
from bot.blocks.summary import MAX_ENTRIES, daily_summary_message
from bot.playground.modal_state import initial_state
from bot.services.editing import (
    Changed,
    Deleted,
    EntryGone,
    NotYours,
    ProjectOnly,
    Restored,
    Running,
    Updated,
    version,
)
from bot.services.entries import Entry, entry_from_form
from bot.services.home import HomeState
from bot.services.placement import Busy
from bot.services.reports import Period, summarize
from bot.services.summaries import DailySummary
from bot.services.timers import NotesSet, TimerStatus
from bot.trackingtime import Event, RunningTimer, Task
from handlers.views.log_entry import read_form
from tests.unit.test_blocks import (
    BERLIN,
    FAST,
    HOSTILE,
    HOSTILE_ESCAPED,
    MAX_MESSAGE_BLOCKS,
    MAX_PRIVATE_METADATA,
    MAX_VIEW_BLOCKS,
    ZONES,
    _moments,
    all_text,
    assert_no_stray_markup,
    buttons,
    check_message,
    check_view,
    ids_,
    user_text,
)

# Friday 27 November 2026, 15:07:42 in Berlin.
NOW = datetime(2026, 11, 27, 14, 7, 42, tzinfo=UTC)
TODAY = date(2026, 11, 27)


def at(day: date, hour: int, minute: int = 0, second: int = 0, zone: tzinfo = BERLIN) -> datetime:
    return datetime.combine(day, time(hour, minute, second), tzinfo=zone)


def event(
    event_id: int = 900001,
    start: datetime | None = None,
    minutes: int = 90,
    *,
    task: str | None = "Design review",
    task_id: int | None = 101,
    project: str | None = "Website",
    project_id: int | None = 7,
    notes: str = "",
) -> Event:
    start = start or at(date(2026, 11, 26), 9)
    end = (start.astimezone(UTC) + timedelta(minutes=minutes)).astimezone(start.tzinfo)
    return Event(
        event_id, task_id, task, project_id, project, start, end, timedelta(minutes=minutes),
        notes, user_id=2001,
    )  # fmt: skip


def checked(message: Message) -> dict[str, Any]:
    payload = check_message(message)
    assert_no_stray_markup(payload)
    return payload


def menus(payload: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        block["accessory"]
        for block in payload["blocks"]
        if block.get("accessory", {}).get("type") == "overflow"
    ]


def menu_ids(payload: dict[str, Any]) -> list[int]:
    """The entry id each menu's options name (all options of one menu name the same)."""
    found = []
    for menu in menus(payload):
        parsed = {parse_menu_value(o["value"]) for o in menu["options"]}
        assert len({event_id for _, event_id in parsed if True}) == 1, parsed
        found.append(next(iter(parsed))[1])  # type: ignore[index]
    return found


# --- The menu ----------------------------------------------------------------------------------


def test_the_menu_offers_the_four_verbs_for_a_task_entry() -> None:
    menu = menu_of(event()).to_dict()
    assert (menu["type"], menu["action_id"]) == ("overflow", ids.ENTRY_MENU)
    assert [(o["text"]["text"], o["value"]) for o in menu["options"]] == [
        ("Edit", "edit:900001"),
        ("Delete", "delete:900001"),
        ("Log again today", "again:900001"),
        ("Start again", "start:900001"),
    ]
    assert "confirm" not in menu  # it would ask before Edit too: Delete asks on its own


def test_an_entry_on_a_project_cannot_be_started_again() -> None:
    menu = menu_of(event(task=None, task_id=None)).to_dict()
    assert [o["text"]["text"] for o in menu["options"]] == ["Edit", "Delete", "Log again today"]


@given(st.sampled_from(sorted(VERBS)), ids_)
def test_menu_values_round_trip(verb: str, event_id: int) -> None:
    value = menu_value(verb, event_id)
    assert len(value) <= 150
    assert parse_menu_value(value) == (verb, event_id)


@given(st.text(max_size=300))
@example("edit:")
@example("edit:-1")
@example("erase:1")
@example("edit:1:2")
@example("edit:" + "9" * 40)
@example("edit:\uff11\uff12")  # full-width digits are digits to str.isdigit
def test_menu_values_we_did_not_make_are_refused(value: str) -> None:
    parsed = parse_menu_value(value)
    if parsed is not None:
        verb, event_id = parsed
        assert verb in VERBS and value == menu_value(verb, event_id)


def test_an_entry_line_escapes_names_and_notes() -> None:
    line = event_line(event(task=HOSTILE, project=HOSTILE, notes=HOSTILE), BERLIN)
    assert line.count(HOSTILE_ESCAPED) == 3
    assert "<!here>" not in line
    payload = checked(Message("x", (entry_row(event(notes=HOSTILE), BERLIN, "Lead: "),)))
    assert payload["blocks"][0]["text"]["text"].startswith("Lead: `<!date^")


# --- The Edit form -----------------------------------------------------------------------------


def inputs(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}


def as_submitted(view: dict[str, Any]) -> dict[str, Any]:
    """The view as Slack submits it when nobody touched a field: initial values as state."""
    values = {
        block["block_id"]: {block["element"]["action_id"]: state}
        for block in view["blocks"]
        if block["type"] == "input" and (state := initial_state(block["element"]))
    }
    return {**view, "state": {"values": values}}


def test_the_edit_form_is_filled_in_with_the_entry() -> None:
    shown = event(notes="header fixes")
    metadata = edit_metadata(shown, BERLIN, "C0GENERAL", in_home=False)
    payload = check_view(edit_modal(shown, BERLIN, metadata))
    assert (payload["callback_id"], payload["title"]["text"]) == (ids.EDIT_VIEW, "Edit entry")
    assert payload["submit"]["text"] == "Save"
    fields = inputs(payload)
    assert fields["project"]["initial_option"] == {
        "text": {"type": "plain_text", "text": "Website", "emoji": True},
        "value": "7",
    }
    assert fields["task"]["initial_option"]["text"]["text"] == "Design review · Website"
    assert fields["task"]["initial_option"]["value"] == "101"
    assert fields["date"]["initial_date"] == "2026-11-26"
    assert (fields["start"]["initial_time"], fields["end"]["initial_time"]) == ("09:00", "10:30")
    assert "initial_value" not in fields["duration"]
    assert fields["notes"]["initial_value"] == "header fixes"
    assert parse_edit_metadata(payload["private_metadata"]) == {
        "id": 900001,
        "v": version(shown),
        "tz": "Europe/Berlin",
        "channel": "C0GENERAL",
        "home": False,
    }


@pytest.mark.parametrize(
    ("shown", "zone"),
    [
        (event(), BERLIN),
        (event(start=at(date(2026, 11, 26), 23, 30), minutes=120), BERLIN),  # past midnight
        (event(task=None, task_id=None, notes="on the project"), BERLIN),
        (event(start=at(date(2026, 10, 25), 1, 30), minutes=180), BERLIN),  # clocks go back
        (event(start=datetime(2026, 11, 26, 23, 30, tzinfo=UTC)), ZONES[1]),  # UTC+14
    ],
    ids=["normal", "past midnight", "on a project", "DST night", "Kiritimati"],
)
def test_the_edit_form_as_shown_reads_back_as_the_entry(shown: Event, zone: tzinfo) -> None:
    """Saving without touching anything gives the entry's own task, times and notes."""
    payload = check_view(edit_modal(shown, zone, edit_metadata(shown, zone, None, True)))
    form = read_form(as_submitted(payload))
    entry = entry_from_form(form, zone, NOW)
    assert isinstance(entry, Entry), entry
    assert entry.start.astimezone(UTC) == shown.start.astimezone(UTC)
    assert shown.end is not None and entry.end.astimezone(UTC) == shown.end.astimezone(UTC)
    assert (entry.task_id, entry.project_id, entry.notes) == (
        shown.task_id,
        shown.project_id,
        shown.notes,
    )


def test_an_entry_past_midnight_is_shown_as_from_and_how_long() -> None:
    shown = event(start=at(date(2026, 11, 26), 23, 30), minutes=125)
    fields = inputs(check_view(edit_modal(shown, BERLIN, "{}")))
    assert fields["start"]["initial_time"] == "23:30"
    assert "initial_time" not in fields["end"]
    assert fields["duration"]["initial_value"] == "2h 05m"


@pytest.mark.parametrize(
    "metadata",
    ["", "null", "[]", '{"id": "x", "v": "y"}', '{"v": "abc"}', '{"id": 1}', "{" * 10_000],
)
def test_edit_metadata_we_did_not_write_is_refused(metadata: str) -> None:
    assert parse_edit_metadata(metadata) is None


@st.composite
def any_events(draw: st.DrawFn) -> Event:
    start = draw(_moments())
    minutes = draw(st.integers(1, 24 * 60))
    on_task = draw(st.booleans())
    return event(
        draw(ids_),
        start,
        minutes,
        task=draw(user_text()) if on_task else None,
        task_id=draw(ids_) if on_task else None,
        project=draw(st.none() | user_text()),
        project_id=draw(st.none() | ids_),
        notes=draw(user_text()),
    )


@FAST
@given(any_events(), st.sampled_from([UTC, *ZONES]), st.none() | st.text(max_size=20))
def test_any_edit_form_is_valid(shown: Event, zone: tzinfo, channel: str | None) -> None:
    metadata = edit_metadata(shown, zone, channel, in_home=False)
    payload = check_view(edit_modal(shown, zone, metadata))
    assert len(payload["private_metadata"]) <= MAX_PRIVATE_METADATA
    parsed = parse_edit_metadata(payload["private_metadata"])
    assert parsed is not None and parsed["id"] == shown.id


# --- /track edit -------------------------------------------------------------------------------


def test_the_latest_entries_each_with_their_menu() -> None:
    events = [event(900003, at(TODAY, 11)), event(900002, at(TODAY, 9)), event(900001)]
    payload = checked(entries_message(events, BERLIN))
    assert payload["blocks"][0]["text"]["text"] == "Your latest entries"
    assert menu_ids(payload) == [900003, 900002, 900001]
    assert "newest first" in all_text(payload)
    assert payload["text"] == "Your latest 3 entries"


def test_no_latest_entries() -> None:
    payload = checked(entries_message([], BERLIN))
    assert "Nothing tracked today or yesterday" in all_text(payload)
    assert menus(payload) == []


@settings(FAST, max_examples=25)
@given(st.lists(any_events(), max_size=80), st.sampled_from([UTC, *ZONES]))
def test_any_list_of_latest_entries_fits_a_message(events: list[Event], zone: tzinfo) -> None:
    payload = checked(entries_message(events, zone))
    assert len(payload["blocks"]) <= MAX_MESSAGE_BLOCKS
    assert len(menus(payload)) == min(len(events), MAX_LISTED)
    if len(events) > MAX_LISTED:
        assert f"The latest {MAX_LISTED} of {len(events)}" in all_text(payload)


# --- Answers to the menu -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("declined", "says"),
    [
        (EntryGone(1), "no longer in TrackingTime"),
        (NotYours(1), "not one of yours"),
        (Running(event()), "your running timer"),
    ],
)
def test_declined_messages_say_why_plainly(declined: Any, says: str) -> None:
    payload = checked(declined_message(declined))
    assert says in all_text(payload) and says in payload["text"]
    assert buttons(payload) == [] and menus(payload) == []


def test_saved_changed_and_restored_show_the_entry_as_it_is_now() -> None:
    before, after = event(notes="old"), event(notes="new", minutes=30)
    saved = checked(saved_message(Updated(before, after), BERLIN))
    assert saved["blocks"][0]["text"]["text"].startswith(":pencil2: Saved: ")
    assert "_new_" in all_text(saved) and "old" not in all_text(saved)
    assert menu_ids(saved) == [after.id]
    assert saved["text"] == "Saved: 30m on Design review · Website"

    changed = checked(changed_message(Changed(after), BERLIN))
    assert "changed in TrackingTime while you were editing it" in all_text(changed)
    assert menu_ids(changed) == [after.id]

    back = event(900009, notes="back")
    restored = checked(restored_message(Restored(back), BERLIN))
    assert "Back in TrackingTime" in all_text(restored) and menu_ids(restored) == [900009]


def test_saved_and_restored_say_what_the_entry_now_overlaps() -> None:
    """Times set by hand (the Edit form) or given back (Undo) are kept, and overlaps said."""
    shown = event(minutes=60)
    busy = (Busy(shown.start, shown.start + timedelta(minutes=30), "Standup · <Internal>"),)
    saved = checked(saved_message(Updated(shown, shown, busy), BERLIN))
    note = saved["blocks"][-1]["elements"][0]["text"]
    assert note.startswith(":warning: As you set the times, it overlaps Standup · &lt;Internal&gt;")
    restored = checked(restored_message(Restored(shown, busy), BERLIN))
    assert "Back at its times, it overlaps Standup" in all_text(restored)
    assert menu_ids(saved) == menu_ids(restored) == [shown.id]
    assert "overlaps" not in all_text(checked(saved_message(Updated(shown, shown), BERLIN)))


def test_delete_asks_through_slacks_confirm_dialog() -> None:
    payload = checked(delete_prompt(event(), BERLIN))
    (delete,) = buttons(payload)
    assert (delete["action_id"], delete["value"], delete["style"]) == (
        ids.DELETE_ENTRY,
        "900001",
        "danger",
    )
    confirm = delete["confirm"]
    assert confirm["title"]["text"] == "Delete this entry?"
    assert (confirm["confirm"]["text"], confirm["deny"]["text"]) == ("Delete", "Keep it")
    assert confirm["style"] == "danger"
    assert payload["text"] == "Delete 1h 30m on Design review · Website?"


def test_deleted_offers_undo_by_the_kept_copys_id() -> None:
    payload = checked(deleted_message(Deleted(event(), 42), BERLIN))
    (undo,) = buttons(payload)
    assert (undo["action_id"], undo["value"], undo["text"]["text"]) == (
        ids.RESTORE_ENTRY,
        "42",
        "Undo",
    )
    assert "Deleted" in all_text(payload) and menus(payload) == []


def test_the_other_answers() -> None:
    assert "nothing left to undo" in all_text(checked(undo_expired_message())).casefold()
    only = checked(project_only_message(ProjectOnly(event(project=HOSTILE, task=None))))
    assert HOSTILE_ESCAPED in all_text(only) and "tasks only" in all_text(only)
    assert "No timer is running" in all_text(checked(no_timer_for_notes_message()))
    assert "no stopped timer" in all_text(checked(nothing_to_continue_message()))


@pytest.mark.parametrize("notes", ["hero section\nthen the footer", "", HOSTILE * 300])
def test_notes_set_message(notes: str) -> None:
    timer = RunningTimer(
        Task(101, "Design review", 7, "Website"), 5, NOW - timedelta(hours=1), notes
    )
    payload = checked(notes_set_message(NotesSet(timer, NOW), BERLIN))
    text = payload["blocks"][0]["text"]["text"]
    assert text.startswith(":memo: Notes on *Design review* · Website (running since <!date^")
    if notes:
        # Line by line: Slack ends italics at a line break.
        assert "_hero section_\n_then the footer_" in text or HOSTILE_ESCAPED in text
    else:
        assert text.endswith(" none")
    (stop,) = buttons(payload)
    assert stop["action_id"] == ids.STOP_TIMER


@FAST
@given(any_events(), st.integers(1, 10**12), st.sampled_from([UTC, *ZONES]))
def test_any_answer_is_valid(shown: Event, undo_id: int, zone: tzinfo) -> None:
    for message in (
        saved_message(Updated(shown, shown, (Busy(shown.start, shown.start, "x"),)), zone),
        changed_message(Changed(shown), zone),
        delete_prompt(shown, zone),
        deleted_message(Deleted(shown, undo_id), zone),
        restored_message(Restored(shown, (Busy(shown.start, shown.start, "<b>" * 50),)), zone),
        project_only_message(ProjectOnly(shown)),
        entries_message([shown], zone),
    ):
        checked(message)


# --- Where entries are shown: each has its menu -------------------------------------------------


def test_every_entry_of_a_report_has_its_menu_across_pages() -> None:
    week = Period(date(2026, 11, 23), TODAY, "This week")
    events = [
        event(900000 + n, at(week.first + timedelta(days=n % 5), 8) + timedelta(minutes=n), 1)
        for n in range(150)
    ]
    report = summarize(week, events, None, BERLIN, NOW)
    seen: list[int] = []
    page = 0
    while True:
        payload = checked(report_message(report, BERLIN, page))
        assert len(payload["blocks"]) <= MAX_MESSAGE_BLOCKS
        seen += menu_ids(payload)
        if not any(b["action_id"] == ids.REPORT_MORE for b in buttons(payload)):
            break
        page += 1
    assert seen == [e.id for e in report.entries]
    assert page > 3  # kept its pages


def test_the_home_lists_today_with_menus_and_offers_continue() -> None:
    period = Period(TODAY, TODAY, "Today")
    events = [event(900001, at(TODAY, 9)), event(900002, at(TODAY, 11), notes="later")]
    report = summarize(period, events, None, BERLIN, NOW)
    status = TimerStatus(NOW, None, report.total, (), last_stopped=events[1])
    state = HomeState(linked=True, workspace="Acme", status=status, today=report)
    payload = check_view(home_view(state, BERLIN))
    assert menu_ids(payload) == [900002, 900001]  # latest first
    [resume] = [b for b in buttons(payload) if b["action_id"] == ids.CONTINUE_TIMER]
    assert resume["text"]["text"] == "Continue Design review · Website"
    running = TimerStatus(NOW, RunningTimer(Task(3, "X"), 1, NOW), report.total, (), events[1])
    home = check_view(home_view(HomeState(linked=True, workspace="A", status=running), BERLIN))
    assert not [b for b in buttons(home) if b["action_id"] == ids.CONTINUE_TIMER]


def test_the_home_shows_a_notice_first() -> None:
    state = HomeState(linked=True, workspace="Acme")
    notice = deleted_message(Deleted(event(), 42), BERLIN)
    payload = check_view(home_view(state, BERLIN, notice))
    assert payload["blocks"][1] == check_message(notice)["blocks"][0]
    assert payload["blocks"][2] == {"type": "divider"}
    # Not linked (disconnected meanwhile): the Connect page, no notice.
    assert "Deleted" not in all_text(check_view(home_view(HomeState(), BERLIN, notice)))


@settings(FAST, max_examples=25)
@given(
    st.lists(any_events(), max_size=60),
    st.one_of(st.none(), any_events().map(lambda e: deleted_message(Deleted(e, 1), BERLIN))),
)
def test_any_home_with_menus_and_a_notice_is_valid(
    events: list[Event], notice: Message | None
) -> None:
    report = summarize(Period(TODAY, TODAY, "Today"), events, None, BERLIN, NOW)
    status = TimerStatus(NOW, None, report.total, (), events[-1] if events else None)
    state = HomeState(linked=True, workspace="Acme", status=status, today=report)
    payload = check_view(home_view(state, BERLIN, notice))
    assert len(payload["blocks"]) <= MAX_VIEW_BLOCKS


def test_the_daily_summary_lists_the_days_entries_with_menus() -> None:
    period = Period(TODAY, TODAY, "Your day")
    events = [
        event(900000 + n, at(TODAY, 0) + timedelta(minutes=20 * n), 15, notes=HOSTILE * 30)
        for n in range(MAX_ENTRIES + 7)
    ]
    report = summarize(period, events, None, BERLIN, NOW)
    payload = checked(daily_summary_message(DailySummary(report, timedelta(hours=8)), BERLIN))
    assert len(payload["blocks"]) <= MAX_MESSAGE_BLOCKS
    assert menu_ids(payload) == [e.id for e in report.entries[:MAX_ENTRIES]]
    assert "… and 7 more: `/track today` lists them all." in all_text(payload)


def test_every_builder_is_tested() -> None:
    """A new builder must be added here and to the tests above."""
    tested = {
        edit_metadata, parse_edit_metadata, edit_modal, entries_message, declined_message,
        saved_message, changed_message, delete_prompt, deleted_message, restored_message,
        undo_expired_message, project_only_message, notes_set_message,
        no_timer_for_notes_message, nothing_to_continue_message,
        event_line, menu_value, parse_menu_value, menu_of, entry_row,
    }  # fmt: skip
    public = {
        function
        for module in (edit, entry_menu)
        for name, function in inspect.getmembers(module, inspect.isfunction)
        if function.__module__ == module.__name__ and not name.startswith("_")
    }
    assert public == tested
    assert json.loads(edit_metadata(event(), BERLIN, None, True))["home"] is True
