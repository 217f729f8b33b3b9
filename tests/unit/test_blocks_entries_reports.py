"""The logging and report builders (``bot.blocks.entries``, ``bot.blocks.reports``) produce what
Slack accepts, for any input.

Every payload goes through the checks of ``test_blocks``: ``slack_sdk`` models, Slack's JSON
schemas, a round trip through ``slack_sdk`` parsing and the limits neither of those checks.
Reports are also walked page by page, following each "Show more" button to the next page.
"""

from __future__ import annotations

import inspect
import json
import re
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from slack_sdk.models.blocks import Option

from bot.blocks import entries, ids, log_form, reports
from bot.blocks.entries import (
    LOG_USAGE,
    entry_line,
    entry_value,
    kept_message,
    logged_later_message,
    logged_message,
    not_logged_message,
    overlap_note,
    parse_entry_value,
    undone_message,
    unresolved_log_message,
)
from bot.blocks.format import escape
from bot.blocks.log_form import (
    MAX_OPTIONS,
    NOTES_LIMIT,
    entry_inputs,
    log_modal,
    project_options,
    task_options,
)
from bot.blocks.parts import OPTION_TEXT_LIMIT
from bot.blocks.reports import (
    ENTRIES_PER_PAGE,
    MAX_PROJECTS,
    TASKS_PER_PROJECT,
    more_value,
    parse_more_value,
    report_message,
)
from bot.services.entries import Entry, Kept, Logged, Unresolved
from bot.services.matching import MAX_CHOICES, Choose, NoMatch
from bot.services.reports import Period, Report, parse_period, summarize
from bot.trackingtime import Event, Project, RunningTimer, Task
from tests.unit.test_blocks import (
    BERLIN,
    FAST,
    HOSTILE,
    HOSTILE_ESCAPED,
    MAX_BUTTON_VALUE,
    MAX_MESSAGE_BLOCKS,
    MAX_OPTION_TEXT,
    MAX_SECTION_TEXT,
    ZONES,
    _moments,
    _schema_validator,
    all_text,
    assert_no_stray_markup,
    blocks_of,
    buttons,
    check_message,
    check_view,
    ids_,
    named,
    tasks,
    user_text,
)

KIRITIMATI, GMT_MINUS_12 = ZONES[1], ZONES[2]
ST_JOHNS = ZoneInfo("America/St_Johns")
# Friday 27 November 2026, 15:07:42 in Berlin.
NOW = datetime(2026, 11, 27, 14, 7, 42, tzinfo=UTC)
TODAY = date(2026, 11, 27)
DESIGN = Task(101, "Design review", 7, "Website")
INBOX = Task(102, "Inbox zero")
LOGIN = Task(103, "Log in page", 7, "Website")
MODAL_INPUTS = [
    ids.LOG_PROJECT_INPUT,
    ids.LOG_TASK_INPUT,
    ids.LOG_DATE_INPUT,
    ids.LOG_START_INPUT,
    ids.LOG_END_INPUT,
    ids.LOG_DURATION_INPUT,
    ids.LOG_NOTES_INPUT,
]
# Slack's limits for an external select's options.
MAX_EXTERNAL_OPTIONS = 100
MAX_OPTION_VALUE = 150
DATE_MARKUP = re.compile(r"<!date\^(-?\d+)\^\{time\}\|(\d\d:\d\d)>")


def at(day: date, hour: int, minute: int = 0, zone: tzinfo = BERLIN) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=zone)


def epoch(moment: datetime) -> int:
    return int(moment.timestamp())


def checked(message: Any) -> dict[str, Any]:
    payload = check_message(message)
    assert_no_stray_markup(payload)
    return payload


def check_options(options: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Options as an external select's ``block_suggestion`` answer takes them."""
    assert len(options) <= MAX_EXTERNAL_OPTIONS
    validator = _schema_validator("KnownBlocks", "PlainTextOption")
    for option in options:
        validator.validate(option)
        assert 0 < len(option["text"]["text"]) <= MAX_OPTION_TEXT
        assert 0 < len(option["value"]) <= MAX_OPTION_VALUE
    parsed = Option.parse_all(options)
    for option in parsed:
        option.validate_json()
    assert [option.to_dict() for option in parsed] == options
    return options


# --- Logged, kept, undone --------------------------------------------------------------------

START = at(date(2026, 11, 26), 9)
END = at(date(2026, 11, 26), 10, 30)
SPAN = f"<!date^{epoch(START)}^{{time}}|09:00>-<!date^{epoch(END)}^{{time}}|10:30>"


def _entry(**changes: Any) -> Entry:
    values: dict[str, Any] = {
        "start": START,
        "end": END,
        "notes": "",
        "task_id": DESIGN.id,
        "project_id": DESIGN.project_id,
        "task_name": DESIGN.name,
        "project_name": DESIGN.project,
        **changes,
    }
    return Entry(**values)


def _event_for(entry: Entry, event_id: int = 900001) -> Event:
    return Event(
        event_id,
        entry.task_id,
        entry.task_name,
        entry.project_id,
        entry.project_name,
        entry.start,
        entry.end,
        entry.duration,
        entry.notes,
    )


@pytest.mark.parametrize(
    ("changes", "what", "label"),
    [
        ({}, "*Design review* · Website", "Design review · Website"),
        ({"project_name": None, "project_id": None}, "*Design review*", "Design review"),
        ({"task_name": None, "task_id": None}, "*Website*", "Website"),
        ({"task_name": None, "project_name": None}, "*No task*", "(no task)"),
        (
            {"task_name": HOSTILE, "project_name": HOSTILE},
            f"*{HOSTILE_ESCAPED}* · {HOSTILE_ESCAPED}",
            f"{HOSTILE} · {HOSTILE}",  # the notification text is plain text
        ),
    ],
    ids=["task and project", "task only", "project only", "nothing", "hostile names"],
)
@pytest.mark.parametrize("notes", ["", "header fixes", HOSTILE])
def test_logged_message(changes: dict[str, Any], what: str, label: str, notes: str) -> None:
    entry = _entry(notes=notes, **changes)
    payload = checked(logged_message(Logged(entry, _event_for(entry)), BERLIN))
    section, actions = payload["blocks"]
    expected = f":white_check_mark: Logged *1h 30m* on {what}, Thu 26 Nov {SPAN}"
    if notes:
        expected += f"\n_{escape(notes)}_"
    assert section["text"]["text"] == expected
    menu = section["accessory"]
    assert (menu["type"], menu["action_id"]) == ("overflow", ids.ENTRY_MENU)
    assert [o["value"] for o in menu["options"]] == [
        f"{verb}:900001" for verb in ("edit", "delete", "again")
    ] + (["start:900001"] if entry.task_id else [])
    (undo,) = actions["elements"]
    assert (undo["action_id"], undo["value"], undo["text"]["text"]) == (
        ids.UNDO_ENTRY,
        "900001",
        "Undo",
    )
    assert payload["text"] == f"Logged 1h 30m on {label}"


def test_logged_message_shows_the_day_and_times_in_the_users_zone() -> None:
    # 23:30 UTC on the 26th is already the 27th in Kiritimati (UTC+14) and still the 26th at UTC-12.
    start = datetime(2026, 11, 26, 23, 30, tzinfo=UTC)
    entry = _entry(start=start, end=start + timedelta(minutes=45))
    for zone, shown in [(KIRITIMATI, "Fri 27 Nov"), (GMT_MINUS_12, "Thu 26 Nov")]:
        text = checked(logged_message(Logged(entry, _event_for(entry)), zone))["blocks"][0]
        assert f"*45m* on *Design review* · Website, {shown} " in text["text"]["text"]
    text = checked(logged_message(Logged(entry, _event_for(entry)), ST_JOHNS))["blocks"][0]
    assert "|20:00>-" in text["text"]["text"]  # UTC-3:30


def test_logged_message_on_the_night_clocks_go_back() -> None:
    """01:30-03:30 in Berlin on 2026-10-25 lasts three hours."""
    day = date(2026, 10, 25)
    entry = _entry(start=at(day, 1, 30), end=at(day, 3, 30))
    assert entry.duration == timedelta(hours=3)
    payload = checked(logged_message(Logged(entry, _event_for(entry)), BERLIN))
    text = payload["blocks"][0]["text"]["text"]
    assert text.startswith(":white_check_mark: Logged *3h 00m* on")
    assert [m[2] for m in DATE_MARKUP.finditer(text)] == ["01:30", "03:30"]


@pytest.mark.parametrize("reason", ["TrackingTime is not answering right now.", HOSTILE])
def test_kept_message(reason: str) -> None:
    entry = _entry(notes="n")
    payload = checked(kept_message(Kept(entry, reason), BERLIN))
    text = payload["blocks"][0]["text"]["text"]
    assert text.startswith(f":inbox_tray: {escape(reason)}\n")
    assert f"*1h 30m* on *Design review* · Website, Thu 26 Nov {SPAN}" in text
    assert buttons(payload) == []
    assert payload["text"] == "Kept 1h 30m on Design review · Website to add later"


def test_logged_later_message() -> None:
    entry = _entry()
    logged = Logged(entry, _event_for(entry, 42))
    payload = checked(logged_later_message(logged, BERLIN))
    assert "TrackingTime is back" in payload["blocks"][0]["text"]["text"]
    assert payload["blocks"][1:] == checked(logged_message(logged, BERLIN))["blocks"]
    (undo,) = buttons(payload)
    assert (undo["action_id"], undo["value"]) == (ids.UNDO_ENTRY, "42")
    assert payload["text"] == "Added later: Logged 1h 30m on Design review · Website"


@pytest.mark.parametrize("reason", ["That task was archived.", HOSTILE])
def test_not_logged_message(reason: str) -> None:
    payload = checked(not_logged_message(_entry(), BERLIN, reason))
    text = payload["blocks"][0]["text"]["text"]
    assert text.startswith(":warning: ")
    assert f"*1h 30m* on *Design review* · Website, Thu 26 Nov {SPAN}: {escape(reason)}" in text
    assert "/track log" in all_text(payload)
    assert payload["text"] == "Could not log 1h 30m on Design review · Website"


@pytest.mark.parametrize("removed", [True, False])
def test_undone_message(removed: bool) -> None:
    payload = checked(undone_message(removed))
    assert buttons(payload) == []
    assert payload["text"] == ("Entry removed" if removed else "Entry already gone")
    assert ("deleted" in all_text(payload)) == removed
    assert ("already gone" in all_text(payload)) == (not removed)


# --- Which task to log on --------------------------------------------------------------------


def _unresolved(resolution: Choose | NoMatch, notes: str = "header fixes") -> Unresolved:
    return Unresolved(resolution, START, END, notes)


@pytest.mark.parametrize("fuzzy", [False, True])
@pytest.mark.parametrize("total", [2, 9])
def test_unresolved_log_message_choose(fuzzy: bool, total: int) -> None:
    choose = Choose(f"design {HOSTILE}", (DESIGN, LOGIN), total, "ignored", fuzzy)
    payload = checked(unresolved_log_message(_unresolved(choose), BERLIN))
    section, actions = payload["blocks"]
    lead = section["text"]["text"]
    assert f"“design {HOSTILE_ESCAPED}”" in lead
    if fuzzy:
        assert lead.endswith("Log 1h 30m on Thu 26 Nov on one of these?")
        assert "couldn't find" in lead
    else:
        assert lead.endswith("Which one gets 1h 30m on Thu 26 Nov?")
        assert f"{total} tasks match" in lead
    choices = actions["elements"]
    assert [b["text"]["text"] for b in choices] == [DESIGN.label, LOGIN.label]
    assert [b["action_id"] for b in choices] == [f"{ids.LOG_CHOICE}:0", f"{ids.LOG_CHOICE}:1"]
    assert all(ids.LOG_CHOICE_PATTERN.match(b["action_id"]) for b in choices)
    assert [parse_entry_value(b["value"]) for b in choices] == [
        {
            "start": epoch(START),
            "end": epoch(END),
            "notes": "header fixes",  # the typed notes, as the Unresolved carries them
            "task_id": task.id,
            "task": task.name,
            "project": task.project,
        }
        for task in (DESIGN, LOGIN)
    ]
    assert payload["text"] == "Which task gets 1h 30m?"


def test_unresolved_log_message_choose_task_without_project_or_notes() -> None:
    choose = Choose("inbox", (INBOX, DESIGN), 2, "")
    payload = checked(unresolved_log_message(_unresolved(choose, notes=""), BERLIN))
    values = [parse_entry_value(b["value"]) for b in buttons(payload)]
    assert values[0] == {
        "start": epoch(START),
        "end": epoch(END),
        "task_id": 102,
        "task": "Inbox zero",
    }


@pytest.mark.parametrize(
    ("project_name", "project", "lead_end"),
    [
        ("Website", Project(7, "Website"), "“Homepage” in *Website*."),
        ("Websyte", None, "“Homepage” in *Websyte*."),
        (None, None, "“Homepage”."),
        (HOSTILE, None, f"“Homepage” in *{HOSTILE_ESCAPED}*."),
    ],
)
def test_unresolved_log_message_no_match(
    project_name: str | None, project: Project | None, lead_end: str
) -> None:
    no_match = NoMatch("Homepage", project_name, project, "ignored")
    payload = checked(unresolved_log_message(_unresolved(no_match), BERLIN))
    section, actions, hint = payload["blocks"]
    assert section["text"]["text"] == f":mag: I couldn't find a task called {lead_end}"
    (create,) = actions["elements"]
    assert create["text"]["text"] == "Create “Homepage” and log"
    assert (create["action_id"], create["style"]) == (ids.CREATE_AND_LOG, "primary")
    expected = {
        "start": epoch(START),
        "end": epoch(END),
        "notes": "header fixes",
        "task": "Homepage",
    }
    if project_name:
        expected["project"] = project_name
    assert parse_entry_value(create["value"]) == expected
    assert hint["elements"][0]["text"] == f"Or check the spelling: `{LOG_USAGE}`"
    assert payload["text"] == "No task called “Homepage”"


def test_unresolved_log_message_no_match_with_long_names() -> None:
    """The names are cut so that the button's value fits Slack's 2000 characters."""
    no_match = NoMatch("Homepage " * 100, '"\\' * 1500, None, "")
    payload = checked(unresolved_log_message(_unresolved(no_match, notes='"' * 3000), BERLIN))
    (create,) = buttons(payload)
    assert len(create["value"]) <= MAX_BUTTON_VALUE
    value = parse_entry_value(create["value"])
    assert value is not None
    assert value["task"].startswith("Homepage Homepage") and value["task"].endswith("…")
    assert value["project"].startswith('"\\') and value["project"].endswith("…")
    assert create["text"]["text"].startswith("Create “Homepage Homepage")


@pytest.mark.parametrize("zone", [BERLIN, KIRITIMATI, GMT_MINUS_12, ST_JOHNS])
def test_unresolved_log_message_names_the_users_day(zone: tzinfo) -> None:
    start = datetime(2026, 11, 26, 23, 30, tzinfo=UTC)
    unresolved = Unresolved(NoMatch("X", None, None, ""), start, start + timedelta(hours=2), "")
    text = checked(unresolved_log_message(unresolved, zone))["blocks"][0]["text"]["text"]
    assert text == ":mag: I couldn't find a task called “X”."
    choose = Unresolved(Choose("x", (DESIGN, LOGIN), 2, ""), start, start + timedelta(hours=2), "")
    lead = checked(unresolved_log_message(choose, zone))["blocks"][0]["text"]["text"]
    day = start.astimezone(zone).strftime("%a %d %b")
    assert lead.endswith(f"Which one gets 2h 00m on {day}?")


# --- Button values ---------------------------------------------------------------------------


@pytest.mark.parametrize("notes", ["", "header fixes", 'quotes " and \\ and\nnewlines', HOSTILE])
@pytest.mark.parametrize(
    "what",
    [
        {},
        {"task_id": 5, "task": "Design review", "project": "Website"},
        {"task": "Homepage", "project": None},
        {"task": '"Q" \\', "project": "<p> & co"},
    ],
)
def test_entry_value_round_trips(notes: str, what: dict[str, Any]) -> None:
    value = entry_value(START, END, notes, **what)
    assert len(value) <= MAX_BUTTON_VALUE
    expected: dict[str, Any] = {"start": epoch(START), "end": epoch(END)}
    expected.update({key: item for key, item in what.items() if item})
    if notes:
        expected["notes"] = notes
    assert parse_entry_value(value) == expected


def test_entry_value_keeps_whole_seconds() -> None:
    start = datetime(2026, 11, 26, 9, 0, 30, 999_999, tzinfo=BERLIN)
    value = parse_entry_value(entry_value(start, END, ""))
    assert value is not None
    assert datetime.fromtimestamp(value["start"], UTC) == start.replace(microsecond=0)


DEEP = "[" * 5000
GARBAGE = ["", "stop", "null", "42", '"x"', "[]", "{}", "[1]", DEEP, "{", "123abc"]


@pytest.mark.parametrize(
    "value",
    [
        *GARBAGE,
        '{"start": 1}',
        '{"end": 1}',
        '{"start": "x", "end": 1}',
        '{"start": 1, "end": null}',
        '{"start": [1], "end": 2}',
        '{"start": {}, "end": 2}',
        '{"start": NaN, "end": 2}',
        '{"start": Infinity, "end": 2}',
        '{"start": 1e400, "end": 2}',
        '[{"start": 1, "end": 2}]',
        '"{\\"start\\": 1, \\"end\\": 2}"',
    ],
)
def test_parse_entry_value_refuses_garbage(value: str) -> None:
    assert parse_entry_value(value) is None


@pytest.mark.parametrize(
    "period",
    [
        parse_period(text, TODAY)
        for text in ("today", "yesterday", "week", "last week", "mon", "2026-01-31", "-3d")
    ],
    ids=lambda period: period.title,
)
@pytest.mark.parametrize("page", [0, 1, 7, 10**6])
def test_more_value_round_trips(period: Period, page: int) -> None:
    value = more_value(period, page)
    assert len(value) <= MAX_BUTTON_VALUE
    assert parse_more_value(value) == (period, page)


def test_parse_more_value_cuts_long_titles() -> None:
    period = Period(TODAY, TODAY, "x" * 500)
    parsed = parse_more_value(more_value(period, 1))
    assert parsed == (Period(TODAY, TODAY, "x" * 100), 1)


def _more(**changes: Any) -> str:
    payload = {"first": "2026-11-23", "last": "2026-11-27", "title": "This week", "page": 1}
    return json.dumps({**payload, **changes})


@pytest.mark.parametrize(
    "value",
    [
        *GARBAGE,
        _more(first="2026-11-28"),  # first after last
        _more(page=-1),
        _more(page="x"),
        _more(page=None),
        _more(page=[1]),
        _more(first="2026-13-01"),
        _more(first=20261123),
        _more(last=None),
        json.dumps(["2026-11-23", "2026-11-27", "x", 1]),
        '{"first": "2026-11-23", "last": "2026-11-27", "title": "t", "page": NaN}',
        '{"first": "2026-11-23", "last": "2026-11-27", "title": "t", "page": 1e400}',
        '{"first": "2026-11-23", "last": "2026-11-27", "title": "t"}',
        '{"first": "2026-11-23", "last": "2026-11-27", "page": 2}',
    ],
)
def test_parse_more_value_refuses_garbage(value: str) -> None:
    assert parse_more_value(value) is None


# --- Select options --------------------------------------------------------------------------


@pytest.mark.parametrize("count", [0, 1, 99, 100, 101, 250])
def test_task_options(count: int) -> None:
    found = [
        Task(5000 + i, f"Task {i}", 7, "Website") if i % 2 else Task(i, f"Task {i}")
        for i in range(1, count + 1)
    ]
    options = check_options(task_options(found))
    offered = found[:MAX_OPTIONS]
    assert [o["value"] for o in options] == [str(t.id) for t in offered]
    assert [o["text"]["text"] for o in options] == [t.label for t in offered]


@pytest.mark.parametrize("count", [0, 1, 100, 101])
def test_project_options(count: int) -> None:
    found = [Project(4000 + i, f"Project {i}") for i in range(count)]
    options = check_options(project_options(found))
    assert [(o["value"], o["text"]["text"]) for o in options] == [
        (str(p.id), p.name) for p in found[:MAX_OPTIONS]
    ]


def test_options_cut_long_names_to_75_characters() -> None:
    long_task = Task(1, "Design review of the new onboarding flow", 7, "Website relaunch " * 3)
    options = check_options(task_options([long_task, Task(2, "x" * 75), Task(3, "é" * 76)]))
    texts = [o["text"]["text"] for o in options]
    assert texts[0] == long_task.label[: OPTION_TEXT_LIMIT - 1].rstrip() + "…"
    assert texts[1] == "x" * 75
    assert texts[2] == "é" * 74 + "…"
    (project,) = check_options(project_options([Project(9, HOSTILE * 5)]))
    assert project["text"]["text"] == (HOSTILE * 5)[: OPTION_TEXT_LIMIT - 1].rstrip() + "…"


# --- The Log-time modal ----------------------------------------------------------------------


def _inputs(payload: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {block["block_id"]: block for block in blocks_of(payload, "input")}


@pytest.mark.parametrize("task", [None, DESIGN, INBOX, Task(9, "x" * 100, 8, "y" * 100)])
@pytest.mark.parametrize("notes", ["", "From #general: “the header is broken”", "n" * 5000])
@pytest.mark.parametrize(
    ("note", "metadata"),
    [
        (None, ""),
        ("", json.dumps({"channel": "C1", "tz": "Europe/Berlin"})),
        ("Logging time for a message; its text and link are in the notes.", '{"channel": null}'),
    ],
    ids=["bare", "metadata", "note and metadata"],
)
def test_log_modal(task: Task | None, notes: str, note: str | None, metadata: str) -> None:
    payload = check_view(log_modal(TODAY, notes=notes, task=task, metadata=metadata, note=note))
    assert payload["callback_id"] == ids.LOG_VIEW
    assert (payload["title"]["text"], payload["submit"]["text"], payload["close"]["text"]) == (
        "Log time",
        "Log",
        "Cancel",
    )
    assert payload.get("private_metadata", "") == metadata
    inputs = _inputs(payload)
    assert len(inputs) == 7
    assert [(b["block_id"], b["element"]["action_id"]) for b in blocks_of(payload, "input")] == (
        MODAL_INPUTS
    )
    assert len(payload["blocks"]) == 7 + bool(note)
    if note:
        assert payload["blocks"][0]["elements"][0]["text"] == note
    assert [b["block_id"] for b in blocks_of(payload, "input") if not b.get("optional")] == ["date"]

    project, chosen = inputs["project"]["element"], inputs["task"]["element"]
    for select in (project, chosen):
        assert select["type"] == "external_select"
        assert select["min_query_length"] == 0
    assert inputs["date"]["element"] == {
        "type": "datepicker",
        "action_id": "value",
        "initial_date": "2026-11-27",
    }
    assert [inputs[f]["element"]["type"] for f in ("start", "end")] == ["timepicker"] * 2
    if task is None:
        assert "initial_option" not in chosen and "initial_option" not in project
    else:
        check_options([chosen["initial_option"]])
        assert chosen["initial_option"]["value"] == str(task.id)
        assert chosen["initial_option"]["text"]["text"].startswith(task.label[:70])
        # Only the task: a preselected project would narrow the task typeahead.
        assert "initial_option" not in project
    area = inputs["notes"]["element"]
    assert area["multiline"] is True and area["max_length"] == NOTES_LIMIT
    shown = notes if len(notes) <= NOTES_LIMIT else notes[: NOTES_LIMIT - 1] + "…"
    assert area.get("initial_value", "") == shown


def test_log_modal_cuts_notes_to_what_the_field_takes() -> None:
    payload = check_view(log_modal(TODAY, notes="n" * 5000))
    assert _inputs(payload)["notes"]["element"]["initial_value"] == "n" * 2999 + "…"


def test_log_modal_metadata_up_to_slacks_limit() -> None:
    payload = check_view(log_modal(TODAY, metadata="m" * 3000))
    assert payload["private_metadata"] == "m" * 3000


# --- Reports ---------------------------------------------------------------------------------


def event(
    id_: int,
    start: datetime,
    minutes: int,
    task: str | None = "Design review",
    project: str | None = "Website",
    notes: str = "",
) -> Event:
    end = (start.astimezone(UTC) + timedelta(minutes=minutes)).astimezone(start.tzinfo)
    return Event(id_, id_, task, 7, project, start, end, timedelta(minutes=minutes), notes)


def walk(report: Report, zone: tzinfo) -> list[dict[str, Any]]:
    """Every page of the report, following each page's "Show more" to the next; each checked."""
    pages: list[dict[str, Any]] = []
    while True:
        payload = checked(report_message(report, zone, len(pages)))
        pages.append(payload)
        more = [b for b in buttons(payload) if b["action_id"] == ids.REPORT_MORE]
        if not more:
            break
        (show_more,) = more
        assert payload["blocks"][-1] == {"type": "actions", "elements": [show_more]}
        assert show_more["text"]["text"] == "Show more"
        parsed = parse_more_value(show_more["value"])
        assert parsed is not None
        period, page = parsed
        assert (period.first, period.last, page) == (
            report.period.first,
            report.period.last,
            len(pages),
        )
        assert period.title == report.period.title[:100]
        assert len(pages) < 100
    for payload in pages:
        assert len(payload["blocks"]) <= MAX_MESSAGE_BLOCKS
        for section in blocks_of(payload, "section"):
            assert len(section["text"]["text"]) <= MAX_SECTION_TEXT
    # Asking for a page past either end gives the nearest one.
    assert checked(report_message(report, zone, len(pages) + 5)) == pages[-1]
    assert checked(report_message(report, zone, -3)) == pages[0]
    return pages


def entry_lines(pages: list[dict[str, Any]]) -> list[str]:
    """The entry lines of all pages (each starts with its time span)."""
    return [
        line
        for payload in pages
        for section in blocks_of(payload, "section")
        for line in section["text"]["text"].split("\n")
        if line.startswith("`<!date^")
    ]


WEEK = parse_period("week", TODAY)  # Mon 23 .. Fri 27 Nov 2026
ONE_DAY = parse_period("yesterday", TODAY)


def test_report_for_an_empty_period() -> None:
    report = summarize(WEEK, [], None, BERLIN, NOW)
    (payload,) = walk(report, BERLIN)
    header, section, hint = payload["blocks"]
    assert header["text"]["text"] == WEEK.title
    assert section["text"]["text"] == ":zzz: Nothing tracked."
    assert "/track log" in hint["elements"][0]["text"]
    assert payload["text"] == f"Nothing tracked: {WEEK.title}."


def test_report_for_one_day() -> None:
    day = ONE_DAY.first
    events = [
        event(2, at(day, 13), 45, "Standup", "Internal"),
        event(1, at(day, 9), 90, notes=f"header fixes {HOSTILE}"),
        event(3, at(day, 15), 30, None, None),
    ]
    report = summarize(ONE_DAY, events, None, BERLIN, NOW)
    (payload,) = walk(report, BERLIN)
    blocks = payload["blocks"]
    assert blocks[0]["text"]["text"] == "Yesterday · Thu 26 Nov 2026"
    assert blocks[1]["text"]["text"] == "*Total: 2h 45m*"
    assert "accessory" not in blocks[1]
    assert [b["text"]["text"] for b in blocks[2:5]] == [
        "*Website* · 1h 30m\n• Design review · 1h 30m",
        "*Internal* · 45m\n• Standup · 45m",
        "*No project* · 30m\n• No task · 30m",
    ]
    assert blocks[5] == {"type": "divider"}
    assert blocks_of(payload, "context") == []  # one day: no day headings
    lines = entry_lines([payload])
    assert len(lines) == 3
    assert lines[0].endswith(
        f"|10:30>` *1h 30m* Design review · Website — _header fixes {HOSTILE_ESCAPED}_"
    )
    assert lines[1].endswith("*45m* Standup · Internal")
    assert lines[2].endswith("*30m* No task")
    assert payload["text"] == "Yesterday · Thu 26 Nov 2026: 2h 45m tracked"


def test_report_for_a_week_with_a_running_timer() -> None:
    events = [
        event(i, at(WEEK.first + timedelta(days=i % 5), 9 + i // 5), 50, notes=f"ref-{i:04d}")
        for i in range(20)
    ]
    timer = RunningTimer(LOGIN, 999, NOW - timedelta(minutes=75), "on it")
    report = summarize(WEEK, events, timer, BERLIN, NOW)
    (payload,) = walk(report, BERLIN)
    total = payload["blocks"][1]
    assert total["text"]["text"] == (
        "*Total: 17h 55m*\n:stopwatch: Running: *Log in page* · Website for *1h 15m* (since "
        f"<!date^{epoch(NOW - timedelta(minutes=75))}^{{time}}|13:52>)"
    )
    stop = total["accessory"]
    assert (stop["action_id"], stop["style"], stop["text"]["text"]) == (
        ids.STOP_TIMER,
        "danger",
        "Stop",
    )
    headings = [c["elements"][0]["text"] for c in blocks_of(payload, "context")]
    assert headings == [
        f"*{day:%A %d %b}* · 3h 20m" for day in (WEEK.first + timedelta(days=i) for i in range(5))
    ]
    assert sorted(re.findall(r"ref-(\d{4})", all_text(payload))) == [f"{i:04d}" for i in range(20)]
    assert payload["blocks"][2]["text"]["text"] == (
        "*Website* · 17h 55m\n• Design review · 16h 40m\n• Log in page · 1h 15m"
    )


def test_report_with_only_a_running_timer() -> None:
    timer = RunningTimer(INBOX, None, NOW - timedelta(minutes=5))
    (payload,) = walk(summarize(WEEK, [], timer, BERLIN, NOW), BERLIN)
    assert payload["blocks"][1]["text"]["text"].startswith("*Total: 5m*\n:stopwatch: Running")
    assert entry_lines([payload]) == []
    assert payload["blocks"][-1] == {"type": "divider"}


def test_report_with_many_projects_and_tasks() -> None:
    events = [
        event(
            p * 100 + t,
            at(ONE_DAY.first, 8) + timedelta(minutes=t),
            60 - p,
            f"Task {t}",
            f"P{p:02d}",
        )
        for p in range(MAX_PROJECTS + 5)
        for t in range(1 if p else TASKS_PER_PROJECT + 3)
    ]
    report = summarize(ONE_DAY, events, None, BERLIN, NOW)
    pages = walk(report, BERLIN)
    first = pages[0]
    summaries = [
        b["text"]["text"]
        for b in blocks_of(first, "section")
        if not b["text"]["text"].startswith("`")
    ][1:]  # after the total
    assert len(summaries) == MAX_PROJECTS
    assert summaries[0].startswith("*P00* · 11h 00m\n")
    assert summaries[0].count("\n• ") == TASKS_PER_PROJECT + 1
    assert summaries[0].endswith("\n• … 3 more tasks")
    assert "… and 5 more projects" in [
        c["elements"][0]["text"] for c in blocks_of(first, "context")
    ]
    assert len(entry_lines(pages)) == len(events)


@pytest.mark.parametrize("zone", [BERLIN, KIRITIMATI, GMT_MINUS_12])
def test_report_with_long_names_and_notes(zone: tzinfo) -> None:
    long_name, long_notes = HOSTILE * 40, ("&" * 3000) + "\n" + "x" * 3000
    events = [
        event(
            i,
            at(WEEK.first + timedelta(days=i % 5), 8, i, zone),
            30,
            long_name,
            long_name,
            long_notes,
        )
        for i in range(60)
    ]
    timer = RunningTimer(
        Task(1, long_name, 2, long_name), 10**6, at(WEEK.first, 6, zone=zone), long_notes
    )
    report = summarize(Period(WEEK.first, WEEK.last, "x" * 400), events, timer, zone, NOW)
    pages = walk(report, zone)
    assert len(pages) > 1
    assert pages[0]["blocks"][0]["text"]["text"] == "x" * 149 + "…"
    assert "<!date^" in pages[0]["blocks"][1]["text"]["text"]  # the running timer's start survives
    lines = entry_lines(pages)
    assert len(lines) == len(events)
    for line in lines:
        assert len(DATE_MARKUP.findall(line)) == 2  # times survive long names and notes
        assert line.endswith("…_")


@pytest.mark.parametrize(
    ("period", "count"),
    [
        (WEEK, 300),
        (parse_period("last week", TODAY), 450),
        (ONE_DAY, 130),
        (WEEK, ENTRIES_PER_PAGE),
    ],
    ids=["week of 300", "last week of 450", "one day of 130", "exactly one page"],
)
@pytest.mark.parametrize("zone", [BERLIN, ST_JOHNS])
def test_a_long_report_is_paged(period: Period, count: int, zone: tzinfo) -> None:
    days = (period.last - period.first).days + 1
    events = [
        event(
            i,
            at(period.first + timedelta(days=i % days), 0, zone=zone)
            + timedelta(minutes=i // days * 2),
            1 + i % 90,
            f"Task {i % 13}",
            f"Project {i % 4}" if i % 5 else None,
            f"ref-{i:04d} " + "fixes " * (i % 7),
        )
        for i in range(count)
    ]
    timer = RunningTimer(DESIGN, 10**6, NOW - timedelta(minutes=30)) if period == WEEK else None
    report = summarize(period, events, timer, zone, NOW)
    pages = walk(report, zone)
    assert (len(pages) == 1) == (count <= ENTRIES_PER_PAGE)
    # Each entry once, in order.
    found = re.findall(r"ref-(\d{4})", "\n".join(entry_lines(pages)))
    expected = [e.notes.split()[0].removeprefix("ref-") for e in report.entries]
    assert found == expected
    assert Counter(found) == Counter(f"{i:04d}" for i in range(count))
    for number, payload in enumerate(pages):
        entries_here = len(entry_lines([payload]))
        assert 0 < entries_here <= ENTRIES_PER_PAGE
        if number:
            heading = payload["blocks"][0]
            assert heading["elements"][0]["text"] == f"*{escape(period.title)}*, continued"
        # Later pages repeat the day heading of the entries they continue.
        if period.first != period.last:
            first_entry_block = next(
                i
                for i, b in enumerate(payload["blocks"])
                if b["type"] == "section" and b["text"]["text"].startswith("`")
            )
            assert payload["blocks"][first_entry_block - 1]["type"] == "context"
    assert (
        sum(1 for p in pages if any(b["action_id"] == ids.REPORT_MORE for b in buttons(p)))
        == len(pages) - 1
    )


def test_a_report_with_entries_crossing_midnight_lists_them_once() -> None:
    day = ONE_DAY.first
    events = [event(1, at(day, 23), 120), event(2, at(day - timedelta(days=1), 23), 120)]
    report = summarize(ONE_DAY, events, None, BERLIN, NOW)
    (payload,) = walk(report, BERLIN)
    assert payload["blocks"][1]["text"]["text"] == "*Total: 2h 00m*"  # 1 h of each
    assert len(entry_lines([payload])) == 2


# --- Any input -------------------------------------------------------------------------------

zones = st.sampled_from([*ZONES, ST_JOHNS, UTC])
lengths = st.timedeltas(min_value=timedelta(minutes=1), max_value=timedelta(hours=24))


@st.composite
def any_entries(draw: st.DrawFn) -> Entry:
    start = draw(_moments())
    return Entry(
        start=start,
        end=(start.astimezone(UTC) + draw(lengths)).astimezone(start.tzinfo),
        notes=draw(user_text()),
        task_id=draw(st.none() | ids_),
        project_id=draw(st.none() | ids_),
        task_name=draw(st.none() | user_text()),
        project_name=draw(st.none() | user_text()),
    )


@settings(FAST, max_examples=40)
@given(any_entries(), zones, ids_, user_text())
def test_any_entry_message(entry: Entry, zone: tzinfo, event_id: int, reason: str) -> None:
    logged = Logged(entry, _event_for(entry, event_id))
    for message in (
        logged_message(logged, zone),
        logged_later_message(logged, zone),
        kept_message(Kept(entry, reason), zone),
        not_logged_message(entry, zone, reason),
    ):
        payload = checked(message)
        # However long the names and notes, the times survive.
        assert len(DATE_MARKUP.findall(all_text(payload))) == 2


@st.composite
def any_unresolved(draw: st.DrawFn) -> Unresolved:
    resolution = draw(
        st.builds(
            Choose,
            user_text(min_size=1),
            st.lists(tasks(named()), min_size=1, max_size=MAX_CHOICES).map(tuple),
            st.integers(1, 10**6),
            user_text(),
            st.booleans(),
        )
        | st.builds(
            NoMatch,
            user_text(),
            st.none() | user_text(),
            st.none() | st.builds(Project, ids_, user_text()),
            user_text(),
        )
    )
    start = draw(_moments())
    end = (start.astimezone(UTC) + draw(lengths)).astimezone(start.tzinfo)
    return Unresolved(resolution, start, end, draw(user_text()))


@settings(FAST, max_examples=40)
@given(any_unresolved(), zones)
def test_any_unresolved_log_message(unresolved: Unresolved, zone: tzinfo) -> None:
    payload = checked(unresolved_log_message(unresolved, zone))
    for button in buttons(payload):
        value = parse_entry_value(button["value"])
        assert value is not None
        assert (value["start"], value["end"]) == (epoch(unresolved.start), epoch(unresolved.end))
    if isinstance(unresolved.resolution, Choose):
        values = [parse_entry_value(b["value"]) for b in buttons(payload)]
        assert [v["task_id"] for v in values if v] == [t.id for t in unresolved.resolution.tasks]


@settings(FAST, max_examples=40)
@given(
    st.lists(tasks(named()), max_size=120),
    st.lists(st.builds(Project, ids_, named()), max_size=120),
)
def test_any_options(found_tasks: list[Task], found_projects: list[Project]) -> None:
    check_options(task_options(found_tasks))
    check_options(project_options(found_projects))


@settings(FAST, max_examples=40)
@given(
    st.dates(date(2000, 1, 1), date(2100, 1, 1)),
    user_text(),
    st.none() | tasks(named()),
    st.none() | user_text().map(escape),
    st.text(max_size=200),
)
def test_any_log_modal(
    today: date, notes: str, task: Task | None, note: str | None, metadata: str
) -> None:
    payload = check_view(log_modal(today, notes=notes, task=task, metadata=metadata, note=note))
    assert len(blocks_of(payload, "input")) == 7
    assert_no_stray_markup(payload)


@FAST
@given(
    st.integers(0, 10**6),
    st.dates(date(2000, 1, 1), date(2100, 1, 1)),
    st.integers(0, 366),
    user_text(),
)
def test_any_more_value(page: int, first: date, days: int, title: str) -> None:
    # Titles as parse_period makes them or parse_more_value reads them back (<= 100 characters).
    period = Period(first, first + timedelta(days=days), title[:100])
    value = more_value(period, page)
    assert len(value) <= MAX_BUTTON_VALUE
    assert parse_more_value(value) == (period, page)


@FAST
@given(any_entries(), user_text(), st.none() | ids_, st.none() | user_text())
def test_any_entry_value(entry: Entry, notes: str, task_id: int | None, name: str | None) -> None:
    value = entry_value(entry.start, entry.end, notes, task_id=task_id, task=name, project=name)
    assert len(value) <= MAX_BUTTON_VALUE
    parsed = parse_entry_value(value)
    assert parsed is not None
    assert (parsed["start"], parsed["end"]) == (epoch(entry.start), epoch(entry.end))
    assert parsed.get("task_id") == task_id
    for got, typed in ((parsed.get("notes", ""), notes), (parsed.get("task", ""), name or "")):
        assert got == typed or (got.endswith("…") and typed.startswith(got[:-1]))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(
            st.sampled_from(["start", "end", "first", "last", "title", "page"])
            | st.text(max_size=4),
            children,
            max_size=6,
        ),
    ),
    max_leaves=10,
)


@FAST
@given(st.text() | json_values.map(json.dumps))
def test_value_parsers_never_raise(value: str) -> None:
    parsed = parse_entry_value(value)
    assert parsed is None or isinstance(parsed, dict)
    more = parse_more_value(value)
    assert more is None or (more[0].first <= more[0].last and more[1] >= 0)


@st.composite
def any_reports(draw: st.DrawFn) -> tuple[Report, tzinfo]:
    zone = draw(zones)
    first = draw(st.dates(date(2001, 1, 1), date(2099, 1, 1)))
    days = draw(st.sampled_from([1, 7]))
    period = Period(first, first + timedelta(days=days - 1), draw(named()))
    names = draw(st.lists(user_text(), min_size=1, max_size=4))
    notes = draw(st.lists(user_text(), min_size=1, max_size=3))
    shapes = draw(
        st.lists(
            st.tuples(
                st.integers(0, days - 1),
                st.integers(0, 24 * 60 - 1),
                st.integers(1, 600),
                st.integers(0, 3),
                st.integers(0, 3),
            ),
            max_size=110,
        )
    )
    events = [
        event(
            i,
            at(first + timedelta(days=day), 0, zone=zone) + timedelta(minutes=minute),
            length,
            names[task % len(names)] or None,
            names[project % len(names)] or None,
            notes[i % len(notes)],
        )
        for i, (day, minute, length, task, project) in enumerate(shapes)
    ]
    begin, end = period.bounds(zone)
    now = draw(
        st.datetimes(begin.replace(tzinfo=None), end.replace(tzinfo=None) + timedelta(days=2))
    )
    now = now.replace(tzinfo=UTC)
    running = None
    if draw(st.booleans()):
        started = now - draw(st.timedeltas(timedelta(hours=-1), timedelta(days=9)))
        running = RunningTimer(draw(tasks()), draw(st.none() | ids_), started, draw(user_text()))
    return summarize(period, events, running, zone, now), zone


@settings(FAST, max_examples=20)
@given(any_reports())
def test_any_report(report_and_zone: tuple[Report, tzinfo]) -> None:
    report, zone = report_and_zone
    pages = walk(report, zone)
    assert len(entry_lines(pages)) == len(report.entries)
    if report.running is not None:  # however long the names, the timer's start survives
        assert "<!date^" in pages[0]["blocks"][1]["text"]["text"]


def test_every_builder_is_tested() -> None:
    """A new builder must be added here and to the tests above."""
    tested = {
        logged_message, kept_message, logged_later_message, not_logged_message, undone_message,
        entry_line, entry_value, parse_entry_value, unresolved_log_message, task_options,
        project_options, log_modal, more_value, parse_more_value, report_message,
        entry_inputs,  # through log_modal here, filled in through the Edit form (test_blocks_edit)
        overlap_note,  # through logged_message (test_blocks_outcomes) and restored_message
    }  # fmt: skip
    public = {
        function
        for module in (entries, log_form, reports)
        for name, function in inspect.getmembers(module, inspect.isfunction)
        if function.__module__ == module.__name__ and not name.startswith("_")
    }
    assert public == tested
