"""The drafts form read back into entries (and mistakes, on their fields), drafts matched to
tasks as ``/track start`` matches, the order they are sent in, and the working-hours settings
read from the settings form and from a stored row."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.blocks import ids
from bot.blocks.settings import (
    BAD_GAP,
    END_BEFORE_START,
    NO_WORK_DAYS,
    NO_WORK_END,
    NO_WORK_START,
    SettingsForm,
    settings_from_form,
)
from bot.logparse import read_post
from bot.services.catalogue import Lists
from bot.services.draft_form import (
    ALL_LEFT_OUT,
    BAD_WHEN,
    ENDS_LATER,
    FUTURE_DAY,
    LONG_AGO,
    NO_DAY,
    NO_TASK,
    DraftFields,
    entries_from_drafts,
)
from bot.services.drafts import draft_rows, sending_order
from bot.services.entry import Entry, unplaced
from bot.storage.accounts import UserSettings
from bot.storage.models import LinkedAccount
from bot.trackingtime import Project, Task

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 12, 2, 16, 0, tzinfo=BERLIN)
TODAY = NOW.date()
YESTERDAY = TODAY - timedelta(days=1)
DESIGN = (101, "Design review · Website")


def fields(**changes: Any) -> DraftFields:
    base: dict[str, Any] = {
        "leave_out": False,
        "task": DESIGN,
        "day": YESTERDAY.isoformat(),
        "when": "2h",
        "notes": " header ",
    }
    return DraftFields(**(base | changes))


def test_rows_become_entries_with_their_row_numbers() -> None:
    checked = entries_from_drafts(
        [fields(), fields(leave_out=True), fields(when="9 - 10:30am", notes="")], BERLIN, NOW
    )
    assert isinstance(checked, list)
    [(first, length), (third, ranged)] = checked
    assert (first, third) == (0, 2)
    when = unplaced(YESTERDAY, timedelta(hours=2), BERLIN)
    assert length == Entry(
        start=when.start,
        end=when.end,
        notes="header",
        task_id=101,
        task_name="Design review",
        project_name="Website",
        placed=False,
    )
    assert ranged.placed and ranged.start == datetime(2026, 12, 1, 9, tzinfo=BERLIN)
    assert ranged.end == datetime(2026, 12, 1, 10, 30, tzinfo=BERLIN)


@pytest.mark.parametrize(
    ("changes", "field", "problem"),
    [
        ({"task": None}, "task", NO_TASK),
        ({"day": None}, "day", NO_DAY),
        ({"day": "2026-02-30"}, "day", NO_DAY),
        ({"day": "2026-12-03"}, "day", FUTURE_DAY),
        ({"day": "2024-01-01"}, "day", LONG_AGO),
        ({"when": None}, "when", BAD_WHEN),
        ({"when": "soon"}, "when", BAD_WHEN),
        ({"when": "25h"}, "when", BAD_WHEN),
        ({"when": "10-9"}, "when", BAD_WHEN),
        ({"when": "9-10 extra"}, "when", BAD_WHEN),
        ({"day": TODAY.isoformat(), "when": "15:00-16:30"}, "when", ENDS_LATER),
    ],
)
def test_each_mistake_is_said_on_its_row_and_field(
    changes: dict[str, Any], field: str, problem: str
) -> None:
    assert entries_from_drafts([fields(), fields(**changes)], BERLIN, NOW) == {(1, field): problem}


def test_a_row_left_out_is_not_checked_but_all_left_out_is_a_mistake() -> None:
    bad = fields(leave_out=True, task=None, when="soon")
    assert entries_from_drafts([bad, fields()], BERLIN, NOW) != {}
    assert isinstance(entries_from_drafts([bad, fields()], BERLIN, NOW), list)
    assert entries_from_drafts([bad, bad], BERLIN, NOW) == {(0, "leave_out"): ALL_LEFT_OUT}


def test_a_range_on_the_day_clocks_go_back_lasts_as_written() -> None:
    now = datetime(2026, 10, 26, 12, tzinfo=BERLIN)
    checked = entries_from_drafts([fields(day="2026-10-25", when="1:30-3:30")], BERLIN, now)
    assert isinstance(checked, list)
    [(_, entry)] = checked
    assert entry.end.astimezone(UTC) - entry.start.astimezone(UTC) == timedelta(hours=3)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.builds(
            DraftFields,
            st.booleans(),
            st.none() | st.tuples(st.integers(1, 10**6), st.text(max_size=30)),
            st.none() | st.text(max_size=12) | st.dates().map(date.isoformat),
            st.none() | st.text(max_size=12),
            st.text(max_size=40),
        ),
        max_size=6,
    )
)
def test_any_submission_is_read_without_raising(rows: list[DraftFields]) -> None:
    checked = entries_from_drafts(rows, BERLIN, NOW)
    if isinstance(checked, dict):
        assert all(0 <= row < len(rows) for row, _ in checked)
        assert {field for _, field in checked} <= set(ids.DRAFT_FIELDS)


# --- Matching and order --------------------------------------------------------------------------

WEBSITE = Project(7, "Website")
TASKS = (
    Task(101, "Design review", 7, "Website"),
    Task(102, "Design review", 8, "Mobile app"),
    Task(103, "Standup", 9, "Internal"),
)
LISTS = Lists(TASKS, (WEBSITE, Project(8, "Mobile app"), Project(9, "Internal")))


def test_drafts_are_matched_as_track_start_matches() -> None:
    post = read_post(
        "Yesterday: 2h standup: daily, 1h design review, 30m design review in website, "
        "45m code golf in website\nToday: 15:30-17:00 standup",
        TODAY,
    )
    rows = draft_rows(post.drafts, LISTS, BERLIN, NOW)
    assert [row.task.id if row.task else None for row in rows] == [103, None, 101, None, 103]
    assert rows[0].notes == "daily" and rows[0].day == YESTERDAY
    assert rows[1].why_no_task == (
        "2 tasks match “design review” (Design review · Mobile app, Design review · Website): "
        "pick one."
    )
    assert rows[3].why_no_task == "No task is called “code golf” in Website: pick one."
    assert rows[3].notes == "code golf"  # the typed name stays with the entry
    assert rows[4].leave_out and not any(row.leave_out for row in rows[:4])  # ends at 17:00


def test_a_typo_gets_a_did_you_mean() -> None:
    [row] = draft_rows(read_post("1h standpu", TODAY).drafts, LISTS, BERLIN, NOW)
    assert row.task is None and row.why_no_task is not None
    assert "Did you mean Standup · Internal?" in row.why_no_task


def test_times_first_then_lengths_in_order_and_todays_latest_first() -> None:
    def length(day: date) -> Entry:
        return unplaced(day, timedelta(hours=1), BERLIN)

    ranged = Entry(NOW - timedelta(hours=3), NOW - timedelta(hours=2))
    entries = [length(YESTERDAY), length(TODAY), ranged, length(TODAY), length(YESTERDAY)]
    assert sending_order(entries, TODAY) == [2, 0, 4, 3, 1]


# --- Working hours in the settings ---------------------------------------------------------------


def settings_form(**changes: Any) -> SettingsForm:
    base: dict[str, Any] = {
        "summary": True,
        "time": "17:30",
        "days": ("0", "1", "2", "3", "4"),
        "limit": "540",
        "work_start": "08:00",
        "work_end": "16:30",
        "work_days": ("0", "1", "2", "3"),
        "gap": "30",
    }
    return SettingsForm(**(base | changes))


def test_working_hours_read_from_the_settings_form() -> None:
    checked = settings_from_form(settings_form())
    assert isinstance(checked, UserSettings)
    assert (checked.work_start, checked.work_end) == (time(8), time(16, 30))
    assert checked.work_days == frozenset({0, 1, 2, 3})
    assert checked.gap_threshold == timedelta(minutes=30)
    off = settings_from_form(settings_form(gap="0", work_days=()))
    assert isinstance(off, UserSettings) and off.gap_threshold == timedelta(0)


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"work_start": None}, {"work_start": NO_WORK_START}),
        ({"work_start": "8am"}, {"work_start": NO_WORK_START}),
        ({"work_end": None}, {"work_end": NO_WORK_END}),
        ({"work_end": "08:00"}, {"work_end": END_BEFORE_START}),
        ({"work_days": ()}, {"work_days": NO_WORK_DAYS}),
        ({"work_days": ("7", "x")}, {"work_days": NO_WORK_DAYS}),
        ({"gap": None}, {"gap_threshold": BAD_GAP}),
        ({"gap": "-5"}, {"gap_threshold": BAD_GAP}),
        ({"gap": "481"}, {"gap_threshold": BAD_GAP}),
        ({"gap": "9" * 100}, {"gap_threshold": BAD_GAP}),
    ],
)
def test_working_hours_mistakes_are_said_on_their_fields(
    changes: dict[str, Any], errors: dict[str, str]
) -> None:
    assert settings_from_form(settings_form(**changes)) == errors


def test_a_stored_row_with_strange_working_hours_reads_as_the_defaults() -> None:
    row = LinkedAccount(
        team_id="T1",
        slack_user_id="U1",
        tt_user_id=1,
        tt_account_id=2,
        tt_workspace_name="Acme",
        app_password_encrypted="x",
        work_start="18:00",
        work_end="09:00",
        work_days="0x9",
        gap_minutes=-3,
    )
    read = UserSettings.from_row(row)
    assert (read.work_start, read.work_end) == (time(9), time(17, 30))
    assert read.work_days == frozenset({0}) and read.gap_threshold == timedelta(0)
